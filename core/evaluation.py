"""The year-end evaluation (年末有考评): each racing member's 年度履职情况 from the same rules as the race.

Pure and typed; storage/evaluation.py gathers the inputs (the year's score as of its last day, the monthly
boards, the key topic), reports/evaluation.py shows the result, the office adds its grade and comment.

Per member: every duty done / target (the race's pro-rated target: `core.race.score` on the year, so a
member who took office mid-year is asked for the days they served), the on-time rate of replies, feedback
and supervised tasks (percent, one decimal, half up; None when nothing was judged), the items overdue on
the year's last day, the key research topic's stage, the year's score and rank, and the months they led
(rank 1 on the month's board; a tie for first is a lead shared).
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from core.boards import first_workday
from core.domain import Duty, TopicStage
from core.race import DeadlineKind, Ranked, Score
from core.text import utf16_len

__all__ = ["MAX_COMMENT", "DutyLine", "KindRate", "MemberEvaluation",
           "CommentProblem", "comment_problem", "evaluate", "moment", "months_led",
           "furthest_stage", "percent", "percent_of"]

MAX_COMMENT = 500  # characters, as Telegram counts them
_TENTH = Decimal("0.1")


def furthest_stage(stages: Iterable[TopicStage]) -> TopicStage | None:
    """The member's key research topic of the year at its furthest stage (立项 → 调研中 → 形成报告 → 成果转化,
    core.domain.TopicStage), of all they lead; None when they lead none."""
    order = list(TopicStage)
    return max(stages, key=order.index, default=None)


def percent(part: int, whole: int) -> Decimal | None:
    """``part`` of ``whole`` as a percentage with one decimal (half up); None when ``whole`` is 0."""
    if whole <= 0:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(_TENTH, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class DutyLine:
    """One of the six duties in a member's evaluation: done against the year's target, and the
    completion in percent."""

    duty: Duty
    done: Decimal
    target: Decimal  # pro-rated as the race does, unrounded (reports round it)
    completion: Decimal | None  # percent, one decimal, capped at 100.0; None when nothing was asked


@dataclass(frozen=True)
class ExtraLine:
    """One of the team's own duties (core/team_duties.py), as :class:`DutyLine` for the six."""

    name: str
    unit: str
    done: Decimal
    target: Decimal
    completion: Decimal | None


@dataclass(frozen=True)
class KindRate:
    """One kind of deadline in a member's evaluation: how many were judged, on time (and the rate) and
    overdue."""

    kind: DeadlineKind
    judged: int
    on_time: int
    rate: Decimal | None  # percent, one decimal
    overdue: int


@dataclass(frozen=True)
class MemberEvaluation:
    """One member's 年度履职情况: duties, on-time rates, items overdue, key topic, score and rank, and
    the months they led."""

    member_id: int
    year: int
    active_days: int
    duties: tuple[DutyLine, ...]
    rates: tuple[KindRate, ...]  # one per kind, in DeadlineKind order (kinds with nothing: zeros)
    on_time_rate: Decimal | None  # every kind together, percent
    overdue: int  # unanswered and past due on the year's last day (as of the evaluation's day)
    topic: TopicStage | None  # the key topic's furthest stage; None: none registered
    score: Decimal  # the year's total
    rank: int | None  # None: not ranked (no active day)
    ranked_of: int  # how many were ranked
    months_led: tuple[int, ...]  # months (1–12) the member was first on the board
    extras: tuple[ExtraLine, ...] = ()  # the team's own duties, after the six


def months_led(monthly: Mapping[int, Sequence[Ranked]], member_id: int) -> tuple[int, ...]:
    """The months whose board had the member first with work done that month (a tie for first counts for
    each tied member). A first place held on the on-time points alone (nothing done: alone on the board, all
    tied at nothing, or ahead only of someone's overdue penalty) leads nothing."""
    return tuple(month for month, board in sorted(monthly.items())
                 if any(entry.member_id == member_id and entry.rank == 1 and entry.score.duty_points > 0
                        for entry in board))


def evaluate(year_score: Score, board: Sequence[Ranked], monthly: Mapping[int, Sequence[Ranked]],
             topic: TopicStage | None) -> MemberEvaluation:
    """One member's 年度履职情况 from their score for the year, the year's ranking and the months' boards."""
    duties = tuple(DutyLine(term.duty, term.done, term.target,
                            None if term.target <= 0 else min(Decimal("100.0"), percent_of(term.done, term.target)))
                   for term in year_score.duties)
    extras = tuple(ExtraLine(term.name, term.unit, term.done, term.target, None if term.target <= 0 else
                             min(Decimal("100.0"), percent_of(term.done, term.target)))
                   for term in year_score.extras)
    tallies = {tally.kind: tally for tally in year_score.tallies}
    rates = tuple(KindRate(kind, 0, 0, None, 0) if tally is None else
                  KindRate(kind, tally.judged, tally.on_time, percent(tally.on_time, tally.judged), tally.overdue)
                  for kind in DeadlineKind for tally in [tallies.get(kind)])
    own = next((entry for entry in board if entry.member_id == year_score.member_id), None)
    return MemberEvaluation(
        member_id=year_score.member_id, year=year_score.period.year, active_days=year_score.active_days,
        duties=duties, rates=rates, on_time_rate=percent(year_score.on_time, year_score.judged),
        overdue=year_score.overdue, topic=topic, score=year_score.total,
        rank=None if own is None else own.rank, ranked_of=len(board),
        months_led=months_led(monthly, year_score.member_id), extras=extras)


def percent_of(done: Decimal, target: Decimal) -> Decimal:
    """done / target as a percentage with one decimal (half up); target > 0."""
    return (done * 100 / target).quantize(_TENTH, rounding=ROUND_HALF_UP)


class CommentProblem(enum.StrEnum):
    EMPTY = "empty"
    TOO_LONG = "too_long"


PUBLISHING_MONTH = 11  # this year's evaluation may go out from November (年末考评), not while the year is young


def publishable(year: int, today: date) -> bool:
    """Whether the office may publish the evaluation of ``year`` on ``today``: a year gone, or this year's from
    November, as offices begin the year-end assessment (grades are fixed once published, so not in January)."""
    return year < today.year or (year == today.year and today.month >= PUBLISHING_MONTH)


def comment_problem(text: str) -> CommentProblem | None:
    """What is wrong with the office's comment, or None."""
    if not text.strip():
        return CommentProblem.EMPTY
    if utf16_len(text.strip()) > MAX_COMMENT:
        return CommentProblem.TOO_LONG
    return None



def moment(year: int, at: time, tz: ZoneInfo, is_workday: Callable[[date], bool]) -> datetime:
    """When the year's evaluation is due to the office: the first working day after the year's last one (the
    next year's first working day: 元旦 and weekends pass first) at ``at``, team time, beside the year's board."""
    return datetime.combine(first_workday(year + 1, 1, is_workday), at, tzinfo=tz)

"""Tests for core.race: periods, the score's terms (caps, pro-rating, on time, overdue) and ranking."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.domain import Duty
from core.pace import DEFAULT_TARGETS, Availability
from core.race import (
    Deadline,
    DeadlineKind,
    DeadlineTally,
    ExtraDuty,
    MemberInputs,
    Period,
    PeriodKind,
    Score,
    Weights,
    board_day,
    judge_deadlines,
    period_active_days,
    period_target,
    rank,
    score,
    tally_deadlines,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")

PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
D = Decimal
NOV = Period(PeriodKind.MONTH, 2026, 11)
Q4 = Period(PeriodKind.QUARTER, 2026, 4)
Y2026 = Period(PeriodKind.YEAR, 2026)
WEIGHTS = Weights(duties={Duty.RESEARCH_DAYS: D(30), Duty.KEY_RESEARCH_TOPICS: D(10),
                          Duty.COLLECTIVE_STUDY: D(15), Duty.LAW_STUDY: D(10), Duty.KEY_SUGGESTIONS: D(10),
                          Duty.KEY_PROPOSALS: D(10)},
                  on_time=D(15), overdue_penalty=D(2))


def d(month: int, day: int, year: int = 2026) -> date:
    return date(year, month, day)


def inputs(member_id: int = 1, done: dict[Duty, Decimal] | None = None, *, joined: date | None = None,
           leave: tuple[tuple[date, date], ...] = (), deadlines: tuple[Deadline, ...] = (),
           year: int = 2026) -> MemberInputs:
    return MemberInputs(member_id, Availability(year, from_day=joined, leave=leave), DEFAULT_TARGETS,
                        done or {}, deadlines)


# --------------------------------------------------------------------------- periods

@pytest.mark.parametrize(("period", "key", "label", "start", "end", "previous"), [
    (NOV, "2026-11", "2026-11", d(11, 1), d(11, 30), "2026-10"),
    (Period(PeriodKind.MONTH, 2026, 1), "2026-01", "2026-01", d(1, 1), d(1, 31), "2025-12"),
    (Period(PeriodKind.MONTH, 2028, 2), "2028-02", "2028-02", d(2, 1, 2028), d(2, 29, 2028), "2028-01"),
    (Period(PeriodKind.MONTH, 2026, 12), "2026-12", "2026-12", d(12, 1), d(12, 31), "2026-11"),
    (Q4, "2026-Q4", "2026 Q4", d(10, 1), d(12, 31), "2026-Q3"),
    (Period(PeriodKind.QUARTER, 2026, 1), "2026-Q1", "2026 Q1", d(1, 1), d(3, 31), "2025-Q4"),
    (Y2026, "2026", "2026", d(1, 1), d(12, 31), "2025"),
])
def test_periods(period: Period, key: str, label: str, start: date, end: date, previous: str) -> None:
    shown = (period.key, period.label, period.start, period.end, period.previous.key)
    assert shown == (key, label, start, end, previous)
    assert Period.parse(key) == period
    assert period.previous.next == period


@pytest.mark.parametrize("key", ["2026-13", "2026-Q5", "nov", "2026-Q0", ""])
def test_bad_period_keys_are_refused(key: str) -> None:
    with pytest.raises(ValueError):
        Period.parse(key)


def test_the_period_containing_a_day_and_its_board_day() -> None:
    assert Period.containing(PeriodKind.MONTH, d(11, 21)) == NOV
    assert Period.containing(PeriodKind.QUARTER, d(11, 21)) == Q4
    assert Period.containing(PeriodKind.YEAR, d(11, 21)) == Y2026
    assert board_day(NOV, d(11, 21)) == d(11, 21)  # current: today
    assert board_day(Period(PeriodKind.MONTH, 2026, 10), d(11, 21)) == d(10, 31)  # closed: its last day
    with pytest.raises(ValueError):
        board_day(Period(PeriodKind.MONTH, 2026, 12), d(11, 21))


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31)), st.sampled_from(list(PeriodKind)))
@PROPERTY
def test_periods_tile_the_calendar(day: date, kind: PeriodKind) -> None:
    period = Period.containing(kind, day)
    assert day in period
    assert period.previous.end == period.start - timedelta(days=1)
    assert Period.parse(period.key) == period


# --------------------------------------------------------------------------- targets

@pytest.mark.parametrize(("availability", "period", "day", "days", "research_target"), [
    (Availability(2026), NOV, d(11, 30), 30, D(60) * 30 / 365),
    (Availability(2026), NOV, d(11, 21), 21, D(60) * 21 / 365),  # current month: the days gone by
    (Availability(2026, from_day=d(11, 16)), NOV, d(11, 30), 15, D(60) * 15 / 365),  # joined mid-month
    (Availability(2026, from_day=d(12, 1)), NOV, d(11, 30), 0, D(0)),  # not yet joined
    (Availability(2026, leave=((d(10, 25), d(11, 10)),)), NOV, d(11, 30), 20, D(60) * 20 / 365),  # leave
    (Availability(2026), Y2026, d(12, 31), 365, D(60)),
    (Availability(2026), Period(PeriodKind.QUARTER, 2026, 1), d(3, 31), 90, D(60) * 90 / 365),
    (Availability(2026, from_day=d(2, 15)), Period(PeriodKind.QUARTER, 2026, 1), d(3, 31), 45,
     D(60) * 45 / 365),
])
def test_the_period_target_is_spread_over_the_active_days(
        availability: Availability, period: Period, day: date, days: int, research_target: Decimal) -> None:
    assert period_active_days(availability, period, day) == days
    assert period_target(D(60), availability, period, day) == research_target


# --------------------------------------------------------------------------- deadlines

@pytest.mark.parametrize(("deadline", "day", "expected"), [
    (Deadline(d(11, 10), d(11, 9)), d(11, 30), (1, 1, 0)),  # answered early
    (Deadline(d(11, 10), d(11, 10)), d(11, 30), (1, 1, 0)),  # on the due day
    (Deadline(d(11, 10), d(11, 12)), d(11, 30), (1, 0, 0)),  # late, but answered
    (Deadline(d(11, 10)), d(11, 30), (1, 0, 1)),  # unanswered and past due
    (Deadline(d(11, 25)), d(11, 21), (0, 0, 0)),  # not due yet: waits
    (Deadline(d(11, 21)), d(11, 21), (0, 0, 0)),  # due today: not overdue yet
    (Deadline(d(11, 25), d(11, 20)), d(11, 21), (1, 1, 0)),  # answered before due: judged at once
    (Deadline(d(9, 1)), d(11, 30), (0, 0, 1)),  # due in an earlier period: still overdue, not judged here
    (Deadline(d(11, 10), d(12, 2)), d(11, 30), (1, 0, 1)),  # an answer after the board day is not seen
    (Deadline(d(12, 5)), d(11, 30), (0, 0, 0)),  # due in a later period
])
def test_deadlines(deadline: Deadline, day: date, expected: tuple[int, int, int]) -> None:
    assert judge_deadlines([deadline], NOV, day) == expected


def at(month: int, day: int, hour: int = 18, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=SHANGHAI)


def task(due: datetime, *, reported: datetime | None = None, closed: datetime | None = None) -> Deadline:
    """A task assignment as storage reads it: answered on the day it was closed, on time by its report."""
    return Deadline(due.date(), None if closed is None else closed.date(), DeadlineKind.TASK, due_at=due,
                    done_at=None if closed is None else (reported or closed))


@pytest.mark.parametrize(("deadline", "day", "expected"), [
    (task(at(11, 10), reported=at(11, 9), closed=at(11, 11)), d(11, 30), (1, 1, 0)),  # reported in time, closed later
    (task(at(11, 10), reported=at(11, 10, 18, 0), closed=at(11, 10, 19)), d(11, 30), (1, 1, 0)),  # at the instant
    (task(at(11, 10), reported=at(11, 10, 18, 1), closed=at(11, 10, 19)), d(11, 30), (1, 0, 0)),  # a minute late
    (task(at(11, 10), reported=at(11, 12), closed=at(11, 13)), d(11, 30), (1, 0, 0)),  # reported after it
    (task(at(11, 10)), d(11, 30), (1, 0, 1)),  # still assigned past due: overdue
    (task(at(11, 10)), d(11, 23), (1, 0, 1)),  # 13 days overdue
    (task(at(11, 10)), d(11, 10), (0, 0, 0)),  # due today: waits
    (task(at(11, 10), reported=at(11, 9), closed=at(12, 2)), d(11, 30), (1, 0, 1)),  # reported, not closed yet
    (task(at(11, 25), reported=at(11, 20), closed=at(11, 21)), d(11, 21), (1, 1, 0)),  # closed before due
    (task(at(9, 1)), d(11, 30), (0, 0, 1)),  # an older task still open costs on every board
    (task(at(12, 5)), d(11, 30), (0, 0, 0)),  # due later
])
def test_task_deadlines(deadline: Deadline, day: date, expected: tuple[int, int, int]) -> None:
    assert judge_deadlines([deadline], NOV, day) == expected


def test_deadlines_are_tallied_by_kind() -> None:
    items = [Deadline(d(11, 10), d(11, 9)), Deadline(d(11, 3), None, DeadlineKind.FEEDBACK),
             task(at(11, 10)), task(at(11, 5), reported=at(11, 4), closed=at(11, 6))]
    assert tally_deadlines(items, NOV, d(11, 23)) == (
        DeadlineTally(DeadlineKind.REPLY, 1, 1, 0), DeadlineTally(DeadlineKind.FEEDBACK, 1, 0, 1),
        DeadlineTally(DeadlineKind.TASK, 2, 1, 1))
    result = score(inputs(deadlines=tuple(items)), NOV, as_of=d(11, 23), weights=WEIGHTS)
    assert (result.judged, result.on_time, result.overdue) == (4, 2, 2)
    assert result.tallies[-1] == DeadlineTally(DeadlineKind.TASK, 2, 1, 1)


def test_an_answer_instant_needs_a_due_instant() -> None:
    with pytest.raises(ValueError):
        Deadline(d(11, 10), d(11, 9), DeadlineKind.TASK, done_at=at(11, 9))


# --------------------------------------------------------------------------- scores

def test_a_full_month_of_everything_scores_every_weight() -> None:
    done = {duty: D(100) for duty in Duty}  # far beyond every target: capped
    result = score(inputs(done=done), NOV, as_of=d(11, 30), weights=WEIGHTS)
    assert result.total == D(100)
    assert all(term.completion == 1 and term.padded for term in result.duties)
    assert (result.on_time_rate, result.on_time_points, result.overdue_points) == (None, D(15), D(0))


def test_padding_one_duty_cannot_buy_another() -> None:
    research_target = D(60) * 30 / 365  # ≈ 4.93 days in November
    just = score(inputs(done={Duty.RESEARCH_DAYS: D(5)}), NOV, as_of=d(11, 30), weights=WEIGHTS)
    padded = score(inputs(done={Duty.RESEARCH_DAYS: D(30)}), NOV, as_of=d(11, 30), weights=WEIGHTS)
    assert D(5) > research_target
    assert just.total == padded.total == D(45)  # 30 for research + 15 on time (nothing judged)


def test_half_the_target_earns_half_the_weight() -> None:
    half = D(60) * 30 / 365 / 2
    result = score(inputs(done={Duty.RESEARCH_DAYS: half}), NOV, as_of=d(11, 30), weights=WEIGHTS)
    research = result.duties[0]
    assert (research.duty, research.completion, research.points) == (Duty.RESEARCH_DAYS, D("0.5"), D(15))


def test_a_member_who_joined_mid_month_is_asked_for_half() -> None:
    days = D(60) * 15 / 365  # what fifteen days ask for
    late = score(inputs(done={Duty.RESEARCH_DAYS: D(3)}, joined=d(11, 16)), NOV, as_of=d(11, 30),
                 weights=WEIGHTS)
    whole = score(inputs(done={Duty.RESEARCH_DAYS: D(3)}), NOV, as_of=d(11, 30), weights=WEIGHTS)
    assert late.duties[0].target == days and late.duties[0].completion == 1  # 3 days ≥ 2.47
    assert whole.duties[0].completion == D(3) / (D(60) * 30 / 365)
    assert late.total > whole.total
    assert late.active_days == 15 and late.ranked


def test_a_member_not_yet_joined_or_on_leave_all_period_is_not_ranked() -> None:
    absent = score(inputs(joined=d(12, 1)), NOV, as_of=d(11, 30), weights=WEIGHTS)
    away = score(inputs(leave=((d(10, 1), d(12, 10)),)), NOV, as_of=d(11, 30), weights=WEIGHTS)
    assert not absent.ranked and not away.ranked
    assert rank([absent, away]) == []


def test_on_time_and_overdue_terms() -> None:
    deadlines = (Deadline(d(11, 3), d(11, 2)), Deadline(d(11, 5), d(11, 9)), Deadline(d(11, 6)),
                 Deadline(d(8, 1)))  # on time, late, overdue, overdue since August
    result = score(inputs(deadlines=deadlines), NOV, as_of=d(11, 30), weights=WEIGHTS)
    assert (result.judged, result.on_time, result.overdue) == (3, 1, 2)
    assert result.on_time_rate == D(1) / D(3)
    assert result.on_time_points == D(5)
    assert result.overdue_points == D(4)
    assert result.total == D(1)  # no duty done: 0 + 5 − 4


def test_the_total_can_go_below_zero_and_is_rounded_to_cents() -> None:
    many_overdue = tuple(Deadline(d(11, 1)) for _ in range(20))
    result = score(inputs(deadlines=many_overdue), NOV, as_of=d(11, 30), weights=WEIGHTS)
    assert result.total == D(-40)  # 15 × 0 on time − 40
    third = score(inputs(done={Duty.LAW_STUDY: D(1)}), Y2026, as_of=d(12, 31), weights=WEIGHTS)
    assert third.total == D("17.50")  # 10 × 1/4 + 15


def test_a_target_of_zero_counts_as_complete() -> None:
    targets = dict(DEFAULT_TARGETS) | {Duty.KEY_PROPOSALS: D(0)}
    member = MemberInputs(1, Availability(2026), targets, {})
    result = score(member, NOV, as_of=d(11, 30), weights=WEIGHTS)
    assert next(t for t in result.duties if t.duty is Duty.KEY_PROPOSALS).points == D(10)


# --------------------------------------------------------------------------- ranking

def _score(member_id: int, total: str, active_days: int = 30) -> Score:
    return Score(member_id=member_id, period=NOV, day=d(11, 30), active_days=active_days, duties=(), judged=0,
                 on_time=0, on_time_rate=None, on_time_weight=D(15), on_time_points=D(15), overdue=0,
                 overdue_penalty=D(2), overdue_points=D(0), total=D(total))


@pytest.mark.parametrize(("totals", "ranks"), [
    ([("1", "90"), ("2", "80"), ("3", "80"), ("4", "70")], [(1, 1), (2, 2), (3, 2), (4, 4)]),
    ([("1", "50"), ("2", "50"), ("3", "50")], [(1, 1), (2, 1), (3, 1)]),
    ([("3", "10"), ("2", "20"), ("1", "30")], [(1, 1), (2, 2), (3, 3)]),
    ([("1", "-4"), ("2", "0")], [(2, 1), (1, 2)]),
    ([], []),
])
def test_ties_share_a_rank_and_the_next_skips(totals: list[tuple[str, str]],
                                              ranks: list[tuple[int, int]]) -> None:
    ranked = rank([_score(int(member), total) for member, total in totals])
    assert [(r.member_id, r.rank) for r in ranked] == ranks


def test_movement_against_the_previous_period() -> None:
    ranked = rank([_score(1, "90"), _score(2, "80"), _score(3, "70"), _score(4, "60")],
                  previous={1: 3, 2: 2, 3: 1})
    assert [(r.member_id, r.movement, r.is_new) for r in ranked] == [
        (1, 2, False), (2, 0, False), (3, -2, False), (4, None, True)]


@given(st.lists(st.integers(min_value=-50, max_value=100), max_size=30))
@PROPERTY
def test_ranks_are_one_more_than_those_strictly_ahead(totals: list[int]) -> None:
    scores = [_score(i, str(total)) for i, total in enumerate(totals)]
    ranked = rank(scores)
    assert len(ranked) == len(scores)
    for entry in ranked:
        assert entry.rank == 1 + sum(1 for s in scores if s.total > entry.score.total)
    assert [r.rank for r in ranked] == sorted(r.rank for r in ranked)


amounts = st.decimals(min_value=0, max_value=200, places=1, allow_nan=False, allow_infinity=False)


@given(st.dictionaries(st.sampled_from(list(Duty)), amounts), st.sampled_from(list(Duty)), amounts,
       st.dates(min_value=d(1, 1), max_value=d(12, 31)), st.sampled_from(list(PeriodKind)))
@PROPERTY
def test_doing_more_never_lowers_the_score_and_it_stays_within_the_weights(
        done: dict[Duty, Decimal], duty: Duty, extra: Decimal, day: date, kind: PeriodKind) -> None:
    period = Period.containing(kind, day)
    before = score(inputs(done=done), period, as_of=day, weights=WEIGHTS)
    more = dict(done) | {duty: done.get(duty, D(0)) + extra}
    after = score(inputs(done=more), period, as_of=day, weights=WEIGHTS)
    assert after.total >= before.total
    assert D(0) <= before.total <= WEIGHTS.maximum
    assert all(D(0) <= term.completion <= 1 for term in after.duties)
    others = [t.points for t in after.duties if t.duty is not duty]
    assert others == [t.points for t in before.duties if t.duty is not duty]  # no duty buys another


# --------------------------------------------------------------------------- the team's own duties


def test_a_team_duty_scores_with_its_weight_capped_and_pro_rated_like_the_six() -> None:
    visits = ExtraDuty(7, "接访下访", "天", weight=D(5), yearly_target=D(12))
    half = D(12) * 15 / 365 / 2  # half of what fifteen days of November ask for
    joined = MemberInputs(1, Availability(2026, from_day=d(11, 16)), DEFAULT_TARGETS, {},
                          extras=(dataclasses.replace(visits, done=half),))
    result = score(joined, NOV, as_of=d(11, 30), weights=WEIGHTS)
    (term,) = result.extras
    assert (term.key, term.name, term.unit) == (7, "接访下访", "天")
    assert (term.target, term.completion, term.points) == (D(12) * 15 / 365, D("0.5"), D("2.5"))
    assert result.total == D("17.5")  # 2.5 for the visits + 15 on time (nothing judged)
    assert result.duty_points == D("2.5")
    padded = score(dataclasses.replace(joined, extras=(dataclasses.replace(visits, done=D(30)),)), NOV,
                   as_of=d(11, 30), weights=WEIGHTS)
    assert padded.extras[0].completion == 1 and padded.total == D(20)  # capped at its weight
    none = score(dataclasses.replace(joined, extras=()), NOV, as_of=d(11, 30), weights=WEIGHTS)
    assert none.extras == () and none.total == D(15)

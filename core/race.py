"""The horse race (赛马): periods, one member's score for a period, and the ranking with movement.

Pure and typed; storage/race.py gathers the inputs, reports/race_board.py shows the result.

A score for a period is read *as of* a day (the board day: the period's last day for a closed
period, today for the current one) and adds up, every term kept for the explanation:

* **Duties.** Per duty, completion = done in the period up to the board day ÷ the period's
  pro-rated target, capped at 100 % (padding one duty cannot buy another), times the duty's
  weight (config ``race``). The period's target is the yearly target spread over the period's
  *active* days up to the board day (:mod:`core.pace`: days from joining on, leave excluded), so
  a member who joined mid-period or was on leave is asked for less, and a current month is judged
  on the days gone by, not on days still to come. Where the team set quarter targets (季目标) for a
  duty, each active day weighs its quarter's share instead (:func:`curve_target`): a month of a
  light first quarter asks for less than a month of a heavy last one. A duty whose target is 0 (nothing asked) counts
  as complete.
* **On time.** Replies to suggestions/proposals, feedback on follow-up items and supervised
  tasks (督办) whose deadline falls in the period are judged once answered or once overdue
  (:class:`Deadline`): on time when answered by the due day. The rate × the ``on_time`` weight
  is added.
* **Supervised tasks.** A task's deadline is an instant (``due_at``), so it keeps its instant:
  an assignment is *answered* on the day the office closed it (销账: a report alone is not done,
  a returned report is undone, and after a return the answer is the next report), and it is
  *on time* when the report that was finally closed was made by the due instant
  (``done_at`` = that report's instant ≤ ``due_at``): the member did the work when they
  reported, however long the office took to confirm it. An assignment still open on the board
  day (assigned, or reported and not yet closed) after its due day is overdue, exactly like an
  unanswered reply. A cancelled task counts for nothing (storage leaves it out). A member with
  nothing to judge gets the weight in full: having had nothing due is not a fault, and a new
  member should not start behind those who had easy deadlines.
* **Overdue.** Minus ``overdue_penalty`` for every item not answered and past its due day on
  the board day, whatever period it fell due in (an old overdue item keeps costing until it is
  answered). The total can therefore be negative.

The total is rounded half-up to 0.01 (as stored in race snapshots) and ranks compare the
rounded totals, so two scores shown alike are tied. A member with no active day in the period
(joined after it, or on leave throughout) is not ranked: see :attr:`Score.ranked`.

Ranking (:func:`rank`) is "1, 2, 2, 4": a member's rank is one more than the number of members
with a strictly higher total. Movement compares with the previous period's ranks: positive is
up (↑2), negative down (↓1), 0 unchanged (—), None when the member was not ranked then ("new").
"""

from __future__ import annotations

import enum
import functools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Context, Decimal, localcontext
from types import MappingProxyType

from core import pace
from core.domain import Duty

__all__ = [
    "Deadline", "DeadlineKind", "DeadlineTally", "DutyTerm", "ExtraDuty", "ExtraTerm", "MemberInputs", "Period", "PeriodKind", "Ranked",
    "Score", "Weights", "board_day", "curve_target", "judge_deadlines", "tally_deadlines", "period_active_days",
    "period_target", "rank", "score", "score_all", "Step", "closing_steps", "most_improved", "neighbours", "next_place",
]

_CONTEXT = Context(prec=28, rounding=ROUND_HALF_UP)
_DUTIES = tuple(Duty)  # iterating the enum class costs more than the tuple, 6 times per member scored
_ZEROS = (Decimal(0),) * len(_DUTIES)  # what a duty missing from a member's done counts (map's defaults)
_CENTS = Decimal("0.01")
ONE = Decimal(1)
ZERO = Decimal(0)


# --------------------------------------------------------------------------- periods


class PeriodKind(enum.StrEnum):
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"


@dataclass(frozen=True, order=True)
class Period:
    """A calendar month, quarter or year; ``index`` is the month (1–12), the quarter (1–4) or 1."""

    kind: PeriodKind
    year: int
    index: int = 1

    def __post_init__(self) -> None:
        limit = {PeriodKind.MONTH: 12, PeriodKind.QUARTER: 4, PeriodKind.YEAR: 1}[self.kind]
        if not 1 <= self.index <= limit:
            raise ValueError(f"{self.kind.value} index must be 1–{limit}, not {self.index}")
        if not date.min.year < self.year < date.max.year:
            raise ValueError(f"year out of range: {self.year}")

    @classmethod
    def containing(cls, kind: PeriodKind, day: date) -> Period:
        if kind is PeriodKind.MONTH:
            return cls(kind, day.year, day.month)
        if kind is PeriodKind.QUARTER:
            return cls(kind, day.year, pace.quarter_of(day))
        return cls(kind, day.year)

    @classmethod
    def parse(cls, key: str) -> Period:
        """The inverse of :attr:`key`: "2026-11", "2026-Q4", "2026"."""
        try:
            if "-Q" in key:
                year, quarter = key.split("-Q")
                return cls(PeriodKind.QUARTER, int(year), int(quarter))
            if "-" in key:
                year, month = key.split("-")
                return cls(PeriodKind.MONTH, int(year), int(month))
            return cls(PeriodKind.YEAR, int(key))
        except ValueError as error:
            raise ValueError(f"not a period key: {key!r}") from error

    @property
    def key(self) -> str:
        """How snapshots name the period: "2026-11", "2026-Q4", "2026"."""
        if self.kind is PeriodKind.MONTH:
            return f"{self.year}-{self.index:02d}"
        if self.kind is PeriodKind.QUARTER:
            return f"{self.year}-Q{self.index}"
        return str(self.year)

    @property
    def label(self) -> str:
        """A language-neutral label ("2026-11", "2026 Q4", "2026"); reports put it in words."""
        return self.key.replace("-Q", " Q")

    @functools.cached_property
    def start(self) -> date:
        if self.kind is PeriodKind.MONTH:
            return date(self.year, self.index, 1)
        if self.kind is PeriodKind.QUARTER:
            return date(self.year, 3 * self.index - 2, 1)
        return date(self.year, 1, 1)

    @functools.cached_property
    def end(self) -> date:
        if self.kind is PeriodKind.MONTH:
            following = date(self.year + 1, 1, 1) if self.index == 12 else date(self.year, self.index + 1, 1)
            return following - timedelta(days=1)
        if self.kind is PeriodKind.QUARTER:
            return pace.quarter_end(self.year, self.index)
        return date(self.year, 12, 31)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def previous(self) -> Period:
        return Period.containing(self.kind, self.start - timedelta(days=1))

    @property
    def next(self) -> Period:
        return Period.containing(self.kind, self.end + timedelta(days=1))

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day <= self.end


def board_day(period: Period, as_of: date) -> date:
    """The day the period is judged on: its last day once closed, else ``as_of``."""
    if as_of < period.start:
        raise ValueError(f"{period.key} has not started on {as_of}")
    return min(period.end, as_of)


# --------------------------------------------------------------------------- inputs


@dataclass(frozen=True)
class Weights:
    """Points per duty at 100 % completion, for an on-time rate of 100 %, and per overdue item."""

    duties: Mapping[Duty, Decimal]
    on_time: Decimal
    overdue_penalty: Decimal

    @property
    def maximum(self) -> Decimal:
        return sum(self.duties.values(), ZERO) + self.on_time


class DeadlineKind(enum.StrEnum):
    REPLY = "reply"  # a suggestion's / proposal's reply (答复), due on a day
    FEEDBACK = "feedback"  # a follow-up item's feedback to the grassroots (反馈), due on a day
    TASK = "task"  # a supervised task's assignment (督办), due at an instant


_DEADLINE_KINDS = tuple(DeadlineKind)


@dataclass(frozen=True)
class Deadline:
    """Something due on ``due`` (the team's day); ``done_on`` is the day it counts as answered (None
    while not). Items due at an instant (tasks) also carry ``due_at`` and ``done_at`` (aware
    instants: when the answer was made): they are on time when ``done_at <= due_at``, to the
    minute, while ``due``/``done_on`` (the same instants' days in the team's time; for a task,
    ``done_on`` is the day it was closed) say when it is overdue and when the answer is seen."""

    due: date
    done_on: date | None = None
    kind: DeadlineKind = DeadlineKind.REPLY
    due_at: datetime | None = None
    done_at: datetime | None = None

    def __post_init__(self) -> None:
        if self.done_at is not None and self.due_at is None:
            raise ValueError("an answer instant needs a due instant")

    @property
    def answered_in_time(self) -> bool:
        """Answered by the deadline (whether it is answered yet on a board day is the caller's question)."""
        if self.done_on is None:
            return False
        if self.due_at is not None and self.done_at is not None:
            return self.done_at <= self.due_at
        return self.done_on <= self.due


@dataclass(frozen=True)
class DeadlineTally:
    """One kind's share of a score's deadlines: judged, of which on time, and overdue on the board day."""

    kind: DeadlineKind
    judged: int = 0
    on_time: int = 0
    overdue: int = 0


_NO_TALLY: tuple[tuple[DeadlineTally, ...], int, int, int] = ((), 0, 0, 0)  # nothing judged, nothing overdue


@dataclass(frozen=True)
class ExtraDuty:
    """One of the team's own duties (core/team_duties.py) as a term of a member's score: its weight and yearly
    target (the team's, for everyone) and what the member did in the period up to the board day. Scored like
    the six: the target spread over the active days, completion capped at 100 %, times the weight."""

    key: int  # the duty's id
    name: str
    unit: str
    weight: Decimal
    yearly_target: Decimal
    done: Decimal = Decimal(0)


@dataclass(frozen=True)
class MemberInputs:
    """What one member's score is computed from, for one period read as of one day."""

    member_id: int
    availability: pace.Availability  # for the period's year
    yearly_targets: Mapping[Duty, Decimal]
    done: Mapping[Duty, Decimal]  # done in the period up to the board day (a duty missing: 0)
    deadlines: Sequence[Deadline] = ()  # may hold more than needed: only relevant ones count
    # the team's quarter targets (季目标) per duty where set: the period's target follows them (core.pace)
    quarter_targets: Mapping[Duty, pace.QuarterTargets] = field(default_factory=lambda: MappingProxyType({}))
    extras: Sequence[ExtraDuty] = ()  # the team's own duties in use, beyond the six
    # the deadlines counted already (storage counts them in the database): used instead of ``deadlines``
    tallies: Sequence[DeadlineTally] | None = None


# --------------------------------------------------------------------------- the score


@dataclass(frozen=True)
class DutyTerm:
    """One of the six duties' term in a score: done against the period's target, the completion and the
    points it earns."""

    duty: Duty
    done: Decimal
    target: Decimal  # the period's pro-rated target up to the board day
    completion: Decimal  # done / target, capped at 1 (1 when the target is 0)
    weight: Decimal
    points: Decimal  # weight × completion

    @property
    def padded(self) -> bool:
        """Done beyond the target: the surplus earns nothing (the cap)."""
        return self.done > self.target


@dataclass(frozen=True)
class ExtraTerm:
    """A team duty's term in a score: as :class:`DutyTerm` for one of the six."""

    key: int
    name: str
    unit: str
    done: Decimal
    target: Decimal
    completion: Decimal
    weight: Decimal
    points: Decimal


@dataclass(frozen=True)
class Score:
    """One member's score for a period as of the board day, every term kept for the explanation."""

    member_id: int
    period: Period
    day: date  # the board day
    active_days: int  # days of the period up to the board day the member counted
    duties: tuple[DutyTerm, ...]
    judged: int  # replies and feedback judged in the period
    on_time: int  # of which answered by the due day
    on_time_rate: Decimal | None  # None when nothing was judged
    on_time_weight: Decimal
    on_time_points: Decimal
    overdue: int  # items past due and unanswered on the board day
    overdue_penalty: Decimal  # per item
    overdue_points: Decimal  # deducted: overdue × penalty (≥ 0)
    total: Decimal  # rounded to 0.01
    tallies: tuple[DeadlineTally, ...] = ()  # judged / on time / overdue per kind (kinds with none left out)
    extras: tuple[ExtraTerm, ...] = ()  # the team's own duties, after the six

    @property
    def ranked(self) -> bool:
        """Whether the member counted on any day of the period (else they are left off the board)."""
        return self.active_days > 0

    @property
    def duty_points(self) -> Decimal:
        """Points from every duty: the six and the team's own."""
        return sum((term.points for term in self.duties), ZERO) + sum((term.points for term in self.extras), ZERO)


def period_active_days(availability: pace.Availability, period: Period, day: date) -> int:
    """The member's active days from the period's start to ``day`` (inclusive)."""
    if period.year != availability.year:
        raise ValueError(f"availability is for {availability.year}, the period is {period.key}")
    before = 0 if (period.start.month, period.start.day) == (1, 1) else pace.active_days(
        availability, until=period.start - timedelta(days=1))
    return pace.active_days(availability, until=day) - before


def period_target(yearly_target: Decimal, availability: pace.Availability, period: Period,
                  day: date, quarters: pace.QuarterTargets | None = None) -> Decimal:
    """The yearly target spread over the member's active days of the period up to ``day``; with the
    team's quarter targets, what their curve asks for over those days (:func:`curve_target`)."""
    if quarters is not None:
        return curve_target(quarters, availability, period, day)
    return _spread(yearly_target, period_active_days(availability, period, day), period.year)


def curve_target(quarters: pace.QuarterTargets, availability: pace.Availability, period: Period,
                 day: date) -> Decimal:
    """The period's target on the team's quarter targets: each active day of the period up to ``day``
    weighs its quarter's increment / the quarter's days (so a month in a light quarter asks for less)."""
    if period.year != availability.year:
        raise ValueError(f"availability is for {availability.year}, the period is {period.key}")
    return pace.expected_between(quarters, availability, first=period.start, last=day)


def _spread(yearly_target: Decimal, days: int, year: int) -> Decimal:
    if yearly_target < 0:
        raise ValueError(f"a target cannot be negative: {yearly_target}")
    with localcontext(_CONTEXT):
        return Decimal(yearly_target) * days / pace.days_in_year(year)


# A team's members mostly share their availability and targets: a board computes each distinct target once.
# Keyed by the decimals' text, so 12 and 12.00 stay apart (they are equal, but print differently).


@functools.lru_cache(maxsize=4096)
def _active_days(availability: pace.Availability, period: Period, day: date) -> int:
    return period_active_days(availability, period, day)


@functools.lru_cache(maxsize=4096)
def _spread_target(yearly_target: str, days: int, year: int) -> Decimal:
    return _spread(Decimal(yearly_target), days, year)


@functools.lru_cache(maxsize=4096)
def _curve_target(quarters: tuple[str, str, str, str], availability: pace.Availability, period: Period,
                  day: date) -> Decimal:
    q1, q2, q3, q4 = (Decimal(value) for value in quarters)
    return curve_target(pace.QuarterTargets(q1, q2, q3, q4), availability, period, day)


# A duty's term depends only on its weight, what was done and the target: members who share them share one
# term (immutable), computed once per board. Keyed by the decimals' text, as above.


def _term(duty: Duty, weight: Decimal, done: Decimal, target: Decimal) -> DutyTerm:
    with localcontext(_CONTEXT):
        completion = ONE if target <= 0 else min(ONE, done / target)
        return DutyTerm(duty, done, target, completion, weight, weight * completion)


@functools.lru_cache(maxsize=8192)
def _spread_term(duty: Duty, weight: str, done: str, yearly_target: str, days: int, year: int) -> DutyTerm:
    return _term(duty, Decimal(weight), Decimal(done), _spread_target(yearly_target, days, year))


@functools.lru_cache(maxsize=4096)
def _curve_term(duty: Duty, weight: str, done: str, quarters: tuple[str, str, str, str],
                availability: pace.Availability, period: Period, day: date) -> DutyTerm:
    return _term(duty, Decimal(weight), Decimal(done), _curve_target(quarters, availability, period, day))


def _extra_term(extra: ExtraDuty, active: int, year: int) -> ExtraTerm:
    target = _spread_target(str(Decimal(extra.yearly_target)), active, year)
    completion = ONE if target <= 0 else min(ONE, extra.done / target)
    return ExtraTerm(extra.key, extra.name, extra.unit, extra.done, target, completion, extra.weight,
                     extra.weight * completion)


def judge_deadlines(deadlines: Iterable[Deadline], period: Period, day: date) -> tuple[int, int, int]:
    """(judged, on time, overdue) for a period read on ``day``, every kind together.

    Judged: due in the period, and answered by ``day`` or past due on ``day`` (an item due on
    ``day`` itself and not yet answered waits). Overdue: unanswered on ``day`` and due before it,
    whichever period it fell due in. An answer dated after ``day`` is not seen yet. On time: see
    :attr:`Deadline.answered_in_time` (a task's report by its due instant, once closed).
    """
    tallies = tally_deadlines(deadlines, period, day)
    return (sum(t.judged for t in tallies), sum(t.on_time for t in tallies), sum(t.overdue for t in tallies))


def tally_deadlines(deadlines: Iterable[Deadline], period: Period, day: date) -> tuple[DeadlineTally, ...]:
    """:func:`judge_deadlines` per kind, in :class:`DeadlineKind` order; kinds with nothing to say left out."""
    counts = _count_deadlines(deadlines, period.start, period.end, day)
    return tuple(DeadlineTally(kind, *counts[kind]) for kind in _DEADLINE_KINDS if kind in counts)


def _count_deadlines(deadlines: Iterable[Deadline], start: date, end: date, day: date) -> dict[DeadlineKind, list[int]]:
    """Per kind with something to count: [judged, on time, overdue] (the rules of :func:`judge_deadlines`)."""
    counts: dict[DeadlineKind, list[int]] = {}
    for item in deadlines:
        done_on, due = item.done_on, item.due
        answered = done_on is not None and done_on <= day
        late = not answered and day > due
        judged = (answered or late) and start <= due <= end
        if not (late or judged):
            continue
        count = counts.get(item.kind)
        if count is None:
            count = counts[item.kind] = [0, 0, 0]
        if late:
            count[2] += 1
        if judged:
            count[0] += 1
            count[1] += answered and item.answered_in_time
    return counts


def score(inputs: MemberInputs, period: Period, *, as_of: date, weights: Weights) -> Score:
    """One member's score for ``period`` read as of ``as_of`` (see the module's docstring)."""
    return _Scorer(period, as_of, weights).score(inputs)


def score_all(everyone: Iterable[MemberInputs], period: Period, *, as_of: date, weights: Weights) -> list[Score]:
    """:func:`score` for each member of a board, in their order: what they all share (the board day, the
    weights) is computed once, and what many share (an availability, a targets mapping, a duty's term, an
    on-time rate) once per board."""
    scorer = _Scorer(period, as_of, weights)
    return [scorer.score(inputs) for inputs in everyone]


class _Scorer:
    """Scores members for one period, board day and weights (:func:`score`, :func:`score_all`). Per-board
    memos are keyed by plain values (ints, texts) and by the identity of the shared objects (kept alive by
    the memo itself), so no enum or dataclass is hashed per member."""

    def __init__(self, period: Period, as_of: date, weights: Weights) -> None:
        self.period, self.weights = period, weights
        self.day = board_day(period, as_of)
        with localcontext(_CONTEXT):
            self.weight_texts = tuple(str(Decimal(weights.duties.get(duty, ZERO))) for duty in _DUTIES)
        self.active: dict[int, tuple[pace.Availability, int]] = {}
        self.yearly: dict[int, tuple[Mapping[Duty, Decimal], tuple[str, ...]]] = {}
        self.terms: dict[tuple[int, str, str, int], DutyTerm] = {}
        self.term_sets: dict[tuple[tuple[str, ...], int, tuple[str, ...]], tuple[tuple[DutyTerm, ...], Decimal]] = {}
        self.on_time: dict[tuple[int, int], tuple[Decimal | None, Decimal]] = {}
        self.overdue: dict[int, Decimal] = {}
        self.counted: dict[int, tuple[Sequence[DeadlineTally], tuple[tuple[DeadlineTally, ...], int, int, int]]] = {}
        self.tallies: dict[tuple[tuple[DeadlineKind, int, int, int], ...],
                           tuple[tuple[DeadlineTally, ...], int, int, int]] = {}

    def _active_days(self, availability: pace.Availability) -> int:
        found = self.active.get(id(availability))
        if found is None or found[0] is not availability:
            found = self.active[id(availability)] = (availability, _active_days(availability, self.period, self.day))
        return found[1]

    def _yearly_texts(self, yearly: Mapping[Duty, Decimal]) -> tuple[str, ...]:
        found = self.yearly.get(id(yearly))
        if found is None or found[0] is not yearly:
            with localcontext(_CONTEXT):
                texts = tuple(str(Decimal(yearly.get(duty, ZERO))) for duty in _DUTIES)
            found = self.yearly[id(yearly)] = (yearly, texts)
        return found[1]

    def _spread(self, index: int, done: str, yearly: str, active: int) -> DutyTerm:
        key = (index, done, yearly, active)
        term = self.terms.get(key)
        if term is None:
            term = self.terms[key] = _spread_term(_DUTIES[index], self.weight_texts[index], done, yearly, active,
                                                  self.period.year)
        return term

    def _tally(self, deadlines: Iterable[Deadline]) -> tuple[tuple[DeadlineTally, ...], int, int, int]:
        """:func:`tally_deadlines` and its sums (judged, on time, overdue), its tallies shared by members with the
        same counts."""
        counts = _count_deadlines(deadlines, self.period.start, self.period.end, self.day)
        if not counts:
            return _NO_TALLY
        key = tuple((kind, n[0], n[1], n[2]) for kind in _DEADLINE_KINDS if (n := counts.get(kind)) is not None)
        found = self.tallies.get(key)
        if found is None:
            tallies = tuple(DeadlineTally(*each) for each in key)
            found = self.tallies[key] = (tallies, sum(t.judged for t in tallies), sum(t.on_time for t in tallies),
                                         sum(t.overdue for t in tallies))
        return found

    def _summed(self, tallies: Sequence[DeadlineTally]) -> tuple[tuple[DeadlineTally, ...], int, int, int]:
        """Tallies counted already and their sums, computed once for members who share the same object."""
        found = self.counted.get(id(tallies))
        if found is None or found[0] is not tallies:
            found = self.counted[id(tallies)] = (tallies, (tuple(tallies), sum(t.judged for t in tallies),
                                                           sum(t.on_time for t in tallies),
                                                           sum(t.overdue for t in tallies)))
        return found[1]

    def score(self, inputs: MemberInputs) -> Score:
        period, day, weights = self.period, self.day, self.weights
        active = self._active_days(inputs.availability)
        yearly_texts = self._yearly_texts(inputs.yearly_targets)
        done_of, curves = inputs.done, inputs.quarter_targets
        with localcontext(_CONTEXT):
            dones = tuple([str(value) if type(value) is Decimal else str(Decimal(value))
                           for value in map(done_of.get, _DUTIES, _ZEROS)])
            if not curves:  # the usual case: the six terms (and their sum) shared by all who did the same
                key = (yearly_texts, active, dones)
                found = self.term_sets.get(key)
                if found is None:
                    terms = tuple([self._spread(index, dones[index], yearly_texts[index], active)
                                   for index in range(len(_DUTIES))])
                    found = self.term_sets[key] = (terms, sum((term.points for term in terms), ZERO))
                terms, duty_sum = found
            else:
                terms = tuple([self._spread(index, dones[index], yearly_texts[index], active)
                               if (quarters := curves.get(duty)) is None else
                               _curve_term(duty, self.weight_texts[index], dones[index],
                                           (str(quarters.q1), str(quarters.q2), str(quarters.q3), str(quarters.q4)),
                                           inputs.availability, period, day)
                               for index, duty in enumerate(_DUTIES)])
                duty_sum = sum((term.points for term in terms), ZERO)
            extras = tuple(_extra_term(extra, active, period.year) for extra in inputs.extras)
            if inputs.tallies is not None:
                tallies, judged, on_time, overdue = self._summed(inputs.tallies) if inputs.tallies else _NO_TALLY
            else:
                tallies, judged, on_time, overdue = self._tally(inputs.deadlines) if inputs.deadlines else _NO_TALLY
            rated = self.on_time.get((judged, on_time))
            if rated is None:
                rate = None if judged == 0 else Decimal(on_time) / Decimal(judged)
                rated = self.on_time[judged, on_time] = (rate, weights.on_time * (ONE if rate is None else rate))
            rate, on_time_points = rated
            overdue_points = self.overdue.get(overdue)
            if overdue_points is None:
                overdue_points = self.overdue[overdue] = weights.overdue_penalty * overdue
            raw = duty_sum + sum((term.points for term in extras), ZERO) + on_time_points - overdue_points
            total = raw.quantize(_CENTS, rounding=ROUND_HALF_UP)
        return Score(member_id=inputs.member_id, period=period, day=day, active_days=active, duties=terms,
                     judged=judged, on_time=on_time, on_time_rate=rate, on_time_weight=weights.on_time,
                     on_time_points=on_time_points, overdue=overdue, overdue_penalty=weights.overdue_penalty,
                     overdue_points=overdue_points, total=total, tallies=tallies, extras=extras)


# --------------------------------------------------------------------------- ranking


@dataclass(frozen=True)
class Ranked:
    """A score's place on the board: its rank, and the rank in the previous period (for the movement)."""

    rank: int
    score: Score
    previous_rank: int | None  # None: not ranked in the previous period

    @property
    def member_id(self) -> int:
        return self.score.member_id

    @property
    def movement(self) -> int | None:
        """Places gained since the previous period (negative: lost); None when new."""
        return None if self.previous_rank is None else self.previous_rank - self.rank

    @property
    def is_new(self) -> bool:
        return self.previous_rank is None


def rank(scores: Iterable[Score], previous: Mapping[int, int] | None = None) -> list[Ranked]:
    """Ranks the ranked scores (highest total first; ties share a rank: 1, 2, 2, 4), in board order.

    Unranked scores (no active day in the period) are left out. Within a tie the order is by
    member id, so it is stable. ``previous`` maps member id → rank in the previous period.
    """
    previous = previous or {}
    ordered = sorted((s for s in scores if s.ranked), key=lambda s: (-s.total, s.member_id))
    result: list[Ranked] = []
    for position, item in enumerate(ordered, start=1):
        shared = result[-1].rank if result and result[-1].score.total == item.total else position
        result.append(Ranked(rank=shared, score=item, previous_rank=previous.get(item.member_id)))
    return result


# --------------------------------------------------------------------------- movement and the gap


def most_improved(board: Sequence[Ranked]) -> list[Ranked]:
    """Who gained the most places since the previous period (in board order; ties: all of them).

    Nobody when nobody moved up, or when there was no previous period to move from (everyone new).
    """
    gains = [entry.movement for entry in board if entry.movement is not None and entry.movement > 0]
    if not gains:
        return []
    best = max(gains)
    return [entry for entry in board if entry.movement == best]


def neighbours(board: Sequence[Ranked], member_id: int) -> tuple[Ranked | None, Ranked | None]:
    """The entries just above and just below a member's on the board (None at either end, or when the
    member is not on it)."""
    for index, entry in enumerate(board):
        if entry.member_id == member_id:
            above = board[index - 1] if index > 0 else None
            below = board[index + 1] if index + 1 < len(board) else None
            return above, below
    return None, None


def next_place(board: Sequence[Ranked], member_id: int) -> Ranked | None:
    """The nearest entry with a strictly higher total (the place to overtake); None when leading or
    not on the board. Within a tie it is the first listed of the tied group above."""
    own = next((entry for entry in board if entry.member_id == member_id), None)
    if own is None:
        return None
    higher = [entry for entry in board if entry.score.total > own.score.total]
    if not higher:
        return None
    lowest = min(entry.score.total for entry in higher)
    return next(entry for entry in higher if entry.score.total == lowest)


@dataclass(frozen=True)
class Step:
    """Doing ``units`` more of ``duty`` (whole days, sessions, items) in the period."""

    duty: Duty
    units: int


def _raw_total(own: Score) -> Decimal:
    return own.duty_points + own.on_time_points - own.overdue_points


def closing_steps(own: Score, above_total: Decimal, *, at_most: Mapping[Duty, int] | None = None,
                  keep: int = 2) -> list[Step]:
    """The cheapest ways, one duty each, to score strictly above ``above_total``: per duty the fewest
    whole units more done that lift the (rounded) total above it, given the duty's weight and its cap
    (a duty already at its cap, or whose cap leaves too little, cannot close the gap). ``at_most``
    bounds what is feasible per duty (e.g. the days left in the period for research). Fewest units
    first, then in the duties' order; at most ``keep``. Empty when no single duty can close the gap.
    """
    limits = at_most or {}
    found: list[tuple[int, int, Step]] = []
    with localcontext(_CONTEXT):
        base = _raw_total(own)
        for order, term in enumerate(own.duties):
            if term.weight <= 0 or term.target <= 0 or term.completion >= ONE:
                continue
            headroom = term.weight * (ONE - term.completion)
            if (base + headroom).quantize(_CENTS, rounding=ROUND_HALF_UP) <= above_total:
                continue  # even the whole cap is not enough
            needed = (above_total - base) * term.target / term.weight  # more done that just ties
            units = max(1, int(needed.to_integral_value(rounding=ROUND_FLOOR)))
            while True:
                gained = term.weight * min(ONE, (term.done + units) / term.target) - term.points
                if (base + gained).quantize(_CENTS, rounding=ROUND_HALF_UP) > above_total:
                    break
                units += 1
            limit = limits.get(term.duty)
            if limit is not None and units > limit:
                continue
            found.append((units, order, Step(term.duty, units)))
    found.sort(key=lambda item: item[:2])
    return [step for _, _, step in found[:keep]]

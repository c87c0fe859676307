"""Yearly targets, pro-rating and the expected pace (以周保月、以月保季、以季保年).

This module owns the arithmetic of "how much should a member have done by now":

* A yearly target is spread evenly over the calendar days of the year. A member
  counts from the day they took office (任职日期, inclusive) through the day they
  left it (离任日期, inclusive), and not on days of approved leave (请假 / 出国 /
  脱产学习); those days add nothing to what is expected, so taking office mid-year
  pro-rates the target and leave pauses the pace. The day a member first opened
  the bot plays no part: a team adopting the bot mid-year is judged on the year.
* ``expected_by(on)`` is ``target × active days up to on / days in the year``;
  the effective (pro-rated) target is the same on 31 December, and the quarter
  target (季目标) is the same on the quarter's last day.
* A member is behind when the shortfall (expected − done) exceeds a share of
  the nominal yearly target, lagging past a larger share; the shortfall already
  reflects pro-rating, and a share of the yearly target is the same grace in days
  of pace for everyone, late joiners included.
* Count duties (sessions, topics) and day duties (research days) use the same
  maths; nothing is rounded here (the caller rounds for display). Arithmetic runs
  in a fixed decimal context (28 significant digits), whatever the caller's is.

Decisions:

* Leave spans are inclusive, may overlap (a day counts once) and may cross the
  year's boundaries: they are clipped to the year. A span that ends before it
  starts is rejected when the :class:`Availability` is built.
* ``from_day`` / ``until_day`` of None mean the year's first / last day. A
  ``from_day`` after the year (or an ``until_day`` before it) leaves none of the
  year; a member who takes office after ``on`` expects 0 on that day. A span
  that ends before it starts is rejected.
* Query dates (``on``, ``until``, ``today``) must lie in the availability's
  year, and quarters are 1–4: anything else raises ValueError.
* Leap years have 366 days, so each day of a leap year weighs 1/366.

Quarter targets (季目标) set by the team (:class:`QuarterTargets`: the cumulative targets at the end
of Q1–Q4, Q4 being the year) replace the even spread: each quarter asks for its increment (Q2 − Q1 …)
spread evenly over that quarter's days, so the expected pace within a quarter interpolates linearly
between the previous quarter's cumulative target and this one's, and, as with the even spread, only
the member's active days count (:func:`expected_on_curve`). Targets spread evenly are the curve
whose every day weighs the same, so :func:`even_quarters` gives back today's numbers.

Also here: :func:`days_covered`, the union of inclusive day spans clipped to a
window, shared with :mod:`core.trips`.
"""

from __future__ import annotations

import enum
import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_EVEN, Context, Decimal, localcontext
from types import MappingProxyType

from core.domain import Duty

__all__ = [
    "DEFAULT_LAGGING", "DEFAULT_TARGETS", "DEFAULT_TOLERANCE", "Availability", "DutyPace", "PaceStatus",
    "QuarterTargets", "active_days", "even_quarters", "expected_between", "expected_on_curve", "days_covered", "days_in_year", "duty_pace", "effective_target", "expected_at_quarter_end",
    "expected_by", "pace_status", "quarter_end", "quarter_of",
]

#: Yearly targets per member from the seeds (DESIGN.md); teams configure their own.
DEFAULT_TARGETS: Mapping[Duty, Decimal] = MappingProxyType({
    Duty.RESEARCH_DAYS: Decimal(60),
    Duty.KEY_RESEARCH_TOPICS: Decimal(1),
    Duty.COLLECTIVE_STUDY: Decimal(6),
    Duty.LAW_STUDY: Decimal(4),
    Duty.KEY_SUGGESTIONS: Decimal(1),
    Duty.KEY_PROPOSALS: Decimal(1),
})
#: Behind pace past this share of the target (config `pace.behind_tolerance`).
DEFAULT_TOLERANCE = Decimal("0.10")
#: Lagging, so admins are told, past this share (config `pace.lagging_threshold`).
DEFAULT_LAGGING = Decimal("0.25")

_CONTEXT = Context(prec=28, rounding=ROUND_HALF_EVEN)

Span = tuple[date, date]


@dataclass(frozen=True)
class Availability:
    """When a member counts in ``year``: from ``from_day`` through ``until_day`` (their 任职日期 and
    离任日期, inclusive), except the days of ``leave``."""

    year: int
    from_day: date | None = None  # took office; None = since before the year
    until_day: date | None = None  # left office; None = still in office after the year
    leave: tuple[Span, ...] = ()  # inclusive spans, may overlap, may cross years

    def __post_init__(self) -> None:
        if not date.min.year < self.year < date.max.year:
            raise ValueError(f"year out of range: {self.year}")
        if self.from_day is not None and self.until_day is not None and self.until_day < self.from_day:
            raise ValueError(f"left office before taking it: {self.from_day} – {self.until_day}")
        for start, end in self.leave:
            if end < start:
                raise ValueError(f"leave ends before it starts: {start} – {end}")


class PaceStatus(enum.StrEnum):
    ON_PACE = "on_pace"
    BEHIND = "behind"  # nudge the member
    LAGGING = "lagging"  # also tell the admins (约谈提醒)


@dataclass(frozen=True)
class DutyPace:
    """Where a member stands on one duty today: done, the pro-rated target, what is expected now and by
    the quarter's end, and the status."""

    duty: Duty
    done: Decimal
    target: Decimal  # effective (pro-rated) yearly target
    expected_now: Decimal  # on the year's pace, today included
    quarter_target: Decimal  # expected by the end of the current quarter
    gap_to_quarter: Decimal  # max(0, quarter_target - done): what closes the gap by the quarter's end
    status: PaceStatus


# --------------------------------------------------------------------------- days


def out_of_office(left_office_on: date | None, today: date) -> bool:
    """Whether a member's term ended before ``today`` (their 离任日期 has passed): their year stands as it was and
    nothing more is asked of them, so no pace nudge, no note to the office about them, not "behind"."""
    return left_office_on is not None and left_office_on < today


def in_office_during(year: int, took_office_on: date | None, left_office_on: date | None) -> bool:
    """Whether a member held office at any time in ``year``: took office by its 31 December and had not left before
    its 1 January. Only they are asked anything of the year (its 年度清单) and graded on it (its evaluation)."""
    return ((took_office_on is None or took_office_on <= date(year, 12, 31))
            and not out_of_office(left_office_on, date(year, 1, 1)))


def days_in_year(year: int) -> int:
    return (date(year + 1, 1, 1) - date(year, 1, 1)).days


def days_covered(spans: Iterable[Span], *, within: Span) -> int:
    """Calendar days covered by the union of inclusive spans, clipped to ``within`` (inclusive).

    A day covered by several spans counts once; spans that end before they start
    cover nothing. Sort and sweep: O(n log n).
    """
    low, high = within
    clipped = sorted((max(s, low), min(e, high)) for s, e in spans if s <= e and s <= high and e >= low)
    total = 0
    run_start: date | None = None
    run_end = low
    for start, end in clipped:
        if run_start is not None and (start - run_end).days <= 1:  # touching spans merge too
            run_end = max(run_end, end)
            continue
        if run_start is not None:
            total += (run_end - run_start).days + 1
        run_start, run_end = start, end
    if run_start is not None:
        total += (run_end - run_start).days + 1
    return total


@functools.lru_cache(maxsize=8192)  # a team's members mostly share an availability: a board asks it thousands of times
def active_days(availability: Availability, *, until: date | None = None) -> int:
    """Days of the year, up to ``until`` (inclusive) or the year's end, on which the member counts."""
    year = availability.year
    first = date(year, 1, 1)
    last = date(year, 12, 31) if until is None else _in_year(until, year, "until")
    if availability.from_day is not None:
        first = max(first, availability.from_day)
    if availability.until_day is not None:
        last = min(last, availability.until_day)
    if last < first:
        return 0
    return (last - first).days + 1 - days_covered(availability.leave, within=(first, last))


# --------------------------------------------------------------------------- expected progress


def effective_target(yearly_target: Decimal, availability: Availability) -> Decimal:
    """The pro-rated target: target × active days of the year / days in the year."""
    return _share(yearly_target, active_days(availability), availability.year)


def expected_by(yearly_target: Decimal, availability: Availability, *, on: date) -> Decimal:
    """What the year's pace asks for by the end of ``on``: target × active days so far / days in the year."""
    return _share(yearly_target, active_days(availability, until=on), availability.year)


def quarter_of(day: date) -> int:
    return (day.month - 1) // 3 + 1


def quarter_end(year: int, quarter: int) -> date:
    if quarter not in (1, 2, 3, 4):
        raise ValueError(f"quarter must be 1–4, not {quarter}")
    return date(year, 3 * quarter, 31 if quarter in (1, 4) else 30)


def expected_at_quarter_end(yearly_target: Decimal, availability: Availability, *, quarter: int) -> Decimal:
    """The quarter target (季目标): what must be done, cumulatively, by the quarter's last day."""
    return expected_by(yearly_target, availability, on=quarter_end(availability.year, quarter))


def pace_status(done: Decimal, expected: Decimal, yearly_target: Decimal, *, tolerance: Decimal,
                lagging: Decimal) -> PaceStatus:
    """Behind when ``expected - done`` exceeds ``tolerance × target``; lagging past ``lagging × target``.

    The shortfall must strictly exceed the threshold, so a target of 0 is always on pace.
    """
    lagging_past, behind_past = _thresholds(yearly_target, tolerance, lagging)
    with localcontext(_CONTEXT):
        shortfall = expected - done
    if shortfall > lagging_past:
        return PaceStatus.LAGGING
    if shortfall > behind_past:
        return PaceStatus.BEHIND
    return PaceStatus.ON_PACE


@functools.lru_cache(maxsize=1024)  # compared only, never shown: keyed by the decimals' values
def _thresholds(yearly_target: Decimal, tolerance: Decimal, lagging: Decimal) -> tuple[Decimal, Decimal]:
    """The shortfalls past which a member lags and is behind: ``lagging`` and ``tolerance`` × the target."""
    if tolerance < 0 or lagging < tolerance:
        raise ValueError(f"need 0 <= tolerance <= lagging, got {tolerance} and {lagging}")
    with localcontext(_CONTEXT):
        return lagging * yearly_target, tolerance * yearly_target


def duty_pace(duty: Duty, *, done: Decimal, yearly_target: Decimal, availability: Availability, today: date,
              tolerance: Decimal, lagging: Decimal, quarters: QuarterTargets | None = None) -> DutyPace:
    """Where a member stands on one duty today.

    Pro-rating enters through what is expected; the thresholds stay a share of
    the nominal yearly target, so everyone gets the same grace in days of pace
    (10 % of a year ≈ 36 days) and a late joiner is not nudged sooner than the rest. With ``quarters``
    (the team's 季目标, whose Q4 is ``yearly_target``) the expected pace follows them instead of the
    even spread.
    """
    _in_year(today, availability.year, "today")
    curve = None if quarters is None else tuple(str(value) for value in quarters.cumulative)
    return _duty_pace(duty, str(done), str(yearly_target), availability, today, str(tolerance), str(lagging), curve)


# Immutable, and most members share their targets and availability: one DutyPace per distinct key, shared.
@functools.lru_cache(maxsize=8192)
def _duty_pace(duty: Duty, done_text: str, yearly_text: str, availability: Availability, today: date,
               tolerance: str, lagging: str, curve: tuple[str, ...] | None) -> DutyPace:
    done, yearly_target = Decimal(done_text), Decimal(yearly_text)
    target, expected_now, quarter_target = _expectations(yearly_text, availability, today, curve)
    with localcontext(_CONTEXT):
        gap = max(Decimal(0), quarter_target - done)
    status = pace_status(done, expected_now, yearly_target, tolerance=Decimal(tolerance), lagging=Decimal(lagging))
    return DutyPace(duty=duty, done=done, target=target, expected_now=expected_now,
                    quarter_target=quarter_target, gap_to_quarter=gap, status=status)


# A team's members mostly share their availability and targets: the weekly summary asks for 2,000 members'
# paces at once, so what a (target, availability, day) expects is computed once. Keyed by the decimals' text,
# so 12 and 12.00 stay apart (equal, but printed differently).
@functools.lru_cache(maxsize=8192)
def _expectations(yearly_target: str, availability: Availability, today: date,
                  curve: tuple[str, ...] | None) -> tuple[Decimal, Decimal, Decimal]:
    """(effective target, expected by ``today``, expected by the end of ``today``'s quarter)."""
    target_value = Decimal(yearly_target)
    if curve is None:
        return (effective_target(target_value, availability),
                expected_by(target_value, availability, on=today),
                expected_at_quarter_end(target_value, availability, quarter=quarter_of(today)))
    quarters = QuarterTargets(*(Decimal(value) for value in curve))
    return (expected_on_curve(quarters, availability, on=date(availability.year, 12, 31)),
            expected_on_curve(quarters, availability, on=today),
            expected_on_curve(quarters, availability, on=quarter_end(availability.year, quarter_of(today))))


# --------------------------------------------------------------------------- quarter targets (季目标)


@dataclass(frozen=True)
class QuarterTargets:
    """Cumulative targets at the end of each quarter; ``q4`` is the year's target."""

    q1: Decimal
    q2: Decimal
    q3: Decimal
    q4: Decimal

    def __post_init__(self) -> None:
        values = self.cumulative
        if any(value < 0 for value in values):
            raise ValueError(f"quarter targets cannot be negative: {values}")
        if any(later < earlier for earlier, later in zip(values, values[1:], strict=False)):
            raise ValueError(f"quarter targets are cumulative and cannot go down: {values}")

    @property
    def cumulative(self) -> tuple[Decimal, Decimal, Decimal, Decimal]:
        return (self.q1, self.q2, self.q3, self.q4)

    def increment(self, quarter: int) -> Decimal:
        """What the quarter itself asks for (its cumulative target less the previous quarter's)."""
        values = (Decimal(0), *self.cumulative)
        return values[quarter] - values[quarter - 1]


def even_quarters(yearly_target: Decimal, year: int) -> QuarterTargets:
    """The year spread evenly over its days, as quarter targets (the default curve)."""
    with localcontext(_CONTEXT):
        ends = [_share(yearly_target, (quarter_end(year, q) - date(year, 1, 1)).days + 1, year) for q in (1, 2, 3)]
    return QuarterTargets(ends[0], ends[1], ends[2], Decimal(yearly_target))


def expected_between(quarters: QuarterTargets, availability: Availability, *, first: date, last: date) -> Decimal:
    """What the curve asks for over the member's active days from ``first`` to ``last`` (inclusive, one year):
    each active day of quarter q weighs q's increment / q's days."""
    year = availability.year
    _in_year(first, year, "first")
    _in_year(last, year, "last")
    total = Decimal(0)
    with localcontext(_CONTEXT):
        for quarter in (1, 2, 3, 4):
            start, end = date(year, 3 * quarter - 2, 1), quarter_end(year, quarter)
            low, high = max(start, first), min(end, last)
            if high < low:
                continue
            before = 0 if low == date(year, 1, 1) else active_days(availability, until=low - timedelta(days=1))
            days = active_days(availability, until=high) - before
            total += quarters.increment(quarter) * days / ((end - start).days + 1)
    return total


def expected_on_curve(quarters: QuarterTargets, availability: Availability, *, on: date) -> Decimal:
    """What the team's quarter targets ask for by the end of ``on`` (cumulative, active days only)."""
    return expected_between(quarters, availability, first=date(availability.year, 1, 1), last=on)


# --------------------------------------------------------------------------- helpers


def _share(yearly_target: Decimal, days: int, year: int) -> Decimal:
    return _share_of(str(Decimal(yearly_target)), days, year)  # exact for any number it is given


@functools.lru_cache(maxsize=8192)  # by the target's text, so 12 and 12.00 stay apart (equal, printed unalike)
def _share_of(yearly_target: str, days: int, year: int) -> Decimal:
    target = Decimal(yearly_target)
    if target < 0:
        raise ValueError(f"a target cannot be negative: {yearly_target}")
    with localcontext(_CONTEXT):
        # Multiply first, so a whole year gives back the target exactly.
        return target * days / days_in_year(year)


def _in_year(day: date, year: int, name: str) -> date:
    if day.year != year:
        raise ValueError(f"{name} ({day}) is not in {year}")
    return day

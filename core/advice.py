"""What a member is told to do: counts in whole units, rounded up, and whether the quarter can still be
caught up (以季保年). The maths (core.pace) stays exact; only what a person reads is whole.

Decisions:

* A count still owed is shown rounded up ("还差 6 次" for 5.2): less would not close the gap. A gap that
  rounds to nothing (≤ 0) is not advice and is not shown.
* Targets and what is expected by now are shown the same way (rounded up to whole days, sessions, items).
* A day duty (下基层调研) owed more days than are left in the quarter (today included) cannot be caught
  up this quarter: the advice is then what the year still needs. Count duties (sessions, topics, items)
  are not bound by the calendar that way (several can fall on one day), so their quarter is never lost.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_CEILING, Decimal

from core import pace
from core.domain import Duty
from core.pace import DutyPace

__all__ = ["CatchUp", "catch_up", "days_left", "quarter_can_be_caught_up", "still_needed", "whole_up"]


def whole_up(value: Decimal | int) -> int:
    """The smallest whole number not below ``value``; 0 for anything ≤ 0."""
    value = Decimal(value)
    if value <= 0:
        return 0
    return int(value.to_integral_value(rounding=ROUND_CEILING))


def still_needed(target: Decimal, done: Decimal) -> int:
    """What is still owed towards ``target``, in whole units rounded up (0 when it is reached)."""
    return whole_up(Decimal(target) - Decimal(done))


def days_left(today: date, last: date) -> int:
    """Days from ``today`` to ``last``, both included (0 once ``last`` is past)."""
    return max(0, (last - today).days + 1)


def quarter_can_be_caught_up(gap: Decimal, *, day_duty: bool, today: date, quarter_end: date) -> bool:
    """Whether ``gap`` (owed by ``quarter_end``) fits in the quarter's days left: always for count duties."""
    if not day_duty:
        return True
    return whole_up(gap) <= days_left(today, quarter_end)


@dataclass(frozen=True)
class CatchUp:
    """What closes one duty's gap: ``count`` more by the quarter's end, or, when the quarter cannot be
    caught up any more (``lost``), ``count`` more in the year."""

    count: int
    lost: bool
    year_lost: bool = False  # more days are still needed than the year has left (the last quarter lost)


def catch_up(duty: DutyPace, today: date) -> CatchUp | None:
    """The advice for one duty today, in whole units; None when nothing is owed by the quarter's end."""
    gap = whole_up(duty.gap_to_quarter)
    if gap == 0:
        return None
    last = pace.quarter_end(today.year, pace.quarter_of(today))
    if quarter_can_be_caught_up(duty.gap_to_quarter, day_duty=duty.duty is Duty.RESEARCH_DAYS, today=today,
                                quarter_end=last):
        return CatchUp(gap, lost=False)
    needed = still_needed(duty.target, duty.done)
    return CatchUp(needed, lost=True, year_lost=needed > days_left(today, date(today.year, 12, 31)))

"""What an admin may type as a yearly target (/targets): the range per duty, whole numbers only, quarter
targets cumulative, and which years around this one can be shown and edited."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from decimal import Decimal

from core.domain import Duty

LIMITS = {Duty.RESEARCH_DAYS: 366}  # days in a year; every other duty counts items
COUNT_LIMIT = 100
PICK_PAGE = 24  # members to pick from per page (Telegram refuses very large keyboards)
YEARS_BACK, YEARS_AHEAD = 5, 1  # which years /targets <year> shows and edits, around this year


class TargetProblem(enum.StrEnum):
    NOT_WHOLE = "not_whole"
    OUT_OF_RANGE = "out_of_range"


def limit_of(duty: Duty) -> int:
    """The largest target the duty takes (0 is the smallest)."""
    return LIMITS.get(duty, COUNT_LIMIT)


def target_problem(value: Decimal, duty: Duty) -> TargetProblem | None:
    """What is wrong with ``value`` as the duty's target (a whole number from 0 to its limit), or None."""
    if value != value.to_integral_value():
        return TargetProblem.NOT_WHOLE
    if value < 0 or value > limit_of(duty):
        return TargetProblem.OUT_OF_RANGE
    return None


def cumulative(values: Sequence[Decimal]) -> bool:
    """Whether quarter targets typed in order never go down (each is the total by that quarter's end)."""
    return all(later >= earlier for earlier, later in zip(values, values[1:], strict=False))


def first_year(this_year: int) -> int:
    """The earliest year whose targets /targets shows and edits."""
    return this_year - YEARS_BACK


def last_year(this_year: int) -> int:
    """The latest year whose targets /targets shows and edits."""
    return this_year + YEARS_AHEAD


def year_editable(year: int, this_year: int) -> bool:
    """Whether /targets shows and edits the targets of ``year``."""
    return first_year(this_year) <= year <= last_year(this_year)

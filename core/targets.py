"""What an admin may type as a yearly target (/targets): one number for the year or four for the quarters,
the range per duty, whole numbers only, quarter targets cumulative, and which years around this one can be
shown and edited."""

from __future__ import annotations

import enum
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from core.domain import Duty

LIMITS = {Duty.RESEARCH_DAYS: 366}  # days in a year; every other duty counts items
COUNT_LIMIT = 100
PICK_PAGE = 24  # members to pick from per page (Telegram refuses very large keyboards)
YEARS_BACK, YEARS_AHEAD = 5, 1  # which years /targets <year> shows and edits, around this year


class TargetProblem(enum.StrEnum):
    NOT_WHOLE = "not_whole"
    OUT_OF_RANGE = "out_of_range"
    NOT_A_NUMBER = "not_a_number"  # the rest: what `read_typed` finds in the text as a whole
    ONE_OR_FOUR = "one_or_four"  # several numbers, but not four
    NOT_CUMULATIVE = "not_cumulative"  # four that go down


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


_SEPARATORS = re.compile(r"[/／,，、\s]+")
_QUARTERS = re.compile(r"^\s*(\S+?)\s*[/／,，、\s]\s*(\S+?)\s*[/／,，、\s]\s*(\S+?)\s*[/／,，、\s]\s*(\S+?)\s*$")
_NUMBER = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*(天|次|项|件|个|days?|sessions?|items?|topics?)?\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class Typed:
    """What an admin typed for a duty's target: the year's number, or the four quarters' cumulative ones."""

    values: tuple[Decimal, ...]  # those read, up to the first with a problem
    quarters: bool  # four were typed
    problem: TargetProblem | None = None  # the first found


def read_typed(text: str, duty: Duty) -> Typed:
    """The target(s) in ``text`` ("60", "60 天", "10 25 40 60", "10/25/40/60"), each checked in turn."""
    four = _QUARTERS.match(text)
    if four is None and len([w for w in _SEPARATORS.split(text.strip()) if re.search(r"\d", w)]) > 1:
        return Typed((), False, TargetProblem.ONE_OR_FOUR)
    values: list[Decimal] = []
    for word in [four.group(i) for i in range(1, 5)] if four else [text]:
        found = _NUMBER.match(word)
        try:
            value = Decimal(found.group(1)) if found else None
        except InvalidOperation:
            value = None
        problem = TargetProblem.NOT_A_NUMBER if value is None else target_problem(value, duty)
        if value is None or problem is not None:
            return Typed(tuple(values), four is not None, problem)
        values.append(value)
    return Typed(tuple(values), four is not None, None if cumulative(values) else TargetProblem.NOT_CUMULATIVE)

"""What an admin may type as a yearly target, and which years /targets edits (core/targets.py)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from core import targets
from core.domain import Duty
from core.targets import TargetProblem


@pytest.mark.parametrize("duty, limit", [
    (Duty.RESEARCH_DAYS, 366),  # days in a year
    (Duty.COLLECTIVE_STUDY, 100),  # every other duty counts items
    (Duty.LAW_STUDY, 100),
    (Duty.KEY_RESEARCH_TOPICS, 100),
])
def test_each_duty_has_its_limit(duty: Duty, limit: int) -> None:
    assert targets.limit_of(duty) == limit


@pytest.mark.parametrize("value, duty, problem", [
    ("0", Duty.LAW_STUDY, None),
    ("6", Duty.LAW_STUDY, None),
    ("100", Duty.LAW_STUDY, None),
    ("6.0", Duty.LAW_STUDY, None),  # a whole number written with a decimal point
    ("101", Duty.LAW_STUDY, TargetProblem.OUT_OF_RANGE),
    ("-1", Duty.LAW_STUDY, TargetProblem.OUT_OF_RANGE),
    ("366", Duty.RESEARCH_DAYS, None),
    ("367", Duty.RESEARCH_DAYS, TargetProblem.OUT_OF_RANGE),
    ("2.5", Duty.LAW_STUDY, TargetProblem.NOT_WHOLE),
    ("-0.5", Duty.LAW_STUDY, TargetProblem.NOT_WHOLE),  # said first: type a whole number
    ("400.5", Duty.RESEARCH_DAYS, TargetProblem.NOT_WHOLE),
])
def test_a_target_is_a_whole_number_in_range(value: str, duty: Duty, problem: TargetProblem | None) -> None:
    assert targets.target_problem(Decimal(value), duty) is problem


@pytest.mark.parametrize("values, expected", [
    (["10", "25", "40", "60"], True),
    (["10", "10", "10", "10"], True),  # nothing more after the first quarter
    (["0", "0", "0", "60"], True),
    (["10", "25", "20", "60"], False),  # the third quarter's total went down
    (["60", "40", "25", "10"], False),
    (["60"], True),  # one number: the year's
])
def test_quarter_targets_are_cumulative(values: list[str], expected: bool) -> None:
    assert targets.cumulative([Decimal(v) for v in values]) is expected


@pytest.mark.parametrize("text, values, problem", [
    ("60", ["60"], None),
    (" 60 天", ["60"], None),  # with its unit
    ("10 25 40 60", ["10", "25", "40", "60"], None),
    ("10/25，40、60", ["10", "25", "40", "60"], None),
    ("10 25 60", [], TargetProblem.ONE_OR_FOUR),
    ("sixty", [], TargetProblem.NOT_A_NUMBER),
    ("10 x 40 60", ["10"], TargetProblem.NOT_A_NUMBER),
    ("2.5", [], TargetProblem.NOT_WHOLE),
    ("10 25 40 101", ["10", "25", "40"], TargetProblem.OUT_OF_RANGE),
    ("10 25 20 60", ["10", "25", "20", "60"], TargetProblem.NOT_CUMULATIVE),
])
def test_what_is_typed_reads_as_the_years_target_or_four_quarters(text: str, values: list[str],
                                                                   problem: TargetProblem | None) -> None:
    typed = targets.read_typed(text, Duty.LAW_STUDY)
    assert (list(typed.values), typed.problem) == ([Decimal(v) for v in values], problem)
    assert typed.quarters == (len(text.split()) == 4 or "/" in text)


@pytest.mark.parametrize("year, expected", [
    (2021, True),  # five years back
    (2020, False),
    (2026, True),
    (2027, True),  # next year
    (2028, False),
])
def test_targets_reach_five_years_back_and_one_ahead(year: int, expected: bool) -> None:
    assert targets.year_editable(year, 2026) is expected
    assert (targets.first_year(2026), targets.last_year(2026)) == (2021, 2027)

"""Tests for core.findings: a finding's checks, its default feedback due date and its closed loop."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.domain import FollowUpStatus as S
from core.findings import (
    NEXT,
    NO_DEPARTMENT,
    FindingDraft,
    FindingProblem,
    StepProblem,
    check_step,
    default_feedback_due,
    finding_problems,
    initial_status,
    is_overdue,
    light,
    missing_fields,
    next_status,
    without_problems,
)
from core.task_lights import Light

TODAY = date(2026, 11, 21)


@pytest.mark.parametrize(("trip_end", "due"), [
    (date(2026, 11, 8), date(2026, 12, 8)),  # a month after the trip
    (date(2026, 10, 22), date(2026, 11, 21)),  # that month ends today: still today
    (date(2026, 10, 1), date(2026, 12, 21)),  # added later than a month after: a month from today
])
def test_the_default_due_date_is_a_month_after_the_trip_and_never_past(trip_end: date, due: date) -> None:
    assert default_feedback_due(trip_end, today=TODAY) == due


@given(st.dates(min_value=date(2024, 1, 1), max_value=TODAY))
def test_the_default_due_date_is_never_in_the_past(trip_end: date) -> None:
    assert default_feedback_due(trip_end, today=TODAY) >= TODAY


@pytest.mark.parametrize(("draft", "problems"), [
    (FindingDraft(content="村道狭窄", department="县交通局", feedback_due=TODAY), []),
    (FindingDraft(content="长" * 1000, department="局" * 100), []),
    (FindingDraft(content="长" * 1001), [FindingProblem.CONTENT_TOO_LONG]),
    (FindingDraft(department="局" * 101), [FindingProblem.DEPARTMENT_TOO_LONG]),
    (FindingDraft(feedback_due=TODAY - timedelta(days=1)), [FindingProblem.DUE_IN_PAST]),
    (FindingDraft(), []),
])
def test_only_the_fields_that_are_set_are_checked(draft: FindingDraft,
                                                  problems: list[FindingProblem]) -> None:
    assert finding_problems(draft, today=TODAY) == problems


def test_a_field_with_a_problem_is_cleared_to_be_asked_again() -> None:
    draft = FindingDraft(trip_id=1, content="村道狭窄", department="局" * 101, feedback_due=date(2026, 1, 1))
    cleared = without_problems(draft, finding_problems(draft, today=TODAY))
    assert cleared == FindingDraft(trip_id=1, content="村道狭窄")
    assert missing_fields(cleared) == ["department", "feedback_due"]


def test_not_assigned_yet_is_an_answer_and_makes_the_finding_raised() -> None:
    draft = FindingDraft(content="村道狭窄", department=NO_DEPARTMENT, feedback_due=TODAY)
    assert missing_fields(draft) == []
    assert initial_status(draft.department) is S.RAISED
    assert initial_status("县交通局") is S.ASSIGNED


def test_the_loop_goes_one_way_to_closed() -> None:
    order = [S.RAISED]
    while (following := next_status(order[-1])) is not None:
        order.append(following)
    assert order == [S.RAISED, S.ASSIGNED, S.HANDLED, S.FED_BACK, S.CLOSED]


@given(st.sampled_from(list(S)), st.sampled_from(list(S)))
def test_only_the_next_step_is_allowed(current: S, target: S) -> None:
    problem = check_step(current, target, department="县交通局", note="已反馈")
    assert (problem is None) == (NEXT.get(current) is target)


@pytest.mark.parametrize(("current", "target", "department", "note", "problem"), [
    (S.RAISED, S.ASSIGNED, None, None, StepProblem.NEEDS_DEPARTMENT),
    (S.RAISED, S.ASSIGNED, "  ", None, StepProblem.NEEDS_DEPARTMENT),
    (S.RAISED, S.ASSIGNED, "县交通局", None, None),
    (S.ASSIGNED, S.HANDLED, None, None, None),
    (S.HANDLED, S.FED_BACK, None, "", StepProblem.NEEDS_NOTE),
    (S.HANDLED, S.FED_BACK, None, "已答复", None),
    (S.FED_BACK, S.CLOSED, None, None, None),
    (S.ASSIGNED, S.CLOSED, None, None, StepProblem.NOT_NEXT),
    (S.HANDLED, S.HANDLED, None, None, StepProblem.NOT_NEXT),
    (S.CLOSED, S.RAISED, None, None, StepProblem.NOT_NEXT),
])
def test_a_step_needs_what_it_records(current: S, target: S, department: str | None, note: str | None,
                                      problem: StepProblem | None) -> None:
    assert check_step(current, target, department=department, note=note) is problem


@pytest.mark.parametrize(("status", "due", "overdue"), [
    (S.ASSIGNED, TODAY, False),  # the due day itself is not overdue
    (S.ASSIGNED, TODAY - timedelta(days=1), True),
    (S.RAISED, TODAY - timedelta(days=1), True),
    (S.HANDLED, TODAY - timedelta(days=1), True),  # handled but not yet fed back
    (S.FED_BACK, TODAY - timedelta(days=1), False),
    (S.CLOSED, TODAY - timedelta(days=1), False),
    (S.ASSIGNED, None, False),
])
def test_an_item_is_overdue_until_its_result_is_fed_back(status: S, due: date | None, overdue: bool) -> None:
    assert is_overdue(status, due, today=TODAY) is overdue


@pytest.mark.parametrize(("status", "due", "expected"), [
    (S.ASSIGNED, date(2026, 11, 19), Light.RED), (S.HANDLED, date(2026, 11, 23), Light.BLUE),
    (S.ASSIGNED, date(2026, 11, 24), Light.NONE), (S.RAISED, None, Light.NONE),
    (S.FED_BACK, date(2026, 11, 1), Light.GREEN), (S.CLOSED, None, Light.GREEN)])
def test_a_follow_up_s_light(status: S, due: date | None, expected: Light) -> None:
    """On 20 November: overdue 🔴, due within 3 days 🔵, fed back or closed 🟢, else none."""
    assert light(status, due, today=date(2026, 11, 20)) is expected

"""Grassroots opinions (意见建议) heard on a research trip, and the closed loop each one goes through.

    raised (已提出) → assigned to a department (已交办) → handled (已办理)
        → result fed back to the grassroots (已反馈) → closed (已办结)

Each step is the next one only: a finding is never handled before it is assigned, nor closed
before its result was fed back. Assigning needs a department; feeding back needs a note of
what was told to the people who raised it. The feedback is due by a date (反馈时限).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, replace
from datetime import date, timedelta

from core.domain import FollowUpStatus
from core.task_lights import BLUE_DAYS, Light
from core.text import utf16_len

__all__ = [
    "DEFAULT_FEEDBACK_DAYS", "MAX_CONTENT", "MAX_DEPARTMENT", "MAX_NOTE", "NEXT", "NO_DEPARTMENT",
    "FindingDraft", "FindingProblem", "StepProblem", "check_step", "default_feedback_due", "finding_problems",
    "initial_status", "is_overdue", "light", "missing_fields", "next_status", "without_problems",
]

DEFAULT_FEEDBACK_DAYS = 30  # 一个月内反馈
MAX_CONTENT = 1000
MAX_DEPARTMENT = 100  # the column's width
MAX_NOTE = 1000
NO_DEPARTMENT = ""  # the member chose "not assigned yet"; None means not asked yet

NEXT: dict[FollowUpStatus, FollowUpStatus] = {
    FollowUpStatus.RAISED: FollowUpStatus.ASSIGNED,
    FollowUpStatus.ASSIGNED: FollowUpStatus.HANDLED,
    FollowUpStatus.HANDLED: FollowUpStatus.FED_BACK,
    FollowUpStatus.FED_BACK: FollowUpStatus.CLOSED,
}


@dataclass(frozen=True)
class FindingDraft:
    """One opinion to record under a trip (the trip's fields are for the card and the default due)."""

    trip_id: int | None = None
    trip_start: date | None = None
    trip_end: date | None = None
    trip_places: str | None = None
    content: str | None = None
    department: str | None = None  # NO_DEPARTMENT: raised, to be assigned later
    feedback_due: date | None = None


class FindingProblem(enum.StrEnum):
    CONTENT_TOO_LONG = "content_too_long"
    DEPARTMENT_TOO_LONG = "department_too_long"
    DUE_IN_PAST = "due_in_past"


class StepProblem(enum.StrEnum):
    NOT_NEXT = "not_next"  # the item has moved on (a stale button), or the step skips one
    NEEDS_DEPARTMENT = "needs_department"
    NEEDS_NOTE = "needs_note"


def default_feedback_due(trip_end: date, *, today: date) -> date:
    """A month after the trip; for a finding added after that month has passed, a month from today."""
    due = trip_end + timedelta(days=DEFAULT_FEEDBACK_DAYS)
    return due if due >= today else today + timedelta(days=DEFAULT_FEEDBACK_DAYS)


def finding_problems(draft: FindingDraft, *, today: date) -> list[FindingProblem]:
    problems = []
    if draft.content is not None and utf16_len(draft.content) > MAX_CONTENT:
        problems.append(FindingProblem.CONTENT_TOO_LONG)
    if draft.department is not None and utf16_len(draft.department) > MAX_DEPARTMENT:
        problems.append(FindingProblem.DEPARTMENT_TOO_LONG)
    if draft.feedback_due is not None and draft.feedback_due < today:
        problems.append(FindingProblem.DUE_IN_PAST)
    return problems


_CLEARS = {
    FindingProblem.CONTENT_TOO_LONG: "content",
    FindingProblem.DEPARTMENT_TOO_LONG: "department",
    FindingProblem.DUE_IN_PAST: "feedback_due",
}


def without_problems(draft: FindingDraft, problems: list[FindingProblem]) -> FindingDraft:
    return replace(draft, **{_CLEARS[problem]: None for problem in problems})


def missing_fields(draft: FindingDraft) -> list[str]:
    order = (("content", draft.content), ("department", draft.department),
             ("feedback_due", draft.feedback_due))
    return [name for name, value in order if value is None]


def initial_status(department: str | None) -> FollowUpStatus:
    """A finding with a department is assigned (交办) as it is recorded; without one it is raised."""
    return FollowUpStatus.ASSIGNED if department else FollowUpStatus.RAISED


def next_status(status: FollowUpStatus) -> FollowUpStatus | None:
    return NEXT.get(status)


def check_step(current: FollowUpStatus, target: FollowUpStatus, *, department: str | None = None,
               note: str | None = None) -> StepProblem | None:
    """Why ``current → target`` cannot happen, or None when it can."""
    if NEXT.get(current) is not target:
        return StepProblem.NOT_NEXT
    if target is FollowUpStatus.ASSIGNED and not (department or "").strip():
        return StepProblem.NEEDS_DEPARTMENT
    if target is FollowUpStatus.FED_BACK and not (note or "").strip():
        return StepProblem.NEEDS_NOTE
    return None


#: The steps at which the result has been fed back to the grassroots: the feedback deadline is met, nothing is due.
FEEDBACK_GIVEN = frozenset({FollowUpStatus.FED_BACK, FollowUpStatus.CLOSED})


def is_overdue(status: FollowUpStatus, feedback_due: date | None, *, today: date) -> bool:
    """Not yet fed back, and past the due date (the due day itself is not overdue)."""
    if feedback_due is None or status in FEEDBACK_GIVEN:
        return False
    return today > feedback_due


def light(status: FollowUpStatus, feedback_due: date | None, *, today: date) -> Light:
    """A follow-up item's light in the 督办 board's colours (the dashboard's legend): 🟢 fed back or closed, 🔴
    overdue, 🔵 due within BLUE_DAYS days, ⚪ in hand or without a deadline."""
    if status in FEEDBACK_GIVEN:
        return Light.GREEN
    if feedback_due is None:
        return Light.NONE
    if is_overdue(status, feedback_due, today=today):
        return Light.RED
    return Light.BLUE if (feedback_due - today).days <= BLUE_DAYS else Light.NONE

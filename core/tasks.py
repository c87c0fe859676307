"""Supervised tasks (督办事项): what a task needs before it is assigned, and each assignee's closed loop.

    assigned (已交办) → reported done (已报结, a note and optional evidence) → closed (已销账, by an admin)
                                  ↘ returned with a reason (退回) → assigned again

Only these moves exist; each one is checked against the assignment's current status, so a second
press on a closed item, or a report on an item already reported, changes nothing. An admin may cancel
(撤销) a whole task while someone still works on it; after that no move is made on it. A due date typed
without a time of day means the end of the working day: 18:00 team time (`END_OF_WORKDAY`).
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from core.aging import Age, age
from core.dates import beyond_horizon, find_date, find_no_such_day
from core.domain import AssignmentStatus
from core.text import squeeze, utf16_len

__all__ = [
    "END_OF_WORKDAY", "MAX_DETAIL", "MAX_NOTE", "MAX_REASON", "MAX_TITLE", "CancelProblem", "Move", "MoveProblem",
    "Progress", "RequestKind", "RequestProblem", "RequestState", "Stage", "TaskProblem", "cancel_problem",
    "extension_problem", "request_problem", "stage", "check_move", "due_instant", "due_problem", "parse_task", "progress", "target_of", "task_age", "text_problem", "title_without_date",
]

END_OF_WORKDAY = time(18, 0)
MAX_TITLE = 200  # the column's width
MAX_DETAIL = 2000
MAX_NOTE = 1000
MAX_REASON = 500


class Move(enum.StrEnum):
    REPORT = "report"  # the assignee: done, with a note
    CLOSE = "close"  # an admin confirms closure (销账)
    RETURN = "return"  # an admin sends it back, with a reason
    REOPEN = "reopen"  # 回头看 found the result did not hold (未落实): back to the assignee (core/lookback.py)


_MOVES: dict[Move, tuple[AssignmentStatus, AssignmentStatus]] = {
    Move.REPORT: (AssignmentStatus.ASSIGNED, AssignmentStatus.REPORTED),
    Move.CLOSE: (AssignmentStatus.REPORTED, AssignmentStatus.CLOSED),
    Move.RETURN: (AssignmentStatus.REPORTED, AssignmentStatus.ASSIGNED),
    Move.REOPEN: (AssignmentStatus.CLOSED, AssignmentStatus.ASSIGNED),
}


class MoveProblem(enum.StrEnum):
    ALREADY_CLOSED = "already_closed"
    ALREADY_REPORTED = "already_reported"  # a report on an item waiting for the office
    NOT_REPORTED = "not_reported"  # close or return before the assignee reported
    NEEDS_NOTE = "needs_note"
    NEEDS_REASON = "needs_reason"
    CANCELLED = "cancelled"  # the whole task was cancelled (撤销)
    NOT_CLOSED = "not_closed"  # a reopen of an item not closed


def check_move(current: AssignmentStatus, move: Move, *, text: str | None = None,
               cancelled: bool = False) -> MoveProblem | None:
    """Why ``move`` cannot happen to an assignment at ``current`` (of a task ``cancelled`` or not), or None
    when it can."""
    if cancelled:
        return MoveProblem.CANCELLED
    if move is Move.REOPEN:
        return None if current is AssignmentStatus.CLOSED else MoveProblem.NOT_CLOSED
    if current is AssignmentStatus.CLOSED:
        return MoveProblem.ALREADY_CLOSED
    if _MOVES[move][0] is not current:
        return MoveProblem.ALREADY_REPORTED if move is Move.REPORT else MoveProblem.NOT_REPORTED
    if move is Move.REPORT and not (text or "").strip():
        return MoveProblem.NEEDS_NOTE
    if move is Move.RETURN and not (text or "").strip():
        return MoveProblem.NEEDS_REASON
    return None


def target_of(move: Move) -> AssignmentStatus:
    return _MOVES[move][1]


class CancelProblem(enum.StrEnum):
    ALREADY_CANCELLED = "already_cancelled"
    ALL_CLOSED = "all_closed"  # every assignee closed: the task is finished, not to be cancelled


def cancel_problem(statuses: Iterable[AssignmentStatus], *, cancelled: bool) -> CancelProblem | None:
    """Why a task with its assignees at ``statuses`` cannot be cancelled, or None when it can."""
    if cancelled:
        return CancelProblem.ALREADY_CANCELLED
    if all(s is AssignmentStatus.CLOSED for s in statuses):
        return CancelProblem.ALL_CLOSED
    return None


class TaskProblem(enum.StrEnum):
    EMPTY = "empty"
    TOO_LONG = "too_long"
    UNREADABLE_DATE = "unreadable_date"
    NO_SUCH_DAY = "no_such_day"  # 2月30日前: the due is asked again, not left in the title
    DUE_IN_PAST = "due_in_past"
    DUE_TOO_FAR = "due_too_far"  # further ahead than core.dates.HORIZON_YEARS
    NO_ASSIGNEES = "no_assignees"


def text_problem(text: str, limit: int) -> TaskProblem | None:
    if not text.strip():
        return TaskProblem.EMPTY
    if utf16_len(text.strip()) > limit:
        return TaskProblem.TOO_LONG
    return None


_FILLER_BEFORE = re.compile(r"(?:\b(?:on|by|due|before|until|deadline:?)|截止(?:到|至|于)?|于|在|限)\s*$", re.IGNORECASE)
_FILLER_AFTER = re.compile(r"^\s*(?:下班(?:之前|以前|前)?|之前|以前|前|截止)")


def title_without_date(text: str, start: int, end: int) -> str:
    """The title left when the due date at text[start:end] is taken out, with the words that only
    introduced the date (截止, 前, by, on) taken out too: `整改台账 11月30日前` → `整改台账`."""
    before = _FILLER_BEFORE.sub("", text[:start].rstrip())
    after = _FILLER_AFTER.sub("", text[end:])
    return f"{before} {after}".strip()


def parse_task(text: str, *, now: datetime, tz: ZoneInfo) -> tuple[str | None, datetime | None, bool]:
    """`报送三季度安全生产情况 下周五下午5点`: the title and the due instant, in any order, and whether the text
    named a day the calendar has not (2月30日前: no due, and the words are not left in the title). The due
    date is the first one in the text (future-leaning); the words that only introduced it (截止, 前, 下班前,
    by) go with it; the title is the rest as typed."""
    impossible = find_no_such_day(text, now=now)
    if impossible is not None:
        return squeeze(title_without_date(text, impossible.start, impossible.end)) or None, None, True
    found = find_date(text, now=now, prefer="future", allow_range=False)
    due = None
    if found is not None and not isinstance(found.value, tuple):
        due = due_instant(found.value, tz)
        text = title_without_date(text, found.start, found.end)
    return squeeze(text) or None, due, False


def due_instant(parsed: date | datetime, tz: ZoneInfo) -> datetime:
    """The due instant of a typed date: its time when one was given, else 18:00 that day (team time)."""
    if isinstance(parsed, datetime):
        return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=tz)
    return datetime.combine(parsed, END_OF_WORKDAY, tzinfo=tz)


def due_problem(due: datetime | None, *, now: datetime) -> TaskProblem | None:
    if due is None:
        return TaskProblem.UNREADABLE_DATE
    if due <= now:
        return TaskProblem.DUE_IN_PAST
    if beyond_horizon(due, now.date()):
        return TaskProblem.DUE_TOO_FAR
    return None


def task_age(due: datetime, *, now: datetime, tz: ZoneInfo) -> Age:
    """🟢 more than three days left, 🟡 within three days, 🔴 past the due instant."""
    if due <= now:
        return Age.RED
    return age(due.astimezone(tz).date(), today=now.astimezone(tz).date())


def deadline_in_force(own: datetime | None, task_due: datetime) -> datetime:
    """An assignee's deadline: their own once an extension (延期) or a 回头看 reopening moved it, else the task's.
    (The queries say the same in SQL: ``coalesce(task_assignments.due_at, tasks.due_at)``.)"""
    return own if own is not None else task_due


@dataclass(frozen=True)
class Progress:
    """A task's assignees at a glance: "3/8 closed · 2 reported · 3 open, 1 overdue"."""

    total: int
    closed: int
    reported: int
    open: int
    overdue: int  # open ones past the due instant

    @property
    def finished(self) -> bool:
        return self.total > 0 and self.closed == self.total


def progress(assignments: Iterable[tuple[AssignmentStatus, datetime]], *, now: datetime) -> Progress:
    """A task at a glance from each assignment's status and its deadline in force (the task's, or the
    assignee's own once an extension or 回头看 moved it): an open assignment is overdue by its own."""
    counted = list(assignments)
    closed = sum(status is AssignmentStatus.CLOSED for status, _ in counted)
    reported = sum(status is AssignmentStatus.REPORTED for status, _ in counted)
    overdue = sum(status is AssignmentStatus.ASSIGNED and due <= now for status, due in counted)
    return Progress(total=len(counted), closed=closed, reported=reported, open=len(counted) - closed - reported,
                    overdue=overdue)


# --- 督办 in four stages, and what an assignee may ask of the office --------------------------------------


class Stage(enum.StrEnum):
    """The four stages the seed names, read from an assignment: 提出诉求 until its assignee signs for it
    (签收), 对接问诊 while they talk with the office (signed, no plan yet), 问题办理 once a plan is set,
    确认销账 once reported done (and closed)."""

    RAISED = "raised"  # 提出诉求
    CONSULTING = "consulting"  # 对接问诊
    HANDLING = "handling"  # 问题办理
    CLOSING = "closing"  # 确认销账


def stage(status: AssignmentStatus, *, signed: bool, planned: bool) -> Stage:
    if status is not AssignmentStatus.ASSIGNED:
        return Stage.CLOSING
    if planned:
        return Stage.HANDLING
    return Stage.CONSULTING if signed else Stage.RAISED


class RequestKind(enum.StrEnum):
    QUESTION = "question"  # 问诊: a question to the office
    PLAN = "plan"  # a plan with the day it promises
    EXTENSION = "extension"  # 延期申请: a reason and a proposed new deadline


class RequestState(enum.StrEnum):
    OPEN = "open"
    ANSWERED = "answered"
    APPROVED = "approved"
    REFUSED = "refused"


class RequestProblem(enum.StrEnum):
    ALREADY_SIGNED = "already_signed"
    NOT_OPEN = "not_open"  # the assignment was reported or closed: nothing more to ask
    ALREADY_ANSWERED = "already_answered"  # the office answered (approved, refused) it already
    DATE_NOT_LATER = "date_not_later"  # an extension to a day not after the current deadline


def request_problem(status: AssignmentStatus, *, cancelled: bool) -> MoveProblem | RequestProblem | None:
    """Why an assignee cannot sign, ask, plan or request an extension on an assignment at ``status``."""
    if cancelled:
        return MoveProblem.CANCELLED
    if status is AssignmentStatus.CLOSED:
        return MoveProblem.ALREADY_CLOSED
    if status is AssignmentStatus.REPORTED:
        return RequestProblem.NOT_OPEN
    return None


def extension_problem(proposed: date, *, current_due: datetime, today: date, tz: ZoneInfo) -> TaskProblem | RequestProblem | None:
    """Why ``proposed`` cannot be an extension's new deadline: not after the current deadline's day, or
    beyond the horizon."""
    if proposed <= current_due.astimezone(tz).date():
        return RequestProblem.DATE_NOT_LATER
    if beyond_horizon(proposed, today):
        return TaskProblem.DUE_TOO_FAR
    return None

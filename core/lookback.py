"""回头看: a closed item comes back to its owner after a while (default three months) to say whether its result held.

    closed (a follow-up item closed, a supervised task closed by the office, a suggestion answered B-class)
        → comes back on the day `after_months` later → the owner is asked once: 落实 / 部分落实 / 未落实
        → a reminder after `remind_workdays` working days → the office is told after as many again
    未落实 reopens the item for the office; a reopened task gets a new deadline (its original span in working days).

When it comes back, what it asks and when it reminds are decided here; the rows live in storage/lookback.py
and the job that asks is jobs/lookback.py.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from core.dates_calendar import add_months
from core.text import utf16_len

__all__ = [
    "MAX_NOTE", "Progress", "Result", "Stage", "comes_back_on", "midnight", "next_stage", "nth_workday_after",
    "note_problem", "reopen_due", "working_days_between",
]

MAX_NOTE = 500
#: The audit log's action when 回头看 reopens a finding or a motion (a task's is core.tasks.Move.REOPEN): the ledger
#: tells it from a deputy's 不满意 by it.
REOPEN_ACTION = "lookback_reopen"
_END_OF_WORKDAY = time(18, 0)  # as core.tasks.END_OF_WORKDAY (a due date without a time of day)
_MAX_SPAN = 366  # working days at most, so a bad calendar cannot loop for ever


class Result(enum.StrEnum):
    """The owner's answer."""

    HELD = "held"  # 落实
    PARTLY = "partly"  # 部分落实
    NOT_HELD = "not_held"  # 未落实: reopens the item


class Stage(enum.StrEnum):
    """What the job does next for a row whose instant came."""

    SCHEDULE = "schedule"  # new: work out the day it comes back
    ASK = "ask"
    REMIND = "remind"
    OFFICE = "office"  # tell the office it was not answered
    DONE = "done"


@dataclass(frozen=True)
class Progress:
    """Where a 回头看 row stands: when it comes back, and when the owner was asked, reminded, the office
    told, and the answer given (None: not yet)."""

    due_at: datetime | None
    asked_at: datetime | None
    reminded_at: datetime | None
    escalated_at: datetime | None
    answered_at: datetime | None


def next_stage(row: Progress) -> Stage:
    if row.answered_at is not None or row.escalated_at is not None:
        return Stage.DONE
    if row.due_at is None:
        return Stage.SCHEDULE
    if row.asked_at is None:
        return Stage.ASK
    if row.reminded_at is None:
        return Stage.REMIND
    return Stage.OFFICE


def midnight(day: date, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0, 0), tzinfo=tz)


def comes_back_on(closed_at: datetime, *, months: int, tz: ZoneInfo) -> date:
    """The day ``months`` after the day it closed (team time), clamped to the month's end."""
    if months < 1:
        raise ValueError(f"months must be at least 1, not {months}")
    day = add_months(closed_at.astimezone(tz).date(), months)
    if day is None:
        raise OverflowError(f"{closed_at} + {months} months is past the calendar's end")
    return day


def nth_workday_after(day: date, n: int, is_workday: Callable[[date], bool]) -> date:
    """The ``n``-th working day after ``day`` (``day`` itself not counted); at least one."""
    found, current = 0, day
    for _ in range(_MAX_SPAN * 2):
        current += timedelta(days=1)
        if is_workday(current):
            found += 1
            if found >= max(n, 1):
                return current
    return current


def working_days_between(start: date, end: date, is_workday: Callable[[date], bool]) -> int:
    """Working days after ``start`` up to and including ``end`` (0 when ``end`` is not after ``start``)."""
    days, current = 0, start
    while current < end and days < _MAX_SPAN:
        current += timedelta(days=1)
        days += is_workday(current)
    return days


def reopen_due(*, created_at: datetime, due_at: datetime, now: datetime, tz: ZoneInfo,
               is_workday: Callable[[date], bool]) -> datetime:
    """A reopened task's new deadline: as many working days from today as the task first had (at least one),
    at 18:00 team time, so that it is not overdue the moment it comes back."""
    span = working_days_between(created_at.astimezone(tz).date(), due_at.astimezone(tz).date(), is_workday)
    day = nth_workday_after(now.astimezone(tz).date(), max(span, 1), is_workday)
    return datetime.combine(day, _END_OF_WORKDAY, tzinfo=tz)


def note_problem(text: str) -> str | None:
    """"too_long" for a note over :data:`MAX_NOTE`, "empty" for nothing; None when it is fine."""
    if not text.strip():
        return "empty"
    if utf16_len(text.strip()) > MAX_NOTE:
        return "too_long"
    return None

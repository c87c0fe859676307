"""The warning lights offices put on supervised tasks (督办预警), one per assignment and the worst per task:

    🟢 closed (销账)          🔴 overdue (past the assignee's own deadline)
    🟡 behind its plan (the plan's day passed, not reported) or not signed for (签收) within 2 working days
    🔵 due within 3 days     ⚪ none of these (also: reported, awaiting the office)

Working days are the team's calendar (storage/calendar.py), as the nudges count them. Pure: the caller
passes the clock and the calendar.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from core.domain import AssignmentStatus

__all__ = ["BLUE_DAYS", "SIGN_WITHIN_WORKDAYS", "Light", "light", "sign_by", "worst"]

BLUE_DAYS = 3  # 🔵 within this many days of the deadline
SIGN_WITHIN_WORKDAYS = 2  # 🟡 when not signed for by the end of the 2nd working day after assignment


class Light(enum.StrEnum):
    GREEN = "🟢"
    RED = "🔴"
    YELLOW = "🟡"
    BLUE = "🔵"
    NONE = "⚪"


_WORST_FIRST = (Light.RED, Light.YELLOW, Light.BLUE, Light.NONE, Light.GREEN)


def sign_by(assigned: date, is_workday: Callable[[date], bool], workdays: int = SIGN_WITHIN_WORKDAYS) -> date:
    """The last day to sign for an assignment made on ``assigned``: its ``workdays``-th working day after."""
    day, counted = assigned, 0
    while counted < workdays:
        day += timedelta(days=1)
        counted += is_workday(day)
    return day


def light(status: AssignmentStatus, *, due: datetime, assigned_at: datetime, signed_at: datetime | None,
          plan_date: date | None, now: datetime, tz: ZoneInfo, is_workday: Callable[[date], bool]) -> Light:
    """One assignment's light at ``now``; ``due`` is the assignee's own deadline (after any extension)."""
    if status is AssignmentStatus.CLOSED:
        return Light.GREEN
    if status is AssignmentStatus.REPORTED:
        return Light.NONE  # done on the assignee's side: the office's move
    if due <= now:
        return Light.RED
    today = now.astimezone(tz).date()
    if plan_date is not None and plan_date < today:
        return Light.YELLOW
    if signed_at is None and today > sign_by(assigned_at.astimezone(tz).date(), is_workday):
        return Light.YELLOW
    if (due.astimezone(tz).date() - today).days <= BLUE_DAYS:
        return Light.BLUE
    return Light.NONE


def worst(lights: Iterable[Light]) -> Light:
    """A task's light: the worst of its assignments' (🟢 only when every one is closed; ⚪ for none)."""
    found = set(lights)
    return next((each for each in _WORST_FIRST if each in found), Light.NONE)

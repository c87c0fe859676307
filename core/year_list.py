"""When the 年度清单 (the year's list: 年初有清单) goes out: on the team's first working day of the year, at the
boards' time. Like a board, a list whose moment passed less than LATE_BOARD ago (downtime) still goes out,
an older one does not, and a team created after the moment gets none that year."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from core.boards import board_window_open, first_workday


def moment(year: int, at: time, tz: ZoneInfo, is_workday: Callable[[date], bool]) -> datetime:
    """The instant the year's list is due: its first working day at ``at``, team time."""
    return datetime.combine(first_workday(year, 1, is_workday), at, tzinfo=tz)


def due(due_at: datetime, now: datetime, *, team_created_at: datetime) -> bool:
    """Whether the list due at ``due_at`` goes out now (the outbox keys make it once per member)."""
    return board_window_open(due_at, now, team_created_at=team_created_at)

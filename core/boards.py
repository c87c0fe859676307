"""When the race boards and the weekly summary are due: the pure rules the scheduling tick
(jobs/boards.py) applies in each team's time.

Race boards: on the first working day of each month, the previous month's board; on the first working
day of a quarter and of a year, the previous quarter's and year's boards too. A board whose moment
passed less than LATE_BOARD ago (downtime) is still posted; older ones are stale news. Weekly summary:
on the configured weekday, posted once its moment has passed that week. A team created after a moment
gets nothing for it, nor boards of periods that ended before it was created.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta

from core.broadcasts import WEEKDAYS
from core.race import Period, PeriodKind

LATE_BOARD = timedelta(days=7)  # a board missed longer (downtime) is stale news: not posted


def first_workday(year: int, month: int, is_workday: Callable[[date], bool]) -> date:
    """The month's first working day (its first day if none of its next 62 days is one)."""
    day = date(year, month, 1)
    for _ in range(62):
        if is_workday(day):
            return day
        day += timedelta(days=1)
    return date(year, month, 1)


def boards_due(today: date, is_workday: Callable[[date], bool]) -> tuple[date, list[Period]]:
    """This month's first working day and the periods whose boards are posted on it."""
    first = first_workday(today.year, today.month, is_workday)
    last_month = Period.containing(PeriodKind.MONTH, date(today.year, today.month, 1) - timedelta(days=1))
    periods = [last_month]
    if today.month in (1, 4, 7, 10):
        periods.append(Period.containing(PeriodKind.QUARTER, last_month.end))
    if today.month == 1:
        periods.append(Period(PeriodKind.YEAR, today.year - 1))
    return first, periods


def board_window_open(moment: datetime, now: datetime, *, team_created_at: datetime) -> bool:
    """Whether boards due at ``moment`` are posted now: the moment has come, passed less than LATE_BOARD
    ago, and the team existed before it."""
    return moment <= now < moment + LATE_BOARD and team_created_at < moment


def periods_lived(periods: Iterable[Period], born: date) -> list[Period]:
    """The periods that had not ended when the team was created (``born``, its first day)."""
    return [p for p in periods if p.end >= born]


def closed_periods(today: date, born: date) -> list[Period]:
    """The month, quarter and year that ended last before ``today``, those that had not ended when the team was
    created (``born``): the periods whose saved ranks today's boards show movement from."""
    return periods_lived([Period.containing(kind, today).previous for kind in PeriodKind], born)


def summary_day(today: date, weekday: str) -> date:
    """The day of ``today``'s Monday–Sunday week on which the weekly summary is posted (``weekday``:
    an English day name, any case)."""
    return today - timedelta(days=today.weekday()) + timedelta(days=WEEKDAYS.index(weekday.lower()))


def summary_due(moment: datetime, now: datetime, *, team_created_at: datetime) -> bool:
    """Whether this week's summary, due at ``moment``, is posted now: the moment has come and the team
    existed before it (the outbox key makes it once a week)."""
    return now >= moment and team_created_at < moment

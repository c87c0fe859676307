"""When the race boards and the weekly summary are due (core/boards.py)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from core import holidays
from core.boards import (
    LATE_BOARD,
    board_window_open,
    boards_due,
    first_workday,
    periods_lived,
    summary_day,
    summary_due,
)
from core.race import Period, PeriodKind

SH = ZoneInfo("Asia/Shanghai")


def _at(year: int, month: int, day: int, hour: int, minute: int) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=SH)


def month(year: int, index: int) -> Period:
    return Period(PeriodKind.MONTH, year, index)


def quarter(year: int, index: int) -> Period:
    return Period(PeriodKind.QUARTER, year, index)


@pytest.mark.parametrize("year, index, expected", [
    (2026, 12, date(2026, 12, 1)),  # a Tuesday
    (2026, 11, date(2026, 11, 2)),  # the 1st is a Sunday
    (2026, 8, date(2026, 8, 3)),  # Saturday the 1st
    (2026, 10, date(2026, 10, 8)),  # National Day holiday 10-01…10-07
    (2026, 5, date(2026, 5, 6)),  # Labour Day holiday 05-01…05-05
    (2026, 1, date(2026, 1, 4)),  # New Year's holiday, then a Sunday worked (调休)
])
def test_the_first_working_day_follows_the_national_calendar(year: int, index: int, expected: date) -> None:
    assert first_workday(year, index, holidays.is_workday) == expected


def test_a_month_without_a_working_day_posts_on_its_first_day() -> None:
    assert first_workday(2026, 7, lambda day: False) == date(2026, 7, 1)


@pytest.mark.parametrize("today, first, periods", [
    (date(2026, 12, 15), date(2026, 12, 1), [month(2026, 11)]),
    (date(2026, 11, 1), date(2026, 11, 2), [month(2026, 10)]),
    (date(2026, 10, 20), date(2026, 10, 8), [month(2026, 9), quarter(2026, 3)]),  # a quarter's first month
    (date(2026, 4, 1), date(2026, 4, 1), [month(2026, 3), quarter(2026, 1)]),
    (date(2026, 7, 1), date(2026, 7, 1), [month(2026, 6), quarter(2026, 2)]),
    (date(2027, 1, 10), date(2027, 1, 4),  # a year's first month: the year's board too
     [month(2026, 12), quarter(2026, 4), Period(PeriodKind.YEAR, 2026)]),
])
def test_which_boards_are_due_in_a_month(today: date, first: date, periods: list[Period]) -> None:
    assert boards_due(today, holidays.is_workday) == (first, periods)


MOMENT = _at(2026, 12, 1, 9, 0)
CREATED = _at(2026, 6, 1, 9, 0)


@pytest.mark.parametrize("now, created, expected", [
    (MOMENT - timedelta(minutes=1), CREATED, False),  # not yet
    (MOMENT, CREATED, True),
    (MOMENT + LATE_BOARD - timedelta(seconds=1), CREATED, True),  # after downtime, within a week
    (MOMENT + LATE_BOARD, CREATED, False),  # stale news
    (MOMENT + timedelta(hours=1), MOMENT + timedelta(minutes=1), False),  # the team came after the moment
    (MOMENT + timedelta(hours=1), MOMENT, False),
])
def test_boards_are_posted_within_a_week_of_their_moment(now: datetime, created: datetime,
                                                         expected: bool) -> None:
    assert board_window_open(MOMENT, now, team_created_at=created) is expected


@pytest.mark.parametrize("born, expected", [
    (date(2026, 6, 1), [month(2026, 9), quarter(2026, 3)]),
    (date(2026, 9, 15), [month(2026, 9), quarter(2026, 3)]),
    (date(2026, 9, 30), [month(2026, 9), quarter(2026, 3)]),  # the periods' last day: lived in them
    (date(2026, 10, 1), []),
])
def test_a_team_gets_boards_only_of_periods_it_lived_in(born: date, expected: list[Period]) -> None:
    assert periods_lived([month(2026, 9), quarter(2026, 3)], born) == expected


@pytest.mark.parametrize("today, weekday, expected", [
    (date(2026, 11, 23), "monday", date(2026, 11, 23)),  # a Monday
    (date(2026, 11, 29), "monday", date(2026, 11, 23)),  # the Sunday: the same week's Monday
    (date(2026, 11, 25), "Friday", date(2026, 11, 27)),  # any case; later in the week
    (date(2026, 11, 25), "sunday", date(2026, 11, 29)),
])
def test_the_summary_day_is_in_todays_week(today: date, weekday: str, expected: date) -> None:
    assert summary_day(today, weekday) == expected


@pytest.mark.parametrize("now, created, expected", [
    (MOMENT - timedelta(seconds=1), CREATED, False),
    (MOMENT, CREATED, True),
    (MOMENT + timedelta(days=6), CREATED, True),  # later that week (the outbox key makes it once)
    (MOMENT + timedelta(hours=1), MOMENT + timedelta(minutes=1), False),  # the team came after the moment
])
def test_the_summary_is_due_once_its_moment_has_come(now: datetime, created: datetime, expected: bool) -> None:
    assert summary_due(MOMENT, now, team_created_at=created) is expected

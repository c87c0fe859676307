"""Quiet hours and working days: when a message the bot sends on its own may go out."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from core import holidays
from core.quiet import is_allowed, next_allowed

SH = ZoneInfo("Asia/Shanghai")


def _at(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=SH)


def _next(instant: datetime, **rules: object) -> datetime:
    options: dict[str, object] = {"tz": SH, "quiet_start": "22:00", "quiet_end": "08:00", "urgent": False,
                                  "is_workday": holidays.is_workday}
    options.update(rules)
    return next_allowed(instant, **options).astimezone(SH)  # type: ignore[arg-type]


@pytest.mark.parametrize("instant, expected", [
    (_at(2026, 11, 23, 10, 0), _at(2026, 11, 23, 10, 0)),  # a Monday morning: at once
    (_at(2026, 11, 23, 21, 59, 30), _at(2026, 11, 23, 21, 59, 30)),  # the last minute before quiet hours
    (_at(2026, 11, 23, 22, 0), _at(2026, 11, 24, 8, 0)),  # quiet hours start
    (_at(2026, 11, 24, 3, 17), _at(2026, 11, 24, 8, 0)),  # small hours
    (_at(2026, 11, 24, 7, 59, 59), _at(2026, 11, 24, 8, 0)),
    (_at(2026, 11, 27, 23, 0), _at(2026, 11, 30, 8, 0)),  # Friday night → Monday
    (_at(2026, 11, 21, 10, 30), _at(2026, 11, 23, 8, 0)),  # a Saturday
    (_at(2026, 9, 30, 22, 30), _at(2026, 10, 8, 8, 0)),  # National Day holiday 10-01…10-07
    (_at(2026, 10, 10, 9, 0), _at(2026, 10, 10, 9, 0)),  # 调休: Saturday 2026-10-10 is a working day
    (_at(2026, 9, 20, 10, 0), _at(2026, 9, 20, 10, 0)),  # 调休: Sunday 2026-09-20 is a working day
    (_at(2026, 2, 14, 9, 0), _at(2026, 2, 14, 9, 0)),  # 调休 Saturday before the Spring Festival
    (_at(2026, 2, 16, 9, 0), _at(2026, 2, 24, 8, 0)),  # Spring Festival holiday
])
def test_non_urgent_messages_wait_for_the_next_allowed_minute(instant: datetime, expected: datetime) -> None:
    assert _next(instant) == expected


def test_urgent_messages_go_at_once() -> None:
    at_night_on_a_holiday = _at(2026, 10, 1, 23, 30)
    assert _next(at_night_on_a_holiday, urgent=True) == at_night_on_a_holiday


def test_quiet_hours_within_a_day_and_none_at_all() -> None:
    lunch = {"quiet_start": "12:00", "quiet_end": "14:00", "is_workday": None}
    assert _next(_at(2026, 11, 21, 12, 30), **lunch) == _at(2026, 11, 21, 14, 0)
    assert _next(_at(2026, 11, 21, 23, 30), **lunch) == _at(2026, 11, 21, 23, 30)
    assert _next(_at(2026, 11, 21, 3, 0), quiet_start="00:00", quiet_end="00:00", is_workday=None) == \
        _at(2026, 11, 21, 3, 0)


def test_the_answer_is_in_utc_and_other_zones_use_their_own_clock() -> None:
    result = next_allowed(datetime(2026, 11, 23, 15, 0, tzinfo=UTC), tz=ZoneInfo("Europe/Berlin"),
                          quiet_start="22:00", quiet_end="08:00", urgent=False, is_workday=None)
    assert result == datetime(2026, 11, 23, 15, 0, tzinfo=UTC)  # 16:00 in Berlin
    assert result.tzinfo == UTC
    assert not is_allowed(_at(2026, 11, 23, 23, 0), tz=SH, quiet_start="22:00", quiet_end="08:00",
                          urgent=False, is_workday=None)


def test_naive_instants_are_refused() -> None:
    with pytest.raises(ValueError):
        next_allowed(datetime(2026, 11, 23, 10, 0), tz=SH, quiet_start="22:00", quiet_end="08:00",
                     urgent=False, is_workday=None)

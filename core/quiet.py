"""When a message the bot sends on its own may go out: outside quiet hours, on working days.

Pure: the calendar of working days is handed in as `is_workday` (core/holidays.py adapts China's
official calendar, with its public holidays and make-up working days, 调休). Urgent messages go at once.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Protocol

# A year of days is more than any run of holidays; past it, the calendar is treated as broken.
_SEARCH_DAYS = 366


def parse_hhmm(value: str) -> time:
    hours, minutes = value.split(":")
    return time(int(hours), int(minutes))


def _windows(day: date, quiet_start: time, quiet_end: time) -> list[tuple[time, time | None]]:
    """The allowed [from, to) spans of one day in local time; None as `to` means until midnight."""
    if quiet_start == quiet_end:
        return [(time(0, 0), None)]
    if quiet_start > quiet_end:  # overnight, e.g. 22:00–08:00: allowed 08:00–22:00
        return [(quiet_end, quiet_start)]
    # within the day, e.g. 12:00–14:00: allowed before and after
    spans: list[tuple[time, time | None]] = []
    if quiet_start > time(0, 0):
        spans.append((time(0, 0), quiet_start))
    spans.append((quiet_end, None))
    return spans


def next_allowed(
    instant: datetime,
    *,
    tz: tzinfo,
    quiet_start: time | str = "22:00",
    quiet_end: time | str = "08:00",
    urgent: bool = False,
    is_workday: Callable[[date], bool] | None = None,
) -> datetime:
    """The first instant at or after `instant` when a message may be sent (aware, UTC).

    Non-urgent messages wait for the end of quiet hours (team time) and for the next working day
    when `is_workday` says a day is not one; an instant already allowed is returned unchanged, a
    later one is the start of the next allowed minute span.
    """
    if instant.tzinfo is None:
        raise ValueError("next_allowed needs an aware datetime")
    instant = instant.astimezone(UTC)
    if urgent:
        return instant
    start = parse_hhmm(quiet_start) if isinstance(quiet_start, str) else quiet_start
    end = parse_hhmm(quiet_end) if isinstance(quiet_end, str) else quiet_end
    local = instant.astimezone(tz)
    day = local.date()
    for _ in range(_SEARCH_DAYS):
        if is_workday is None or is_workday(day):
            for opens, closes in _windows(day, start, end):
                window_start = datetime.combine(day, opens, tzinfo=tz)
                window_end = (
                    datetime.combine(day + timedelta(days=1), time(0, 0), tzinfo=tz)
                    if closes is None else datetime.combine(day, closes, tzinfo=tz)
                )
                if local < window_end:
                    return max(local, window_start).astimezone(UTC)
        day += timedelta(days=1)
    raise ValueError(f"no working day within {_SEARCH_DAYS} days of {instant.isoformat()}")


class QuietHours(Protocol):
    """The settings :func:`allowed_moment` reads (config.ScheduleSettings), in team time ("22:00")."""

    @property
    def quiet_hours_start(self) -> str: ...

    @property
    def quiet_hours_end(self) -> str: ...


def allowed_moment(schedule: QuietHours, now: datetime, tz: tzinfo, is_workday: Callable[[date], bool]) -> datetime:
    """The first instant from ``now`` a scheduled message may go out: outside the schedule's quiet hours, on a
    working day of the team (``is_workday``: its own calendar, storage/calendar.py); ``now`` itself when it is
    one. The scheduling tick (jobs/) holds every message to it, and a handler promising one uses it too."""
    return next_allowed(now, tz=tz, quiet_start=schedule.quiet_hours_start, quiet_end=schedule.quiet_hours_end,
                        is_workday=is_workday)


def is_allowed(instant: datetime, **rules: object) -> bool:
    """Whether a message may go out at `instant` (the same rules as `next_allowed`)."""
    return next_allowed(instant, **rules) == instant.astimezone(UTC)  # type: ignore[arg-type]  # the rules are next_allowed's keywords

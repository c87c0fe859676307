"""China's working days: public holidays and make-up working days (调休) from the `chinesecalendar`
package (maintained each year from the State Council's notice).

The package only knows the years it was released for (1.11.0: 2004–2026). For any other year this
falls back to Monday–Friday and logs it once per year, so a deployment that outlives its package
version keeps working (without that year's holidays) instead of failing: upgrade the package each
December when the next year's notice is out.
"""

from __future__ import annotations

import logging
from datetime import date

import chinese_calendar

log = logging.getLogger(__name__)
_warned: set[int] = set()


def is_workday(day: date) -> bool:
    """Whether `day` is a working day in mainland China (调休 Saturdays count; holidays do not)."""
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        if day.year not in _warned:
            _warned.add(day.year)
            log.warning("chinesecalendar has no data for %s: treating Monday–Friday as working days", day.year)
        return day.weekday() < 5


def known_years() -> range:
    """The years the installed calendar knows (others fall back to Monday–Friday)."""
    years = [y for y in range(2000, 2100) if _knows(y)]
    return range(years[0], years[-1] + 1) if years else range(0)


def _knows(year: int) -> bool:
    try:
        chinese_calendar.is_workday(date(year, 6, 1))
        return True
    except NotImplementedError:
        return False


def every_day(_day: date) -> bool:
    """A calendar with no days off (for teams that opt out of the holiday rule)."""
    return True

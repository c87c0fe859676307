"""China's working days: public holidays and make-up working days (调休) from the maintained `holidays`
package, and the corrections an office makes for its team.

`holidays.China` computes the lunar holidays (春节, 清明, 端午, 中秋) for any year and carries the
State Council's 调休 arrangement (make-up working weekends) for the years whose notice the installed
version knows; for a later year the holidays are still there, only its 调休 Saturdays are missing
until the package is upgraded (or the office adds them: `/holiday`, `[holidays]` in config.toml).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from datetime import date

import holidays as _holidays

Workday = Callable[[date], bool]


@functools.lru_cache(maxsize=64)
def _china(year: int) -> _holidays.HolidayBase:
    """One calendar object per year, built once (building one computes the lunar dates)."""
    return _holidays.China(years=year)


def is_workday(day: date) -> bool:
    """Whether `day` is a working day in mainland China (调休 weekends count; holidays do not)."""
    return bool(_china(day.year).is_working_day(day))


def holiday_name(day: date) -> str | None:
    """The (English) name the package gives a public holiday, or None."""
    return _china(day.year).get(day)


def every_day(_day: date) -> bool:
    """A calendar with no days off (for deployments that turn the holiday rule off)."""
    return True


def corrected(base: Workday, days: Mapping[date, bool]) -> Workday:
    """`base`, except on the days in `days` (day → whether it is a working day), which win."""
    if not days:
        return base
    fixed = dict(days)

    def workday(day: date) -> bool:
        found = fixed.get(day)
        return base(day) if found is None else found

    return workday

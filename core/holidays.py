"""China's working days: public holidays and make-up working days (调休) from the maintained `holidays`
package, and the corrections an office makes for its team.

`holidays.China` computes the lunar holidays (春节, 清明, 端午, 中秋) for any year and carries the
State Council's arrangement (放假安排: the days off of each break and the make-up working weekends, 调休) for
the years whose notice the installed version knows. For a later year it has the public holidays themselves only,
a holiday on a weekend moved to the next weekday: no make-up working days, and the long breaks come out short
(春节 six days instead of eight or nine, 国庆 five instead of seven or eight), so reminders and boards would go
out on days the offices are closed. :func:`has_arrangement` tells such a year (storage/calendar.py
`unarranged_years`: the office is told, in `/holiday` and the admins' weekly summary, until it has entered the
days itself: `/holiday`, or `[holidays]` in config.toml; or the package is upgraded).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Literal

from core import dates

if TYPE_CHECKING:
    import holidays as _holidays

Workday = Callable[[date], bool]
SATURDAY = 5  # date.weekday()


@functools.lru_cache(maxsize=64)
def _china(year: int) -> _holidays.HolidayBase:
    """One calendar object per year, built once (building one computes the lunar dates). The holidays
    package is imported here, on the first calendar asked for, not when the bot starts."""
    import holidays as _holidays

    return _holidays.China(years=year)  # type: ignore[no-untyped-call]  # the package leaves it unannotated


def is_workday(day: date) -> bool:
    """Whether `day` is a working day in mainland China (调休 weekends count; holidays do not)."""
    return bool(_china(day.year).is_working_day(day))


@functools.lru_cache(maxsize=64)
def has_arrangement(year: int) -> bool:
    """Whether the installed calendar has the State Council's arrangement for ``year``, read from its make-up
    working weekends: every year whose notice it has has some (5 to 12 a year, 2005–2026, in holidays 0.108),
    a year without the notice none."""
    day = date(year, 1, 1)
    while day.year == year:
        if day.weekday() >= SATURDAY and is_workday(day):
            return True
        day += timedelta(days=1)
    return False


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


# --- the office's corrections, as typed after /holiday ------------------------------------------

WORKDAY_WORDS = ("上班", "补班", "工作日", "调休上班", "workday", "working day", "work day", "working", "work")
DAY_OFF_WORDS = ("休息", "休息日", "放假", "休假", "假日", "节假日", "补休", "公休", "不上班", "day off", "day-off",
                 "non-working day", "holiday", "off", "rest")  # the longest that fits is read: 休息日 whole
REMOVE_WORDS = ("remove", "delete", "删除", "取消", "撤销")
NOTE_LIMIT = 100


@dataclass(frozen=True)
class DayChange:
    """What `/holiday …` asks for: list (no day), set `day` to `workday` (with a note), or remove `day`."""

    action: Literal["list", "set", "remove"]
    day: date | None = None
    workday: bool | None = None
    note: str | None = None


class DayChangeError(ValueError):
    """Why the text is not a change: "no_day", "range", "no_kind", "past" or "note" (with ``day`` when
    one was read)."""

    def __init__(self, reason: str, day: date | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.day = day


def parse_day_change(text: str, *, now: datetime) -> DayChange:
    """Reads `2027-02-20 上班 调休`, `2月20日 workday`, `12月31日 休息`, `remove 2月20日` (days to come:
    a date without a year is the next such day); raises DayChangeError saying what is missing."""
    text = " ".join(text.split())
    if not text:
        return DayChange("list")
    lowered = text.lower()
    removing = next((w for w in REMOVE_WORDS if lowered.startswith(w)), None)
    if removing is not None:
        rest = text[len(removing):].strip()
        day = _whole_day(rest, now=now)
        if day is None:
            raise DayChangeError("no_day")
        return DayChange("remove", day)
    found = dates.find_date(text, now=now, prefer="future")
    if found is not None and isinstance(found.value, tuple) and found.value[0] != found.value[1]:
        raise DayChangeError("range")
    if found is not None and isinstance(found.value, tuple):
        found = dates.DateMatch(value=found.value[0], start=found.start, end=found.end)
    if found is None or not isinstance(found.value, date) or isinstance(found.value, datetime):
        raise DayChangeError("no_day")
    day = found.value
    rest = (text[:found.start] + " " + text[found.end:]).strip()
    workday, note = _kind(rest)
    if workday is None:
        raise DayChangeError("no_kind", day)
    if day < now.date():
        raise DayChangeError("past", day)
    if note is not None and len(note) > NOTE_LIMIT:
        raise DayChangeError("note", day)
    return DayChange("set", day, workday, note)


def _whole_day(text: str, *, now: datetime) -> date | None:
    day = dates.parse_date(text, now=now, prefer="future")
    return day if isinstance(day, date) and not isinstance(day, datetime) else None


def _kind(rest: str) -> tuple[bool | None, str | None]:
    """(working day?, the note) from what follows the date; the kind word comes first."""
    lowered = rest.lower()
    words = sorted([(w, True) for w in WORKDAY_WORDS] + [(w, False) for w in DAY_OFF_WORDS],
                   key=lambda pair: -len(pair[0]))
    for word, workday in words:
        if lowered.startswith(word) and (len(rest) == len(word) or not word[-1].isascii()
                                         or not rest[len(word)].isalnum()):
            note = rest[len(word):].strip(" ,，、:：;；") or None
            return workday, note
    return None, None

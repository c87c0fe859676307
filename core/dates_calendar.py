"""Calendar arithmetic for the date parser (private helper of :mod:`core.dates`).

Two kinds of functions live here:

* *exact* constructors (:func:`make_date`) that return None for impossible
  dates — explicit dates are never clamped;
* *relative* shifts (:func:`add_months`, :func:`add_years`) that clamp to the
  end of a shorter month, as "one month after 31 January" conventionally means
  the last day of February.

The ``resolve_*`` functions pick, for an expression that leaves a part of the
date open (a year, a month, a week), the occurrence the caller means: the
nearest one in the preferred direction from *today*, or — for the end of a
range — the first one on or after the range's start (the *anchor*).
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from typing import Literal

Prefer = Literal["past", "future"]


def make_date(year: int, month: int, day: int) -> date | None:
    """The date, or None when it does not exist (never clamped)."""
    if not (1 <= year <= 9999 and 1 <= month <= 12 and 1 <= day <= 31):
        return None
    if day > calendar.monthrange(year, month)[1]:
        return None
    return date(year, month, day)


def month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def shift_month(year: int, month: int, months: int) -> tuple[int, int]:
    """(year, month) moved by a number of months."""
    index = year * 12 + (month - 1) + months
    return index // 12, index % 12 + 1


def add_months(day: date, months: int) -> date | None:
    """Relative month shift, clamped to the target month's last day."""
    year, month = shift_month(day.year, day.month, months)
    if not 1 <= year <= 9999:
        return None
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def add_years(day: date, years: int) -> date | None:
    """Relative year shift (29 February becomes 28 February when needed)."""
    return add_months(day, 12 * years)


def add_days(day: date, days: int) -> date | None:
    try:
        return day + timedelta(days=days)
    except OverflowError:
        return None


def week_monday(day: date, weeks: int = 0) -> date:
    """Monday of the calendar week of ``day``, moved by ``weeks`` weeks."""
    return day - timedelta(days=day.weekday()) + timedelta(weeks=weeks)


def resolve_month_day(month: int, day: int, today: date, prefer: Prefer,
                      anchor: date | None = None) -> date | None:
    """A month-day without a year.

    Without an anchor: this year's, unless it lies on the wrong side of today,
    then the previous (past) or next (future) year's. Today itself counts in
    both directions. With an anchor: the first one on or after the anchor.
    The chosen year's date must exist (2月29日 in a common year is None).
    """
    base = anchor or today
    if make_date(2000, month, day) is None:  # 2000 is a leap year: 2月30日, 13月1日
        return None
    year = base.year
    if anchor is not None:
        if (month, day) < (anchor.month, anchor.day):
            year += 1
    elif prefer == "past" and (month, day) > (today.month, today.day):
        year -= 1
    elif prefer == "future" and (month, day) < (today.month, today.day):
        year += 1
    return make_date(year, month, day)


def resolve_day(day: int, today: date, prefer: Prefer, anchor: date | None = None) -> date | None:
    """A bare day of the month (5号, the 5th).

    Without an anchor: the current month, or the previous (past) / next
    (future) month when the day lies on the wrong side of today. With an
    anchor: the anchor's month, or the next month when the day is before the
    anchor's day. The chosen month must have that day (no clamping).
    """
    if not 1 <= day <= 31:
        return None
    base = anchor or today
    months = 0
    if anchor is not None:
        months = 1 if day < anchor.day else 0
    elif prefer == "past" and day > today.day:
        months = -1
    elif prefer == "future" and day < today.day:
        months = 1
    year, month = shift_month(base.year, base.month, months)
    return make_date(year, month, day)


def resolve_weekday(weekday: int, today: date, prefer: Prefer, anchor: date | None = None) -> date:
    """A bare weekday (0 = Monday).

    Without an anchor: the nearest one strictly before (past) or strictly
    after (future) today. With an anchor: the first one on or after it.
    """
    if anchor is not None:
        return anchor + timedelta(days=(weekday - anchor.weekday()) % 7)
    if prefer == "past":
        return today - timedelta(days=(today.weekday() - weekday - 1) % 7 + 1)
    return today + timedelta(days=(weekday - today.weekday() - 1) % 7 + 1)


def resolve_month(month: int, today: date, prefer: Prefer, anchor: date | None = None) -> int | None:
    """The year of a month named without one (11月 → which November)."""
    if not 1 <= month <= 12:
        return None
    if anchor is not None:
        return anchor.year + (1 if month < anchor.month else 0)
    if prefer == "past" and month > today.month:
        return today.year - 1
    if prefer == "future" and month < today.month:
        return today.year + 1
    return today.year

"""Which race period a person names after /rank or /me: this month (the default), 本季度 / quarter,
全年 / year, and past ones — 上月 / last month, 上季度 / last quarter, 去年 / last year, 2026, 11月 /
Nov 2026, 2026年第4季度 / 2026 Q4 (core/dates.py reads the spans). A month or quarter without a year is
the latest one that has begun (past-leaning, as dates are for logs); a period still to come is refused.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from core import dates
from core.race import Period, PeriodKind

CURRENT = {
    "": PeriodKind.MONTH, "month": PeriodKind.MONTH, "m": PeriodKind.MONTH, "月": PeriodKind.MONTH,
    "本月": PeriodKind.MONTH, "月度": PeriodKind.MONTH, "this month": PeriodKind.MONTH,
    "quarter": PeriodKind.QUARTER, "q": PeriodKind.QUARTER, "季": PeriodKind.QUARTER, "季度": PeriodKind.QUARTER,
    "本季度": PeriodKind.QUARTER, "本季": PeriodKind.QUARTER, "this quarter": PeriodKind.QUARTER,
    "year": PeriodKind.YEAR, "y": PeriodKind.YEAR, "年": PeriodKind.YEAR, "年度": PeriodKind.YEAR,
    "本年": PeriodKind.YEAR, "全年": PeriodKind.YEAR, "今年": PeriodKind.YEAR, "this year": PeriodKind.YEAR,
}
LAST_QUARTER = {"上季度", "上季", "上个季度", "上一季度", "last quarter", "previous quarter"}
_YEAR_WRITTEN = re.compile(r"(?<!\d)\d{4}(?!\d)|\d{2}年|[去今明]年|year")


class PeriodError(ValueError):
    """Not a period ("unknown"), or one that has not begun ("future", with the period)."""

    def __init__(self, reason: str, period: Period | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.period = period


def parse_period(text: str, *, now: datetime) -> Period:
    """The month, quarter or year `text` names (see the module docstring); raises PeriodError."""
    today = now.date()
    word = " ".join(text.split()).lower()
    if word in CURRENT:
        return Period.containing(CURRENT[word], today)
    if word in LAST_QUARTER:
        return Period.containing(PeriodKind.QUARTER, Period.containing(PeriodKind.QUARTER, today).start
                                 - timedelta(days=1))
    span = dates.parse_range(word, now=now, prefer="past")
    period = _shape(*span) if span is not None else None
    if period is None:
        raise PeriodError("unknown")
    if period.start > today and period.kind is PeriodKind.QUARTER and not _YEAR_WRITTEN.search(word):
        period = Period(period.kind, period.year - 1, period.index)  # 四季度 in January: the last one
    if period.start > today:
        raise PeriodError("future", period)
    return period


def _shape(first: date, last: date) -> Period | None:
    """The calendar month, quarter or year that is exactly first…last, else None."""
    for kind in (PeriodKind.MONTH, PeriodKind.QUARTER, PeriodKind.YEAR):
        period = Period.containing(kind, first)
        if (period.start, period.end) == (first, last):
            return period
    return None

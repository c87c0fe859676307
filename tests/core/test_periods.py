"""The period a person names after /rank or /me, in Chinese and English: this one by default, past ones
by name, a month or quarter without a year the latest begun, a period to come or a non-period refused."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from core.periods import PeriodError, parse_period
from core.race import Period, PeriodKind

NOW = datetime(2027, 1, 10, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
M, Q, Y = PeriodKind.MONTH, PeriodKind.QUARTER, PeriodKind.YEAR

NAMED = [
    ("", Period(M, 2027, 1)), ("本月", Period(M, 2027, 1)), ("month", Period(M, 2027, 1)),
    ("季度", Period(Q, 2027, 1)), ("quarter", Period(Q, 2027, 1)), ("全年", Period(Y, 2027)),
    ("year", Period(Y, 2027)), ("今年", Period(Y, 2027)),
    ("上月", Period(M, 2026, 12)), ("上个月", Period(M, 2026, 12)), ("last month", Period(M, 2026, 12)),
    ("Last Month", Period(M, 2026, 12)),
    ("上季度", Period(Q, 2026, 4)), ("last quarter", Period(Q, 2026, 4)),
    ("去年", Period(Y, 2026)), ("last year", Period(Y, 2026)), ("2026", Period(Y, 2026)), ("2026年", Period(Y, 2026)),
    ("2026年第4季度", Period(Q, 2026, 4)), ("2026年四季度", Period(Q, 2026, 4)), ("2026 Q4", Period(Q, 2026, 4)),
    ("Q4 2026", Period(Q, 2026, 4)), ("2026-Q3", Period(Q, 2026, 3)),
    ("四季度", Period(Q, 2026, 4)), ("Q4", Period(Q, 2026, 4)),  # no year: the latest fourth quarter
    ("Q1", Period(Q, 2027, 1)),
    ("11月", Period(M, 2026, 11)), ("十一月", Period(M, 2026, 11)), ("2026年11月", Period(M, 2026, 11)),
    ("Nov 2026", Period(M, 2026, 11)), ("November 2026", Period(M, 2026, 11)), ("Nov", Period(M, 2026, 11)),
    ("2026-11", Period(M, 2026, 11)), ("1月", Period(M, 2027, 1)),
]

REFUSED = [
    ("下月", "future"), ("next month", "future"), ("2027年3月", "future"), ("2027 Q2", "future"),
    ("2028", "future"), ("上周", "unknown"), ("last week", "unknown"), ("12月31日", "unknown"),
    ("hello", "unknown"), ("11", "unknown"), ("上半年", "unknown"),
]


@pytest.mark.parametrize(("text", "period"), NAMED, ids=[t or "(empty)" for t, _ in NAMED])
def test_a_named_period_is_read_in_chinese_and_english(text: str, period: Period) -> None:
    assert parse_period(text, now=NOW) == period


@pytest.mark.parametrize(("text", "reason"), REFUSED, ids=[t for t, _ in REFUSED])
def test_a_period_to_come_or_not_a_period_is_refused(text: str, reason: str) -> None:
    with pytest.raises(PeriodError) as refused:
        parse_period(text, now=NOW)
    assert refused.value.reason == reason

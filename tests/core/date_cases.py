"""The table of date expressions shared by tests/core/test_dates.py and bench/bench_dates.py.

Each :class:`Case` names the function it exercises (``date`` → parse_date,
``range`` → parse_range, ``find`` → find_date), the text, the expected value
and, for ``find``, the expected matched substring. Expected values were worked
out by hand from the rules in the core.dates docstring, not copied from output.

Reference days (Asia/Shanghai unless stated): NOW is Saturday 2026-11-21
10:30; its week runs Monday 16 – Sunday 22, last week 9–15, next week 23–29.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from core.dates import DateMatch, find_date, parse_date, parse_range

SH = ZoneInfo("Asia/Shanghai")
NY = ZoneInfo("America/New_York")


def at(y: int, mo: int, d: int, h: int = 0, mi: int = 0, tz: ZoneInfo = SH) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=tz)


NOW = at(2026, 11, 21, 10, 30)        # Saturday
SUNDAY = at(2026, 11, 22, 9, 0)
MONDAY = at(2026, 11, 23, 16, 0)
JAN31 = at(2026, 1, 31, 18, 0)        # Saturday, a month end
DEC31 = at(2026, 12, 31, 23, 0)       # Thursday, the year end
JAN1 = at(2027, 1, 1, 8, 0)           # Friday, New Year's Day
LEAP = at(2028, 2, 29, 12, 0)         # Tuesday, a leap day
EVENING_NY = at(2026, 11, 21, 22, 0, NY)


@dataclass(frozen=True)
class Case:
    fn: str                      # "date" | "range" | "find"
    text: str
    expected: Any
    now: datetime = NOW
    prefer: str = "past"
    lang: str | None = None
    span: str | None = None      # find: the substring expected to be matched
    allow_range: bool = True
    note: str = field(default="", compare=False)

    @property
    def id(self) -> str:
        extra = "" if self.now == NOW else f"@{self.now:%m%d%H}"
        return f"{self.fn}:{self.text}:{self.prefer}{extra}:{self.lang or '*'}"


def D(y: int, mo: int, d: int) -> date:  # noqa: N802 - table shorthand
    return date(y, mo, d)


def N(mo: int, d: int) -> date:  # noqa: N802 - a day in 2026
    return date(2026, mo, d)


def T(mo: int, d: int, h: int, mi: int = 0, y: int = 2026) -> datetime:  # noqa: N802
    return at(y, mo, d, h, mi)


def R(a: date, b: date) -> tuple[date, date]:  # noqa: N802
    return (a, b)


def _many(fn: str, rows: list[tuple[Any, ...]], **common: Any) -> list[Case]:
    """Rows are (text, expected) or (text, expected, {overrides})."""
    cases = []
    for row in rows:
        text, expected = row[0], row[1]
        extra = dict(common, **(row[2] if len(row) > 2 else {}))
        cases.append(Case(fn, text, expected, **extra))
    return cases


F = {"prefer": "future"}
ZH = {"lang": "zh"}
EN = {"lang": "en"}

# --------------------------------------------------------------------------- absolute dates
ABSOLUTE = _many("date", [
    ("2026年11月5日", N(11, 5)), ("2026年11月5号", N(11, 5)), ("11月5日", N(11, 5)), ("11月5号", N(11, 5)),
    ("11月5", N(11, 5)), ("11 月 5 日", N(11, 5)), ("十一月五日", N(11, 5)), ("二〇二六年十一月五日", N(11, 5)),
    ("二零二六年十一月五日", N(11, 5)), ("2026年十一月五日", N(11, 5)), ("26年11月5日", N(11, 5)),
    ("十一月二十一日", N(11, 21)), ("十一月廿一日", N(11, 21)), ("十二月三十一日", N(12, 31), F),
    ("２０２６年１１月５日", N(11, 5)), ("１１月５日", N(11, 5)), ("2026年1月1日", N(1, 1)),
    ("12月25日", D(2025, 12, 25)), ("12月25日", N(12, 25), F), ("11月21日", N(11, 21)),
    ("11月21日", N(11, 21), F), ("11月22日", D(2025, 11, 22)), ("11月20日", D(2027, 11, 20), F),
    ("三月八日", N(3, 8)), ("1月31日", D(2027, 1, 31), F),
    ("11月5日（周四）", N(11, 5)), ("11月5日(星期四)", N(11, 5)), ("2026年11月5日 星期四", N(11, 5)),
    ("11月5日【周四】", N(11, 5)), ("11月5日（周五）", None, {"note": "weekday contradicts the date"}),
    ("2026-11-05", N(11, 5)), ("2026-11-5", N(11, 5)), ("2026/11/05", N(11, 5)), ("2026/11/5", N(11, 5)),
    ("2026.11.05", N(11, 5)), ("2026.11.5", N(11, 5)), ("20261105", N(11, 5)), ("11/5", N(11, 5)),
    ("11.5", N(11, 5)), ("11/5/2026", N(11, 5)), ("25/12/2026", N(12, 25)), ("2026-11-05（周四）", N(11, 5)),
    ("２０２６－１１－０５", N(11, 5)), ("2026．11．5", N(11, 5)), ("12/24", N(12, 24), F),
    ("1/5", D(2027, 1, 5), F), ("2028-02-29", D(2028, 2, 29)),
    # English
    ("Nov 5", N(11, 5)), ("November 5", N(11, 5)), ("November 5th", N(11, 5)), ("Nov. 5", N(11, 5)),
    ("5 Nov", N(11, 5)), ("5th November", N(11, 5)), ("the 5th of November", N(11, 5)),
    ("November the 5th", N(11, 5)), ("Nov 5, 2026", N(11, 5)), ("5 November 2026", N(11, 5)),
    ("November 5th, 2026", N(11, 5)), ("Thursday, November 5, 2026", N(11, 5)), ("Thu 5 Nov 2026", N(11, 5)),
    ("Nov 5 (Thu)", N(11, 5)), ("Friday, November 5, 2026", None), ("first of December", N(12, 1), F),
    ("November twenty-first", N(11, 21)), ("Dec 25", D(2025, 12, 25)), ("Dec 25", N(12, 25), F),
    ("January 15", D(2027, 1, 15), F), ("NOV 5", N(11, 5)),
    ("the 5th", N(11, 5)), ("the 25th", N(10, 25)), ("the 25th", N(11, 25), F), ("the 5th", N(12, 5), F),
    ("the 21st", N(11, 21)),
])

# --------------------------------------------------------------------------- impossible dates and non-dates
IMPOSSIBLE = _many("date", [
    ("2月30日", None), ("2026年2月30日", None), ("13月1日", None), ("32号", None), ("0号", None),
    ("2026-02-29", None), ("2026-13-01", None), ("2026-11-31", None), ("11月31日", None), ("4月31日", None),
    ("2027年2月29日", None), ("2月29日", None), ("星期八", None), ("周八", None), ("Feb 30", None),
    ("February 30, 2026", None), ("30 Feb", None), ("April 31", None), ("Feb 29 2026", None), ("Nov 31", None),
    ("2/30", None), ("25:00", None), ("13pm", None), ("上午13点", None), ("31号", None, F),
    ("31号", N(10, 31)), ("下个月31号", N(12, 31)), ("下个月31号", None, {"now": JAN31}),
    ("下个月30号", None, {"now": JAN31}), ("2月29日", D(2028, 2, 29), {"now": LEAP}),
    ("11月5日至2月30日", None, {"note": "range with an impossible end"}),
])
IMPOSSIBLE += _many("range", [("2026-11-08至2026-11-05", None), ("11月5日至32日", None),
                              ("下周五到下周一", None), ("Nov 8 to Nov 5", None), ("2月30日至3月2日", None)])
# Issue 11: a bare end day before the start day runs into the next month only for a short span
# (11月28日至3日); 11月8日至5日 is 5–8 Nov written backwards, not 8 Nov – 5 Dec.
IMPOSSIBLE += _many("range", [("11月8日至5日", None), ("11月8日至5日", None, F), ("Nov 8-5", None),
                              ("11月15日至4日", None, F), ("8号到5号", None)])

NON_DATES = _many("date", [
    ("", None), ("   ", None), ("hello", None), ("开会", None), ("学习", None), ("2小时", None),
    ("两个小时", None), ("3天", None), ("三天", None), ("第123号", None), ("第12号", None),
    ("〔2026〕12号", None), ("12号楼", None), ("3号线", None), ("11.5%", None), ("1.5小时", None),
    ("三点意见", None), ("快一点", None), ("每周一", None), ("一周一次", None), ("random words here", None),
    ("the", None), ("May I come in", None), ("asdf 123", None), ("123", None), ("12345", None), ("五", None),
    ("周", None), ("月", None), ("年", None), ("2 hours", None), ("5 apples", None), ("3月后", None),
    ("Nov 5 blah", None, {"note": "parse_date needs the whole text"}), ("明天开会", None),
])

# --------------------------------------------------------------------------- relative days and spans
RELATIVE = _many("date", [
    ("今天", N(11, 21)), ("明天", N(11, 22)), ("后天", N(11, 23)), ("大后天", N(11, 24)), ("昨天", N(11, 20)),
    ("前天", N(11, 19)), ("大前天", N(11, 18)), ("今日", N(11, 21)), ("明日", N(11, 22)), ("昨日", N(11, 20)),
    ("三天后", N(11, 24)), ("3天后", N(11, 24)), ("3天以后", N(11, 24)), ("三天之后", N(11, 24)),
    ("十天后", N(12, 1)), ("10天前", N(11, 11)), ("两天前", N(11, 19)), ("30天后", N(12, 21)),
    ("三天前", N(11, 18)), ("10日后", N(12, 1)),
    ("两周后", N(12, 5)), ("一周前", N(11, 14)), ("2周后", N(12, 5)), ("两个星期后", N(12, 5)),
    ("三个礼拜前", N(10, 31)), ("一个月前", N(10, 21)), ("两个月后", D(2027, 1, 21)), ("3个月后", D(2027, 2, 21)),
    ("半个月后", N(12, 6)), ("半年后", D(2027, 5, 21)), ("一年后", D(2027, 11, 21)), ("两年前", D(2024, 11, 21)),
    ("去年今天", D(2025, 11, 21)), ("明年今天", D(2027, 11, 21)), ("去年的今天", D(2025, 11, 21)),
    ("上个月的今天", N(10, 21)), ("上周的今天", N(11, 14)),
    ("2小时后", T(11, 21, 12, 30)), ("30分钟后", T(11, 21, 11, 0)), ("半小时后", T(11, 21, 11, 0)),
    ("一个半小时后", T(11, 21, 12, 0)), ("3小时前", T(11, 21, 7, 30)), ("一刻钟后", T(11, 21, 10, 45)),
    ("一个月后", N(2, 28), {"now": JAN31, "note": "relative shifts clamp"}),
    ("去年今天", D(2027, 2, 28), {"now": LEAP}), ("明天", D(2027, 1, 1), {"now": DEC31}),
    ("后天", D(2027, 1, 2), {"now": DEC31}), ("昨天", D(2026, 12, 31), {"now": JAN1}),
    # English
    ("today", N(11, 21)), ("tomorrow", N(11, 22)), ("yesterday", N(11, 20)), ("the day after tomorrow", N(11, 23)),
    ("the day before yesterday", N(11, 19)), ("tmr", N(11, 22)), ("in two weeks", N(12, 5)), ("in 3 days", N(11, 24)),
    ("in a month", N(12, 21)), ("in a year", D(2027, 11, 21)), ("a week ago", N(11, 14)), ("3 days ago", N(11, 18)),
    ("two months ago", N(9, 21)), ("a year ago", D(2025, 11, 21)), ("2 weeks from now", N(12, 5)),
    ("three days later", N(11, 24)), ("in 2 hours", T(11, 21, 12, 30)), ("in 30 minutes", T(11, 21, 11, 0)),
    ("in half an hour", T(11, 21, 11, 0)), ("an hour ago", T(11, 21, 9, 30)), ("a fortnight ago", N(11, 7)),
    ("in a fortnight", N(12, 5)), ("a year ago today", D(2025, 11, 21)), ("today last year", D(2025, 11, 21)),
    ("in 3 days time", N(11, 24)), ("Tomorrow", N(11, 22)),
])

# --------------------------------------------------------------------------- weekdays
WEEKDAYS = _many("date", [
    ("上周三", N(11, 11)), ("上周一", N(11, 9)), ("上周日", N(11, 15)), ("上周天", N(11, 15)),
    ("上星期五", N(11, 13)), ("上个星期五", N(11, 13)), ("上礼拜二", N(11, 10)), ("上个礼拜天", N(11, 15)),
    ("上上周五", N(11, 6)), ("上上周一", N(11, 2)), ("本周一", N(11, 16)), ("本周五", N(11, 20)),
    ("本周日", N(11, 22)), ("这周三", N(11, 18)), ("这个周五", N(11, 20)), ("这星期四", N(11, 19)),
    ("下周一", N(11, 23)), ("下周五", N(11, 27)), ("下星期三", N(11, 25)), ("下个礼拜一", N(11, 23)),
    ("下周日", N(11, 29)), ("下下周二", N(12, 1)), ("下下周五", N(12, 4)),
    ("周三", N(11, 18)), ("周三", N(11, 25), F), ("周六", N(11, 14)), ("周六", N(11, 28), F),
    ("周日", N(11, 15)), ("周日", N(11, 22), F), ("星期五", N(11, 20)), ("星期五", N(11, 27), F),
    ("礼拜一", N(11, 16)), ("礼拜一", N(11, 23), F), ("周1", N(11, 16)),
    ("周一", N(11, 16), {"now": MONDAY}), ("周一", N(11, 30), {"now": MONDAY, "prefer": "future"}),
    ("周日", N(11, 15), {"now": SUNDAY}), ("周日", N(11, 29), {"now": SUNDAY, "prefer": "future"}),
    ("下周一", N(11, 23), {"now": SUNDAY}), ("本周日", N(11, 22), {"now": SUNDAY}),
    ("上周日", N(11, 15), {"now": SUNDAY}), ("下周一", D(2027, 1, 4), {"now": DEC31}),
    ("上周五", N(12, 25), {"now": JAN1}), ("本周一", N(11, 23), {"now": MONDAY}),
    # English
    ("Wednesday last week", N(11, 11)), ("Monday next week", N(11, 23)), ("Friday this week", N(11, 20)),
    ("next Friday", N(11, 27)), ("last Monday", N(11, 9)), ("this Wednesday", N(11, 18)),
    ("Wednesday of next week", N(11, 25)), ("next week Friday", N(11, 27)), ("coming Friday", N(11, 27)),
    ("Friday", N(11, 20)), ("Friday", N(11, 27), F), ("Saturday", N(11, 14)), ("Sun", N(11, 15)),
    ("on Monday", N(11, 23), F), ("Tuesday", N(11, 24), F), ("Monday", N(11, 16), {"now": MONDAY}),
    ("next Monday", N(11, 30), {"now": MONDAY}), ("last Sunday", N(11, 15), {"now": SUNDAY}),
])

# --------------------------------------------------------------------------- month and year edges, holidays
EDGES = _many("date", [
    ("月底", N(11, 30)), ("本月底", N(11, 30)), ("这个月底", N(11, 30)), ("月末", N(11, 30)),
    ("下月底", N(12, 31)), ("下个月底", N(12, 31)), ("上月底", N(10, 31)), ("上个月底", N(10, 31)),
    ("年底", N(12, 31)), ("今年年底", N(12, 31)), ("明年年底", D(2027, 12, 31)), ("年末", N(12, 31)),
    ("去年年底", D(2025, 12, 31)), ("2027年底", D(2027, 12, 31)), ("月初", N(11, 1)), ("下月初", N(12, 1)),
    ("下个月初", N(12, 1)), ("上个月初", N(10, 1)), ("年初", N(1, 1)), ("明年年初", D(2027, 1, 1)),
    ("月中", N(11, 15)), ("下个月中", N(12, 15)), ("11月底", D(2025, 11, 30)), ("11月底", N(11, 30), F),
    ("2月底", N(2, 28)), ("2028年2月底", D(2028, 2, 29)),
    ("月底", N(1, 31), {"now": JAN31}), ("下月底", N(2, 28), {"now": JAN31}),
    ("上个月底", D(2025, 12, 31), {"now": JAN31}), ("上个月底", D(2026, 12, 31), {"now": JAN1}),
    ("下个月5号", D(2027, 1, 5), {"now": DEC31}), ("下月初", D(2027, 1, 1), {"now": DEC31}),
    ("下个月5号", N(12, 5)), ("下月5日", N(12, 5)), ("上个月15号", N(10, 15)), ("本月5号", N(11, 5)),
    ("这个月20号", N(11, 20)), ("明年3月1日", D(2027, 3, 1)), ("去年12月8日", D(2025, 12, 8)),
    ("去年12月8日", D(2026, 12, 8), {"now": JAN1}), ("今年3月1日", N(3, 1)), ("后年1月1日", D(2028, 1, 1)),
    ("前年5月4日", D(2024, 5, 4)), ("12月25日", N(12, 25), {"now": JAN1}), ("1月5日", N(1, 5), {"now": JAN1}),
    ("1月5日", D(2027, 1, 5), {"now": JAN1, "prefer": "future"}),
    ("明年元旦", D(2027, 1, 1)), ("元旦", N(1, 1)), ("元旦", D(2027, 1, 1), F), ("国庆节", N(10, 1)),
    ("国庆", D(2027, 10, 1), F), ("今年国庆", N(10, 1)), ("圣诞节", D(2025, 12, 25)), ("圣诞节", N(12, 25), F),
    ("劳动节", N(5, 1)), ("五一", D(2027, 5, 1), F), ("教师节", N(9, 10)), ("2027年元旦", D(2027, 1, 1)),
    ("明年元旦", D(2027, 1, 1), {"now": DEC31}),
    # English
    ("the 5th of next month", N(12, 5)), ("the 15th of last month", N(10, 15)), ("5th of this month", N(11, 5)),
    ("the first of next month", N(12, 1)), ("March 1 next year", D(2027, 3, 1)),
    ("1 March next year", D(2027, 3, 1)), ("March 1st last year", D(2025, 3, 1)), ("March 1 this year", N(3, 1)),
    ("end of next month", N(12, 31)), ("end of the month", N(11, 30)), ("end of this month", N(11, 30)),
    ("end of last month", N(10, 31)), ("end of the year", N(12, 31)), ("end of next year", D(2027, 12, 31)),
    ("beginning of next month", N(12, 1)), ("start of next year", D(2027, 1, 1)), ("month end", N(11, 30)),
    ("year-end", N(12, 31)), ("end of February", N(2, 28)), ("end of February 2028", D(2028, 2, 29)),
    ("middle of next month", N(12, 15)), ("end of next month", N(2, 28), {"now": JAN31}),
    ("Christmas", N(12, 25), F), ("Christmas", D(2025, 12, 25)), ("New Year's Day", D(2027, 1, 1), F),
    ("Christmas Eve 2026", N(12, 24)), ("New Year’s Eve", N(12, 31), F),
])

# --------------------------------------------------------------------------- times of day
TIMES = _many("date", [
    ("上午9点", T(11, 21, 9)), ("上午11点", T(11, 20, 11)), ("上午11点", T(11, 21, 11), F),
    ("早上8点半", T(11, 21, 8, 30)), ("早上8点", T(11, 21, 8)), ("早8点", T(11, 21, 8)),
    ("下午3点", T(11, 20, 15)), ("下午3点", T(11, 21, 15), F), ("晚上8点", T(11, 20, 20)),
    ("晚上8点", T(11, 21, 20), F), ("中午12点", T(11, 20, 12)), ("中午12点", T(11, 21, 12), F),
    ("中午1点", T(11, 21, 13), F), ("中午", T(11, 21, 12), F), ("3点半", T(11, 21, 15, 30), F),
    ("下午3点一刻", T(11, 21, 15, 15), F), ("下午3点三刻", T(11, 21, 15, 45), F),
    ("下午3点15分", T(11, 21, 15, 15), F), ("下午三点十五分", T(11, 21, 15, 15), F),
    ("下午3点05", T(11, 21, 15, 5), F), ("三点", T(11, 21, 15), F), ("九点", T(11, 22, 9), F),
    ("九点", T(11, 21, 9)), ("10点", T(11, 21, 10)), ("十点半", T(11, 21, 10, 30), F),
    ("14:30", T(11, 20, 14, 30)), ("14:30", T(11, 21, 14, 30), F), ("14：30", T(11, 21, 14, 30), F),
    ("9:00", T(11, 21, 9)), ("14时30分", T(11, 21, 14, 30), F), ("8时", T(11, 21, 8)),
    ("凌晨2点", T(11, 22, 2), F), ("凌晨2点", T(11, 21, 2)), ("晚上12点", T(11, 22, 0), F),
    ("今晚8点", T(11, 21, 20)), ("今晚8点", T(11, 21, 20), F), ("今晚", N(11, 21)), ("明早8点", T(11, 22, 8)),
    ("明早八点", T(11, 22, 8)), ("明早", N(11, 22)), ("昨晚", N(11, 20)), ("昨晚10点", T(11, 20, 22)),
    ("明晚7点半", T(11, 22, 19, 30)), ("今早", N(11, 21)),
    ("明天下午3点", T(11, 22, 15)), ("明天下午", N(11, 22)), ("昨天上午", N(11, 20)), ("昨天下午", N(11, 20)),
    ("明天上午9点", T(11, 22, 9)), ("明天9点", T(11, 22, 9)), ("明天3点", T(11, 22, 15)),
    ("后天上午10点", T(11, 23, 10)), ("下周三下午3点", T(11, 25, 15)), ("下周一上午9点半", T(11, 23, 9, 30)),
    ("11月5日下午3点", T(11, 5, 15)), ("11月5日 14:30", T(11, 5, 14, 30)), ("2026-11-05 14:30", T(11, 5, 14, 30)),
    ("2026-11-05T14:30", T(11, 5, 14, 30)), ("11月5日上午", N(11, 5)), ("周五晚上8点", T(11, 20, 20)),
    ("明天凌晨3点", T(11, 22, 3)), ("昨天中午", T(11, 20, 12)), ("今天下午2点", T(11, 21, 14)),
    ("下午", N(11, 21), {"note": "a part of day alone is today"}),
    ("下午3点", at(2026, 11, 21, 15, 0, NY), {"now": EVENING_NY, "note": "the result keeps now's zone"}),
    # English
    ("3pm", T(11, 20, 15)), ("3pm", T(11, 21, 15), F), ("3 pm", T(11, 21, 15), F), ("3 p.m.", T(11, 21, 15), F),
    ("9:30am", T(11, 21, 9, 30)), ("9:30 am", T(11, 22, 9, 30), F), ("12pm", T(11, 21, 12), F),
    ("12am", T(11, 22, 0), F), ("noon", T(11, 21, 12), F), ("15:00", T(11, 21, 15), F), ("at 3pm", T(11, 21, 15), F),
    ("tonight at 8", T(11, 21, 20)), ("tonight", N(11, 21)), ("tomorrow at 3pm", T(11, 22, 15)),
    ("tomorrow 9am", T(11, 22, 9)), ("3pm tomorrow", T(11, 22, 15)), ("tomorrow at noon", T(11, 22, 12)),
    ("tomorrow morning", N(11, 22)), ("yesterday morning", N(11, 20)), ("yesterday afternoon", N(11, 20)),
    ("last night", N(11, 20)), ("this morning", N(11, 21)), ("Friday at 2pm", T(11, 20, 14)),
    ("next Monday at 9:30am", T(11, 23, 9, 30)), ("Nov 5 at 3pm", T(11, 5, 15)), ("tomorrow morning at 9", T(11, 22, 9)),
    ("tomorrow at 8", T(11, 22, 8)), ("tomorrow evening at 7", T(11, 22, 19)),
    ("8pm", at(2026, 11, 21, 20, 0, NY), {"now": EVENING_NY}),
])

# --------------------------------------------------------------------------- filler
FILLER = _many("date", [
    ("截止11月30日", N(11, 30), F), ("截至11月5日", N(11, 5)), ("最晚下周五", N(11, 27)), ("最晚下周五前", N(11, 27)),
    ("11月30日前", N(11, 30), F), ("11月30日之前", N(11, 30), F), ("大约3点", T(11, 21, 15), F),
    ("于11月5日", N(11, 5)), ("在明天", N(11, 22)), ("定于下周一", N(11, 23)), ("截止日期：11月30日", N(11, 30), F),
    ("明天下午3点左右", T(11, 22, 15)), ("下周一起", N(11, 23)), ("11月5日。", N(11, 5)), ("「11月5日」", N(11, 5)),
    ("5日前", N(11, 5), {"note": "N日前 is 'by the Nth' (a deadline), 三天前 is 'three days ago'"}),
    ("by Friday", N(11, 27), F), ("due Dec 5", N(12, 5), F), ("deadline: Nov 30", N(11, 30), F),
    ("on Friday", N(11, 20)), ("due by next Friday", N(11, 27)), ("Deadline: 2026-12-01", N(12, 1)),
    ("no later than Dec 1", N(12, 1), F), ("around 3pm", T(11, 21, 15), F), (" 明天 ", N(11, 22)),
])

# --------------------------------------------------------------------------- ranges and spans
RANGES = _many("range", [
    ("11月5日至8日", R(N(11, 5), N(11, 8))), ("11月5日到8日", R(N(11, 5), N(11, 8))),
    ("11月5日-8日", R(N(11, 5), N(11, 8))), ("11月5日—8日", R(N(11, 5), N(11, 8))),
    ("11月5日～8日", R(N(11, 5), N(11, 8))), ("11月5日~8日", R(N(11, 5), N(11, 8))),
    ("11月5-8日", R(N(11, 5), N(11, 8))), ("11月5日至11月8日", R(N(11, 5), N(11, 8))),
    ("2026年11月5日至8日", R(N(11, 5), N(11, 8))), ("11.5-11.8", R(N(11, 5), N(11, 8))),
    ("11/5-11/8", R(N(11, 5), N(11, 8))), ("2026-11-05至2026-11-08", R(N(11, 5), N(11, 8))),
    ("2026-11-05 to 2026-11-08", R(N(11, 5), N(11, 8))), ("2026.11.5-2026.11.8", R(N(11, 5), N(11, 8))),
    ("11月5号到8号", R(N(11, 5), N(11, 8))), ("5-8号", R(N(11, 5), N(11, 8))), ("5号到8号", R(N(11, 5), N(11, 8))),
    ("十一月五日至八日", R(N(11, 5), N(11, 8))), ("11月5日 至 8日", R(N(11, 5), N(11, 8))),
    ("从11月5日到8日", R(N(11, 5), N(11, 8))),
    ("11月28日至12月3日", R(D(2025, 11, 28), D(2025, 12, 3))), ("11月28日至12月3日", R(N(11, 28), N(12, 3)), F),
    ("11月20日至25日", R(N(11, 20), N(11, 25)), F), ("11月20日至25日", R(N(11, 20), N(11, 25))),
    ("11月28日至3日", R(N(11, 28), N(12, 3)), F), ("12月28日至1月3日", R(N(12, 28), D(2027, 1, 3)), F),
    # 次年 / 翌年 (the following year): the end, written without a year, is in the year after the start's.
    ("12月30日至次年1月2日", R(D(2025, 12, 30), N(1, 2))), ("12月30日至次年1月2日", R(N(12, 30), D(2027, 1, 2)), F),
    ("12月30日至翌年1月2日", R(N(12, 30), D(2027, 1, 2)), F), ("12月30日到次年1月2日", R(D(2025, 12, 30), N(1, 2))),
    ("12月30日-次年1月2日", R(D(2025, 12, 30), N(1, 2))), ("2026年12月30日至次年1月2日", R(N(12, 30), D(2027, 1, 2))),
    ("12月30日至次年的1月2日", R(D(2025, 12, 30), N(1, 2))), ("12月至次年2月", R(N(12, 1), D(2027, 2, 28)), F),
    ("12月30日至次年元旦", R(D(2025, 12, 30), N(1, 1))), ("12月30日至次年1月2日", R(N(12, 30), D(2027, 1, 2)),
                                                    {"now": at(2027, 1, 5, 10, 0)}),
    ("12月30日至次年2日", None), ("12月30日至次年周一", None), ("12月30日至次年2027年1月2日", None),
    # Days listed one by one are a range when each follows the one before; days apart are none.
    ("11月5日、6日", R(N(11, 5), N(11, 6))), ("11月5、6日", R(N(11, 5), N(11, 6))), ("5日、6日", R(N(11, 5), N(11, 6))),
    ("5、6日", R(N(11, 5), N(11, 6))), ("五、六日", R(N(11, 5), N(11, 6))), ("11月5日和6日", R(N(11, 5), N(11, 6))),
    ("11月5日及6日", R(N(11, 5), N(11, 6))), ("11月5日与6日", R(N(11, 5), N(11, 6))),
    ("11月5日、6日、7日", R(N(11, 5), N(11, 7))), ("11月5日 、 6日", R(N(11, 5), N(11, 6))),
    ("11月30日、12月1日", R(N(11, 30), N(12, 1)), F), ("昨天、今天", R(N(11, 20), N(11, 21))),
    ("上周一、周二", R(N(11, 9), N(11, 10))), ("11月5号、6号", R(N(11, 5), N(11, 6))),
    ("11月5日、8日", None), ("11月5日和8日", None), ("5、8号", None), ("11月5日、6日、8日", None),
    ("11月6日、5日", None), ("上周一、周三", None),
    ("上周一到周三", R(N(11, 9), N(11, 11))), ("上周一至上周五", R(N(11, 9), N(11, 13))),
    ("上周一到本周三", R(N(11, 9), N(11, 18))), ("下周二到周四", R(N(11, 24), N(11, 26))),
    ("周一到周五", R(N(11, 16), N(11, 20))), ("周一到周五", R(N(11, 23), N(11, 27)), F),
    ("周一到周五", R(N(11, 16), N(11, 20)), {"now": at(2026, 11, 18, 9, 0), "prefer": "future",
                                            "note": "the current week contains today"}),
    ("下周一到三", R(N(11, 23), N(11, 25))), ("本周一至周五", R(N(11, 16), N(11, 20))),
    ("周五到下周二", R(N(11, 20), N(11, 24))), ("昨天到明天", R(N(11, 20), N(11, 22))),
    ("今天至下周五", R(N(11, 21), N(11, 27))), ("三天前到今天", R(N(11, 18), N(11, 21))),
    ("明天下午2点到4点", R(N(11, 22), N(11, 22))),
    ("下周", R(N(11, 23), N(11, 29))), ("本周", R(N(11, 16), N(11, 22))), ("上周", R(N(11, 9), N(11, 15))),
    ("这周", R(N(11, 16), N(11, 22))), ("上上周", R(N(11, 2), N(11, 8))), ("下下周", R(N(11, 30), N(12, 6))),
    ("上个星期", R(N(11, 9), N(11, 15))), ("周末", R(N(11, 21), N(11, 22))), ("上周末", R(N(11, 14), N(11, 15))),
    ("下周末", R(N(11, 28), N(11, 29))), ("周末", R(N(11, 14), N(11, 15)), {"now": at(2026, 11, 18, 9, 0)}),
    ("本月", R(N(11, 1), N(11, 30))), ("这个月", R(N(11, 1), N(11, 30))), ("上个月", R(N(10, 1), N(10, 31))),
    ("下个月", R(N(12, 1), N(12, 31))), ("上月", R(N(10, 1), N(10, 31))), ("11月", R(N(11, 1), N(11, 30))),
    ("12月", R(D(2025, 12, 1), D(2025, 12, 31))), ("12月", R(N(12, 1), N(12, 31)), F),
    ("2026年11月", R(N(11, 1), N(11, 30))), ("11月份", R(N(11, 1), N(11, 30))),
    ("11月上旬", R(N(11, 1), N(11, 10))), ("11月中旬", R(N(11, 11), N(11, 20))),
    ("11月下旬", R(N(11, 21), N(11, 30))), ("下个月上旬", R(N(12, 1), N(12, 10))),
    ("2028年2月下旬", R(D(2028, 2, 21), D(2028, 2, 29))), ("今年", R(N(1, 1), N(12, 31))),
    ("去年", R(D(2025, 1, 1), D(2025, 12, 31))), ("明年", R(D(2027, 1, 1), D(2027, 12, 31))),
    ("2026年", R(N(1, 1), N(12, 31))), ("2026", R(N(1, 1), N(12, 31))), ("上半年", R(N(1, 1), N(6, 30))),
    ("下半年", R(N(7, 1), N(12, 31))), ("明年上半年", R(D(2027, 1, 1), D(2027, 6, 30))),
    ("一季度", R(N(1, 1), N(3, 31))), ("第三季度", R(N(7, 1), N(9, 30))),
    ("2027年第二季度", R(D(2027, 4, 1), D(2027, 6, 30))), ("11月至12月", R(N(11, 1), N(12, 31))),
    ("1月至12月", R(N(1, 1), N(12, 31))), ("11月至10月", None),
    ("11月5日", R(N(11, 5), N(11, 5))), ("明天", R(N(11, 22), N(11, 22))), ("明天下午3点", R(N(11, 22), N(11, 22))),
    # English
    ("Nov 5-8", R(N(11, 5), N(11, 8))), ("Nov 5 - 8", R(N(11, 5), N(11, 8))), ("November 5 to 8", R(N(11, 5), N(11, 8))),
    ("Nov 5th to 8th", R(N(11, 5), N(11, 8))), ("5-8 November", R(N(11, 5), N(11, 8))),
    ("3 to 5 November", R(N(11, 3), N(11, 5))), ("5th to 8th November", R(N(11, 5), N(11, 8))),
    ("Nov 5 to Nov 8", R(N(11, 5), N(11, 8))), ("Nov 5 - Dec 3", R(N(11, 5), N(12, 3))),
    ("between Nov 5 and Nov 8", R(N(11, 5), N(11, 8))), ("from Nov 5 to Nov 8", R(N(11, 5), N(11, 8))),
    ("Nov 5-8, 2026", R(N(11, 5), N(11, 8))), ("Nov 5-8, 2027", R(D(2027, 11, 5), D(2027, 11, 8))),
    ("5-8 November 2027", R(D(2027, 11, 5), D(2027, 11, 8))),
    ("from Monday to Wednesday last week", R(N(11, 9), N(11, 11))),
    ("Tuesday to Thursday next week", R(N(11, 24), N(11, 26))), ("Monday to Friday", R(N(11, 16), N(11, 20))),
    ("next Monday to Wednesday", R(N(11, 23), N(11, 25))), ("yesterday to tomorrow", R(N(11, 20), N(11, 22))),
    ("today until Friday", R(N(11, 21), N(11, 27))), ("Dec 28 to Jan 3", R(N(12, 28), D(2027, 1, 3)), F),
    ("this week", R(N(11, 16), N(11, 22))), ("last week", R(N(11, 9), N(11, 15))), ("next week", R(N(11, 23), N(11, 29))),
    ("next month", R(N(12, 1), N(12, 31))), ("last month", R(N(10, 1), N(10, 31))),
    ("this year", R(N(1, 1), N(12, 31))), ("next year", R(D(2027, 1, 1), D(2027, 12, 31))),
    ("the weekend", R(N(11, 21), N(11, 22))), ("next weekend", R(N(11, 28), N(11, 29))),
    ("November", R(N(11, 1), N(11, 30))), ("December", R(D(2025, 12, 1), D(2025, 12, 31))),
    ("November 2026", R(N(11, 1), N(11, 30))), ("early November", R(N(11, 1), N(11, 10))),
    ("late November", R(N(11, 21), N(11, 30))), ("Q3", R(N(7, 1), N(9, 30))),
    ("Q1 2027", R(D(2027, 1, 1), D(2027, 3, 31))), ("the week after next", R(N(11, 30), N(12, 6))),
    ("Nov 5", R(N(11, 5), N(11, 5))),
])
# parse_date refuses ranges and spans
RANGES += _many("date", [("11月5日至8日", None), ("下周", None), ("next month", None), ("Nov 5-8", None),
                         ("2026", None), ("11月", None)])

# --------------------------------------------------------------------------- language restriction
LANGS = [
    Case("date", "11月5日", N(11, 5), lang="zh"), Case("date", "11月5日", None, lang="en"),
    Case("date", "Nov 5", N(11, 5), lang="en"), Case("date", "Nov 5", None, lang="zh"),
    Case("date", "2026-11-05", N(11, 5), lang="en"), Case("date", "2026-11-05", N(11, 5), lang="zh"),
    Case("date", "下周五", N(11, 27), lang="zh-CN"), Case("date", "next Friday", N(11, 27), lang="en-US"),
]

# --------------------------------------------------------------------------- find_date in free text
FIND = [
    Case("find", "/study 昨天下午 集体学习 2小时 优化营商环境条例", N(11, 20), span="昨天下午"),
    Case("find", "/trip 11月5日至8日 淳安县 山区共富调研", R(N(11, 5), N(11, 8)), span="11月5日至8日"),
    Case("find", "关于印发〔2026〕12号文件的通知，请于11月30日前报送", N(11, 30), prefer="future", span="11月30日"),
    Case("find", "第123号 11月5日 会议", N(11, 5), span="11月5日"),
    Case("find", "三点意见 明天下午讨论", N(11, 22), span="明天下午"),
    Case("find", "学习2小时", None), Case("find", "会议纪要第12号", None),
    Case("find", "3号楼会议室 下周一上午9点 开会", T(11, 23, 9), span="下周一上午9点"),
    Case("find", "5号 集体学习", N(11, 5), span="5号"), Case("find", "12号楼 5号 开会", N(11, 5), span="5号"),
    Case("find", "/trip 杭州 11.5-11.8 调研", R(N(11, 5), N(11, 8)), span="11.5-11.8"),
    Case("find", "/study 11月5日（周四）上午 理论学习", N(11, 5), span="11月5日（周四）上午"),
    Case("find", "/study yesterday afternoon team study 2 hours", N(11, 20), lang="en", span="yesterday afternoon"),
    Case("find", "/trip Nov 5-8 Chun'an county", R(N(11, 5), N(11, 8)), span="Nov 5-8"),
    Case("find", "meeting at 3pm tomorrow in room 12", T(11, 22, 15), span="3pm tomorrow"),
    Case("find", "read 5 chapters", None), Case("find", "2月30日 开会", None), Case("find", "每周一 学习", None),
    Case("find", "快一点 明天交", N(11, 22), span="明天"),
    Case("find", "2026年工作要点", R(N(1, 1), N(12, 31)), span="2026年"),
    Case("find", "2026年工作要点", None, allow_range=False),
    Case("find", "增长11.5% 明天汇报", N(11, 22), span="明天"), Case("find", "/study 今天 学习 3个小时", N(11, 21), span="今天"),
    Case("find", "下周三下午3点在三楼开会", T(11, 25, 15), span="下周三下午3点"),
    Case("find", "请于下周五前提交", N(11, 27), prefer="future", span="下周五"),
    Case("find", "浙政办发〔2026〕15号 12月1日起施行", N(12, 1), prefer="future", span="12月1日"),
    Case("find", "/trip 11月5日至8日 淳安县", N(11, 5), allow_range=False, span="11月5日"),
    Case("find", "Deadline: Friday 5pm, room 3", T(11, 27, 17), prefer="future", span="Friday 5pm"),
    Case("find", "call with Bob next Tuesday at 9:30am", T(11, 24, 9, 30), span="next Tuesday at 9:30am"),
    Case("find", "一周一次例会", None), Case("find", "2小时后提醒我", T(11, 21, 12, 30), span="2小时后"),
    Case("find", "1.5小时 集体学习 昨天", N(11, 20), span="昨天"), Case("find", "13月1日", None),
    Case("find", "上周一到周三 在外调研", R(N(11, 9), N(11, 11)), span="上周一到周三"),
    Case("find", "these 3 days", None),
    Case("find", "Trip 3 to 5 November to Hangzhou", R(N(11, 3), N(11, 5)), span="3 to 5 November"),
    Case("find", "学习了两点体会", None), Case("find", "/study 11月5日 下午 集体学习", N(11, 5), span="11月5日 下午"),
    Case("find", "v1.2 release on Friday", N(11, 20), span="Friday"),
    Case("find", "/trip 12号 至 15号 杭州", R(N(11, 12), N(11, 15)), span="12号 至 15号"),
    Case("find", "11月5日和8日", N(11, 5), span="11月5日"), Case("find", "sun is shining", None, lang="en"),
    Case("find", "/trip 11月5日、6日 淳安县 山区共富调研", R(N(11, 5), N(11, 6)), span="11月5日、6日"),
    Case("find", "/trip 5、6日 淳安县", R(N(11, 5), N(11, 6)), span="5、6日"),
    Case("find", "/trip 11月5日和6日 淳安县", R(N(11, 5), N(11, 6)), span="11月5日和6日"),
    Case("find", "/trip 11月5日和6日 淳安县", N(11, 5), allow_range=False, span="11月5日"),
    Case("find", "11月5日和3个县", N(11, 5), span="11月5日"),
    Case("find", "/study 上周五下午 专题党课 ２小时", N(11, 13), span="上周五下午"),
    Case("find", "通知第3号：定于下周二上午9:30召开", T(11, 24, 9, 30), span="下周二上午9:30"),
    Case("find", "调研12月1日-3日 建德", R(N(12, 1), N(12, 3)), prefer="future", span="12月1日-3日"),
    Case("find", "/trip 12月30日至次年1月2日 淳安县 山区共富调研", R(N(12, 30), D(2027, 1, 2)), now=at(2027, 1, 5, 10, 0),
         span="12月30日至次年1月2日"),
    Case("find", "/trip 12月30日至翌年1月2日 淳安县", R(N(12, 30), D(2027, 1, 2)), now=at(2027, 1, 5, 10, 0),
         span="12月30日至翌年1月2日"),
    Case("find", "", None), Case("find", "日日夜夜", None), Case("find", "one two three", None),
]

# --------------------------------------------------------------------------- mixed forms found by probing
MIXED = _many("date", [
    ("下周四（11月26日）", N(11, 26)), ("11月26日（下周四）", N(11, 26)), ("下周四（11月27日）", None),
    ("周四（11月5日）下午", N(11, 5)), ("下周四(11月26日)上午9点", T(11, 26, 9)),
    ("11月5日（周四）", N(11, 5), F), ("11月5日（周五）", D(2027, 11, 5), F), ("Mon 23 Nov", N(11, 23)),
    ("11/5(四)", N(11, 5)), ("11月5日(四)", N(11, 5)), ("11月5日(五)", None), ("11月5日当天", N(11, 5)),
    ("05-Nov-2026", N(11, 5)), ("11月5日晚", N(11, 5)), ("Thu, Nov 5", N(11, 5)),
    ("Nov. 5th, 2026 at 3:30 PM", T(11, 5, 15, 30)), ("a couple of days ago", N(11, 19)), ("two days ago", N(11, 19)),
    ("Tues 3pm", T(11, 17, 15)), ("next Tues", N(11, 24)), ("EOD Friday", N(11, 20)), ("by COB Friday", N(11, 27), F),
    ("Friday 13th", N(11, 13)), ("Friday the 13th", N(11, 13)), ("Tuesday 13th", None), ("3 days", None),
    ("half past 3", T(11, 20, 15, 30)), ("quarter to 9", T(11, 21, 8, 45)), ("10 past 4pm", T(11, 20, 16, 10)),
    ("十二点半", T(11, 20, 12, 30)), ("零点", T(11, 21, 0)), ("傍晚6点", T(11, 20, 18)),
    ("2026-11-05 14:30:00", T(11, 5, 14, 30)), ("the day after tomorrow at 10am", T(11, 23, 10)),
    ("noon tomorrow", T(11, 22, 12)), ("Monday 9am", T(11, 16, 9)), ("9am Monday", T(11, 16, 9)),
    ("1st Jan", N(1, 1)), ("Jan 1st 2027", D(2027, 1, 1)), ("5 o'clock", T(11, 20, 17)), ("11月5日晚7点", T(11, 5, 19)),
    ("明天上午十点", T(11, 22, 10)), ("后天晚上七点半", T(11, 23, 19, 30)),
    ("2026年11月5日下午3时30分", T(11, 5, 15, 30)), ("十一月五号下午三点", T(11, 5, 15)),
    ("5/11", N(5, 11), {"note": "month first, as in China"}),
])
MIXED += _many("range", [
    ("即日起至11月30日", R(N(11, 21), N(11, 30))), ("自11月5日起至11月8日止", R(N(11, 5), N(11, 8))),
    ("本周内", R(N(11, 16), N(11, 22))), ("上午9点到11点", R(N(11, 21), N(11, 21))), ("9:00-11:00", R(N(11, 21), N(11, 21))),
    ("明天9:00-11:00", R(N(11, 22), N(11, 22))), ("10am-12pm tomorrow", R(N(11, 22), N(11, 22))),
    ("2026年11月5日-2026年11月8日", R(N(11, 5), N(11, 8))), ("本月10日至下月5日", R(N(11, 10), N(12, 5))),
    ("上个月5号到10号", R(N(10, 5), N(10, 10))), ("8:30-9:30", R(N(11, 21), N(11, 21))),
    ("Nov 5 – Nov 8", R(N(11, 5), N(11, 8))), ("5 to 8 Nov", R(N(11, 5), N(11, 8))),
    ("from the 5th to the 8th", R(N(11, 5), N(11, 8))), ("December 2026", R(N(12, 1), N(12, 31))),
    ("mid-December", R(D(2025, 12, 11), D(2025, 12, 20))), ("weekend", R(N(11, 21), N(11, 22))),
    ("12.1-12.3", R(N(12, 1), N(12, 3)), F), ("12月1日—12月3日", R(N(12, 1), N(12, 3)), F),
])
MIXED += [
    Case("find", "下周四（11月27日）开会", None),
    Case("find", "EOD Friday: send the report", N(11, 20), span="Friday"),
    Case("find", "over the weekend", R(N(11, 21), N(11, 22)), span="the weekend"),
    Case("find", "Friday 13th meeting", N(11, 13), span="Friday 13th"),
    Case("find", "即日起至11月30日 开展专项检查", R(N(11, 21), N(11, 30)), span="即日起至11月30日"),
]
# Official texts: numbers that are not dates, and dates among them.
OFFICIAL = [
    Case("find", "根据《浙江省数字经济促进条例》第三十二条规定开展检查", None),
    Case("find", "十四五规划中期评估", None), Case("find", "中央一号文件精神学习", None),
    Case("find", "3号会议室集体学习", None), Case("find", "提出三点要求和两点建议", None),
    Case("find", "GDP增长5.2%，财政收入1.5万亿", None), Case("find", "/study 学习二十大精神 1.5小时", None),
    Case("find", "第5号令", None), Case("find", "110报警", None), Case("find", "每月15号前报送月报", None),
    Case("find", "12345政务热线", None), Case("find", "v2.3.1 released", None),
    Case("find", "call me at 555-1234", None),
    Case("find", "一季度经济形势分析会", R(N(1, 1), N(3, 31)), span="一季度"),
    Case("find", "/trip 12.1-12.3 丽水 共同富裕示范区调研", R(N(12, 1), N(12, 3)), prefer="future", span="12.1-12.3"),
    Case("find", "/trip 本周三至周五 舟山 海洋经济调研", R(N(11, 18), N(11, 20)), span="本周三至周五"),
    Case("find", "/study 上周四下午3点 支部学习", T(11, 12, 15), span="上周四下午3点"),
    Case("find", "关于做好2027年元旦春节期间有关工作的通知", D(2027, 1, 1), span="2027年元旦"),
    Case("find", "请各单位于12月5日前将材料报送至办公室（联系电话：0571-87051234）", N(12, 5), prefer="future",
         span="12月5日"),
    Case("find", "会期2天，11月25日报到", N(11, 25), prefer="future", span="11月25日"),
    Case("find", "/study 11月5日 学习 2小时; 11月6日 学习 1小时", N(11, 5), span="11月5日"),
    Case("find", "/study 周一例会 传达省委文件", N(11, 16), span="周一"),
    Case("find", "we met 2 times last week", R(N(11, 9), N(11, 15)), lang="en", span="last week"),
]

CASES: list[Case] = ABSOLUTE + IMPOSSIBLE + NON_DATES + RELATIVE + WEEKDAYS + EDGES + TIMES + FILLER + RANGES \
    + LANGS + FIND + MIXED + OFFICIAL

_FUNCTIONS: dict[str, Callable[..., Any]] = {"date": parse_date, "range": parse_range, "find": find_date}


def run(case: Case) -> Any:
    """What the function under test returns for ``case`` (for find: (value, matched text))."""
    kwargs: dict[str, Any] = {"now": case.now, "prefer": case.prefer, "lang": case.lang}
    if case.fn == "find":
        found: DateMatch | None = find_date(case.text, allow_range=case.allow_range, **kwargs)
        return None if found is None else (found.value, case.text[found.start:found.end])
    return _FUNCTIONS[case.fn](case.text, **kwargs)


def expected(case: Case) -> Any:
    if case.fn == "find" and case.expected is not None:
        return (case.expected, case.span)
    return case.expected


def passes(case: Case) -> bool:
    got = run(case)
    want = expected(case)
    return got == want and type(got) is type(want)

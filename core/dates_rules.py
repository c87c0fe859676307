"""The regex rules of the date parser (private helper of :mod:`core.dates`).

Each rule recognises one kind of *atom* — a self-contained piece of a date
expression — and turns its match into a value:

========  ==========================================  ===========================
kind      examples                                    value
========  ==========================================  ===========================
day       11月5日, 下周三, 明早, Nov 5th, tonight       :class:`Day`
clock     下午3点半, 14:30, 9:30am, noon               :class:`Clock`
part      下午, 晚上, morning                          :class:`Part`
instant   2小时后, in 30 minutes                       :class:`Instant`
span      上周, 11月, 下旬, next month, Q3             :class:`Span`
num       8 (in 11月5日至8日), 三 (in 周一到三)         :class:`Num`
========  ==========================================  ===========================

:mod:`core.dates` chains atoms into dates, date-times and ranges
(明天 + 下午3点, 11月5日 + 至 + 8日). Handlers return None for an impossible
value (2月30日, 星期八); such an atom still *matches*, so the text is known to
hold a bad date and no shorter piece of it is read instead.

Handlers take a :class:`Ctx`: ``now``, the preferred direction, and an
optional ``anchor`` — the start of a range when the atom is its end, so that
partial expressions (8日, 周三, 12月3日) are read as the first such day on or
after the start instead of relative to today.

All patterns are compiled with ``re.ASCII | re.IGNORECASE`` and run on text
already normalised by :func:`core.dates.normalize` (full-width forms folded).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal

from core.dates_calendar import (
    add_days,
    add_months,
    add_years,
    make_date,
    month_end,
    resolve_day,
    resolve_month,
    resolve_month_day,
    resolve_weekday,
    shift_month,
    week_monday,
)
from core.dates_zh import to_int

Prefer = Literal["past", "future"]
Match = re.Match[str]


# --------------------------------------------------------------------------- values

@dataclass(frozen=True, slots=True)
class Ctx:
    """What a handler reads a match against: ``now``, the preferred direction, and the ``anchor`` (the
    start of a range whose end the atom is)."""

    now: datetime
    prefer: Prefer
    anchor: date | None = None

    @property
    def today(self) -> date:
        return self.now.date()


@dataclass(frozen=True, slots=True)
class Day:
    """A day atom's value (11月5日, 下周三, Nov 5th), with the part of the day it carries (今晚, 明早)."""

    day: date
    part: str | None = None  # 今晚 / tonight carry "evening", 明早 "am", ...


@dataclass(frozen=True, slots=True)
class Clock:
    """A clock atom's value (下午3点半, 14:30, 9:30am): the hour and minute, and what says which half
    of the day it is."""

    hour: int
    minute: int
    part: str | None = None       # 下午 → "pm", 中午 → "noon", ...
    meridiem: str | None = None   # explicit "am" / "pm" (3pm, 9:30 a.m.)
    ambiguous: bool = False       # 3点 / at 3: a 12-hour clock with no marker


@dataclass(frozen=True, slots=True)
class Part:
    """A part-of-the-day atom's value (下午, 晚上, morning): "am", "pm", "noon", "evening" or "dawn"."""

    part: str


@dataclass(frozen=True, slots=True)
class Instant:
    """An instant atom's value (2小时后, in 30 minutes): the date-time, to the minute."""

    at: datetime


@dataclass(frozen=True, slots=True)
class Span:
    """A span atom's value (上周, 11月, 下旬, next month, Q3): its first and last day, inclusive."""

    first: date
    last: date


@dataclass(frozen=True, slots=True)
class Num:
    """A number atom's value (8 in 11月5日至8日, 三 in 周一到三), with the year written after it, if any."""

    n: int
    year: int | None = None


Value = Day | Clock | Part | Instant | Span | Num
Kind = Literal["day", "clock", "part", "instant", "span", "num"]
Handler = Callable[[Match, Ctx], Value | None]


@dataclass(frozen=True)
class Rule:
    """One rule of :data:`RULES`: its name, language and kind of atom, its pattern, and the handler that
    turns a match into a value."""

    name: str
    lang: Literal["zh", "en", "*"]
    kind: Kind
    pattern: str
    handler: Handler
    weak: Callable[[Match], bool]       # a doubtful reading (5号, 11.5, sun): loses to a strong one
    full_only: bool                     # only when it is the whole text (2026, November)
    traits: Callable[[Match], frozenset[str]]
    needed: str                         # a character-class body: the characters the rule needs

    # Compiled on first use (warm_up does it off the event loop), not on import: the bot starts sooner.
    @functools.cached_property
    def regex(self) -> re.Pattern[str]:
        return re.compile(self.pattern, re.ASCII | re.IGNORECASE)

    @functools.cached_property
    def needs(self) -> re.Pattern[str]:
        """A quick test: the text has one of the characters the rule needs."""
        return re.compile(f"[{self.needed}]")


RULES: list[Rule] = []

_NO_TRAITS: frozenset[str] = frozenset()


def rule(name: str, lang: Literal["zh", "en", "*"], kind: Kind, needs: str, pattern: str, *,
         weak: bool | Callable[[Match], bool] = False, full_only: bool = False,
         traits: frozenset[str] | Callable[[Match], frozenset[str]] = _NO_TRAITS,
         ) -> Callable[[Handler], Handler]:
    """Register a handler for ``pattern`` (decorator). ``needs`` is a character-class body: the
    rule is only tried on texts containing one of those characters (most rules skip most texts)."""
    weak_fn = weak if callable(weak) else (lambda m, w=weak: w)
    traits_fn = traits if callable(traits) else (lambda m, t=traits: t)

    def register(handler: Handler) -> Handler:
        RULES.append(Rule(name, lang, kind, pattern, handler, weak_fn, full_only, traits_fn, needs))
        return handler

    return register


# --------------------------------------------------------------------------- shared pieces

def _alternation(words: Iterable[str]) -> str:
    return "|".join(sorted((re.escape(w) for w in words), key=len, reverse=True))


ZN = "〇零一二两三四五六七八九十廿卅"                    # Chinese numeral characters
ZH_DAY_NUM = rf"(?:\d{{1,2}}|[{ZN}]{{1,3}})"
ZH_MONTH_NUM = r"(?:\d{1,2}|十[一二]?|[一二三四五六七八九])"
ZH_YEAR_NUM = r"(?:\d{4}|\d{2}|[〇零一二三四五六七八九]{4}|[〇零一二三四五六七八九]{2})"
ZH_YEAR_REL = {"大前": -3, "前": -2, "去": -1, "今": 0, "本": 0, "明": 1, "后": 2, "大后": 3}
ZH_YEAR = rf"(?:(?P<y>{ZH_YEAR_NUM})\s*年|(?P<yrel>{_alternation(ZH_YEAR_REL)})年)"
ZH_REL = {"上上": -2, "上": -1, "本": 0, "这": 0, "当": 0, "下": 1, "下下": 2}
ZH_MREL = rf"(?P<mrel>{_alternation(ZH_REL)})\s*个?"
ZH_WEEK_WORD = r"(?:周|星期|礼拜|禮拜)"
ZH_WEEKDAYS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6,
               "1": 0, "2": 1, "3": 2, "4": 3, "5": 4, "6": 5, "7": 6}
ZH_PARTS = {
    "凌晨": "dawn", "半夜": "dawn", "早上": "am", "早晨": "am", "清晨": "am", "上午": "am", "早": "am",
    "中午": "noon", "正午": "noon", "下午": "pm", "午后": "pm", "傍晚": "evening", "晚上": "evening",
    "晚间": "evening", "夜里": "evening", "夜间": "evening", "深夜": "evening", "晚": "evening",
}
ZH_PART = rf"(?P<part>{_alternation(ZH_PARTS)})"

EN_MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4,
    "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9,
    "sept": 9, "sep": 9, "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}
EN_WEEKDAYS = {
    "monday": 0, "mon": 0, "tuesday": 1, "tues": 1, "tue": 1, "wednesday": 2, "wed": 2,
    "thursday": 3, "thurs": 3, "thur": 3, "thu": 3, "friday": 4, "fri": 4, "saturday": 5,
    "sat": 5, "sunday": 6, "sun": 6,
}
EN_NUMBERS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "a couple of": 2, "couple of": 2,
}
EN_REL = {"this": 0, "last": -1, "previous": -1, "next": 1}
EN_PARTS = {"morning": "am", "afternoon": "pm", "evening": "evening", "night": "evening"}

LB = r"(?<![A-Za-z])"                          # English word start
LA = r"(?![A-Za-z])"                           # English word end
NUM_LB = r"(?<![0-9A-Za-z.:/])"                # a number that is not part of a bigger one
NUM_LA = r"(?![0-9]|[.:/][0-9])"
EN_MONTH = rf"(?P<mon>{_alternation(EN_MONTHS)})\.?"
EN_WD = rf"(?:{_alternation(EN_WEEKDAYS)})"
_ORDINAL_UNITS = ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth"]
EN_ORDINALS = {word: i + 1 for i, word in enumerate(
    _ORDINAL_UNITS + ["tenth", "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth",
                      "seventeenth", "eighteenth", "nineteenth", "twentieth"])}
EN_ORDINALS.update({f"twenty-{word}": 21 + i for i, word in enumerate(_ORDINAL_UNITS)})
EN_ORDINALS.update({"thirtieth": 30, "thirty-first": 31})
EN_DAY = rf"(?:(?P<d>\d{{1,2}})(?:st|nd|rd|th)?|(?P<dw>{_alternation(EN_ORDINALS)})(?![A-Za-z-]))"
EN_YEAR_TAIL = r"(?:[,-]?\s*(?P<y>\d{4})(?![0-9:])|,?\s+(?P<yq>this|next|last)\s+year)?"
EN_NUM = rf"(?P<n>\d{{1,3}}|{_alternation(EN_NUMBERS)})"
# A weekday written after a date, bracketed or not: 11月5日（周四）, Nov 5 (Thu).
WD_SUFFIX = (rf"(?:\s*[(\[【]?\s*(?P<wdsfx>{ZH_WEEK_WORD}[一二三四五六日天]|{LB}{EN_WD}{LA})"
             r"\.?\s*[)\]】]?|\s*[(\[【]\s*(?P<wdsfx2>[一二三四五六日天])\s*[)\]】])?")
# A number followed by one of these is a quantity, not a date: 11.5万, 3.5%, 1.5小时, 12号楼.
QUANTITY = (r"(?!\s*(?:%|‰|万|亿|元|块|千|百|倍|个|小时|分钟|米|公里|km|kg|吨|亩|人|次|岁|页|篇|条|项"
            r"|件|份|名|位|家|所|号楼|楼|栋|层|室|线|路|号线|期|届|版))")
# 12号文件, 3号会议室, 5号楼, 2号线: a numbered thing, not a day of the month.
DOC_NUMBER_AFTER = (r"(?!\s*(?:文件?|楼|线|院|房|室|馆|厅|窗口?|令|门|码头|机|车|床|柜|台|公告|通知|字|位|元|件|游"
                    r"|内|以内|之内|选手|队员|学员|嘉宾|球员|会议|会场|展|包厢|仓|库|桥|站|口|箱|岗|车间|厂|地块|档|卷"
                    r"|简报|批示|议题|提案|议案|方案|课题|项目|任务|\d))")


def _en_day(m: Match) -> int:
    """The day number of EN_DAY: 5, 5th or fifth."""
    if m["d"]:
        return int(m["d"])
    return EN_ORDINALS[m["dw"].lower().replace(" ", "-")]


def _weekday_index(word: str) -> int:
    word = word.lower().rstrip(".")
    if word in EN_WEEKDAYS:
        return EN_WEEKDAYS[word]
    return ZH_WEEKDAYS.get(word[-1], -1)


def _weekday_ok(m: Match, day: date) -> bool:
    """False when the text names a weekday that is not ``day``'s (11月5日（周五） in 2026)."""
    groups = m.groupdict()
    for name in ("wdsfx", "wdsfx2", "wdp"):
        if groups.get(name) and _weekday_index(groups[name]) != day.weekday():
            return False
    return True


def _checked(m: Match, day: date | None, part: str | None = None) -> Day | None:
    if day is None or not _weekday_ok(m, day):
        return None
    return Day(day, part)


def _month_day(m: Match, month: int, day: int, ctx: Ctx) -> Day | None:
    """A month-day without a year (see resolve_month_day). When the text also names a weekday
    that only this year's occurrence has, that one is meant even if it is on the other side of
    today: Mon 23 Nov read on Saturday 21 November 2026 looking back is 2026-11-23."""
    chosen = resolve_month_day(month, day, ctx.today, ctx.prefer, ctx.anchor)
    if chosen is None or _weekday_ok(m, chosen) or ctx.anchor is not None:
        return _checked(m, chosen)
    return _checked(m, make_date(ctx.today.year, month, day))


def _nearest_year(build: Callable[[int], date | None], ctx: Ctx) -> date | None:
    """A yearly date (a holiday, a month's end) closest to today in the preferred direction,
    or the first on or after the anchor."""
    base = ctx.anchor or ctx.today
    day = build(base.year)
    if day is None:
        return None
    if ctx.anchor is not None:
        return day if day >= ctx.anchor else build(base.year + 1)
    if ctx.prefer == "past" and day > ctx.today:
        return build(base.year - 1)
    if ctx.prefer == "future" and day < ctx.today:
        return build(base.year + 1)
    return day


def _zh_year(m: Match, ctx: Ctx) -> int | None:
    """The year named by ZH_YEAR (2026年, 二〇二六年, 26年, 明年), None if absent."""
    if m.group("y"):
        year = to_int(m.group("y"))
        if year is not None and year < 100:
            year += 2000
        return year
    if m.group("yrel"):
        return ctx.today.year + ZH_YEAR_REL[m.group("yrel")]
    return None


def _en_year(m: Match, ctx: Ctx) -> int | None:
    if m.group("y"):
        return int(m.group("y"))
    if m.group("yq"):
        return ctx.today.year + EN_REL[m.group("yq").lower()]
    return None


def _month_span(year: int, month: int) -> Span:
    return Span(date(year, month, 1), month_end(year, month))


def _week_span(monday: date) -> Span:
    return Span(monday, monday + timedelta(days=6))


def _weekend(ctx: Ctx, weeks: int | None) -> Span:
    """Saturday-Sunday of a week; ``weeks`` None means "the weekend" (nearest in direction)."""
    if weeks is None:
        if ctx.anchor is not None:
            monday = week_monday(ctx.anchor)
        elif ctx.prefer == "past" and ctx.today.weekday() < 5:
            monday = week_monday(ctx.today, -1)
        else:
            monday = week_monday(ctx.today)
    else:
        monday = week_monday(ctx.today, weeks)
    return Span(monday + timedelta(days=5), monday + timedelta(days=6))


def _edge_of_month(year: int, month: int, edge: str) -> date:
    """初/start → 1st, 中/middle → 15th, 底/末/end → last day."""
    if edge in ("初", "beginning", "start"):
        return date(year, month, 1)
    if edge in ("中", "middle", "mid"):
        return date(year, month, 15)
    return month_end(year, month)


def _xun(year: int, month: int, which: str) -> Span:
    """上旬 1-10, 中旬 11-20, 下旬 21-end (early / mid / late in English)."""
    if which in ("上旬", "early"):
        return Span(date(year, month, 1), date(year, month, 10))
    if which in ("中旬", "mid"):
        return Span(date(year, month, 11), date(year, month, 20))
    return Span(date(year, month, 21), month_end(year, month))


def _relative(n: float, unit: str, ctx: Ctx) -> Day | Instant | None:
    """``n`` units from now (negative: ago). Days and weeks are exact; months and years are
    calendar shifts clamped to the month's end; hours and minutes give an instant."""
    today = ctx.today
    if unit in ("hour", "minute"):
        minutes = n * (60 if unit == "hour" else 1)
        try:
            at = ctx.now + timedelta(minutes=minutes)
        except OverflowError:
            return None
        return Instant(at.replace(second=0, microsecond=0))
    if unit in ("month", "year"):
        months = n * (12 if unit == "year" else 1)
        if months != int(months):
            if unit == "month" and abs(months) == 0.5:
                day = add_days(today, 15 if months > 0 else -15)
                return Day(day) if day else None
            return None
        day = add_months(today, int(months))
    else:
        days = n * (7 if unit == "week" else 14 if unit == "fortnight" else 1)
        if days != int(days):
            return None
        day = add_days(today, int(days))
    return Day(day) if day else None


# =========================================================================== numeric (any language)

@rule("ymd", "*", "day", "0-9",
      rf"{NUM_LB}(?P<y>\d{{4}})(?P<sep>[-/.])(?P<m>\d{{1,2}})(?P=sep)(?P<d>\d{{1,2}}){NUM_LA}{WD_SUFFIX}")
def _ymd(m: Match, ctx: Ctx) -> Value | None:
    return _checked(m, make_date(int(m["y"]), int(m["m"]), int(m["d"])))


@rule("ymd_compact", "*", "day", "0-9",
      r"(?<![0-9A-Za-z])(?P<y>(?:19|20)\d{2})(?P<m>[01]\d)(?P<d>[0-3]\d)(?![0-9A-Za-z])", weak=True)
def _ymd_compact(m: Match, ctx: Ctx) -> Value | None:
    return _checked(m, make_date(int(m["y"]), int(m["m"]), int(m["d"])))


@rule("mdy", "*", "day", "/", rf"{NUM_LB}(?P<a>\d{{1,2}})/(?P<b>\d{{1,2}})/(?P<y>\d{{4}}){NUM_LA}{WD_SUFFIX}")
def _mdy(m: Match, ctx: Ctx) -> Value | None:
    """11/5/2026 (month first, as written in both China and the US); 25/12/2026 only reads day first."""
    a, b, year = int(m["a"]), int(m["b"]), int(m["y"])
    month, day = (b, a) if a > 12 >= b else (a, b)
    return _checked(m, make_date(year, month, day))


@rule("md", "*", "day", "/.",
      rf"{NUM_LB}(?P<m>\d{{1,2}})(?P<sep>[/.])(?P<d>\d{{1,2}}){NUM_LA}{QUANTITY}{WD_SUFFIX}",
      weak=True, traits=frozenset({"partial"}))
def _md(m: Match, ctx: Ctx) -> Value | None:
    """11/5, 11.5 — month first, year left open."""
    return _month_day(m, int(m["m"]), int(m["d"]), ctx)


@rule("ym", "*", "span", "-/.", rf"{NUM_LB}(?P<y>\d{{4}})[-/.](?P<m>\d{{1,2}}){NUM_LA}", full_only=True)
def _ym(m: Match, ctx: Ctx) -> Value | None:
    year, month = int(m["y"]), int(m["m"])
    return _month_span(year, month) if 1 <= month <= 12 else None


@rule("year", "*", "span", "0-9", r"(?<![0-9])(?P<y>(?:19|20)\d{2})(?![0-9])", full_only=True)
def _year(m: Match, ctx: Ctx) -> Value | None:
    year = int(m["y"])
    return Span(date(year, 1, 1), date(year, 12, 31))


@rule("clock_colon", "*", "clock", ":",
      rf"(?:{ZH_PART}\s*)?(?<![0-9:.])(?<![A-SU-Za-su-z])"  # T is allowed: 2026-11-05T14:30
      r"(?P<h>\d{1,2}):(?P<mi>\d{2})(?::\d{2})?(?![0-9])"
      r"(?:\s*(?P<ap>a\.?m\.?|p\.?m\.?)(?![A-Za-z]))?")
def _clock_colon(m: Match, ctx: Ctx) -> Value | None:
    part = ZH_PARTS[m["part"]] if m["part"] else None
    meridiem = m["ap"][0].lower() + "m" if m["ap"] else None
    return Clock(int(m["h"]), int(m["mi"]), part, meridiem)


@rule("clock_ampm", "*", "clock", "mM",
      r"(?<![0-9A-Za-z:.])(?P<h>\d{1,2})(?:\.(?P<mi>\d{2}))?\s*(?P<ap>a\.?m\.?|p\.?m\.?)(?![A-Za-z])")
def _clock_ampm(m: Match, ctx: Ctx) -> Value | None:
    return Clock(int(m["h"]), int(m["mi"] or 0), None, m["ap"][0].lower() + "m")


@rule("num", "*", "num", "0-9",
      rf"{NUM_LB}(?P<n>\d{{1,2}})(?:st|nd|rd|th)?(?![0-9A-Za-z]|[.:/][0-9])(?:,\s*(?P<y>\d{{4}})(?![0-9]))?")
def _num(m: Match, ctx: Ctx) -> Value | None:
    """A bare number, the end of a range (Nov 5-8, Nov 5-8, 2026) or its start (3 to 5 November)."""
    return Num(int(m["n"]), int(m["y"]) if m["y"] else None)


# =========================================================================== Chinese

@rule("zh_date", "zh", "day", "月",
      rf"(?<![0-9.])(?:{ZH_YEAR}\s*(?:的\s*)?)?"
      rf"(?:(?P<m>{ZH_MONTH_NUM})\s*月份?|{ZH_MREL}\s*月|(?<!个)月)\s*"
      rf"(?:(?P<d>{ZH_DAY_NUM})(?:\s*(?P<unit>[日号號])|(?![0-9{ZN}]|\s*(?:天|周|个|年|小时|分钟|点|时)))"
      rf"|(?P<edge>底|末|初|中)(?!旬))"
      rf"{WD_SUFFIX}",
      traits=lambda m: frozenset({"partial"}) if m["m"] and not (m["y"] or m["yrel"]) else _NO_TRAITS)
def _zh_date(m: Match, ctx: Ctx) -> Value | None:
    """11月5日, 2026年11月5号, 十一月五日, 下个月5号, 上个月底, 月初, 明年3月1日, 11月底."""
    year = _zh_year(m, ctx)
    edge = m["edge"]
    day_num = to_int(m["d"]) if m["d"] else None
    if m["m"]:
        month = to_int(m["m"])
        if month is None or not 1 <= month <= 12:
            return None
        if year is not None:
            day = _edge_of_month(year, month, edge) if edge else make_date(year, month, day_num or 0)
        elif edge:
            day = _nearest_year(lambda y: _edge_of_month(y, month, edge), ctx)
        else:
            return _month_day(m, month, day_num or 0, ctx)
    elif year is not None:
        return None  # 明年下个月 / 2026年月底: not a date
    else:
        offset = ZH_REL[m["mrel"]] if m["mrel"] else 0
        if not m["mrel"] and not edge:
            return None  # 每月5日: "月" alone needs 底 / 初
        y, mo = shift_month(ctx.today.year, ctx.today.month, offset)
        day = _edge_of_month(y, mo, edge) if edge else make_date(y, mo, day_num or 0)
    return _checked(m, day)


@rule("zh_year_edge", "zh", "day", "底末初",
      rf"(?<![0-9])(?:{ZH_YEAR}\s*(?:的\s*)?(?:年(?=[底末初]))?|(?<![个{ZN}0-9])年)(?P<edge>底|末|初)")
def _zh_year_edge(m: Match, ctx: Ctx) -> Value | None:
    """年底 / 今年年底 / 明年年初 / 2026年底: 31 December or 1 January."""
    year = _zh_year(m, ctx) or ctx.today.year
    return Day(date(year, 1, 1) if m["edge"] == "初" else date(year, 12, 31))


ZH_HOLIDAYS = {
    "元旦": (1, 1), "妇女节": (3, 8), "三八": (3, 8), "植树节": (3, 12), "劳动节": (5, 1),
    "五一": (5, 1), "青年节": (5, 4), "五四": (5, 4), "儿童节": (6, 1), "六一": (6, 1),
    "建党节": (7, 1), "七一": (7, 1), "建军节": (8, 1), "八一": (8, 1), "教师节": (9, 10),
    "国庆节": (10, 1), "国庆": (10, 1), "平安夜": (12, 24), "圣诞节": (12, 25), "圣诞": (12, 25),
}
_NUMERIC_HOLIDAYS = {"三八", "五一", "五四", "六一", "七一", "八一"}


def _holiday(month: int, day: int, year: int | None, ctx: Ctx) -> Day | None:
    if year is not None:
        return Day(date(year, month, day))
    found = _nearest_year(lambda y: date(y, month, day), ctx)
    return Day(found) if found else None


@rule("zh_holiday", "zh", "day", "元国劳五六七八三青儿建教妇植平圣",
      rf"(?<![0-9])(?:{ZH_YEAR}\s*(?:的\s*)?)?"
      rf"(?P<hol>{_alternation({k: 0 for k in ZH_HOLIDAYS if k not in _NUMERIC_HOLIDAYS})}"
      rf"|(?<![{ZN}0-9])(?:{'|'.join(_NUMERIC_HOLIDAYS)})(?![{ZN}0-9]))节?",
      weak=lambda m: m["hol"] in _NUMERIC_HOLIDAYS and not (m["y"] or m["yrel"]),
      traits=lambda m: _NO_TRAITS if m["y"] or m["yrel"] else frozenset({"partial"}))
def _zh_holiday(m: Match, ctx: Ctx) -> Value | None:
    """元旦, 明年元旦, 国庆节, 2027年五一 (fixed-date holidays only; no lunar ones)."""
    return _holiday(*ZH_HOLIDAYS[m["hol"]], _zh_year(m, ctx), ctx)


@rule("zh_same_day", "zh", "day", "今这同",
      rf"(?:{ZH_YEAR}|{ZH_MREL}\s*月|(?P<wrel>上上|上|下下|下)\s*个?\s*{ZH_WEEK_WORD})\s*(?:的\s*)?"
      r"(?:今天|今日|这一?天|同一?天|同日)")
def _zh_same_day(m: Match, ctx: Ctx) -> Value | None:
    """去年今天, 明年的今天, 上个月的今天, 上周的今天."""
    if m["wrel"]:
        return Day(ctx.today + timedelta(weeks=ZH_REL[m["wrel"]]))
    if m["mrel"]:
        day = add_months(ctx.today, ZH_REL[m["mrel"]])
    else:
        year = _zh_year(m, ctx)
        day = add_years(ctx.today, (year or ctx.today.year) - ctx.today.year)
    return Day(day) if day else None


ZH_DAY_WORDS = {
    "大前天": (-3, None), "前天": (-2, None), "昨天": (-1, None), "昨日": (-1, None), "昨儿": (-1, None),
    "今天": (0, None), "今日": (0, None), "即日": (0, None), "今儿": (0, None), "明天": (1, None), "明日": (1, None),
    "明儿": (1, None), "后天": (2, None), "大后天": (3, None),
    "今早": (0, "am"), "今晨": (0, "am"), "今晚": (0, "evening"), "今夜": (0, "evening"),
    "明早": (1, "am"), "明晨": (1, "am"), "明晚": (1, "evening"), "明夜": (1, "evening"),
    "昨早": (-1, "am"), "昨晨": (-1, "am"), "昨晚": (-1, "evening"), "昨夜": (-1, "evening"),
}


@rule("zh_day_word", "zh", "day", "今明昨前后即", rf"(?P<w>{_alternation(ZH_DAY_WORDS)})")
def _zh_day_word(m: Match, ctx: Ctx) -> Value | None:
    offset, part = ZH_DAY_WORDS[m["w"]]
    return Day(ctx.today + timedelta(days=offset), part)


ZH_UNITS = {"天": "day", "日": "day", "周": "week", "星期": "week", "礼拜": "week", "月": "month",
            "年": "year", "小时": "hour", "钟头": "hour", "分钟": "minute", "刻钟": "quarter"}


@rule("zh_relative", "zh", "day", "后前",
      rf"(?:(?P<n>\d{{1,3}}|[{ZN}百]{{1,4}})\s*(?:个\s*)?(?P<half>半)?|(?P<half_only>半))\s*(?:个\s*)?"
      r"(?P<u>天|日(?=\s*(?:以|之)?后)|周|星期|礼拜|月|年|小时|钟头|分钟|刻钟)\s*(?:以|之)?(?P<dir>后|前)")
def _zh_relative(m: Match, ctx: Ctx) -> Value | None:
    """三天后, 两周后, 一个月前, 半年后, 10日后, 2小时后, 一个半小时后, 一刻钟后."""
    if m["u"] == "月" and "个" not in m[0]:
        return None  # 3月后 is "after March", not "three months later"
    n = 0.5 if m["half_only"] else to_int(m["n"] or "")
    if n is None:
        return None
    if m["half"]:
        n += 0.5
    unit = ZH_UNITS[m["u"]]
    if unit == "quarter":
        n, unit = n * 15, "minute"
    return _relative(n if m["dir"] == "后" else -n, unit, ctx)


@rule("zh_weekday", "zh", "day", "周星礼禮",
      rf"(?:(?P<wq>{_alternation(ZH_REL)})\s*个?\s*|(?<![每0-9{ZN}第]))"
      rf"{ZH_WEEK_WORD}(?P<wd>[一二三四五六日天1-7七八九〇零0])",
      traits=lambda m: frozenset({"weekday"} if m["wq"] else {"weekday", "bare_weekday", "partial"}))
def _zh_weekday(m: Match, ctx: Ctx) -> Value | None:
    """周三, 星期五, 礼拜天, 上周三, 上上周五, 本周一, 这个星期五, 下下周二 (星期八 → None)."""
    weekday = ZH_WEEKDAYS.get(m["wd"], -1)
    if weekday < 0:
        return None
    if m["wq"]:
        return Day(week_monday(ctx.today, ZH_REL[m["wq"]]) + timedelta(days=weekday))
    return Day(resolve_weekday(weekday, ctx.today, ctx.prefer, ctx.anchor))


@rule("zh_day", "zh", "day", "日号號",
      rf"(?<![0-9A-Za-z.月第〕\])）】#号期卷{ZN}])(?P<d>{ZH_DAY_NUM})\s*(?P<unit>[日号號]){DOC_NUMBER_AFTER}",
      weak=True, traits=frozenset({"partial"}))
def _zh_day(m: Match, ctx: Ctx) -> Value | None:
    """5号, 15日, 二十一日: a day of the current (or adjacent) month. Not 第12号 / 〔2026〕12号 / 3号楼."""
    day = resolve_day(to_int(m["d"]) or 0, ctx.today, ctx.prefer, ctx.anchor)
    return Day(day) if day else None


@rule("zh_month", "zh", "span", "月",
      rf"(?<![0-9.])(?:{ZH_YEAR}\s*(?:的\s*)?)?(?:(?P<m>{ZH_MONTH_NUM})\s*|{ZH_MREL}\s*)月份?"
      rf"(?P<xun>上旬|中旬|下旬)?(?![0-9{ZN}]|\s*(?:底|末|初|中|[日号]|的?\s*(?:今天|今日|这一?天|同)))",
      traits=lambda m: frozenset({"partial"}) if m["m"] and not (m["y"] or m["yrel"]) else _NO_TRAITS)
def _zh_month(m: Match, ctx: Ctx) -> Value | None:
    """11月, 2026年11月, 下个月, 本月, 上月, 11月上旬, 下个月下旬 (a whole month or a third of it)."""
    year = _zh_year(m, ctx)
    if m["m"]:
        month = to_int(m["m"])
        if month is None or not 1 <= month <= 12:
            return None
        if year is None:
            year = resolve_month(month, ctx.today, ctx.prefer, ctx.anchor)
            if year is None:
                return None
    elif year is not None:
        return None
    else:
        year, month = shift_month(ctx.today.year, ctx.today.month, ZH_REL[m["mrel"]])
    return _xun(year, month, m["xun"]) if m["xun"] else _month_span(year, month)


@rule("zh_year", "zh", "span", "年",
      rf"(?<![0-9])(?:(?P<y>\d{{4}}|[〇零一二三四五六七八九]{{4}})\s*年|(?P<yrel>{_alternation(ZH_YEAR_REL)})年)度?"
      rf"(?!\s*[0-9{ZN}]|\s*(?:底|末|初|[上下]半年|第|的?\s*(?:今天|今日|这一?天|同)|年))")
def _zh_year_span(m: Match, ctx: Ctx) -> Value | None:
    """2026年, 二〇二六年, 今年, 去年, 明年: the whole year."""
    year = _zh_year(m, ctx)
    return Span(date(year, 1, 1), date(year, 12, 31)) if year and 1 <= year <= 9999 else None


@rule("zh_half_quarter", "zh", "span", "半季",
      rf"(?<![0-9])(?:{ZH_YEAR}\s*(?:的\s*)?)?(?:(?P<half>上|下)半年|第?(?P<q>[一二三四1-4])\s*季度)")
def _zh_half_quarter(m: Match, ctx: Ctx) -> Value | None:
    """上半年, 明年下半年, 一季度, 2026年第三季度."""
    year = _zh_year(m, ctx) or ctx.today.year
    if m["half"]:
        return Span(date(year, 1, 1), date(year, 6, 30)) if m["half"] == "上" else Span(
            date(year, 7, 1), date(year, 12, 31))
    quarter = to_int(m["q"]) or 0
    return Span(date(year, 3 * quarter - 2, 1), month_end(year, 3 * quarter))


@rule("zh_week", "zh", "span", "周星礼禮",
      rf"(?:(?P<wq>{_alternation(ZH_REL)})\s*个?\s*{ZH_WEEK_WORD}(?P<we>末)?|(?<!每)(?P<bare_we>周末))"
      r"(?!\s*[一二三四五六日天1-7])")
def _zh_week(m: Match, ctx: Ctx) -> Value | None:
    """本周, 上周, 下下周, 这个星期, 上周末, 周末 (Monday-Sunday, or Saturday-Sunday)."""
    if m["bare_we"]:
        return _weekend(ctx, None)
    weeks = ZH_REL[m["wq"]]
    return _weekend(ctx, weeks) if m["we"] else _week_span(week_monday(ctx.today, weeks))


@rule("zh_part", "zh", "part", "凌半早清上下午傍晚夜深", r"(?P<p>凌晨|半夜|早上|早晨|清晨|上午|下午|午后|傍晚|晚上|晚间|夜里|夜间|深夜)",
      weak=True)
def _zh_part(m: Match, ctx: Ctx) -> Value | None:
    return Part(ZH_PARTS[m["p"]])


@rule("zh_part_short", "zh", "part", "晚早晨", r"(?<=[日号號天])(?P<p>晚|早|晨)(?![上间饭餐些点0-9零一二两三四五六七八九十])")
def _zh_part_short(m: Match, ctx: Ctx) -> Value | None:
    """The 晚 of 11月5日晚, 5号早."""
    return Part(ZH_PARTS.get(m["p"], "am"))


ZH_OPINION_NOUNS = ("要求|意见|建议|体会|做法|经验|措施|原因|问题|想法|内容|共识|看法|认识|启示|不足|希望|思考|说明"
                    "|考虑|理由|成果|特点|原则|任务|举措|工作|打算|感受|收获|变化|差距|方面|目标")


_ADVERB_BEFORE_ONE = set("快慢好多少早晚大小高低强弱近远重轻有些差")


@rule("zh_clock", "zh", "clock", "点點时時",
      rf"(?:(?<![今明昨]){ZH_PART}\s*|(?<![第这那每几各某哪0-9.]))"
      rf"(?P<h>\d{{1,2}}|[零一二两三四五六七八九十]{{1,3}})\s*(?P<unit>点钟?|點|时|時)"
      rf"(?:\s*(?P<half>半)|\s*(?P<q>[一三])\s*刻|\s*(?P<mi>\d{{1,2}}|[零〇一二三四五六七八九十]{{1,4}})\s*分?"
      rf"|\s*整)?(?!\s*(?:{ZH_OPINION_NOUNS}|儿|点))",
      weak=lambda m: not (m["part"] or m["half"] or m["q"] or m["mi"]))
def _zh_clock(m: Match, ctx: Ctx) -> Value | None:
    """3点, 下午3点半, 早上8点一刻, 晚上8点15分, 14时30分, 三点 (not 三点要求 / 快一点)."""
    hour = to_int(m["h"])
    if m["half"]:
        minute: int | None = 30
    elif m["q"]:
        minute = 15 if m["q"] == "一" else 45
    else:
        minute = to_int(m["mi"]) if m["mi"] else 0
    if hour is None or minute is None:
        return None
    if not m["part"] and m["h"] in ("一", "两") and m.string[m.start() - 1:m.start()] in _ADVERB_BEFORE_ONE:
        return None  # 快一点, 早一点, 有一点: "a little", not one o'clock
    if m["unit"] in ("时", "時") and not m["h"].isdigit() and not m["mi"]:
        return None  # 一时 is "for a moment"
    part = ZH_PARTS[m["part"]] if m["part"] else None
    return Clock(hour, minute, part, None, ambiguous=part is None)


@rule("zh_noon", "zh", "clock", "午", r"(?P<w>中午|正午)(?!\s*(?:\d|[零一二两三四五六七八九十]))")
def _zh_noon(m: Match, ctx: Ctx) -> Value | None:
    """中午 alone is 12:00 (中午1点 is a zh_clock)."""
    return Clock(12, 0, "noon")


@rule("zh_num", "zh", "num", "一二三四五六七八九十廿卅", rf"(?<![{ZN}0-9])(?P<n>[一二三四五六七八九十廿卅]{{1,3}})(?![{ZN}0-9])")
def _zh_num(m: Match, ctx: Ctx) -> Value | None:
    n = to_int(m["n"])
    return Num(n) if n is not None else None


# =========================================================================== English

EN_DAY_WORDS = {
    "the day after tomorrow": (2, None), "day after tomorrow": (2, None),
    "the day before yesterday": (-2, None), "day before yesterday": (-2, None),
    "today": (0, None), "tonight": (0, "evening"), "tomorrow": (1, None), "tmrw": (1, None),
    "tmr": (1, None), "yesterday": (-1, None), "last night": (-1, "evening"),
    "this morning": (0, "am"), "this afternoon": (0, "pm"), "this evening": (0, "evening"),
}


@rule("en_day_word", "en", "day", "A-Za-z",
      LB + r"(?P<w>" + "|".join(w.replace(" ", r"\s+") for w in sorted(EN_DAY_WORDS, key=len, reverse=True))
      + r")" + LA)
def _en_day_word(m: Match, ctx: Ctx) -> Value | None:
    offset, part = EN_DAY_WORDS[" ".join(m["w"].lower().split())]
    return Day(ctx.today + timedelta(days=offset), part)


@rule("en_same_day", "en", "day", "A-Za-z",
      rf"{LB}(?:today|this\s+day|the\s+same\s+day)\s+(?P<q>last|next)\s+(?P<u>year|month|week){LA}")
def _en_same_day(m: Match, ctx: Ctx) -> Value | None:
    """today last year, this day next month."""
    sign = EN_REL[m["q"].lower()]
    unit = m["u"].lower()
    if unit == "week":
        return Day(ctx.today + timedelta(weeks=sign))
    day = add_months(ctx.today, sign * (12 if unit == "year" else 1))
    return Day(day) if day else None


EN_UNIT = r"(?P<u>day|week|fortnight|month|year|hour|hr|minute|min)s?"


def _en_unit(word: str) -> str:
    word = word.lower()
    return {"hr": "hour", "min": "minute"}.get(word, word)


def _en_number(word: str) -> int | None:
    word = " ".join(word.lower().split())
    return int(word) if word.isdigit() else EN_NUMBERS.get(word)


@rule("en_in", "en", "day", "A-Za-z",
      rf"{LB}in\s+(?:(?P<half>half\s+an?\s+hour)|{EN_NUM}\s+{EN_UNIT}(?:'?s)?(?:\s+time)?){LA}")
def _en_in(m: Match, ctx: Ctx) -> Value | None:
    """in 3 days, in two weeks, in a month, in 2 hours, in half an hour."""
    if m["half"]:
        return _relative(30, "minute", ctx)
    n = _en_number(m["n"])
    return _relative(n, _en_unit(m["u"]), ctx) if n is not None else None


@rule("en_ago", "en", "day", "A-Za-z",
      rf"{LB}{EN_NUM}\s+{EN_UNIT}\s+(?P<dir>ago|from\s+now|from\s+today|later|hence)(?:\s+today)?{LA}")
def _en_ago(m: Match, ctx: Ctx) -> Value | None:
    """a week ago, 3 days ago, two weeks from now, a year ago today."""
    n = _en_number(m["n"])
    if n is None:
        return None
    return _relative(-n if m["dir"].lower() == "ago" else n, _en_unit(m["u"]), ctx)


EN_WD_PREFIX = rf"(?:(?P<wdp>{EN_WD})\.?,?\s+(?:the\s+)?)?"


def _en_month_day(m: Match, ctx: Ctx) -> Value | None:
    month, day_num = EN_MONTHS[m["mon"].lower()], _en_day(m)
    year = _en_year(m, ctx)
    if year is not None:
        return _checked(m, make_date(year, month, day_num))
    return _month_day(m, month, day_num, ctx)


def _yearless_traits(m: Match) -> frozenset[str]:
    return _NO_TRAITS if m["y"] or m["yq"] else frozenset({"partial"})


rule("en_mdy", "en", "day", "A-Za-z",
     rf"{LB}{EN_WD_PREFIX}{EN_MONTH}{LA}\s*(?:the\s+)?{EN_DAY}(?![0-9]|:[0-9])(?![A-Za-z]){EN_YEAR_TAIL}{LA}"
     rf"{WD_SUFFIX}", traits=_yearless_traits)(_en_month_day)
rule("en_dmy", "en", "day", "A-Za-z",
     rf"(?<![A-Za-z0-9]){EN_WD_PREFIX}(?:the\s+)?{EN_DAY}(?:\s*|-)(?:of\s+)?{EN_MONTH}{LA}{EN_YEAR_TAIL}{LA}"
     rf"{WD_SUFFIX}", traits=_yearless_traits)(_en_month_day)


@rule("en_day_of_month", "en", "day", "A-Za-z",
      rf"(?<![A-Za-z0-9])(?:the\s+)?{EN_DAY}\s+(?:of\s+)?(?:the\s+)?"
      rf"(?P<q>this|next|last|previous)\s+month{LA}")
def _en_day_of_month(m: Match, ctx: Ctx) -> Value | None:
    """the 5th of next month, 15th of last month."""
    year, month = shift_month(ctx.today.year, ctx.today.month, EN_REL[m["q"].lower()])
    day = make_date(year, month, _en_day(m))
    return Day(day) if day else None


@rule("en_ordinal", "en", "day", "A-Za-z",
      rf"(?<![A-Za-z0-9]){EN_WD_PREFIX}(?:the\s+)?(?P<d>\d{{1,2}})(?:st|nd|rd|th)(?![A-Za-z0-9])",
      weak=lambda m: not m["wdp"], traits=frozenset({"partial"}))
def _en_ordinal(m: Match, ctx: Ctx) -> Value | None:
    """the 5th, Friday the 13th: a day of the current (or adjacent) month."""
    return _checked(m, resolve_day(int(m["d"]), ctx.today, ctx.prefer, ctx.anchor))


@rule("en_edge", "en", "day", "A-Za-z",
      rf"{LB}(?:the\s+)?(?:(?P<edge>end|beginning|start|middle|mid)[-\s]*of\s+(?:the\s+)?"
      rf"(?:(?P<q>this|next|last|previous)\s+)?(?P<u>month|year)|(?P<u2>month|year)[-\s]?(?P<edge2>end)){LA}")
def _en_edge(m: Match, ctx: Ctx) -> Value | None:
    """end of the month, end of next month, beginning of next year, month-end, year end."""
    edge = (m["edge"] or m["edge2"]).lower()
    unit = (m["u"] or m["u2"]).lower()
    offset = EN_REL[m["q"].lower()] if m["q"] else 0
    if unit == "year":
        year = ctx.today.year + offset
        if edge in ("middle", "mid"):
            return None
        return Day(date(year, 12, 31) if edge == "end" else date(year, 1, 1))
    year, month = shift_month(ctx.today.year, ctx.today.month, offset)
    return Day(_edge_of_month(year, month, edge))


@rule("en_edge_of_month", "en", "day", "A-Za-z",
      rf"{LB}(?:the\s+)?(?P<edge>end|beginning|start|middle)\s+of\s+{EN_MONTH}{LA}(?:,?\s+(?P<y>\d{{4}}))?",
      traits=lambda m: _NO_TRAITS if m["y"] else frozenset({"partial"}))
def _en_edge_of_month(m: Match, ctx: Ctx) -> Value | None:
    """end of November, beginning of March 2027."""
    month, edge = EN_MONTHS[m["mon"].lower()], m["edge"].lower()
    if m["y"]:
        return Day(_edge_of_month(int(m["y"]), month, edge))
    day = _nearest_year(lambda y: _edge_of_month(y, month, edge), ctx)
    return Day(day) if day else None


EN_HOLIDAYS = {"new year's day": (1, 1), "new years day": (1, 1), "new year day": (1, 1),
               "new year's eve": (12, 31), "new years eve": (12, 31), "christmas eve": (12, 24),
               "christmas day": (12, 25), "christmas": (12, 25), "xmas": (12, 25)}


@rule("en_holiday", "en", "day", "A-Za-z",
      rf"{LB}(?P<hol>new\s+year'?s?\s+(?:day|eve)|christmas(?:\s+(?:day|eve))?|xmas){LA}{EN_YEAR_TAIL}{LA}",
      traits=_yearless_traits)
def _en_holiday(m: Match, ctx: Ctx) -> Value | None:
    """Christmas, New Year's Day next year, Christmas Eve 2026."""
    key = " ".join(m["hol"].lower().split())
    if key not in EN_HOLIDAYS:
        return None
    return _holiday(*EN_HOLIDAYS[key], _en_year(m, ctx), ctx)


@rule("en_weekday", "en", "day", "A-Za-z",
      rf"{LB}(?:(?P<q>last|next|this|coming)\s+)?(?P<wd>{EN_WD})\.?"
      rf"(?:,?\s+(?:of\s+)?(?:the\s+)?(?P<tq>this|last|next|previous)\s+week){LA}|"
      rf"{LB}(?:(?P<q2>last|next|this|coming)\s+)?(?P<wd2>{EN_WD})\.?{LA}",
      weak=lambda m: not (m["q2"] or m["tq"]) and len(m["wd2"] or "") <= 4,
      traits=lambda m: frozenset({"weekday", "trailing_week"}) if m["tq"] else frozenset(
          {"weekday"} if m["q2"] else {"weekday", "bare_weekday", "partial"}
          | ({"doubtful"} if len(m["wd2"]) <= 4 else set())))
def _en_weekday(m: Match, ctx: Ctx) -> Value | None:
    """Friday, next Friday, last Monday, this Wednesday, Wednesday last week, Monday next week.

    last / next / this name the calendar week (Monday first), like 上周 / 下周 / 本周;
    "coming Friday" is the next Friday after today.
    """
    weekday = EN_WEEKDAYS[(m["wd"] or m["wd2"]).lower()]
    qualifier = (m["q"] or m["q2"] or "").lower()
    if m["tq"]:
        if qualifier:
            return None
        qualifier = m["tq"].lower()
    if qualifier in EN_REL:
        return Day(week_monday(ctx.today, EN_REL[qualifier]) + timedelta(days=weekday))
    prefer: Prefer = "future" if qualifier == "coming" else ctx.prefer
    return Day(resolve_weekday(weekday, ctx.today, prefer, ctx.anchor))


@rule("en_week_weekday", "en", "day", "A-Za-z",
      rf"{LB}(?P<q>this|last|next)\s+week'?s?\s+(?:on\s+)?(?P<wd>{EN_WD}){LA}")
def _en_week_weekday(m: Match, ctx: Ctx) -> Value | None:
    """next week Friday, last week's Monday."""
    weekday = EN_WEEKDAYS[m["wd"].lower()]
    return Day(week_monday(ctx.today, EN_REL[m["q"].lower()]) + timedelta(days=weekday))


@rule("en_part", "en", "part", "A-Za-z", rf"{LB}(?:in\s+the\s+)?(?P<p>morning|afternoon|evening|night){LA}",
      weak=True)
def _en_part(m: Match, ctx: Ctx) -> Value | None:
    return Part(EN_PARTS[m["p"].lower()])


@rule("en_noon", "en", "clock", "A-Za-z", rf"{LB}(?:12\s*)?(?:noon|midday){LA}")
def _en_noon(m: Match, ctx: Ctx) -> Value | None:
    return Clock(12, 0, "noon")


@rule("en_clock_at", "en", "clock", "A-Za-z",
      rf"(?:{LB}at\s+|@\s*)(?P<h>\d{{1,2}})(?:\s*o'?clock)?(?![0-9:.A-Za-z])|"
      rf"(?<![0-9A-Za-z:.])(?P<h2>\d{{1,2}})\s*o'?clock{LA}",
      weak=True)
def _en_clock_at(m: Match, ctx: Ctx) -> Value | None:
    """at 8, 8 o'clock (a 12-hour clock without am/pm)."""
    return Clock(int(m["h"] or m["h2"]), 0, None, None, ambiguous=True)


@rule("en_past_to", "en", "clock", "A-Za-z",
      rf"{LB}(?:(?P<half>half)|(?:a\s+)?(?P<quarter>quarter)|(?P<mi>\d{{1,2}})(?:\s+minutes?)?)"
      r"\s+(?P<rel>past|to)\s+"
      r"(?P<h>\d{1,2})(?![0-9:])(?:\s*(?P<ap>a\.?m\.?|p\.?m\.?)(?![A-Za-z]))?")
def _en_past_to(m: Match, ctx: Ctx) -> Value | None:
    """half past 3, quarter to 9, 10 past 4 pm."""
    minutes = 30 if m["half"] else 15 if m["quarter"] else int(m["mi"])
    hour = int(m["h"])
    if m["rel"].lower() == "to":
        hour, minutes = hour - 1 if hour > 1 else 12, 60 - minutes
    meridiem = m["ap"][0].lower() + "m" if m["ap"] else None
    return Clock(hour, minutes, None, meridiem, ambiguous=meridiem is None)


@rule("en_period", "en", "span", "A-Za-z",
      rf"{LB}(?:(?P<q>this|last|next|previous)\s+(?P<u>week|month|year|weekend)"
      r"|(?P<after>the\s+week\s+after\s+next)"
      rf"|(?:the\s+)?(?P<we>weekend)){LA}")
def _en_period(m: Match, ctx: Ctx) -> Value | None:
    """this week, last month, next year, this weekend, the week after next, the weekend."""
    if m["after"]:
        return _week_span(week_monday(ctx.today, 2))
    if m["we"]:
        return _weekend(ctx, None)
    offset, unit = EN_REL[m["q"].lower()], m["u"].lower()
    if unit == "week":
        return _week_span(week_monday(ctx.today, offset))
    if unit == "weekend":
        return _weekend(ctx, offset)
    if unit == "month":
        return _month_span(*shift_month(ctx.today.year, ctx.today.month, offset))
    year = ctx.today.year + offset
    return Span(date(year, 1, 1), date(year, 12, 31))


def _en_month_span(m: Match, ctx: Ctx) -> Value | None:
    """November 2026, early November, late Dec; November alone only as the whole text."""
    month = EN_MONTHS[m["mon"].lower()]
    given = m.groupdict().get("y")
    year = int(given) if given else resolve_month(month, ctx.today, ctx.prefer, ctx.anchor)
    if year is None:
        return None
    xun = m.groupdict().get("xun")
    return _xun(year, month, xun.lower()) if xun else _month_span(year, month)


rule("en_month_year", "en", "span", "A-Za-z",
     rf"{LB}(?P<xun>early|mid|late)?[-\s]*{EN_MONTH},?\s+(?P<y>\d{{4}})(?![0-9])"
     )(_en_month_span)
rule("en_month_part", "en", "span", "A-Za-z", rf"{LB}(?P<xun>early|mid|late)[-\s]*{EN_MONTH}{LA}(?!\s*[0-9])",
     traits=frozenset({"partial"}))(_en_month_span)
rule("en_month", "en", "span", "A-Za-z", rf"{LB}{EN_MONTH}{LA}", full_only=True, traits=frozenset({"partial"})
     )(_en_month_span)


@rule("quarter", "*", "span", "Qq",
      r"(?<![0-9A-Za-z])(?:Q(?P<q>[1-4])(?:\s*(?P<y>\d{4}))?|(?P<y2>\d{4})\s*-?\s*Q(?P<q2>[1-4]))"
      r"(?![0-9A-Za-z])")
def _quarter(m: Match, ctx: Ctx) -> Value | None:
    """Q3, Q3 2026, 2026 Q3."""
    quarter = int(m["q"] or m["q2"])
    year = int(m["y"] or m["y2"] or ctx.today.year)
    return Span(date(year, 3 * quarter - 2, 1), month_end(year, 3 * quarter))


def rules_for(lang: str | None) -> tuple[Rule, ...]:
    """The rules that apply to texts in ``lang`` (zh, en or None for both)."""
    return _BY_LANG[lang]


_BY_LANG: dict[str | None, tuple[Rule, ...]] = {
    None: tuple(RULES),
    "zh": tuple(r for r in RULES if r.lang in ("zh", "*")),
    "en": tuple(r for r in RULES if r.lang in ("en", "*")),
}

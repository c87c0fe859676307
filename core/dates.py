"""Read the dates officials type, in Chinese or English.

    parse_date("下周三下午3点", now=now)             -> datetime(..., 15:00, tzinfo=now.tzinfo)
    parse_date("11月5日", now=now, prefer="future")  -> date
    parse_range("11月5日至8日", now=now)             -> (date, date), inclusive
    read_date("11月18日", now=now, lang="en")         -> date: a typed answer, the user's language first
    find_date("/trip 11月5日至8日 淳安县 山区共富调研", now=now)
        -> DateMatch(value=(date, date), start=6, end=14)
    find_days_apart("11月5日、8日 淳安县", now=now)
        -> DaysApart(days=(date, date), start=0, end=8)

Conventions shared by every function:

* ``now`` must be timezone-aware (a ``zoneinfo`` zone or a fixed offset; pytz
  zones are not supported). "Today" is ``now.date()`` in ``now``'s zone,
  and a result with a time of day is a ``datetime`` in that zone; every other
  result is a plain ``date``. Nothing here reads the clock.
* ``prefer`` ("past" / "future") decides what is left open: a date without a
  year is the nearest such day on that side of today (today included); a bare
  day number (5号, the 5th) is in this month unless that is on the wrong side,
  then the adjacent month; a bare weekday (周三, Friday) is the nearest one
  strictly before / after today; a time alone (3点, 3pm) is today if it is
  already past / still ahead, else the previous / next day.
* Weeks start on Monday. 上周三 / 本周三 / 下周三 and "Wednesday last week",
  "this Wednesday", "next Wednesday" (and "last Wednesday") are weekdays of
  that calendar week.
* Impossible dates (2月30日, 13月1日, 32号, Feb 30, 2026-02-29, 星期八) are None,
  never clamped; so is a weekday that contradicts its date (11月5日（周五） when
  11月5日 is a Thursday). Relative month/year shifts (一个月后 on 31 January,
  去年今天 on 29 February) do clamp to the end of the shorter month.
* A part of day without a clock time (昨天下午, yesterday morning) is a date;
  a 12-hour clock time without a marker (3点, at 3) is read as 13:00-18:59
  for 1-6 and as written otherwise (24-hour HH:MM is always as written).
* Light filler around the expression is ignored: 截止 / 截至 / 最晚 / 大约 /
  于 / 前 / 之前 / 左右 / 起, "by", "due", "deadline:", "on", "from", ...
  N日前 is "by the Nth" (5日前报送), while N天前 is "N days ago"; N日后 is
  "N days later".
* Decisions worth knowing: "last Friday" is Friday of last calendar week (as
  上周五), "coming Friday" the next Friday after today; 中午 and "noon" are
  12:00; a part of day alone (下午) is today; 晚上12点 is midnight at the end
  of that day; 2-digit years with 年 are 20xx (26年); 11/5 and 11.5 are
  month first (5 November), 25/12/2026 is read day first only because 25 is
  no month; a weekday next to a year-less date may pull it into the current
  year (Mon 23 Nov looking back from Saturday 21 November 2026 is 2026-11-23).
* Numbers that are not dates: 第12号 / 〔2026〕12号 / 12号楼 / 3号会议室 (document
  and room numbers), 2小时 / 3天 / 1.5万 (quantities), 三点意见 / 快一点. parse_date
  returns None for them, and find_date skips them.
* Not supported (None, so the caller asks again): lunar dates and holidays
  (春节, 中秋, 农历), working days (3个工作日后), recurring expressions (每周一,
  每月15号), vague ones (几天前, 近期, 过两天), "within"/以内 spans (三天内),
  week numbers (第45周), time zones written in the text, and bare-number time
  ranges (tomorrow 10-12). English text no rule covers goes to dateparser
  (parse_date / parse_range only), and its answer is kept only if consistent.

Ranges (至 / 到 / - / — / ～ / ~ / to / until / "between … and …") carry the
month or week of the start over to a partial end (11月5日至8日, 上周一到周三,
Nov 5-8) and the month of the end back to a bare start (3 to 5 November,
5-8号); "Tuesday to Thursday next week" puts both days in that week. A
year-less range is the nearest one in the preferred direction, and a range
that contains today counts in either direction. 次年 / 翌年 after the
separator (12月30日至次年1月2日, 12月至翌年2月) puts an end written without a
year in the year after the start's. Spans are ranges too: 上周, 下个月, 11月,
11月下旬, 2026年, 上半年, 一季度, next month, Q3, early November.

Days listed one by one with 、 / 和 / 及 / 与 (11月5日、6日, 5、6日, 11月5日和6日)
are a range when each follows the one before (a bare number takes the month
of the day after it, a bare day the month of the one before, as in ranges).
Days that do not follow one another (11月5日和8日) are no range: find_date
reads the first of them, and :func:`find_days_apart` says where the list is
and which days it names, for a caller that wants one span of days (a trip)
to ask rather than keep the first.

How it works: the regex rules in :mod:`core.dates_rules` find *atoms* (a
day, a clock time, a part of day, a span, a number) anywhere in the text;
this module chains adjacent atoms into candidates (明天 + 下午3点,
11月5日 + 至 + 8日) and evaluates them. Only English text that no rule
covers goes to dateparser (:mod:`core.dates_fallback`), whose answer is
cross-checked against the numbers and names in the text.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta, timezone
from functools import partial
from itertools import pairwise
from typing import Literal, TypeVar

from core import dates_fallback
from core.dates_calendar import make_date, resolve_day, resolve_weekday, shift_month, week_monday
from core.dates_rules import Clock, Ctx, Day, Instant, Num, Part, Rule, Span, rules_for

__all__ = ["HORIZON_YEARS", "DateMatch", "DaysApart", "NoSuchDay", "beyond_horizon", "find_date", "find_days_apart",
           "find_no_such_day", "horizon",
           "normalize", "parse_date", "parse_range", "read_date", "read_date_in", "read_nearest_date",
           "read_range", "warm_up"]

Prefer = Literal["past", "future"]
Result = date | datetime | Span

#: Texts longer than this are not a date for parse_date / parse_range.
MAX_PARSE_LENGTH = 120

#: A range with a bare end day before its start day (11月28日至3日) runs into the next month only when
#: that makes at most this many days; 11月8日至5日 (28 days) is a range written backwards, and it is
#: not read (the flows then ask about it: core.trips reads it as end before start).
MAX_WRAPPED_DAYS = 15

#: How far ahead a deadline may be set: 9999年12月31日 reads as a date, but no duty runs that long, and a
#: due date far off breaks the screens that count days to it.
HORIZON_YEARS = 5


def horizon(today: date, years: int = HORIZON_YEARS) -> date:
    """The last day a deadline set on ``today`` may fall on."""
    try:
        return today.replace(year=today.year + years)
    except ValueError:  # 29 February
        return today.replace(year=today.year + years, day=28)


def beyond_horizon(day: date | datetime, today: date, years: int = HORIZON_YEARS) -> bool:
    """Whether a deadline on ``day`` is further ahead than ``years`` years from ``today``."""
    return (day.date() if isinstance(day, datetime) else day) > horizon(today, years)


@dataclass(frozen=True)
class DateMatch:
    """A date, date-time or (inclusive) range found inside a text, and where it is."""

    value: date | datetime | tuple[date, date]
    start: int  # character span of the date expression inside the text
    end: int


@dataclass(frozen=True)
class NoSuchDay:
    """A date written in free text that names no day (2月30日), and where it is in the text."""

    text: str
    start: int
    end: int


@dataclass(frozen=True)
class DaysApart:
    """Days listed one by one that do not follow one another (11月5日和8日), and where the list is in the text."""

    days: tuple[date, ...]  # as written, two or more
    start: int
    end: int


# --------------------------------------------------------------------------- public API

def parse_date(text: str, *, now: datetime, prefer: Prefer = "past",
               lang: str | None = None) -> date | datetime | None:
    """The date (or date-time) that the whole ``text`` names, or None if it is not one.

    The text, minus light filler (截止…前, "by", "on", ...), must be one date
    expression. A range or a span (11月5日至8日, 下周, next month) is None:
    use :func:`parse_range` for those. See the module docstring for the rules.
    ``lang`` is "zh", "en" or None (either).
    """
    ctx, lang = _context(now, prefer, lang)
    found = _parse_whole(text, ctx, lang, ranges=False)
    if found is None or isinstance(found, Span):
        return None
    return found


def parse_range(text: str, *, now: datetime, prefer: Prefer = "past",
                lang: str | None = None) -> tuple[date, date] | None:
    """The inclusive (first, last) days that the whole ``text`` names, or None.

    A range (11月5日至8日, Nov 5-8), a span (上周, 11月, next month) or a single
    date, which gives ``(d, d)``. A date-time endpoint is reduced to its date
    (明天下午2点到4点 → (tomorrow, tomorrow)). The end is never before the start:
    such a range is None.
    """
    ctx, lang = _context(now, prefer, lang)
    found = _parse_whole(text, ctx, lang, ranges=True)
    if found is None:
        return None
    return (_first(found), _last(found))


def read_date(text: str, *, now: datetime, prefer: Prefer = "past",
              lang: str | None = None) -> date | datetime | None:
    """A date a user typed as their whole answer: :func:`parse_date` in their language ``lang`` first, then in
    either. Officials mix the two (an English prompt's own examples are 昨天 and 11月18日; a Chinese user may
    type "last Friday"), so no flow refuses a date for its language; ``lang`` only decides which reading wins
    when both read it."""
    found = parse_date(text, now=now, prefer=prefer, lang=lang)
    if found is None and lang is not None:
        found = parse_date(text, now=now, prefer=prefer)
    return found


def read_nearest_date(text: str, *, now: datetime, lang: str | None = None) -> date | datetime | None:
    """A date typed as the whole answer that may lie either side of today (a member's 离任日期, recorded after
    the fact or set ahead): of its past and future readings, the one nearer today (12月31日 typed on
    10 December 2026 is 31 December 2026, not 2025; 1月4日 typed then is 4 January 2027). Such dates are more
    often recorded after the fact, so the future reading is taken only when it is under half as far as the past
    one (6月10日 typed then is 10 June 2026); the same either way when the text gives its year."""
    past = read_date(text, now=now, prefer="past", lang=lang)
    future = read_date(text, now=now, prefer="future", lang=lang)
    if past is None or future is None:
        return past or future
    today = now.date()
    distance = {reading: abs((_first(reading) - today).days) for reading in (past, future)}
    return future if 2 * distance[future] < distance[past] else past


def read_range(text: str, *, now: datetime, prefer: Prefer = "past",
               lang: str | None = None) -> tuple[date, date] | None:
    """Days a user typed as their whole answer (a range, a span or one date): :func:`parse_range` in their
    language first, then in either, as :func:`read_date`."""
    found = parse_range(text, now=now, prefer=prefer, lang=lang)
    if found is None and lang is not None:
        found = parse_range(text, now=now, prefer=prefer)
    return found


def read_date_in(text: str, *, now: datetime, prefer: Prefer = "past", lang: str | None = None,
                 allow_range: bool = True) -> DateMatch | None:
    """The first date in free text a user typed (``/log 接访下访 1 11月20日 …``): :func:`find_date` in their
    language first, then in either, as :func:`read_date`."""
    found = find_date(text, now=now, prefer=prefer, lang=lang, allow_range=allow_range)
    if found is None and lang is not None:
        found = find_date(text, now=now, prefer=prefer, allow_range=allow_range)
    return found


def find_date(text: str, *, now: datetime, prefer: Prefer = "past", lang: str | None = None,
              allow_range: bool = True) -> DateMatch | None:
    """The first, longest date expression inside free text, with its character span.

    For commands that log "one message with everything"
    (``/study 昨天下午 集体学习 2小时 …``): the caller takes the rest of the text
    as place or topic. Doubtful readings — a bare day number (5号), a dotted
    or slashed month.day (11.5, 1/2), a clock time without a part of day (三点),
    a part of day alone (下午), a weekday abbreviation (sun) — are taken only
    when there is no clear date anywhere in the text. Quantities and document
    numbers are not dates (2小时, 11.5%, 第12号, 〔2026〕12号, 3号楼, 三点意见), and an
    impossible date (2月30日) is not read in part (as 30日).

    With ``allow_range`` False, ranges and spans are skipped. Never uses
    dateparser: only the rules of :mod:`core.dates_rules`.
    """
    ctx, lang = _context(now, prefer, lang)
    norm = normalize(text)
    atoms = _atoms(norm, lang, whole=False)
    if not atoms:
        return None
    singles = _singles(atoms, norm)
    cands = singles + (_ranges(singles, atoms, norm) + _lists(singles, atoms, norm) if allow_range else [])
    invalid = _impossible(atoms, singles, ctx)
    best: tuple[tuple[bool, int, int], DateMatch] | None = None
    for cand in cands:
        key = (cand.weak, cand.start, -cand.end)  # clear before doubtful, then first, then longest
        if (best is not None and key >= best[0]) or _doubtful(cand) or _shadowed(cand, invalid):
            continue
        value = _evaluate(cand, ctx)
        if value is None or (isinstance(value, Span) and not allow_range):
            continue
        shown = (value.first, value.last) if isinstance(value, Span) else value
        best = (key, DateMatch(shown, cand.start, cand.end))
    return best[1] if best else None


def find_no_such_day(text: str, *, now: datetime, lang: str | None = None) -> NoSuchDay | None:
    """The first clear date in free text that names no day of the calendar (2月30日, 13月1日, 星期八, Feb 30,
    2026-02-30), with a range it opens (13月1日至3日), or None.

    :func:`find_date` reads no part of such a date, so a caller that would otherwise take today, or leave the
    words in a place or a topic, refuses the message instead. Doubtful readings (11.35, 5号) are not dates
    here either."""
    ctx, lang = _context(now, "past", lang)
    norm = normalize(text)
    atoms = _atoms(norm, lang, whole=False)
    invalid = [b for b in _impossible(atoms, _singles(atoms, norm), ctx) if not _weak(b)] if atoms else []
    if not invalid:
        return None
    first = min(invalid, key=lambda b: (b.start, -b.end))
    end = first.end
    if (joined := _RANGE_SEP.match(norm, end)) is not None and (tail := _RANGE_TAIL.match(norm, joined.end())):
        end = tail.end()
    return NoSuchDay(text[first.start:end], first.start, end)


def _weak(found: _Atom | _Cand) -> bool:
    atoms = (found,) if isinstance(found, _Atom) else found.atoms
    return any(atom.weak or "doubtful" in atom.traits for atom in atoms)


_RANGE_TAIL = re.compile(r"(?:\d{4}\s*年\s*)?(?:\d{1,2}\s*月\s*)?\d{1,2}\s*[日号]?")


def find_days_apart(text: str, *, now: datetime, prefer: Prefer = "past",
                    lang: str | None = None) -> DaysApart | None:
    """The first list of days in free text that are not one span (11月5日和8日, 5、8号, 11月5日、6日、9日), or None.

    Such a list is no range to :func:`find_date`, which reads its first day alone; a caller that takes one span
    of days (a trip) asks about the list instead of dropping the other days. Days that follow one another
    (11月5日、6日) are a range and not listed here.
    """
    ctx, lang = _context(now, prefer, lang)
    norm = normalize(text)
    atoms = _atoms(norm, lang, whole=False)
    read_to = 0  # the end of the last list that is one span: a list inside it is part of it (周一 in 上周一、周二)
    for cand in _lists(_singles(atoms, norm), atoms, norm):  # in the order they start
        days = _safe(partial(_eval_list, cand, ctx)) if cand.start >= read_to else None
        if days is not None and _one_after_another(days):
            read_to = cand.end
        elif days is not None:
            return DaysApart(days, cand.start, cand.end)
    return None


def warm_up() -> None:
    """Compile and exercise every path once (including dateparser's English data).

    Takes a few hundred milliseconds; the bot runs it in a background thread
    at start-up so the first reply is not delayed. Safe to call repeatedly.
    """
    now = datetime(2026, 1, 15, 10, 0, tzinfo=timezone(timedelta(hours=8)))
    for text in ("下周三下午3点", "11月5日至8日", "上个月底", "三天后", "2026-11-05", "next Friday at 3pm",
                 "Nov 5-8", "the 5th of next month", "a fortnight ago", "11月5日、6日和8日"):
        parse_date(text, now=now)
        parse_range(text, now=now, prefer="future")
        find_date(text, now=now)
        find_days_apart(text, now=now)
    dates_fallback.warm_up()


# --------------------------------------------------------------------------- text preparation

_FOLD = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}  # full-width ASCII
_FOLD.update({0x3000: 0x20, 0x00A0: 0x20, 0x2018: 0x27, 0x2019: 0x27, 0x301C: 0x7E, 0x2212: 0x2D})


def normalize(text: str) -> str:
    """Fold full-width digits, letters, punctuation and spaces to ASCII, one character for one
    (so positions in the result are positions in ``text``)."""
    return text.translate(_FOLD)


_PUNCT = r"[\s\"'“”‘’「」『』《》()\[\]【】<>:,;.!?。，、：；！？*_~-]"
_PREFIX_WORDS = (
    "截止到|截至到|截止日期|截止时间|截止|截至|最晚|最迟|不晚于|不迟于|大约|大概|约|预计|定于|计划于|计划|拟于|拟"
    "|于|在|从|自|到|日期|时间|期限|no\\s+later\\s+than|not\\s+later\\s+than|deadline|due\\s+date|due\\s+on"
    "|due\\s+by|due|by|end\\s+of\\s+(?:the\\s+)?day|close\\s+of\\s+business|eod|cob|on|at|before|around"
    "|about|approximately|approx|from|between|until|till")
_PREFIX = re.compile(rf"(?:{_PUNCT}|(?:{_PREFIX_WORDS})(?![A-Za-z]))*", re.ASCII | re.IGNORECASE)
_SUFFIX = re.compile(
    rf"(?:{_PUNCT}|之前|以前|前后|前|为止|左右|截止|止|期间|开始|起|以内|之内|内|当天|当日|(?<![A-Za-z])(?:or\s+so|at\s+the\s+latest))+$",
    re.ASCII | re.IGNORECASE)


def _skip(pattern: re.Pattern[str], text: str, pos: int = 0) -> int:
    """Where `pattern` stops matching from `pos` (the patterns used here all match the empty string)."""
    found = pattern.match(text, pos)
    return found.end() if found else pos


def _core_spans(text: str) -> list[tuple[int, int]]:
    """Where the date expression may lie once filler is removed, most likely first."""
    start = _skip(_PREFIX, text)
    suffix = _SUFFIX.search(text, start)
    end = suffix.start() if suffix else len(text)
    spans: list[tuple[int, int]] = []
    for s, e in ((start, len(text.rstrip())), (start, end), (0, len(text.rstrip())), (0, end)):
        if s < e and (s, e) not in spans:
            spans.append((s, e))
    return spans


# --------------------------------------------------------------------------- atoms and candidates

@dataclass(slots=True)
class _Atom:
    """One rule's match in the text: where it lies, the rule and the match, whether it is a weak reading,
    and its traits."""

    start: int
    end: int
    rule: Rule
    match: re.Match[str]
    weak: bool
    traits: frozenset[str]

    @property
    def kind(self) -> str:
        return self.rule.kind


@dataclass(frozen=True, slots=True)
class _Cand:
    """A single expression (its atoms, in order) or a range (its two ends)."""

    start: int
    end: int
    atoms: tuple[_Atom, ...] = ()
    x: _Cand | None = None
    y: _Cand | None = None
    weak: bool = False
    next_year: bool = False  # 12月30日至次年1月2日: the end is in the year after the start's
    items: tuple[_Cand, ...] = ()  # days listed one by one (11月5日、6日): each day or bare number

    def traits(self) -> frozenset[str]:
        return frozenset().union(*(a.traits for a in self.atoms))

    @property
    def kinds(self) -> tuple[str, ...]:
        return tuple(a.kind for a in self.atoms)


def _atoms(text: str, lang: str | None, *, whole: bool) -> list[_Atom]:
    atoms = []
    for rule in rules_for(lang):
        if (rule.full_only and not whole) or rule.needs.search(text) is None:
            continue
        for m in rule.regex.finditer(text):
            if m.end() > m.start():
                atoms.append(_Atom(m.start(), m.end(), rule, m, rule.weak(m), rule.traits(m)))
    return atoms


_WS = re.compile(r"\s*")
_BRACKET_OPEN = re.compile(r"\s*[(\[【]\s*")
_BRACKET_CLOSE = re.compile(r"\s*[)\]】]")
_GLUE = re.compile(r"\s*(?:,\s*|at\s+|@\s*|的\s*|on\s+|T(?=[0-9]))?", re.ASCII | re.IGNORECASE)
_RANGE_SEP = re.compile(r"\s*(?:(?:起\s*)?(?:至|到)|~|-{1,2}|—{1,2}|–|―)\s*(?:(?P<next>次年|翌年)\s*(?:的\s*)?)?"
                        r"|\s+(?P<word>to|until|till|through|thru|and)\s+",
                        re.ASCII | re.IGNORECASE)
_BETWEEN = re.compile(r"(?<![A-Za-z])between\s+$", re.ASCII | re.IGNORECASE)
_LIST_SEP = re.compile(r"\s*(?:、|以及|和|及|与)\s*")
MAX_LISTED = 31  # days in one list at most (a longer chain of numbers is no list of days)


def _single(*atoms: _Atom) -> _Cand:
    return _Cand(atoms[0].start, atoms[-1].end, atoms, weak=all(a.weak for a in atoms))


def _singles(atoms: list[_Atom], text: str) -> list[_Cand]:
    """Every single expression: an atom alone or day + part + clock chains (明天下午3点, 3pm tomorrow)."""
    by_start: dict[int, list[_Atom]] = defaultdict(list)
    for atom in atoms:
        by_start[atom.start].append(atom)

    def following(end: int, kind: str) -> list[_Atom]:
        positions = {_skip(_WS, text, end), _skip(_GLUE, text, end)}
        return [a for p in sorted(positions) for a in by_start.get(p, ()) if a.kind == kind]

    cands = []
    for atom in atoms:
        if atom.kind == "num":
            continue
        cands.append(_single(atom))
        if atom.kind == "day":
            bracket = _BRACKET_OPEN.match(text, atom.end)
            for other in by_start.get(bracket.end(), ()) if bracket else ():
                close = _BRACKET_CLOSE.match(text, other.end)
                if other.kind == "day" and close:  # 下周四（11月26日）: both must name the same day
                    pair = _single(atom, other)
                    pair = _Cand(pair.start, close.end(), pair.atoms, weak=pair.weak)
                    cands.append(pair)
                    cands.extend(_single(atom, other, clock) for clock in following(close.end(), "clock"))
                    for part in following(close.end(), "part"):
                        cands.append(_Cand(atom.start, part.end, (atom, other, part), weak=pair.weak))
            for part in following(atom.end, "part"):
                cands.append(_single(atom, part))
                cands.extend(_single(atom, part, clock) for clock in following(part.end, "clock"))
            cands.extend(_single(atom, clock) for clock in following(atom.end, "clock"))
        elif atom.kind == "clock":
            cands.extend(_single(atom, day) for day in following(atom.end, "day"))
    return cands


def _ranges(singles: list[_Cand], atoms: list[_Atom], text: str) -> list[_Cand]:
    """Every ``X sep Y`` where X and Y are singles, or one of them a bare number."""
    ends: dict[int, list[_Cand]] = defaultdict(list)
    for cand in singles:
        if "instant" not in cand.kinds and "part" != cand.kinds[0]:
            ends[cand.start].append(cand)
    for atom in atoms:
        if atom.kind == "num":
            ends[atom.start].append(_single(atom))
    cands = []
    for x_list in list(ends.values()):
        for x in x_list:
            sep = _RANGE_SEP.match(text, x.end)
            if sep is None:
                continue
            if (sep["word"] or "").lower() == "and" and not _BETWEEN.search(text, 0, x.start):
                continue
            for y in ends.get(sep.end(), ()):
                if _joinable(x, y):
                    cands.append(_Cand(x.start, y.end, x=x, y=y, next_year=sep["next"] is not None))
    return cands


def _lists(singles: list[_Cand], atoms: list[_Atom], text: str) -> list[_Cand]:
    """Days listed one by one, from each place a list may start, in order: days and bare numbers joined by 、 /
    和 / 及 / 与, as many as follow (MAX_LISTED at most), ending with a day (5、6日, 11月5日、6日和8日; 11月5日和3个
    is none)."""
    items: dict[int, _Cand] = {}
    for cand in singles:  # at each place the longest day (6日 rather than the number 6)
        if cand.kinds == ("day",) and (cand.start not in items or cand.end > items[cand.start].end):
            items[cand.start] = cand
    for atom in atoms:
        if atom.kind == "num" and atom.start not in items:
            items[atom.start] = _single(atom)
    cands = []
    for start in sorted(items):
        chain = [items[start]]
        while len(chain) < MAX_LISTED and (sep := _LIST_SEP.match(text, chain[-1].end)) and sep.end() in items:
            chain.append(items[sep.end()])
        while chain and chain[-1].kinds == ("num",):
            chain.pop()
        if len(chain) >= 2:
            cands.append(_Cand(chain[0].start, chain[-1].end, items=tuple(chain),
                               weak=all(item.weak or item.kinds == ("num",) for item in chain)))
    return cands


def _joinable(x: _Cand, y: _Cand) -> bool:
    """A bare number pairs only with a day (5-8号, Nov 5-8), never with a span or another number."""
    if x.kinds == ("num",):
        return y.kinds[0] == "day"
    if y.kinds == ("num",):
        return x.kinds[0] == "day"
    return True


def _impossible(atoms: list[_Atom], singles: list[_Cand], ctx: Ctx) -> list[_Atom | _Cand]:
    """Atoms that name an impossible date (2月30日, 星期八), and day pairs that contradict each
    other (下周四（11月27日））: find_date reads no part of them."""
    found: list[_Atom | _Cand] = [
        a for a in atoms if a.kind != "num" and _safe(partial(a.rule.handler, a.match, ctx)) is None]
    found += [c for c in singles if sum(a.kind == "day" for a in c.atoms) == 2 and _evaluate(c, ctx) is None]
    return found


def _shadowed(cand: _Cand, invalid: list[_Atom | _Cand]) -> bool:
    """True when an impossible date overlaps the candidate without lying inside it (2月30日 vs 30日)."""
    return any(b.start < cand.end and cand.start < b.end and not (cand.start <= b.start and b.end <= cand.end)
               for b in invalid)


def _doubtful(cand: _Cand) -> bool:
    """A lone atom too doubtful for free text at all ("sun", "sat", "wed")."""
    return cand.x is None and len(cand.atoms) == 1 and "doubtful" in cand.atoms[0].traits


# --------------------------------------------------------------------------- evaluation

_T = TypeVar("_T")


def _safe(fn: Callable[[], _T]) -> _T | None:
    """fn(), or None when the arithmetic runs off the calendar (year 10000) or a value is bad."""
    try:
        return fn()
    except (OverflowError, ValueError):
        return None


def _evaluate(cand: _Cand, ctx: Ctx) -> Result | None:
    if cand.items:  # days listed: a range when each follows the one before
        days = _safe(lambda: _eval_list(cand, ctx))
        return Span(days[0], days[-1]) if days is not None and _one_after_another(days) else None
    if cand.x is None:
        return _safe(lambda: _eval_single(cand, ctx))
    found = _safe(lambda: _eval_range(cand, ctx))
    if ctx.prefer == "future":
        # A range that contains today counts in either direction (a trip that started yesterday).
        current = _safe(lambda: _eval_range(cand, replace(ctx, prefer="past")))
        if current is not None and current.first <= ctx.today <= current.last:
            return current
    return found


def _eval_single(cand: _Cand, ctx: Ctx) -> Result | None:
    days = [a for a in cand.atoms if a.kind == "day"]
    day = _eval_days(days, ctx) if days else None
    if days and day is None:
        return None
    if isinstance(day, Instant):  # 2小时后, in 30 minutes
        return day.at
    part: str | None = None
    clock: Clock | None = None
    for atom in cand.atoms:
        if atom.kind == "day":
            continue
        value = atom.rule.handler(atom.match, ctx)
        if value is None:
            return None
        if isinstance(value, Instant):
            return value.at
        if isinstance(value, Span):
            return value
        if isinstance(value, Part):
            part = value.part
        elif isinstance(value, Clock):
            clock = value
    if clock is not None:
        return _at_clock(day, part, clock, ctx)
    if day is not None:
        return day.day
    return ctx.anchor or ctx.today  # a part of day alone (下午): today


def _eval_days(atoms: list[_Atom], ctx: Ctx) -> Day | Instant | None:
    """The day named by one day atom, or by two that must agree (下周四（11月26日）).

    Of two, the more definite one is read first and the other is read from it, so
    11月26日 next to 下周四 is this year's even when looking back.
    """
    if len(atoms) == 1:
        value = atoms[0].rule.handler(atoms[0].match, ctx)
        return value if isinstance(value, (Day, Instant)) else None
    first, second = sorted(atoms, key=lambda a: ("partial" in a.traits, "weekday" in a.traits))
    one = first.rule.handler(first.match, ctx)
    if not isinstance(one, Day):
        return None
    other = second.rule.handler(second.match, replace(ctx, anchor=one.day))
    if not isinstance(other, Day) or other.day != one.day:
        return None
    return Day(one.day, one.part or other.part)


def _hour(clock: Clock, part: str | None) -> int | None:
    """The 24-hour hour of a clock time (24 = midnight at the end of the day), or None."""
    hour = clock.hour
    if clock.meridiem:
        if not 1 <= hour <= 12:
            return None
        return hour % 12 + (12 if clock.meridiem == "pm" else 0)
    part = clock.part or part
    if not 0 <= hour <= 23:
        return None
    if part is None:
        return hour + 12 if clock.ambiguous and 1 <= hour <= 6 else hour
    if part == "dawn":
        return 0 if hour == 12 else hour if hour < 12 else None
    if part == "am":
        return hour if hour <= 12 else None
    if part == "noon":
        return hour if hour >= 11 else hour + 12 if 1 <= hour <= 4 else None
    if hour < 12:  # pm / evening
        return hour + 12
    return 24 if hour == 12 and part == "evening" else hour


def _at_clock(day: Day | None, part: str | None, clock: Clock, ctx: Ctx) -> datetime | None:
    hour = _hour(clock, part or (day.part if day else None))
    if hour is None or not 0 <= clock.minute <= 59:
        return None
    base = day.day if day else (ctx.anchor or ctx.today)
    at = datetime.combine(base, time(hour % 24, clock.minute), tzinfo=ctx.now.tzinfo)
    at += timedelta(days=hour // 24)
    if day is None and ctx.anchor is None:  # a time alone: today, or the day before / after
        if ctx.prefer == "past" and at > ctx.now:
            at -= timedelta(days=1)
        elif ctx.prefer == "future" and at < ctx.now:
            at += timedelta(days=1)
    return at


def _first(value: Result) -> date:
    if isinstance(value, Span):
        return value.first
    return value.date() if isinstance(value, datetime) else value


def _last(value: Result) -> date:
    if isinstance(value, Span):
        return value.last
    return value.date() if isinstance(value, datetime) else value


def _num(cand: _Cand) -> Num:
    value = cand.atoms[0].rule.handler(cand.atoms[0].match, Ctx(datetime.min, "past"))
    return value if isinstance(value, Num) else Num(-1)


def _eval_range(cand: _Cand, ctx: Ctx) -> Span | None:
    x, y = cand.x, cand.y
    assert x is not None and y is not None
    if cand.next_year:
        return _into_next_year(x, y, ctx)
    if x.kinds == ("num",):  # 3 to 5 November, 5-8号: the start takes the end's month
        y_value = _eval_single(y, ctx)
        if y_value is None:
            return None
        y_first = _first(y_value)
        start = make_date(y_first.year, y_first.month, _num(x).n)
        if start is not None and start > y_first:
            start = make_date(*shift_month(y_first.year, y_first.month, -1), _num(x).n)
        return _span(start, _last(y_value))
    if "bare_weekday" in x.traits() and "trailing_week" in y.traits():  # Tuesday to Thursday next week
        y_value, x_value = _eval_single(y, ctx), _eval_single(x, ctx)
        if y_value is None or x_value is None:
            return None
        start = week_monday(_first(y_value)) + timedelta(days=_first(x_value).weekday())
        return _span(start, _last(y_value))
    x_value = _eval_single(x, ctx)
    if x_value is None:
        return None
    start = _first(x_value)
    if x.kinds == ("clock",) and "day" in y.kinds:  # 10am-12pm tomorrow: the start is that day too
        y_value = _eval_single(y, ctx)
        return None if y_value is None else _span(_first(y_value), _last(y_value))
    if y.kinds == ("num",):  # 11月5日至8日 read as 8, 周一到三, Nov 5-8, 2026
        n, year = _num(y).n, _num(y).year
        if year is not None:
            if "partial" not in x.traits() or "weekday" in x.traits():
                return None
            start = make_date(year, start.month, start.day)
            if start is None:
                return None
        if "weekday" in x.traits():
            end = resolve_weekday(n - 1, ctx.today, ctx.prefer, start) if 1 <= n <= 7 else None
        else:
            end = resolve_day(n, ctx.today, ctx.prefer, start)
            if end is not None and n < start.day and (end - start).days > MAX_WRAPPED_DAYS:
                return None  # 11月8日至5日 is 5–8 Nov written backwards, not a 28-day span into December
        return _span(start, end)
    y_value = _eval_single(y, replace(ctx, anchor=start))
    if y_value is None:
        return None
    end = _last(y_value)
    if "partial" in y.traits() and end.year > start.year and (end - start).days > 183:
        return None  # Nov 8 to Nov 5 is a typo, not the better part of a year
    if _bare_day(y) and end.day < start.day and (end - start).days > MAX_WRAPPED_DAYS:
        return None  # 11月8日至5日 is 5–8 Nov written backwards, not a 28-day span into December
    return _span(start, end)


def _into_next_year(x: _Cand, y: _Cand, ctx: Ctx) -> Span | None:
    """12月30日至次年1月2日, 12月至翌年2月: the end, a month-day or month with no year of its own, in the year
    after the start's (a bare day, a weekday or a dated end does not go with 次年)."""
    traits = y.traits()
    if x.kinds == ("num",) or y.kinds[0] not in ("day", "span") or "partial" not in traits \
            or "weekday" in traits or _bare_day(y):
        return None
    x_value = _eval_single(x, ctx)
    if x_value is None:
        return None
    start = _first(x_value)
    y_value = _eval_single(y, replace(ctx, anchor=date(start.year + 1, 1, 1)))
    return None if y_value is None else _span(start, _last(y_value))


def _eval_list(cand: _Cand, ctx: Ctx) -> tuple[date, ...] | None:
    """The days a list names, as written: bare numbers before its first day take that day's month (or the
    month before: 30、1日), and each day after it is read from the one before (11月5日、6日: 6 November)."""
    first = next(i for i, item in enumerate(cand.items) if item.kinds != ("num",))
    numbered = any(item.kinds == ("num",) for item in cand.items)
    if numbered and any("weekday" in item.traits() for item in cand.items):
        return None  # a number is a day of the month, never a weekday's
    value = _eval_single(cand.items[first], ctx)
    if not isinstance(value, date) or isinstance(value, datetime):
        return None
    days = [value]
    for item in reversed(cand.items[:first]):
        num = _num(item)
        day = make_date(days[0].year, days[0].month, num.n)
        if day is not None and day > days[0]:
            day = make_date(*shift_month(days[0].year, days[0].month, -1), num.n)
        if day is None or num.year is not None:
            return None
        days.insert(0, day)
    for item in cand.items[first + 1 :]:
        if item.kinds == ("num",):
            num = _num(item)
            day = resolve_day(num.n, ctx.today, ctx.prefer, days[-1]) if num.year is None else None
        else:
            value = _eval_single(item, replace(ctx, anchor=days[-1]))
            day = value if isinstance(value, date) and not isinstance(value, datetime) else None
        if day is None:
            return None
        days.append(day)
    return tuple(days)


def _one_after_another(days: tuple[date, ...]) -> bool:
    return all(later - earlier == timedelta(days=1) for earlier, later in pairwise(days))


_BARE_DAY_RULES = frozenset({"zh_day", "en_ordinal"})  # 5日, 5号, the 5th: a day with no month of its own


def _bare_day(cand: _Cand) -> bool:
    return len(cand.atoms) == 1 and cand.atoms[0].rule.name in _BARE_DAY_RULES


def _span(first: date | None, last: date | None) -> Span | None:
    if first is None or last is None or last < first:
        return None
    return Span(first, last)


# --------------------------------------------------------------------------- whole-text parsing

_LATIN = re.compile(r"[A-Za-z]")
_CJK = re.compile(r"[\u3400-\u9fff]")


def _parse_whole(text: str, ctx: Ctx, lang: str | None, *, ranges: bool) -> Result | None:
    """The value of the one expression that covers the text (minus filler), or None."""
    norm = normalize(text)
    if not norm.strip() or len(norm) > MAX_PARSE_LENGTH:
        return None
    atoms = _atoms(norm, lang, whole=True)
    singles = _singles(atoms, norm)
    range_cands = _ranges(singles, atoms, norm) + _lists(singles, atoms, norm)
    spans = _core_spans(norm)
    for start, end in spans:
        covering = [c for c in singles if c.start == start and c.end == end]
        covering += [c for c in range_cands if c.start == start and c.end == end]
        if not covering:
            continue
        for cand in covering:
            value = _evaluate(cand, ctx)
            if value is not None:
                if (cand.x is not None or cand.items) and not ranges:
                    return None  # a range is not a date
                return value
        return None  # the text is a date expression, but an impossible one
    if lang in (None, "en") and _LATIN.search(norm) and not _CJK.search(norm) and not any(
            a.kind in ("day", "span") for a in atoms if a.end - a.start >= len(norm.strip()) // 2):
        start, end = spans[0] if spans else (0, len(norm))
        return dates_fallback.parse(norm[start:end], now=ctx.now, prefer=ctx.prefer)
    return None


def _context(now: datetime, prefer: str, lang: str | None) -> tuple[Ctx, str | None]:
    if not isinstance(now, datetime) or now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be a timezone-aware datetime")
    if prefer not in ("past", "future"):
        raise ValueError(f"prefer must be 'past' or 'future', not {prefer!r}")
    if lang is not None:
        short = lang.lower()[:2]
        if short not in ("zh", "en"):
            raise ValueError(f"lang must be 'zh', 'en' or None, not {lang!r}")
        lang = short
    return Ctx(now, prefer), lang  # type: ignore[arg-type]  # prefer was checked above

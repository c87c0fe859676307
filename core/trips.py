"""A grassroots research trip (下基层调研) typed in one message, its checks, and the days it counts.

    parse_trip("11月5日至8日 淳安县 山区共富调研", now=now)
        -> TripDraft(start=11-05, end=11-08, places="淳安县", topic="山区共富调研")
    parse_trip("yesterday in Kaihua: rural revitalisation", now=now)
        -> TripDraft(start=end=yesterday, places="Kaihua", topic="rural revitalisation")

Dates: the first date or range anywhere in the text (:func:`core.dates.read_date_in`: the member's
language first, then either; past-leaning); a single day is a one-day trip, a date-time counts as its day. Days
listed one after another (11月5日、6日, 11月5日和6日) are a range. The rest of the text
is places and topic. A range written backwards (11月8日至11月5日), which the date
parser refuses, is kept as written so that the check can say what is wrong. Days
listed that are not one span (11月5日、8日, 11月5日至6日、8日) are not one trip: none
of them is taken (the list is not left in the places either) and the check says
why. Nothing is invented: what is not understood stays None and the bot asks for it.

Chinese (the rest contains Chinese characters):

* The rest is cut into chunks at whitespace and at ， , ； ; ： : 。 ! ? (、 and . stay inside
  a chunk). Chunks that are only filler (于, 在, 从, 期间, "(4天)") are dropped.
* A chunk with no spaces that reads "[赴/去/到/前往/深入…] place verb …", where the
  place ends like a place and the verb is 调研 / 开展 / 进行 / 考察 / 督导 / 走访 / 座谈 …,
  is cut before the verb: 赴淳安县开展山区共富调研 → 淳安县 + 山区共富调研.
* Looks like a place: ends with 省 市 州 盟 县 旗 区 镇 乡 村 街道 社区 园区 开发区 企业
  公司 集团 厂 学校 医院 卫生院 合作社 农场 基地 码头 等地 一带 …, has at least one
  character before that ending, is not a generic word (山区, 农村, 基层 …) and holds no
  topic word (调研, 振兴, 共富, 富裕, 发展, 改革, 治理 …), so 共同富裕示范区 is a topic.
  Lists joined by 、 are places when every item is.
* One chunk: a place if it looks like one, else the topic. Several: the first chunk
  is a place (as are the place-looking chunks right after it) and the rest is the
  topic, unless the first chunk reads as a topic (starts with 调研 / 开展 / 围绕 …, or
  only the last chunk looks like a place): then the trailing chunks are the places.
* Place filler 去 / 到 / 赴 / 前往 / 深入 / 走访 / 来到 / 在 is dropped; 于 only right after
  the date (11月5日于淳安县), since it begins place names (于都县).
  Places split at a comma are joined with "、", at a space with one space (淳安县
  千岛湖镇 stays as written). A topic is kept as written, less a leading 开展 / 进行;
  a bare 调研 / 开展调研 / 下基层调研 says nothing and is None.

English:

* "in X", "at X", "to X", "visited X" where X is capitalised words (Chun'an County,
  Kaihua and Changshan) name the place, anywhere in the text; the rest is the topic.
  So do capitalised words at the start when followed by a separator, the end, or a
  place noun (County, District, Town, Village, …).
* Otherwise the text splits at the first ``:`` ``;`` or `` - `` (else at commas); the
  leading segment is the place and the rest the topic, with the same topic-first
  exception as in Chinese (rural revitalisation, Kaihua).
* Place lists are kept as written ("Kaihua and Changshan", "Kaihua, Changshan").
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Literal, TypeVar

from core.dates import find_days_apart, find_no_such_day, read_date, read_date_in, read_range
from core.pace import days_covered
from core.text import LazyPattern, utf16_len

__all__ = [
    "MAX_PLACES", "MAX_TOPIC", "MAX_TRIP_DAYS", "TripDraft", "TripField", "TripProblem", "days_apart",
    "grassroots_days", "loggable_years", "missing_fields", "parse_places", "parse_topic", "parse_trip",
    "parse_trip_dates", "trip_days", "trip_problems", "trip_years", "without_problems",
]

MAX_TRIP_DAYS = 92
MAX_PLACES = 200
MAX_TOPIC = 200


@dataclass(frozen=True)
class TripDraft:
    """What `parse_trip` took from one message: the first and last day, the places and the topic; None
    where it understood nothing."""

    start: date | None = None
    end: date | None = None  # inclusive
    places: str | None = None  # e.g. "淳安县" or "淳安县、开化县"
    topic: str | None = None  # e.g. "山区共富调研"
    days_apart: bool = False  # the message listed days that are not one span (11月5日、8日): no dates taken
    no_such_day: bool = False  # the message named a day the calendar has not (2月30日): no dates taken


class TripField(enum.StrEnum):
    DATES = "dates"
    PLACES = "places"
    TOPIC = "topic"


class TripProblem(enum.StrEnum):
    DAYS_APART = "days_apart"  # days listed that do not follow one another: one trip is one span of days
    IN_FUTURE = "in_future"  # starts or ends after today (a log cannot include days not yet lived)
    END_BEFORE_START = "end_before_start"
    TOO_LONG = "too_long"  # span over MAX_TRIP_DAYS days: surely a typo
    PLACES_TOO_LONG = "places_too_long"  # over MAX_PLACES characters
    TOPIC_TOO_LONG = "topic_too_long"  # over MAX_TOPIC characters
    NOT_THIS_YEAR_OR_LAST = "too_old"  # starts before 1 January of last year
    NO_SUCH_DAY = "no_such_day"  # 2月30日, 13月1日至3日: asked again rather than read in part


# --------------------------------------------------------------------------- parsing


def parse_trip(text: str, *, now: datetime, lang: str | None = None) -> TripDraft:
    """Takes what it can understand from one message (see the module docstring)."""
    impossible = find_no_such_day(text, now=now, lang=lang)
    if impossible is not None:  # no date is read from the message, nor is 2月30日 left in the places
        start, end, apart = None, None, False
        rest = text[:impossible.start] + " " + text[impossible.end:]
    else:
        start, end, rest, apart = _take_dates(text, now=now, lang=lang)
    places, topic = (_split_zh if _CJK.search(rest) else _split_en)(rest)
    return TripDraft(start=start, end=end, places=places, topic=topic, days_apart=apart,
                     no_such_day=impossible is not None)


def parse_trip_dates(text: str, *, now: datetime, lang: str | None = None) -> tuple[date, date] | None:
    """The reply to "when?": a whole date or range (11月5日至8日, 上周, yesterday), past-leaning.

    A range written backwards (11月8日至11月5日) comes back as it was written, end before start,
    so that the check can say so rather than "not a date"."""
    return read_range(text, now=now, prefer="past", lang=lang) or backwards_range(text, now=now, lang=lang)


def days_apart(text: str, *, now: datetime) -> bool:
    """Whether the reply to "when?" lists days that are not one span (11月5日、8日), which no trip is: the
    question is asked again, saying so, rather than "not a date"."""
    return find_days_apart(text, now=now, prefer="past") is not None


def parse_places(text: str) -> str | None:
    """The reply to "where?": kept as written, less filler; Chinese commas become 、."""
    if _CJK.search(text):
        return _zh_places(_zh_chunks(text, cut=False))
    return _clean_en(_EN_LEAD_PLACE.sub("", _squeeze(text))) or None


def parse_topic(text: str) -> str | None:
    """The reply to "what about?": kept as written; None when it says nothing."""
    return _topic_zh(text) if _CJK.search(text) else _topic_en(text)


# --------------------------------------------------------------------------- checks


def trip_days(start: date, end: date) -> int:
    """Calendar days of a trip, both ends included."""
    if end < start:
        raise ValueError(f"a trip cannot end ({end}) before it starts ({start})")
    return (end - start).days + 1


def trip_years(start: date, end: date) -> tuple[int, ...]:
    """The years a trip's days fall in (two for a trip across New Year): the key research topics it may serve
    are those of these years, whenever it is logged."""
    return tuple(range(start.year, end.year + 1))


def loggable_years(today: date) -> tuple[int, ...]:
    """The years whose trips may be logged ``today``: this year and last."""
    return (today.year - 1, today.year)


def trip_problems(draft: TripDraft, *, today: date) -> list[TripProblem]:
    """What is wrong with the fields that are set: date problems first, then lengths.

    Neither end may be after today: a trip under way is logged up to today, since
    days that have not happened cannot count; a draft without both dates is not
    checked for length or order.
    """
    problems = [TripProblem.DAYS_APART] if draft.days_apart else []
    if draft.no_such_day:
        problems.append(TripProblem.NO_SUCH_DAY)
    if draft.start is not None:
        if draft.start > today or (draft.end is not None and draft.end > today):
            problems.append(TripProblem.IN_FUTURE)
        if draft.start < date(loggable_years(today)[0], 1, 1):
            problems.append(TripProblem.NOT_THIS_YEAR_OR_LAST)
    if draft.start is not None and draft.end is not None:
        if draft.end < draft.start:
            problems.append(TripProblem.END_BEFORE_START)
        elif trip_days(draft.start, draft.end) > MAX_TRIP_DAYS:
            problems.append(TripProblem.TOO_LONG)
    if draft.places is not None and utf16_len(draft.places) > MAX_PLACES:
        problems.append(TripProblem.PLACES_TOO_LONG)
    if draft.topic is not None and utf16_len(draft.topic) > MAX_TOPIC:
        problems.append(TripProblem.TOPIC_TOO_LONG)
    return problems


_CLEARS: dict[TripProblem, tuple[str, ...]] = {
    TripProblem.DAYS_APART: ("start", "end", "days_apart"),
    TripProblem.NO_SUCH_DAY: ("start", "end", "no_such_day"),
    TripProblem.IN_FUTURE: ("start", "end"),
    TripProblem.NOT_THIS_YEAR_OR_LAST: ("start", "end"),
    TripProblem.END_BEFORE_START: ("start", "end"),
    TripProblem.TOO_LONG: ("start", "end"),
    TripProblem.PLACES_TOO_LONG: ("places",),
    TripProblem.TOPIC_TOO_LONG: ("topic",),
}


_Draft = TypeVar("_Draft", bound=TripDraft)  # a subclass (the log form's) comes back as itself


def without_problems(draft: _Draft, problems: Iterable[TripProblem]) -> _Draft:
    """The draft with every field that has a problem cleared (back to its default: None, False), so that it is
    asked for again."""
    blank = TripDraft()
    return replace(draft, **{name: getattr(blank, name) for problem in problems for name in _CLEARS[problem]})


def missing_fields(draft: TripDraft) -> list[TripField]:
    """What the bot still has to ask for, in asking order."""
    missing = []
    if draft.start is None or draft.end is None:
        missing.append(TripField.DATES)
    if draft.places is None:
        missing.append(TripField.PLACES)
    if draft.topic is None:
        missing.append(TripField.TOPIC)
    return missing


def grassroots_days(spans: Iterable[tuple[date, date]], *, within: tuple[date, date]) -> int:
    """Days at the grassroots: calendar days covered by the union of the trips' inclusive spans,
    clipped to ``within`` (inclusive). Overlapping trips never count a day twice."""
    return days_covered(spans, within=within)


# --------------------------------------------------------------------------- dates


_RANGE_MARK = LazyPattern(r"\s*(?:至|到|～|~|—|–|-|\bto\b|\buntil\b)\s*", re.IGNORECASE)


_CUT_SHORT = LazyPattern(r"[0-9月日号]|\s*(?:至|到|～|~|—|–|-|to\b|until\b)", re.IGNORECASE)
_LOOK_AHEAD = 12
_BARE_DAY = LazyPattern(r"\s*([0-9]{1,2})\s*(?:日|号|號|st|nd|rd|th)?\s*$", re.IGNORECASE)


def backwards_range(text: str, *, now: datetime, lang: str | None,
                    prefer: Literal["past", "future"] = "past") -> tuple[date, date] | None:
    """Two whole dates joined by a range mark, the second before the first (the date parser
    refuses such a range, 11月8日至5日 included): (first, last) as written, for a flow to ask about."""
    parts = _RANGE_MARK.split(text.strip(), maxsplit=1)
    if len(parts) != 2:
        return None
    first, last = (read_date(part, now=now, prefer=prefer, lang=lang) for part in parts)
    bare = _BARE_DAY.match(parts[1])
    if first is not None and bare is not None:  # 11月8日至5日: the 5th of the start's month
        try:
            last = _day(first).replace(day=int(bare.group(1)))
        except ValueError:
            return None
    if first is None or last is None:
        return None
    first, last = _day(first), _day(last)
    return (first, last) if last < first else None


def _take_dates(text: str, *, now: datetime, lang: str | None) -> tuple[date | None, date | None, str, bool]:
    """The trip's first and last day, the rest of the text, and whether it listed days that are not one span."""
    match = read_date_in(text, now=now, prefer="past", lang=lang, allow_range=True)
    if match is None:
        return None, None, text, False
    apart = find_days_apart(text, now=now, prefer="past")
    if apart is not None and apart.start <= match.end and match.start <= apart.end:
        # 11月5日、8日 (or 11月5日至6日、8日): the days found are only some of those listed. None is taken, and
        # the list goes with them, not into the places.
        start, end = min(apart.start, match.start), max(apart.end, match.end)
        return None, None, text[:start] + " " + text[end:], True
    if _CUT_SHORT.match(text, match.end):
        # 11月8日至11月5日 is no range to the date parser, which then finds 11月8日至11 in it (or
        # Nov 8 alone in "Nov 8 to Nov 5"): a range written backwards is kept as written, end
        # before start, for the check to refuse. The longest reading wins.
        for stop in range(min(len(text), match.end + _LOOK_AHEAD), match.end, -1):
            backwards = backwards_range(text[match.start : stop], now=now, lang=lang)
            if backwards is not None:
                return backwards[0], backwards[1], text[: match.start] + " " + text[stop:], False
    after = match.end + (text.startswith("于", match.end))  # 11月5日于淳安县; a spaced 于都县 is kept
    rest = text[: match.start] + " " + text[after:]
    if isinstance(match.value, tuple):
        return _day(match.value[0]), _day(match.value[1]), rest, False
    day = _day(match.value)
    return day, day, rest, False


def _day(value: date) -> date:
    return value.date() if isinstance(value, datetime) else value


# --------------------------------------------------------------------------- shared


_CJK = LazyPattern(r"[\u3400-\u9fff\uf900-\ufaff]")
_EDGES = " \t\r\n\u3000,，、;；:：.。!！?？-—–~～·|/"


def _any(*words: str) -> str:
    """A regex group matching any of the space-separated words."""
    return "(?:" + "|".join(" ".join(words).split()) + ")"


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip(_EDGES)


_Test = Callable[[str], bool]


@dataclass(frozen=True)
class _Chunk:
    """A piece of the text besides the dates, read as places or topic, and where it lies in that text."""

    text: str
    start: int  # where it lies in the text it was cut from, so the topic is kept as written
    end: int
    after_comma: bool = False  # separated from the previous chunk by a comma (a list of places)


def _span_text(text: str, chunks: list[_Chunk]) -> str:
    return text[chunks[0].start : chunks[-1].end] if chunks else ""


def _assign(chunks: list[_Chunk], *, is_place: _Test, is_topic: _Test) -> tuple[list[_Chunk], list[_Chunk]]:
    """Which chunks are places and which the topic (the positional rules of the module docstring)."""
    if len(chunks) == 1:
        return (chunks, []) if is_place(chunks[0].text) else ([], chunks)
    first, last = chunks[0].text, chunks[-1].text
    if is_topic(first) or (not is_place(first) and is_place(last)):
        cut = len(chunks) - 1
        while cut > 1 and is_place(chunks[cut - 1].text):
            cut -= 1
        return chunks[cut:], chunks[:cut]
    cut = 1
    while cut < len(chunks) and is_place(chunks[cut].text):
        cut += 1
    return chunks[:cut], chunks[cut:]


# --------------------------------------------------------------------------- Chinese


_ZH_CHUNK = LazyPattern(r"[^\s,，;；:：。!！?？]+")
_ZH_NOISE = LazyPattern(
    r"(?:我们?|于|在|从|自|起|至|到|去|赴|期间|当天|当日|前往|共|[(（]?[共计]?\s*\d+\s*(?:天|日)[)）]?)")
_ZH_FILLER = LazyPattern(r"^(?:我们?|带队|陪同|随同|前往|深入|走访|来到|赶赴|奔赴|去|到|赴|在|了)+")
_ZH_SUFFIX = LazyPattern(_any(
    "省 市 州 盟 县 旗 区 镇 乡 村 街道 社区 小区 园区 开发区 新区 片区 景区 企业 公司 集团 厂",
    "学校 大学 学院 中学 小学 幼儿园 医院 卫生院 卫生室 服务中心 合作社 农场 林场 基地 港 码头 车站",
    "等地 一带") + "$")
_ZH_GENERIC = frozenset(  # endings that name no place on their own
    "山区 农村 乡村 城乡 城区 郊区 市区 景区 园区 社区 小区 片区 基层 企业 公司 学校 医院 基地 等地 一带"
    .split())
_ZH_TOPIC_WORDS = LazyPattern(_any("调研 研究 振兴 共富 富裕 发展 改革 治理 建设 落实 推进 示范区"))
_ZH_TOPIC_START = LazyPattern("^" + _any(
    "调研 开展 进行 围绕 就 关于 专题 督导 督查 检查 考察 宣讲 蹲点 指导",
    "推进 学习 落实 了解 解决 破解 座谈"))
_ZH_VERB = LazyPattern(_any("开展 进行 调研 考察 督导 督查 检查 走访 宣讲 蹲点 指导 座谈 召开 参加 围绕 就"))
# What only says "I did research": 开展 / 进行 / 调研了 / 走访调研 before the topic, with the punctuation after it.
_ZH_TOPIC_LEAD = LazyPattern(r"^(?:(?:开展|进行|走访|调研|调查|考察)了?[\s,，、]*)+(?=[^\s,，、])")
_ZH_EMPTY_TOPICS = frozenset("调研 开展调研 进行调研 调研走访 走访调研 下基层 下基层调研 考察 走访".split())


def _split_zh(rest: str) -> tuple[str | None, str | None]:
    chunks = _zh_chunks(rest)
    if not chunks:
        return None, None
    places, topic = _assign(chunks, is_place=_zh_place_like, is_topic=_zh_topic_like)
    return _zh_places(places), _topic_zh(_span_text(rest, topic))


def _zh_chunks(text: str, *, cut: bool = True) -> list[_Chunk]:
    chunks: list[_Chunk] = []
    previous_end = 0
    for match in _ZH_CHUNK.finditer(text):
        gap = text[previous_end : match.start()]
        previous_end = match.end()
        piece = match.group()
        start = match.start() + len(piece) - len(piece.lstrip(_EDGES))
        piece = piece.strip(_EDGES)
        if not piece or _ZH_NOISE.fullmatch(piece):
            continue
        comma = bool(chunks) and ("," in gap or "，" in gap)
        chunk = _Chunk(piece, start, start + len(piece), comma)
        chunks.extend(_zh_cut(chunk) if cut else [chunk])
    return chunks


def _zh_cut(chunk: _Chunk) -> list[_Chunk]:
    """赴淳安县开展山区共富调研 → 淳安县 + 山区共富调研: a place run straight into its verb."""
    lead = _ZH_FILLER.match(chunk.text)
    skip = lead.end() if lead else 0
    verb = _ZH_VERB.search(chunk.text, skip + 2)
    if verb is None or not _zh_place_like(chunk.text[skip : verb.start()]):
        return [chunk]
    cut = chunk.start + verb.start()
    return [replace(chunk, text=chunk.text[skip : verb.start()], start=chunk.start + skip, end=cut),
            _Chunk(chunk.text[verb.start() :], cut, chunk.end)]


def _zh_place_like(text: str) -> bool:
    return all(_zh_one_place(part) for part in _ZH_FILLER.sub("", text).split("、"))


def _zh_one_place(part: str) -> bool:
    return (len(part) >= 2 and part not in _ZH_GENERIC and _ZH_SUFFIX.search(part) is not None
            and _ZH_TOPIC_WORDS.search(part) is None)


def _zh_topic_like(text: str) -> bool:
    return _ZH_TOPIC_START.search(text) is not None


def _zh_places(chunks: list[_Chunk]) -> str | None:
    joined = ""
    for chunk in chunks:
        place = _ZH_FILLER.sub("", chunk.text).strip(_EDGES)
        if place:
            joined += ("、" if chunk.after_comma else " ") * bool(joined) + place
    return joined or None


def _topic_zh(text: str) -> str | None:
    topic = _ZH_TOPIC_LEAD.sub("", _squeeze(text))
    return topic if topic and topic not in _ZH_EMPTY_TOPICS else None


# --------------------------------------------------------------------------- English


_PLACE_NOUNS = (r"county|district|town|township|village|city|province|prefecture|park|zone|company|school"
                r"|hospital|community|subdistrict|street|island|port|farm|factory|cooperative")
_EN_WORD = r"[A-Z][\w'’.\-]*"
_EN_NAME = rf"{_EN_WORD}(?:\s+{_EN_WORD})*(?:\s+(?i:{_PLACE_NOUNS}))?"
_EN_NAMES = rf"{_EN_NAME}(?:(?:\s*,\s*|\s+and\s+|\s*&\s*){_EN_NAME})*"
_EN_MARK = r"(?i:in|at|to|visited|visiting|visit)\s+(?:(?i:the)\s+)?"
_EN_LEAD_DATE = LazyPattern(r"^(?:(?:on|from|between|during|since|over|and)\b[\s,]*)+", re.IGNORECASE)
_EN_LEAD_PLACE = LazyPattern(
    r"^(?:(?:went|go|going|travel+ed|trip|came|headed)\s+to|visited|visiting|visit|in|at|to)\s+(?:the\s+)?",
    re.IGNORECASE)
_EN_LEADING = LazyPattern(
    rf"^(?P<mark>(?i:(?:went|go|going|travel+ed|trip|came|headed)\s+to)\s+|{_EN_MARK})?(?P<place>{_EN_NAMES})"
    rf"(?P<after>.*)$", re.DOTALL)
_EN_ANYWHERE = LazyPattern(rf"(?<![\w'’]){_EN_MARK}(?P<place>{_EN_NAMES})")
_EN_SEPARATED = LazyPattern(r"^\s*(?:[,:;，：；]|[-–—]+\s)|^\s*$")
_EN_STRONG = LazyPattern(r"\s*[:;：；]\s*|\s+[-–—]+\s+")
_EN_PLACE_END = LazyPattern(rf"(?i:\b(?:{_PLACE_NOUNS}))$")
_EN_TOPIC_LEAD = LazyPattern(
    r"^(?:(?:I|we|to\s+(?:study|research|discuss|inspect|look\s+at)|on|about|regarding|re|for|field\s+research"
    r"|research\s+trip|field\s+trip)(?:\s*[:;,]\s*|\s+))+", re.IGNORECASE)
_EN_EMPTY_TOPICS = frozenset({
    "research", "a visit", "visit", "field research", "grassroots research", "field trip", "trip",
    "fieldwork", "field work", "research trip"})


def _split_en(rest: str) -> tuple[str | None, str | None]:
    text = _EN_LEAD_DATE.sub("", _squeeze(rest))
    if not text:
        return None, None
    leading = _EN_LEADING.match(text)
    if leading and (leading["mark"] or _EN_SEPARATED.match(leading["after"])
                    or _EN_PLACE_END.search(leading["place"])):
        return _clean_en(leading["place"]), _topic_en(leading["after"])
    anywhere = _EN_ANYWHERE.search(text)
    if anywhere:
        rest = text[: anywhere.start()] + " " + text[anywhere.end() :]
        return _clean_en(anywhere["place"]), _topic_en(rest)
    chunks = _en_chunks(text)
    places, topic = _assign(chunks, is_place=_en_place_like, is_topic=lambda _: False)
    return _clean_en(_span_text(text, places)), _topic_en(_span_text(text, topic))


def _en_chunks(text: str) -> list[_Chunk]:
    """Two chunks around the first ``:`` ``;`` or `` - ``; else the comma-separated ones."""
    strong = _EN_STRONG.search(text)
    if strong:
        parts = [(0, strong.start()), (strong.end(), len(text))]
    else:
        parts = [m.span() for m in re.finditer(r"[^,，]+", text)]
    return [_Chunk(text[a:b].strip(), a, b) for a, b in parts if text[a:b].strip()]


def _en_place_like(text: str) -> bool:
    text = _EN_LEAD_PLACE.sub("", text)
    return re.fullmatch(_EN_NAMES, text) is not None or _EN_PLACE_END.search(text) is not None


def _clean_en(text: str) -> str | None:
    return _squeeze(_EN_LEAD_PLACE.sub("", _squeeze(text))) or None


def _topic_en(text: str) -> str | None:
    topic = _squeeze(_EN_TOPIC_LEAD.sub("", _squeeze(text)))
    return topic if topic and topic.lower() not in _EN_EMPTY_TOPICS else None

"""NPC suggestions (人大建议) and CPPCC proposals (政协提案) a member leads (领办), and their closed loop.

Parsing one message (what follows ``/proposal``)::

    parse_motion("重点提案 第8号 关于加强基层医疗的提案 3月1日交办", now=now)
        -> MotionDraft(kind=PROPOSAL, number="8", title="关于加强基层医疗的提案",
                       is_key=True, assigned_on=date(2026, 3, 1))

The message is read as: leading words (kind, key flag, number, in any order,
each at most once), the title, then trailing words (key flag, number); an
assignment date with its cue (3月1日交办, 于3月1日交办, 交办日期：…, assigned March 1,
on 1 March) may stand anywhere outside the title. Decisions:

* Nothing is invented: what is not understood stays None and is asked for.
  Two readings that disagree (重点 … 一般, 第5号 … No. 6) give None.
* Kind words: 建议 / 人大建议 / 代表建议 / 人大代表建议 / NPC (suggestion) are a
  suggestion; 提案 / 政协提案 / 委员提案 / 政协委员提案 / CPPCC (proposal) a proposal. A
  title ending in 的建议 / 的提案 tells the kind too; when it contradicts the kind
  word (or two kind words disagree: 重点建议 … 重点提案), kind is None and
  ``kind_conflict`` is set (reported as KIND_CONFLICT). A kind word glued to
  the title (建议加快…) is part of the title, except before 关于 (人大建议关于…).
* Key flags: 重点 (also 重点建议 / 重点提案), key, priority → True; 一般, 非重点,
  "not key", "non-key", regular → False. An English flag must touch a kind
  word or number (key suggestion, priority #12) or be set off by punctuation
  (", key", "(key)"): "suggestion 12 key industries" is a title, not a flag.
* Numbers are kept as written (leading zeros too): 第123号, 123号, No. 123, #45,
  编号45, a bare 45 before the title; 第十二号 becomes "12". A number is valid
  with 1–6 digits and not all zeros; letters (12A) and dashes (2026-045) are
  read as part of it so that they are reported as NUMBER_INVALID, not dropped.
* The assignment date is looked for only next to a cue, and it is read
  past-leaning; a date without a cue, or inside the title (关于落实3月1日交办事项…,
  "Report on March 1 reforms": an English cued date must end the text or be
  followed by punctuation), belongs to the title. Both languages are always
  read, whatever ``lang`` says, since officials mix them (an English
  interface user typing 3月1日交办). A date-time keeps only its date.

The closed loop: ASSIGNED → HANDLING → REPLIED → CLOSED. A motion may be
replied straight from ASSIGNED; an unsatisfied deputy (不满意) sends it back to
HANDLING with a new deadline (a month after the feedback by default). Every refused transition raises
:class:`InvalidTransition` with a :class:`TransitionReason` the handler
translates.
"""

from __future__ import annotations

import enum
import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import TypeVar

from core.dates import find_date, find_no_such_day, normalize
from core.dates_calendar import add_months
from core.dates_zh import zh_to_int
from core.domain import MotionKind, MotionStatus, ResultClass, Satisfaction
from core.task_lights import BLUE_DAYS, Light
from core.text import LazyPattern, utf16_len

__all__ = [
    "DEFAULT_REOPEN_MONTHS", "DEFAULT_REPLY_MONTHS", "MAX_NUMBER_DIGITS", "MAX_TITLE", "MIN_TITLE",
    "InvalidTransition", "MotionDraft", "MotionProblem", "MotionState", "TransitionReason",
    "clean_title", "corrected_due", "due_follows_rule", "extend_due", "is_on_time", "is_overdue", "light",
    "missing_fields", "motion_problems",
    "new_motion", "on_time_rate", "parse_motion", "parse_number", "record_satisfaction", "reply",
    "reply_due", "start_handling", "title_kind", "without_problems",
]

MIN_TITLE = 4
MAX_TITLE = 200
MAX_NUMBER_DIGITS = 6
DEFAULT_REPLY_MONTHS = 3
DEFAULT_REOPEN_MONTHS = 1
_RATE_PLACES = Decimal("0.0001")
_T = TypeVar("_T")


# --------------------------------------------------------------------------- drafts

@dataclass(frozen=True)
class MotionDraft:
    """What `parse_motion` took from one message: the kind, number, title, key flag and 交办日期; None
    where it understood nothing."""

    kind: MotionKind | None = None
    number: str | None = None  # digits as written, without 第 / 号 / No. / #
    title: str | None = None
    is_key: bool | None = None  # None when the message does not say
    assigned_on: date | None = None  # 交办日期, when the message gives it (else the handler uses today)
    kind_conflict: bool = False  # a kind word contradicted another one or the title's ending; kind is None
    no_such_day: bool = False  # its 交办日期 named a day the calendar has not (2月30日交办): not in the title


class MotionProblem(enum.StrEnum):
    KIND_CONFLICT = "kind_conflict"
    NUMBER_INVALID = "number_invalid"
    TITLE_TOO_LONG = "title_too_long"
    TITLE_TOO_SHORT = "title_too_short"
    ASSIGNED_IN_FUTURE = "assigned_in_future"
    NO_SUCH_DAY = "no_such_day"  # 2月30日交办: today is used, as for a day to come, and the member told


def parse_motion(text: str, *, now: datetime, lang: str | None = None) -> MotionDraft:
    """Takes what it can understand from one message; see the module docstring.

    ``lang`` ("zh", "en" or None) is accepted like the other parsers' but
    narrows nothing: both languages are always read.
    """
    if lang is not None and lang.lower()[:2] not in ("zh", "en"):
        raise ValueError(f"lang must be 'zh', 'en' or None, not {lang!r}")
    norm = normalize(text)
    impossible = find_no_such_day(norm, now=now)
    cued = None if impossible is None else _cued(norm, impossible.start, impossible.end)
    if cued is not None:  # 2月30日交办: no day, and the words leave the title
        assigned_on, rest = None, norm[:cued[0]] + " , " + norm[cued[1]:]
    else:
        assigned_on, rest = _take_assigned_on(norm, now=now)
    rest = _EMPTY_BRACKETS.sub(" ", rest)
    rest = _LEVEL.sub(" ", _LEAD_FILLER.sub(" ", rest))
    found = _Found()
    book = _BOOK_TITLE.search(rest)
    if book is not None:  # a title in 《》 is taken whole; the words around it are read in any order
        around = rest[: book.start()] + " , " + rest[book.end() :]
        start = _take_leading(around, found)
        _take_trailing(around, start, found)
        title = _as_typed(text, clean_title(book.group()))
    else:
        start = _take_leading(rest, found)
        end = _take_trailing(rest, start, found)
        title = _as_typed(text, clean_title(rest[start:end]))
    kind, conflict = _agree_kind(found.kinds, title_kind(title) if title else None)
    return MotionDraft(kind=kind, number=_agreed(found.numbers), title=title, is_key=_agreed(found.keys),
                       assigned_on=assigned_on, kind_conflict=conflict, no_such_day=cued is not None)


# Words that only say whose it is, taken out before the kind words are read: 领办 / led, and the level
# (省政协, 市人大代表建议: the level is not recorded; 人大 / 政协 before a kind word say no more than it).
_LEAD_FILLER = LazyPattern(r"^\s*(?:我|本人)?(?:领办|牵头办理|负责办理|(?<![A-Za-z])(?:led|leading|lead|leads)(?![A-Za-z]))",
                           re.IGNORECASE)
_LEVEL = LazyPattern(r"(?:(?<=^)|(?<=[\s,;:、。]))(?:全国|省级?|市级?|县级?|区级?)(?=人大|政协)"
                     r"|(?:人大|政协)(?=(?:重点|一般|非重点)(?:代表|委员)?(?:建议|提案))")


_BOOK_TITLE = LazyPattern(r"《[^《》]{2,}》")


def _as_typed(text: str, title: str | None) -> str | None:
    """The title with the member's own punctuation (，、：), when it stands in the message as one piece:
    it was read from the text with full-width characters folded."""
    if title is None:
        return None
    at = normalize(text).find(title)
    return text[at : at + len(title)] if at >= 0 else title


def parse_number(text: str) -> str | None:
    """The motion number that the whole text names (第12号, 12, No. 12, #12, 十二), or None."""
    norm = normalize(text).strip()
    match = _NUMBER.fullmatch(norm)
    if match is not None:
        return _number_of(match)
    if re.fullmatch(_NUM_BODY, norm):  # 12A alone: kept, so that it is reported as invalid
        return norm
    if norm and all(ch in _ZH_NUMERALS for ch in norm):
        value = zh_to_int(norm)
        return None if value is None else str(value)
    return None


def clean_title(text: str) -> str | None:
    """The title with whitespace squeezed, edge punctuation and wrapping quotes (《…》, “…”) removed."""
    title = re.sub(r"\s+", " ", normalize(text)).strip(_EDGE)
    while len(title) >= 2 and _PAIRS.get(title[0]) == title[-1]:
        title = title[1:-1].strip(_EDGE)
    return title or None


def title_kind(title: str) -> MotionKind | None:
    """The kind a formal title names by its ending (关于…的建议 / 关于…的提案), or None."""
    title = title.rstrip(_EDGE + "".join(_PAIRS.values()))
    if title.endswith("的建议"):
        return MotionKind.SUGGESTION
    if title.endswith("的提案"):
        return MotionKind.PROPOSAL
    return None


def motion_problems(draft: MotionDraft, *, today: date) -> list[MotionProblem]:
    """What is wrong with the fields that are set (a field left None is missing, not wrong).

    KIND_CONFLICT is reported for a parse-time conflict while kind is still
    None, and whenever a chosen kind contradicts the title's ending.
    """
    problems = []
    said = title_kind(draft.title) if draft.title else None
    conflict = draft.kind_conflict if draft.kind is None else said not in (None, draft.kind)
    if conflict:
        problems.append(MotionProblem.KIND_CONFLICT)
    if draft.number is not None and not _valid_number(draft.number):
        problems.append(MotionProblem.NUMBER_INVALID)
    if draft.title is not None and utf16_len(draft.title.strip()) > MAX_TITLE:
        problems.append(MotionProblem.TITLE_TOO_LONG)
    if draft.title is not None and len(draft.title.strip()) < MIN_TITLE:
        problems.append(MotionProblem.TITLE_TOO_SHORT)
    if draft.assigned_on is not None and draft.assigned_on > today:
        problems.append(MotionProblem.ASSIGNED_IN_FUTURE)
    if draft.no_such_day:
        problems.append(MotionProblem.NO_SUCH_DAY)
    return problems


_Draft = TypeVar("_Draft", bound=MotionDraft)  # a subclass (the log form's) comes back as itself


def without_problems(draft: _Draft, problems: Iterable[MotionProblem]) -> _Draft:
    """The draft with every field that has a problem cleared, so it is asked for again.

    Clearing assigned_on means "today" to the handler, so it should say so
    when it reports ASSIGNED_IN_FUTURE or NO_SUCH_DAY.
    """
    cleared: dict[str, object] = {}
    for problem in set(problems):
        if problem is MotionProblem.KIND_CONFLICT:
            cleared.update(kind=None, kind_conflict=False)
        elif problem is MotionProblem.NUMBER_INVALID:
            cleared["number"] = None
        elif problem in (MotionProblem.TITLE_TOO_LONG, MotionProblem.TITLE_TOO_SHORT):
            cleared["title"] = None
        elif problem is MotionProblem.ASSIGNED_IN_FUTURE:
            cleared["assigned_on"] = None
        elif problem is MotionProblem.NO_SUCH_DAY:
            cleared.update(assigned_on=None, no_such_day=False)
    return replace(draft, **cleared)  # type: ignore[arg-type]  # the cleared fields are the draft's own


def missing_fields(draft: MotionDraft) -> list[str]:
    """Fields still to ask, in asking order; assigned_on defaults to today, so it is never missing."""
    order = (("kind", draft.kind), ("number", draft.number), ("title", draft.title), ("is_key", draft.is_key))
    return [name for name, value in order if value is None]


def _valid_number(number: str) -> bool:
    digits = number.isascii() and number.isdigit()
    return digits and len(number) <= MAX_NUMBER_DIGITS and number.strip("0") != ""


# --------------------------------------------------------------------------- the words

# Characters that separate words (after core.dates.normalize folded full-width ASCII).
_SEPARATORS = frozenset(" \t\r\n,;:、。.!?|/()[]【】<>《》\"'“”‘’「」『』-—~")
_EDGE = " \t\r\n,;:、。.!?|/-—~"
_PAIRS = {"《": "》", "“": "”", '"': '"', "'": "'", "「": "」", "『": "』", "(": ")", "[": "]", "【": "】"}
_EMPTY_BRACKETS = LazyPattern(r"[(\[【][\s,]*[)\]】]")
_ZH_NUMERALS = "〇零一二两三四五六七八九十百千"
# A Chinese word may follow the title without a space when the title ends like a formal one.
_TITLE_ENDS = ("的建议", "的提案", "号")

_NUM_BODY = r"[0-9](?:[0-9A-Za-z]|-(?=[0-9A-Za-z]))*"
_NUMBER = LazyPattern(
    rf"第\s*(?P<zh>{_NUM_BODY}|[{_ZH_NUMERALS}]+)(?:\s*(?P<zh_hao>号))?"
    rf"|(?:(?<![A-Za-z])(?:no|nr)\.?|(?<![A-Za-z])number|#|编号|序号)\s*:?\s*(?P<en>{_NUM_BODY})"
    rf"|(?P<bare>{_NUM_BODY})\s*(?P<bare_hao>号)"
    r"|(?P<digits>[0-9]+(?:-[0-9]+)*)(?![0-9A-Za-z])",  # without a marker, no letters: 5G is not a number
    re.IGNORECASE,
)
_ZH_KIND = LazyPattern("人大代表建议|人大建议|代表建议|建议|政协委员提案|政协提案|委员提案|提案")
_EN_KIND = LazyPattern(
    r"(?<![a-z])(?:npc\s+suggestion|cppcc\s+proposal|suggestion|proposal|npc|cppcc)(?![a-z])", re.IGNORECASE)
_ZH_KEY = LazyPattern("非重点|重点|一般")
_EN_KEY = LazyPattern(r"(?<![a-z])(?:not\s+key|non-?key|regular|key|priority)(?![a-z-])", re.IGNORECASE)
_ABOUT = LazyPattern("关于")

# Trailing words, matched against the end of what is left: a key flag (possibly with its kind,
# 重点建议 / key proposal) or an explicit number, optionally in brackets.
_TRAILING_KEY = LazyPattern(
    r"(?P<open>[(\[【]\s*)?"
    r"(?:(?P<zh>非重点|重点|一般)(?P<zh_kind>建议|提案)?"
    r"|(?<![a-z])(?P<en>not\s+key|non-?key|regular|key|priority)(?:\s+(?P<en_kind>suggestion|proposal))?)"
    r"\s*[)\]】]?$",
    re.IGNORECASE,
)
_TRAILING_NUMBER = LazyPattern(
    rf"(?P<open>[(\[【]\s*)?"
    rf"(?:第\s*(?:{_NUM_BODY}|[{_ZH_NUMERALS}]+)\s*号?|(?:(?<![A-Za-z])(?:no|nr)\.?|#|编号)\s*:?\s*{_NUM_BODY}"
    rf"|{_NUM_BODY}\s*号)\s*[)\]】]?$",
    re.IGNORECASE,
)

_KINDS = {
    "建议": MotionKind.SUGGESTION, "人大建议": MotionKind.SUGGESTION, "代表建议": MotionKind.SUGGESTION,
    "人大代表建议": MotionKind.SUGGESTION, "npc": MotionKind.SUGGESTION, "suggestion": MotionKind.SUGGESTION,
    "npc suggestion": MotionKind.SUGGESTION,
    "提案": MotionKind.PROPOSAL, "政协提案": MotionKind.PROPOSAL, "委员提案": MotionKind.PROPOSAL,
    "政协委员提案": MotionKind.PROPOSAL, "cppcc": MotionKind.PROPOSAL, "proposal": MotionKind.PROPOSAL,
    "cppcc proposal": MotionKind.PROPOSAL,
}
_KEYS = {"重点": True, "key": True, "priority": True,
         "非重点": False, "一般": False, "not key": False, "non-key": False, "nonkey": False, "regular": False}


def _kind_of(word: str) -> MotionKind:
    return _KINDS[re.sub(r"\s+", " ", word.lower())]


def _key_of(word: str) -> bool:
    return _KEYS[re.sub(r"\s+", " ", word.lower())]


@dataclass
class _Found:
    """Every reading of each field; they must agree to be kept."""

    kinds: list[MotionKind] = field(default_factory=list)
    keys: list[bool] = field(default_factory=list)
    numbers: list[str] = field(default_factory=list)


def _number_of(match: re.Match[str]) -> str | None:
    written = match["zh"] or match["en"] or match["bare"] or match["digits"]
    if written and written[0] in _ZH_NUMERALS:
        value = zh_to_int(written)
        return None if value is None else str(value)
    return written


def _free_after(text: str, end: int) -> bool:
    """Whether a Chinese word ending at ``end`` stands on its own: what follows is a separator,
    another leading word, 关于, or nothing."""
    if end >= len(text) or text[end] in _SEPARATORS:
        return True
    return any(p.match(text, end) for p in (_ZH_KIND, _ZH_KEY, _ABOUT, _NUMBER))


def _en_flag_stands(text: str, end: int) -> bool:
    """An English key flag counts only before a kind word or a number, before punctuation, or last."""
    after = len(text) - len(text[end:].lstrip())
    if after >= len(text) or (text[end] in _SEPARATORS and not text[end].isspace()):
        return True
    return any(p.match(text, after) for p in (_EN_KIND, _ZH_KIND, _NUMBER))


def _leading_number(text: str, pos: int) -> tuple[str, int] | None:
    match = _NUMBER.match(text, pos)
    if match is None or (number := _number_of(match)) is None:
        return None
    if match["zh_hao"] or match["bare_hao"] or _free_after(text, match.end()):
        return number, match.end()
    return None


def _leading_kind(text: str, pos: int) -> re.Match[str] | None:
    match = _ZH_KIND.match(text, pos)
    if match is not None and _free_after(text, match.end()):
        return match
    return _EN_KIND.match(text, pos)


def _leading_key(text: str, pos: int) -> re.Match[str] | None:
    match = _ZH_KEY.match(text, pos)
    if match is not None and _free_after(text, match.end()):
        return match
    match = _EN_KEY.match(text, pos)
    return match if match is not None and _en_flag_stands(text, match.end()) else None


def _leading_word(text: str, pos: int, found: _Found, seen: set[str]) -> int | None:
    """Reads one leading word at ``pos`` into ``found``; its end, or None when the title starts here."""
    if "number" not in seen and (number := _leading_number(text, pos)):
        seen.add("number")
        found.numbers.append(number[0])
        return number[1]
    if "kind" not in seen and (kind := _leading_kind(text, pos)):
        seen.add("kind")
        found.kinds.append(_kind_of(kind.group()))
        return kind.end()
    if "key" not in seen and (key := _leading_key(text, pos)):
        seen.add("key")
        found.keys.append(_key_of(key.group()))
        return key.end()
    return None


def _take_leading(text: str, found: _Found) -> int:
    """Reads the kind, key flag and number before the title; where the title starts."""
    pos, seen = 0, set[str]()
    while True:
        after = _skip_separators(text, pos)
        end = _leading_word(text, after, found, seen) if after < len(text) else None
        if end is None:
            opener = next((i for i in range(pos, after) if text[i] in _PAIRS), after)
            return opener  # so that clean_title sees 《…》 whole
        pos = end


def _take_trailing(text: str, start: int, found: _Found) -> int:
    """Reads key flags and numbers after the title; where the title ends."""
    end, seen = len(text), set[str]()
    while True:
        end = len(text[start:end].rstrip(_EDGE)) + start
        for name, pattern in (("key", _TRAILING_KEY), ("number", _TRAILING_NUMBER)):
            m = pattern.search(text, start, end) if name not in seen else None
            if m is None or not _stands_after_title(text, start, m):
                continue
            seen.add(name)
            if name == "number":
                if (number := parse_number(m.group().strip("()[]【】 "))) is not None:
                    found.numbers.append(number)
            else:
                found.keys.append(_key_of(m["zh"] or m["en"]))
                if kind := m["zh_kind"] or m["en_kind"]:
                    found.kinds.append(_kind_of(kind))
            end = m.start()
            break
        else:
            return end


def _stands_after_title(text: str, start: int, m: re.Match[str]) -> bool:
    """A trailing word must be set off from the title; an English flag by punctuation, not a space."""
    at = m.start()
    if at == start or m["open"]:
        return True
    before = text[start:at]
    if m.re is _TRAILING_KEY.compiled and m["en"] is not None:
        stripped = before.rstrip()
        if not stripped:
            return True
        # A dash counts only with a space after it: "roads - key", but not "high-priority".
        return stripped[-1] in _SEPARATORS and (stripped[-1] not in "-—" or before[-1].isspace())
    return before[-1] in _SEPARATORS or before.endswith(_TITLE_ENDS)


def _skip_separators(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in _SEPARATORS:
        pos += 1
    return pos


def _agreed(values: list[_T]) -> _T | None:
    return values[0] if values and all(v == values[0] for v in values) else None


def _agree_kind(words: list[MotionKind], by_title: MotionKind | None) -> tuple[MotionKind | None, bool]:
    said = set(words) | ({by_title} if by_title else set())
    if len(said) > 1:
        return None, True
    return (said.pop() if said else None), False


# --------------------------------------------------------------------------- the assignment date

_CUE_BEFORE = LazyPattern(
    r"(?:交办(?:时间|日期)?\s*(?:于|为|在)?|(?<![A-Za-z])assigned(?:\s+on)?|(?<![A-Za-z])on)\s*:?\s*$",
    re.IGNORECASE)
_CUE_AFTER = LazyPattern(r"\s*已?交办")
_YU_BEFORE = LazyPattern(r"于\s*$")
_CUE_WORD = LazyPattern(r"交办|(?<![A-Za-z])(?:assigned|on)(?![A-Za-z])", re.IGNORECASE)
_CUE_WINDOW = 30  # characters either side of a cue where its date may stand
_MAX_CUES = 8
# find_date does not read an ISO date right after a colon (交办日期:2026-03-01).
_COLON_BEFORE_DIGIT = LazyPattern(r"(?<=[^0-9]):(?=\s*[0-9])")


def _take_assigned_on(text: str, *, now: datetime) -> tuple[date | None, str]:
    """The first date that stands next to an assignment cue, and the text without it and its cue."""
    searched = _COLON_BEFORE_DIGIT.sub(" ", text)  # same length: positions stay valid
    # Only a window around each of the first few cues is searched, so that a long text full of
    # dates and cues (a title pasted with its body) stays fast.
    for cue in itertools.islice(_CUE_WORD.finditer(text), _MAX_CUES):
        lo, hi = max(0, cue.start() - _CUE_WINDOW), min(len(text), cue.end() + _CUE_WINDOW)
        pos = lo
        while (match := find_date(searched[pos:hi], now=now, prefer="past", allow_range=False)) is not None:
            start, end, pos = pos + match.start, pos + match.end, pos + match.end
            span = _cued(text, start, end)
            if span is not None and not isinstance(match.value, tuple):
                value = match.value
                # A comma where the date was keeps apart what it separated ("Roads assigned March 1 key").
                rest = text[:span[0]] + " , " + text[span[1]:]
                return (value.date() if isinstance(value, datetime) else value), rest
    return None, text


def _cued(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The span of the date with its cue (于3月1日交办, assigned on March 1), if it has one and stands
    apart from the title; a date inside a title (关于落实3月1日交办事项的建议) has none."""
    after = _CUE_AFTER.match(text, end)
    before = _CUE_BEFORE.search(text, 0, start)
    english = False
    if after is not None:
        yu = _YU_BEFORE.search(text, 0, start)
        start, end = (yu.start() if yu else start), after.end()
    elif before is not None:
        start, english = before.start(), before.group()[0].isascii()
    else:
        return None
    left_free = start == 0 or text[start - 1] in _SEPARATORS or text[:start].endswith(_TITLE_ENDS)
    if english:  # spaces separate English words, so "Report on March 1 reforms" keeps its date
        rest = text[end:].lstrip()
        right_free = not rest or (rest[0] in _SEPARATORS and not rest[0].isspace()) \
            or any(p.match(rest) for p in (_EN_KIND, _EN_KEY, _ZH_KIND, _ZH_KEY))
    else:
        right_free = end >= len(text) or text[end] in _SEPARATORS or _ZH_KEY.match(text, end) is not None
    return (start, end) if left_free and right_free else None


# --------------------------------------------------------------------------- the closed loop

def reply_due(assigned_on: date, *, months: int = DEFAULT_REPLY_MONTHS) -> date:
    """The same day ``months`` later, clamped to that month's end (30 Nov + 3 months = end of February)."""
    if months < 1:
        raise ValueError(f"months must be at least 1, not {months}")
    due = add_months(assigned_on, months)
    if due is None:
        raise OverflowError(f"{assigned_on} + {months} months is past the calendar's end")
    return due


class TransitionReason(enum.StrEnum):
    ALREADY_HANDLING = "already_handling"
    ALREADY_REPLIED = "already_replied"
    ALREADY_CLOSED = "already_closed"
    NOT_REPLIED_YET = "not_replied_yet"
    NOT_ASSIGNED_YET = "not_assigned_yet"  # today is before the assignment date
    REPLY_IN_FUTURE = "reply_in_future"
    REPLY_BEFORE_ASSIGNMENT = "reply_before_assignment"
    SHORTENS_DEADLINE = "shortens_deadline"
    DEADLINE_IN_PAST = "deadline_in_past"


class InvalidTransition(ValueError):
    """A refused step of the closed loop; ``reason`` is the code the handler translates."""

    def __init__(self, reason: TransitionReason, status: MotionStatus) -> None:
        super().__init__(f"{reason.value} (status {status.value})")
        self.reason = reason
        self.status = status


@dataclass(frozen=True)
class MotionState:
    """Where one motion stands in its loop.

    Consistent by construction (ValueError otherwise): replied_on and
    result_class are set exactly when REPLIED or CLOSED; satisfaction exactly
    when CLOSED, and then it is SATISFIED or BASICALLY (an unsatisfied deputy
    reopens, and ``reopened`` keeps the count). ``assigned_on`` is optional;
    when known, a reply dated before it is refused.
    """

    status: MotionStatus
    reply_due: date
    replied_on: date | None = None
    result_class: ResultClass | None = None
    satisfaction: Satisfaction | None = None
    reopened: int = 0
    assigned_on: date | None = None

    def __post_init__(self) -> None:
        replied = self.status in (MotionStatus.REPLIED, MotionStatus.CLOSED)
        if (self.replied_on is not None) != replied or (self.result_class is not None) != replied:
            raise ValueError(f"replied_on and result_class are set exactly when replied or closed: {self}")
        closed = self.status is MotionStatus.CLOSED
        if (self.satisfaction is not None) != closed or self.satisfaction is Satisfaction.UNSATISFIED:
            raise ValueError(f"only a closed motion has a (basically) satisfied deputy: {self}")
        if self.reopened < 0:
            raise ValueError(f"reopened cannot be negative: {self}")


def new_motion(assigned_on: date, *, months: int = DEFAULT_REPLY_MONTHS) -> MotionState:
    """A motion just assigned (交办), due ``months`` later."""
    return MotionState(MotionStatus.ASSIGNED, reply_due(assigned_on, months=months), assigned_on=assigned_on)


def _refuse_finished(state: MotionState) -> None:
    if state.status is MotionStatus.CLOSED:
        raise InvalidTransition(TransitionReason.ALREADY_CLOSED, state.status)
    if state.status is MotionStatus.REPLIED:
        raise InvalidTransition(TransitionReason.ALREADY_REPLIED, state.status)


def start_handling(state: MotionState, *, today: date) -> MotionState:
    """ASSIGNED → HANDLING (the department has started: 办理中)."""
    _refuse_finished(state)
    if state.status is MotionStatus.HANDLING:
        raise InvalidTransition(TransitionReason.ALREADY_HANDLING, state.status)
    if state.assigned_on is not None and today < state.assigned_on:
        raise InvalidTransition(TransitionReason.NOT_ASSIGNED_YET, state.status)
    return replace(state, status=MotionStatus.HANDLING)


def reply(state: MotionState, *, replied_on: date, result_class: ResultClass, today: date) -> MotionState:
    """ASSIGNED or HANDLING → REPLIED (答复), on ``replied_on`` with a result class.

    Checked: the reply is not dated after today, nor before the assignment
    when the state knows it. Not checkable: after a reopen the earlier reply
    and the reopen day are gone, so a new reply dated between them passes.
    A late reply is accepted; it counts against the on-time rate.
    """
    _refuse_finished(state)
    if replied_on > today:
        raise InvalidTransition(TransitionReason.REPLY_IN_FUTURE, state.status)
    if state.assigned_on is not None and replied_on < state.assigned_on:
        raise InvalidTransition(TransitionReason.REPLY_BEFORE_ASSIGNMENT, state.status)
    return replace(state, status=MotionStatus.REPLIED, replied_on=replied_on, result_class=result_class)


def record_satisfaction(state: MotionState, *, satisfaction: Satisfaction, today: date,
                        reopen_months: int = DEFAULT_REOPEN_MONTHS) -> MotionState:
    """The deputy's feedback on a reply: 满意 / 基本满意 close it; 不满意 reopens it.

    Reopening goes back to HANDLING, due ``reopen_months`` after today (as
    the seeds' 重新办理 asks, even when that is earlier than the old deadline),
    with the reply, its class and the feedback cleared and ``reopened``
    counted. There is no limit on reopening.
    """
    if state.status is MotionStatus.CLOSED:
        raise InvalidTransition(TransitionReason.ALREADY_CLOSED, state.status)
    if state.status is not MotionStatus.REPLIED:
        raise InvalidTransition(TransitionReason.NOT_REPLIED_YET, state.status)
    if satisfaction is Satisfaction.UNSATISFIED:
        return replace(state, status=MotionStatus.HANDLING, reply_due=reply_due(today, months=reopen_months),
                       replied_on=None, result_class=None, satisfaction=None, reopened=state.reopened + 1)
    return replace(state, status=MotionStatus.CLOSED, satisfaction=satisfaction)


def extend_due(state: MotionState, *, new_due: date, today: date) -> MotionState:
    """An admin moves the reply deadline later, while the motion is not yet replied.

    Never earlier (SHORTENS_DEADLINE), never to a day already past
    (DEADLINE_IN_PAST: the motion would stay overdue); the same day is a no-op.
    """
    _refuse_finished(state)
    if new_due < state.reply_due:
        raise InvalidTransition(TransitionReason.SHORTENS_DEADLINE, state.status)
    if new_due < today:
        raise InvalidTransition(TransitionReason.DEADLINE_IN_PAST, state.status)
    return replace(state, reply_due=new_due)


def due_follows_rule(state: MotionState, *, months: int = DEFAULT_REPLY_MONTHS) -> bool:
    """Whether the deadline is still the one the rule gave at assignment, and may follow a correction.

    True only while the motion is not replied (ASSIGNED or HANDLING), was never reopened, and its
    deadline is exactly ``state.assigned_on`` + ``months``. Any other deadline was decided by someone:
    extended by an admin, reset by a reopen (a month after the deputy's feedback), or set under an
    earlier ``months`` setting; and a replied motion was judged on time or late against it.
    """
    if state.status not in (MotionStatus.ASSIGNED, MotionStatus.HANDLING) or state.reopened:
        return False
    if state.assigned_on is None:
        return False
    return state.reply_due == reply_due(state.assigned_on, months=months)


def corrected_due(state: MotionState, *, assigned_on: date, months: int = DEFAULT_REPLY_MONTHS) -> date:
    """The deadline after the lead corrects the assignment date (交办日期) to ``assigned_on``.

    Recomputed by the rule (``assigned_on`` + ``months``) when :func:`due_follows_rule`; otherwise
    kept as it is, whichever way the assignment date moved: an admin's extension is never shortened
    (nor moved: it is the admin's to change), and a replied motion keeps the deadline it was judged by.
    """
    if due_follows_rule(state, months=months):
        return reply_due(assigned_on, months=months)
    return state.reply_due


def is_on_time(state: MotionState) -> bool | None:
    """Replied by its due date (按期办理并及时答复); None while not replied yet."""
    if state.replied_on is None:
        return None
    return state.replied_on <= state.reply_due


def _replied_by(state: MotionState, today: date) -> bool:
    return state.replied_on is not None and state.replied_on <= today


def is_overdue(state: MotionState, *, today: date) -> bool:
    """Not replied as of ``today`` and past its due date (the due day itself is not overdue)."""
    return not _replied_by(state, today) and today > state.reply_due


def light(state: MotionState, *, today: date) -> Light:
    """The motion's light on the office's board, in the 督办 board's colours: 🟢 replied (its deadline met,
    whatever the deputy says next) or closed, 🔴 overdue (not replied past its deadline), 🔵 due within
    BLUE_DAYS days, ⚪ in hand."""
    if state.status in (MotionStatus.REPLIED, MotionStatus.CLOSED):
        return Light.GREEN
    if is_overdue(state, today=today):
        return Light.RED
    return Light.BLUE if (state.reply_due - today).days <= BLUE_DAYS else Light.NONE


def on_time_rate(states: Iterable[MotionState], *, today: date) -> Decimal | None:
    """Share of the motions that can be judged as of ``today`` that were replied on time.

    Judged: those replied by today, and those overdue (a motion due today is
    judged from tomorrow, unless replied). A reply dated after ``today`` is
    not seen, so a board for a past period can pass that period's last day.
    Rounded half-up to 4 places; None when there is nothing to judge.
    """
    judged = on_time = 0
    for state in states:
        if _replied_by(state, today):
            judged += 1
            on_time += bool(is_on_time(state))
        elif is_overdue(state, today=today):
            judged += 1
    if judged == 0:
        return None
    return (Decimal(on_time) / Decimal(judged)).quantize(_RATE_PLACES, rounding=ROUND_HALF_UP)

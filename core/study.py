"""A study session typed in one message (`昨天下午 集体学习 2小时 优化营商环境条例`), and what it counts for.

Theory-group sessions (理论学习中心组) are a form of collective study and count towards the
collective-study target; self-study is logged (hours) but counts towards no target.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

from core.dates import find_no_such_day, normalize, read_date, read_date_in
from core.dates_zh import zh_to_int
from core.domain import Duty, StudyKind
from core.text import LazyPattern, is_cjk, squeeze, utf16_len

MIN_HOURS = Decimal("0.5")
MAX_HOURS = Decimal("24")
MAX_TOPIC = 200

COUNTS_TOWARDS: dict[StudyKind, Duty | None] = {
    StudyKind.COLLECTIVE: Duty.COLLECTIVE_STUDY,
    StudyKind.THEORY_GROUP: Duty.COLLECTIVE_STUDY,
    StudyKind.LAW: Duty.LAW_STUDY,
    StudyKind.SELF_STUDY: None,
}

# What the office records once for the team (/session) and ticks attendance on; self-study is each member's.
TEAM_KINDS = (StudyKind.COLLECTIVE, StudyKind.LAW, StudyKind.THEORY_GROUP)

# The kind words, with what goes with them (党组理论学习中心组集体学习, "theory group study"); at one place the
# longest reading wins, so 集体学法 is law study and not collective study.
_KINDS: tuple[tuple[str, StudyKind], ...] = (
    (r"(?:[局县市区省部厅]?(?:党组|党委|党工委)|[县市区省]委)?(?:理论学习)?中心组(?:集体学习|专题学习|学习会|学习)?",
     StudyKind.THEORY_GROUP),
    (r"集体学法|专题学法|学法|法治学习", StudyKind.LAW),
    (r"集体学习|集中学习", StudyKind.COLLECTIVE),
    (r"个人自学|自学", StudyKind.SELF_STUDY),
    (r"theory[ -]group(?:\s+(?:study|session|learning))?", StudyKind.THEORY_GROUP),
    (r"(?:collective\s+)?law(?:\s+(?:study|session|learning))?", StudyKind.LAW),
    (r"collective(?:\s+(?:study|session|learning))?", StudyKind.COLLECTIVE),
    (r"self[ -]?study|self(?:\s+(?:study|learning))?", StudyKind.SELF_STUDY),
)
_KIND = LazyPattern("|".join(f"(?P<k{i}>{'(?<![a-z])' + word + '(?![a-z])' if word[0].isascii() else word})"
                             for i, (word, _) in enumerate(_KINDS)), re.IGNORECASE)

_NUMBER = r"(?:\d+(?:\.\d+)?|[零〇一二两三四五六七八九十]{1,3})"
_HOURS = re.compile(
    rf"(?P<半>半个?小时)|(?P<n>{_NUMBER})\s*个?(?P<half>半)?\s*(?:小时|钟头|hours?|hrs?|h)(?P<half2>半)?(?![a-z])",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class StudyDraft:
    """What `parse_study` took from one message: the day (and time), the kind, the hours and the topic;
    None where it understood nothing."""

    held_on: date | None = None
    starts_at: datetime | None = None
    kind: StudyKind | None = None
    hours: Decimal | None = None
    topic: str | None = None
    for_team: bool = False  # the office's team session (/session): one of TEAM_KINDS, never self-study
    no_such_day: bool = False  # the message named a day the calendar has not (2月30日): no date taken


class StudyProblem(enum.StrEnum):
    IN_FUTURE = "in_future"
    TOO_OLD = "too_old"
    HOURS_OUT_OF_RANGE = "hours_out_of_range"
    TOPIC_TOO_LONG = "topic_too_long"
    SELF_STUDY_FOR_TEAM = "self_study_for_team"  # each member logs their own self-study
    NO_SUCH_DAY = "no_such_day"  # 2月30日: the day is asked again rather than today taken or the words kept


def parse_study(text: str, *, now: datetime, lang: str | None = None) -> StudyDraft:
    """Takes what it can understand from one message, in any order; what it cannot stays None (and is
    asked for). The topic is what remains, less filler (参加, 开展, 了, 主题是 …), with the member's own
    punctuation (，。、《》) kept: the pieces taken out are blanked, never folded, so the topic is cut from
    the text as typed."""
    rest = normalize(text)  # for reading only: one character for one, so positions hold in `text`
    hours, rest = _take_hours(rest)  # first, so "2.5h" is not read as 5 February
    impossible = find_no_such_day(rest, now=now, lang=lang)
    if impossible is not None:  # no date is read, nor is 2月30日 left in the topic
        held_on, starts_at, rest = None, None, _blank(rest, impossible.start, impossible.end)
    else:
        held_on, starts_at, rest = _take_date(rest, now=now, lang=lang)
    kind, rest = _take_kind(rest)
    kept = "".join(typed if left != "\0" else "\0" for typed, left in zip(text, rest, strict=True))
    return StudyDraft(held_on=held_on, starts_at=starts_at, kind=kind, hours=hours, topic=_topic(kept),
                      no_such_day=impossible is not None)


def parse_kind(text: str) -> StudyKind | None:
    kind, rest = _take_kind(normalize(text).strip())
    return kind if kind is not None and not squeeze(rest.replace("\0", " ")) else None


def parse_hours(text: str) -> Decimal | None:
    """`2`, `1.5`, `2小时`, `一个半小时`, `半小时`, `2 hours`: a bare number is hours."""
    cleaned = normalize(text).strip()
    try:
        return Decimal(cleaned) if re.fullmatch(r"\d+(?:\.\d+)?", cleaned) else _whole_hours(cleaned)
    except InvalidOperation:
        return None


def parse_held_on(text: str, *, now: datetime, lang: str | None = None) -> tuple[date, datetime | None] | None:
    value = read_date(text, now=now, prefer="past", lang=lang)
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date(), value
    return value, None


def study_problems(draft: StudyDraft, *, today: date) -> list[StudyProblem]:
    problems = [StudyProblem.NO_SUCH_DAY] if draft.no_such_day else []
    if draft.held_on is not None and draft.held_on > today:
        problems.append(StudyProblem.IN_FUTURE)
    if draft.held_on is not None and draft.held_on.year < today.year - 1:
        problems.append(StudyProblem.TOO_OLD)
    if draft.hours is not None and not MIN_HOURS <= draft.hours <= MAX_HOURS:
        problems.append(StudyProblem.HOURS_OUT_OF_RANGE)
    if draft.topic is not None and utf16_len(draft.topic) > MAX_TOPIC:
        problems.append(StudyProblem.TOPIC_TOO_LONG)
    if draft.for_team and draft.kind is not None and draft.kind not in TEAM_KINDS:
        problems.append(StudyProblem.SELF_STUDY_FOR_TEAM)
    return problems


def without_problems(draft: StudyDraft, problems: list[StudyProblem]) -> StudyDraft:
    """The draft with every field that has a problem cleared, so it is asked for again."""
    if StudyProblem.IN_FUTURE in problems or StudyProblem.TOO_OLD in problems:
        draft = replace(draft, held_on=None, starts_at=None)
    if StudyProblem.NO_SUCH_DAY in problems:
        draft = replace(draft, held_on=None, starts_at=None, no_such_day=False)
    if StudyProblem.HOURS_OUT_OF_RANGE in problems:
        draft = replace(draft, hours=None)
    if StudyProblem.TOPIC_TOO_LONG in problems:
        draft = replace(draft, topic=None)
    if StudyProblem.SELF_STUDY_FOR_TEAM in problems:
        draft = replace(draft, kind=None)
    return draft


def missing_fields(draft: StudyDraft) -> list[str]:
    order = (("held_on", draft.held_on), ("kind", draft.kind), ("hours", draft.hours), ("topic", draft.topic))
    return [name for name, value in order if value is None]


@dataclass(frozen=True)
class Sitting:
    """A study session as the same-session rule reads it: a member's own log, the office's team session."""

    kind: StudyKind
    held_on: date
    starts_at: datetime | None
    hours: Decimal
    topic: str


def same_session(a: Sitting, b: Sitting) -> bool:
    """Whether two records are plausibly one session, to be counted once: the same duty (集体学习 and
    理论学习中心组 are one) on the same day, and their hours overlap or their topics share what they are about
    (全会精神, 学习贯彻党的二十届四中全会精神: the same words told otherwise are one session, never counted
    twice). The morning's 集体学习 on 宪法 and the afternoon's 理论学习中心组 on the plenum are two sessions.
    Self-study counts for no duty: it is never one with another record."""
    duty = COUNTS_TOWARDS[a.kind]
    if duty is None or COUNTS_TOWARDS[b.kind] is not duty or a.held_on != b.held_on:
        return False
    return _hours_overlap(a, b) or _topics_match(a.topic, b.topic)


def _hours_overlap(a: Sitting, b: Sitting) -> bool:
    if a.starts_at is None or b.starts_at is None:  # a day without its hour (昨天下午) says nothing either way
        return False
    a_end = a.starts_at + timedelta(hours=float(a.hours))
    b_end = b.starts_at + timedelta(hours=float(b.hours))
    return a.starts_at < b_end and b.starts_at < a_end


#: Words nearly every study topic has: sharing them says nothing about being the same session.
_GENERIC = frozenset({"学习", "专题", "集体", "会议", "贯彻", "研讨", "交流", "讲话", "重要", "理论", "中心", "党的",
                      "study", "the", "and", "session", "learning", "meeting"})
_CJK_RUN = re.compile(r"[\u3400-\u9fff]+")
_WORD = re.compile(r"[a-z0-9]{3,}")


def _topic_key(topic: str) -> str:
    """The topic's letters and digits only, case folded: 《民法典》 and 民法典 are one topic."""
    return "".join(c for c in topic.casefold() if c.isalnum())


def _topic_marks(topic: str) -> set[str]:
    """What a topic is about: each two characters running in its Chinese, and its longer Latin words, less the
    generic ones."""
    folded = topic.casefold()
    marks = {run[i:i + 2] for run in _CJK_RUN.findall(folded) for i in range(len(run) - 1)}
    marks |= set(_WORD.findall(folded))
    return marks - _GENERIC


def _topics_match(a: str, b: str) -> bool:
    shorter, longer = sorted((_topic_key(a), _topic_key(b)), key=len)
    return (len(shorter) >= 2 and shorter in longer) or bool(_topic_marks(a) & _topic_marks(b))


def _take_date(text: str, *, now: datetime, lang: str | None) -> tuple[date | None, datetime | None, str]:
    match = read_date_in(text, now=now, prefer="past", lang=lang, allow_range=False)
    if match is None or isinstance(match.value, tuple):
        return None, None, text
    rest = _blank(text, match.start, match.end)
    if isinstance(match.value, datetime):
        return match.value.date(), match.value, rest
    return match.value, None, rest


def _take_kind(text: str) -> tuple[StudyKind | None, str]:
    """The first kind word (the longest at its place), blanked out."""
    match = _KIND.search(text)
    if match is None:
        return None, text
    assert match.lastgroup is not None
    return _KINDS[int(match.lastgroup[1:])][1], _blank(text, match.start(), match.end())


def _blank(text: str, start: int, end: int) -> str:
    """The text with a piece taken out: NULs in its place, so positions still match the text as typed."""
    return text[:start] + "\0" * (end - start) + text[end:]


# The topic: segments at the member's punctuation, less what only went with the other fields.
_SEGMENT = LazyPattern(r"[^,，;；:：。!！?？\n]+")
_ZH_LEAD = LazyPattern(r"^(?:我|参加了?|参与了?|开展了?|进行了?|组织了?|举行了?|召开了?|主题(?:是|为)|内容(?:是|为)"
                       r"|学习内容(?:是|为)|时长|在)+(?=.)")  # 主题 alone stays: it may begin a topic (主题教育)
_EMPTY_BRACKETS = LazyPattern(r"[(（\[【][\s\0]*[)）\]】]")
_ZH_DONE = LazyPattern(r"^(学习|自学|研读|传达学习)了(?=.)")
_EN_LEAD = LazyPattern(r"^(?:(?:attended|joined|on|about|regarding|re|for|in|at|of|session|study|studied)\s+)+(?=.)",
                       re.IGNORECASE)
_FILLER = frozenset("了 的 参加 参加了 开展 进行 学习 主题 内容 时长 共 约 我 在 for on about in at of session study "
                    "studied attended and".split())


def _topic(kept: str) -> str | None:
    """What remains of the message as typed (``\\0`` where fields were taken out), less filler."""
    parts: list[str] = []
    kept = _EMPTY_BRACKETS.sub(lambda m: "\0" * len(m.group()), kept)  # "(self-study)" once the kind is out
    for match in _SEGMENT.finditer(kept):
        words = [w for w in re.split(r"[\s\0]+", match.group()) if w]
        while words and words[0].lower() in _FILLER:  # at the edges only: "Xi Jinping on governance" keeps on
            words.pop(0)
        while words and words[-1].lower() in _FILLER:
            words.pop()
        segment = ""
        for word in words:
            glue = "" if segment and is_cjk(segment[-1]) and is_cjk(word[0]) else " "
            segment = f"{segment}{glue}{word}" if segment else word
        segment = _EN_LEAD.sub("", _ZH_DONE.sub(r"\1", _ZH_LEAD.sub("", segment.strip())))
        if segment and segment.lower() not in _FILLER:
            mark = kept[match.start() - 1] if match.start() > 0 else ""
            parts.append((mark if parts and mark else " " if parts else "") + segment)
    return squeeze("".join(parts)) or None


def _take_hours(text: str) -> tuple[Decimal | None, str]:
    match = _HOURS.search(text)
    if match is None:
        return None, text
    return _hours_of(match), _blank(text, match.start(), match.end())


def _whole_hours(text: str) -> Decimal | None:
    match = _HOURS.fullmatch(text)
    return _hours_of(match) if match else None


def _hours_of(match: re.Match[str]) -> Decimal:
    if match.group("半"):
        return Decimal("0.5")
    number = match.group("n")
    value = Decimal(number) if number[0].isdigit() else Decimal(zh_to_int(number) or 0)
    return value + (Decimal("0.5") if match.group("half") or match.group("half2") else 0)


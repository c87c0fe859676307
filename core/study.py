"""A study session typed in one message (`昨天下午 集体学习 2小时 优化营商环境条例`), and what it counts for.

Theory-group sessions (理论学习中心组) are a form of collective study and count towards the
collective-study target; self-study is logged (hours) but counts towards no target.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from core.dates import find_date, normalize, parse_date
from core.domain import Duty, StudyKind
from core.text import squeeze, utf16_len

MIN_HOURS = Decimal("0.5")
MAX_HOURS = Decimal("24")
MAX_TOPIC = 200

COUNTS_TOWARDS: dict[StudyKind, Duty | None] = {
    StudyKind.COLLECTIVE: Duty.COLLECTIVE_STUDY,
    StudyKind.THEORY_GROUP: Duty.COLLECTIVE_STUDY,
    StudyKind.LAW: Duty.LAW_STUDY,
    StudyKind.SELF_STUDY: None,
}

# Longest first, so 集体学法 is law study and not collective study.
_KIND_WORDS: tuple[tuple[str, StudyKind], ...] = (
    ("理论学习中心组学习", StudyKind.THEORY_GROUP),
    ("理论学习中心组", StudyKind.THEORY_GROUP),
    ("中心组学习", StudyKind.THEORY_GROUP),
    ("中心组", StudyKind.THEORY_GROUP),
    ("集体学法", StudyKind.LAW),
    ("学法", StudyKind.LAW),
    ("法治学习", StudyKind.LAW),
    ("集体学习", StudyKind.COLLECTIVE),
    ("集中学习", StudyKind.COLLECTIVE),
    ("个人自学", StudyKind.SELF_STUDY),
    ("自学", StudyKind.SELF_STUDY),
    ("theory group", StudyKind.THEORY_GROUP),
    ("theory-group", StudyKind.THEORY_GROUP),
    ("law study", StudyKind.LAW),
    ("collective law", StudyKind.LAW),
    ("law", StudyKind.LAW),
    ("collective study", StudyKind.COLLECTIVE),
    ("collective", StudyKind.COLLECTIVE),
    ("self-study", StudyKind.SELF_STUDY),
    ("self study", StudyKind.SELF_STUDY),
    ("self", StudyKind.SELF_STUDY),
)

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8,
              "九": 9, "十": 10}
_NUMBER = r"(?:\d+(?:\.\d+)?|[零〇一二两三四五六七八九十]{1,3})"
_HOURS = re.compile(
    rf"(?P<半>半个?小时)|(?P<n>{_NUMBER})\s*个?(?P<half>半)?\s*(?:小时|钟头|hours?|hrs?|h)(?P<half2>半)?(?![a-z])",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class StudyDraft:
    held_on: date | None = None
    starts_at: datetime | None = None
    kind: StudyKind | None = None
    hours: Decimal | None = None
    topic: str | None = None


class StudyProblem(enum.StrEnum):
    IN_FUTURE = "in_future"
    TOO_OLD = "too_old"
    HOURS_OUT_OF_RANGE = "hours_out_of_range"
    TOPIC_TOO_LONG = "topic_too_long"


def parse_study(text: str, *, now: datetime, lang: str | None = None) -> StudyDraft:
    """Takes what it can understand from one message; what it cannot stays None (and is asked for)."""
    rest = normalize(text)
    hours, rest = _take_hours(rest)  # first, so "2.5h" is not read as 5 February
    held_on, starts_at, rest = _take_date(rest, now=now, lang=lang)
    kind, rest = _take_kind(rest)
    topic = squeeze(rest) or None
    return StudyDraft(held_on=held_on, starts_at=starts_at, kind=kind, hours=hours, topic=topic)


def parse_kind(text: str) -> StudyKind | None:
    kind, rest = _take_kind(normalize(text).strip())
    return kind if kind is not None and not squeeze(rest) else None


def parse_hours(text: str) -> Decimal | None:
    """`2`, `1.5`, `2小时`, `一个半小时`, `半小时`, `2 hours`: a bare number is hours."""
    cleaned = normalize(text).strip()
    try:
        return Decimal(cleaned) if re.fullmatch(r"\d+(?:\.\d+)?", cleaned) else _whole_hours(cleaned)
    except InvalidOperation:
        return None


def parse_held_on(text: str, *, now: datetime, lang: str | None = None) -> tuple[date, datetime | None] | None:
    value = parse_date(text, now=now, prefer="past", lang=lang)
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date(), value
    return value, None


def study_problems(draft: StudyDraft, *, today: date) -> list[StudyProblem]:
    problems = []
    if draft.held_on is not None and draft.held_on > today:
        problems.append(StudyProblem.IN_FUTURE)
    if draft.held_on is not None and draft.held_on.year < today.year - 1:
        problems.append(StudyProblem.TOO_OLD)
    if draft.hours is not None and not MIN_HOURS <= draft.hours <= MAX_HOURS:
        problems.append(StudyProblem.HOURS_OUT_OF_RANGE)
    if draft.topic is not None and utf16_len(draft.topic) > MAX_TOPIC:
        problems.append(StudyProblem.TOPIC_TOO_LONG)
    return problems


def without_problems(draft: StudyDraft, problems: list[StudyProblem]) -> StudyDraft:
    """The draft with every field that has a problem cleared, so it is asked for again."""
    cleared: dict[str, None] = {}
    if StudyProblem.IN_FUTURE in problems or StudyProblem.TOO_OLD in problems:
        cleared.update(held_on=None, starts_at=None)
    if StudyProblem.HOURS_OUT_OF_RANGE in problems:
        cleared["hours"] = None
    if StudyProblem.TOPIC_TOO_LONG in problems:
        cleared["topic"] = None
    return replace(draft, **cleared)


def missing_fields(draft: StudyDraft) -> list[str]:
    order = (("held_on", draft.held_on), ("kind", draft.kind), ("hours", draft.hours), ("topic", draft.topic))
    return [name for name, value in order if value is None]


def _take_date(text: str, *, now: datetime, lang: str | None) -> tuple[date | None, datetime | None, str]:
    match = find_date(text, now=now, prefer="past", lang=lang, allow_range=False)
    if match is None or isinstance(match.value, tuple):
        return None, None, text
    rest = text[: match.start] + " " + text[match.end :]
    if isinstance(match.value, datetime):
        return match.value.date(), match.value, rest
    return match.value, None, rest


def _take_kind(text: str) -> tuple[StudyKind | None, str]:
    lowered = text.lower()
    for word, kind in _KIND_WORDS:
        at = _find_word(lowered, word)
        if at >= 0:
            return kind, text[:at] + " " + text[at + len(word) :]
    return None, text


def _find_word(lowered: str, word: str) -> int:
    if not word.isascii():
        return lowered.find(word)
    found = re.search(rf"(?<![a-z]){re.escape(word)}(?![a-z])", lowered)
    return found.start() if found else -1


def _take_hours(text: str) -> tuple[Decimal | None, str]:
    match = _HOURS.search(text)
    if match is None:
        return None, text
    return _hours_of(match), text[: match.start()] + " " + text[match.end() :]


def _whole_hours(text: str) -> Decimal | None:
    match = _HOURS.fullmatch(text)
    return _hours_of(match) if match else None


def _hours_of(match: re.Match[str]) -> Decimal:
    if match.group("半"):
        return Decimal("0.5")
    number = match.group("n")
    value = Decimal(number) if number[0].isdigit() else Decimal(_chinese_number(number))
    return value + (Decimal("0.5") if match.group("half") or match.group("half2") else 0)


def _chinese_number(text: str) -> int:
    """一 … 九十九 (hours never need more)."""
    if "十" not in text:
        return _CN_DIGITS[text[0]]
    tens, _, ones = text.partition("十")
    return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[ones] if ones else 0)

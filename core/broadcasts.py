"""Broadcast rules without Telegram or a database: who an audience names, and when a weekly broadcast falls.

    parse_weekly("每周一 9:00") -> Weekly(weekday=0, at=time(9, 0)); "every Monday 09:00" the same
    Weekly(0, time(9)).slot(k, first_after=created, tz=tz)  -> the k-th Monday 09:00 at or after `created`
    Weekly(0, time(9)).latest(now, first_after=created, tz=tz) -> (k, when) of the latest slot passed, or None

And the draft's limits: how long its text may be (`text_problem`), how far ahead it may be sent
(`when_problem`), how many names a page of the picker shows (`page_of`).
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from core import paging

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_ZH_DAYS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6, "七": 6,
            "1": 0, "2": 1, "3": 2, "4": 3, "5": 4, "6": 5, "7": 6}
_EN_DAYS = {name[:3]: index for index, name in enumerate(WEEKDAYS)}
_ZH_HOURS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
             "十": 10, "十一": 11, "十二": 12}

_ZH = re.compile(
    r"^(?:每周|每星期|每礼拜|每个星期|每个礼拜)(?P<day>[一二三四五六日天七1-7])\s*"
    r"(?P<part>上午|早上|早晨|中午|下午|晚上)?\s*"
    r"(?P<hour>\d{1,2}|十[一二]?|[一二两三四五六七八九])\s*(?:(?P<sep>[:：.])\s*(?P<minute>\d{2})|点\s*(?:(?P<half>半)|"
    r"(?P<zhminute>\d{1,2})\s*分?)?)?$")
_EN = re.compile(
    r"^every\s+(?P<day>mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s*(?:at\s+)?"
    r"(?P<hour>\d{1,2})(?:[:.](?P<minute>\d{2}))?\s*(?P<part>am|pm|a\.m\.|p\.m\.)?$", re.IGNORECASE)


# With a photo or document the text is a caption (1,024 characters at most, header included).
MAX_TEXT = 3800  # UTF-16 code units, as Telegram counts them: 4,096 less the "Notice from" header
MAX_CAPTION_TEXT = 900
MAX_AHEAD_DAYS = 366  # a scheduled broadcast goes at most a year ahead
PICK_PAGE_SIZE = 8  # names on a page of the member picker


class TextProblem(enum.Enum):
    EMPTY = "empty"
    TOO_LONG = "too_long"
    CAPTION_TOO_LONG = "caption_too_long"  # too long to go with a photo or document


def text_limit(*, with_file: bool) -> int:
    return MAX_CAPTION_TEXT if with_file else MAX_TEXT


def text_problem(text: str, length: int, *, with_file: bool) -> TextProblem | None:
    """What is wrong with a broadcast's text of `length` (UTF-16 units), or None."""
    if not text.strip():
        return TextProblem.EMPTY
    if length > text_limit(with_file=with_file):
        return TextProblem.CAPTION_TOO_LONG if with_file else TextProblem.TOO_LONG
    return None


class WhenProblem(enum.Enum):
    PASSED = "passed"
    TOO_FAR = "too_far"


def when_problem(at: datetime, now: datetime) -> WhenProblem | None:
    """Why a broadcast cannot be scheduled for `at` (both in the team's time), or None."""
    if at <= now:
        return WhenProblem.PASSED
    if (at.date() - now.date()).days > MAX_AHEAD_DAYS:
        return WhenProblem.TOO_FAR
    return None


def page_of(count: int, page: int, size: int = PICK_PAGE_SIZE) -> tuple[int, int, slice]:
    """(the page shown, how many pages, the slice of names on it) for `count` names, `page` clamped."""
    page, pages = paging.clamp(page, total=count, size=size)
    return page, pages, slice(page * size, (page + 1) * size)


class AudienceKind:
    ALL = "all"
    ROLE = "role"  # admins (owner and admins) or members
    BEHIND = "behind"  # behind pace on any duty (core.pace)
    OVERDUE = "overdue"  # with an open item past its due day
    PICKED = "picked"

    KINDS = (ALL, ROLE, BEHIND, OVERDUE, PICKED)


ROLES = ("admin", "member")


def valid_audience(audience: Any) -> bool:
    """Whether a stored or forged audience description is one of the shapes the flow makes."""
    if not isinstance(audience, dict) or audience.get("kind") not in AudienceKind.KINDS:
        return False
    if audience["kind"] == AudienceKind.ROLE:
        return audience.get("role") in ROLES
    if audience["kind"] == AudienceKind.PICKED:
        ids = audience.get("ids")
        return isinstance(ids, list) and bool(ids) and all(isinstance(i, int) for i in ids)
    return True


@dataclass(frozen=True)
class Weekly:
    """Every week on `weekday` (0 = Monday) at `at`, in the team's time."""

    weekday: int
    at: time

    def encode(self) -> str:
        """As stored in `broadcasts.recurrence`: weekly:monday:09:00."""
        return f"weekly:{WEEKDAYS[self.weekday]}:{self.at:%H:%M}"

    @classmethod
    def decode(cls, value: str) -> Weekly:
        kind, day, hhmm = value.split(":", 2)
        if kind != "weekly" or day not in WEEKDAYS:
            raise ValueError(f"not a weekly recurrence: {value!r}")
        hour, minute = hhmm.split(":")
        return cls(WEEKDAYS.index(day), time(int(hour), int(minute)))

    def first(self, after: datetime, tz: ZoneInfo) -> datetime:
        """The first slot at or after `after`."""
        local = after.astimezone(tz)
        day = local.date() + timedelta(days=(self.weekday - local.weekday()) % 7)
        slot = datetime.combine(day, self.at, tzinfo=tz)
        return slot if slot >= local else datetime.combine(day + timedelta(days=7), self.at, tzinfo=tz)

    def slot(self, index: int, *, first_after: datetime, tz: ZoneInfo) -> datetime:
        """Slot number `index` (0, 1, …) counted from the first one at or after `first_after`."""
        first = self.first(first_after, tz)
        return datetime.combine(first.date() + timedelta(days=7 * index), self.at, tzinfo=tz)

    def latest(self, now: datetime, *, first_after: datetime, tz: ZoneInfo) -> tuple[int, datetime] | None:
        """(index, instant) of the latest slot at or before `now`; None before the first. After downtime
        the missed slots collapse into this one: a weekly notice comes once, late, not once per week missed."""
        first = self.first(first_after, tz)
        local = now.astimezone(tz)
        if local < first:
            return None
        index = (local.date() - first.date()).days // 7
        slot = self.slot(index, first_after=first_after, tz=tz)
        if slot > local:
            index -= 1
            slot = self.slot(index, first_after=first_after, tz=tz)
        return (index, slot) if index >= 0 else None


def parse_weekly(text: str) -> Weekly | None:
    """每周一 9:00, 每周五下午3点, 每星期三 14:30, every Monday 09:00, every fri 3pm; None for anything else."""
    cleaned = " ".join(text.strip().split())
    match = _ZH.match(cleaned)
    if match:
        raw = match["hour"]
        hour = int(raw) if raw.isdigit() else _ZH_HOURS[raw]
        minute = int(match["minute"] or match["zhminute"] or 0) + (30 if match["half"] else 0)
        part = match["part"]
        if part in ("下午", "晚上") and hour < 12:
            hour += 12
        elif part == "中午" and hour < 11:
            hour += 12
        elif part is None and match["sep"] is None and 1 <= hour <= 6:
            hour += 12  # 每周五3点 is the afternoon, as core.dates reads 3点
        weekday = _ZH_DAYS[match["day"]]
    else:
        match = _EN.match(cleaned)
        if not match:
            return None
        hour, minute = int(match["hour"]), int(match["minute"] or 0)
        part = (match["part"] or "").lower().replace(".", "")
        if part:
            if not 1 <= hour <= 12:
                return None
            hour = hour % 12 + (12 if part == "pm" else 0)
        weekday = _EN_DAYS[match["day"].lower()]
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        return None
    return Weekly(weekday, time(hour, minute))


@dataclass(frozen=True)
class Counts:
    """Where one occurrence's recipients are: every recipient is in exactly one of delivered (read or
    not), unreachable, failed and pending."""

    recipients: int = 0
    delivered: int = 0  # includes read
    read: int = 0
    unreachable: int = 0
    failed: int = 0
    pending: int = 0

    @property
    def unread(self) -> int:
        return self.delivered - self.read

    def key(self) -> str:
        """What the report shows, to edit it only when this changes."""
        return f"{self.recipients}/{self.delivered}/{self.read}/{self.unreachable}/{self.failed}/{self.pending}"


def looks_weekly(text: str) -> bool:
    """Whether the admin meant a recurrence (so a bad one gets the recurrence's own hint)."""
    lowered = text.strip().lower()
    return lowered.startswith(("每周", "每星期", "每礼拜", "每个星期", "每个礼拜", "every "))

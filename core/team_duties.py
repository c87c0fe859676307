"""Duties a team adds beyond the six built in (接访下访 days, 基层联系点 visits, 第一议题 study): how the office's
`/duty` and a member's `/log` read, and where a member stands on one. Pure; storage/team_duties.py keeps them.

    /duty 接访下访 天 12 5          name, unit, yearly target, weight in the race
    /duty 停用 接访下访              retired: no longer logged, asked or scored (its entries are kept)
    /log 接访下访 1 11月20日 接待群众来访   a duty's name, the amount (1 if left out), the day (today), a note
    /log 撤销                        the member's latest entry taken back
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Literal

from core import dates, pace
from core.dates_zh import zh_to_int

NAME_LIMIT = 16
UNIT_LIMIT = 8
NOTE_LIMIT = 200
TARGET_LIMIT = Decimal(10000)
WEIGHT_LIMIT = Decimal(100)
AMOUNT_LIMIT = Decimal(1000)
RETIRE_WORDS = ("停用", "retire")
UNDO_WORDS = ("撤销", "undo")  # `/log 撤销`: the member's latest entry is taken back
NO_NOTE_WORDS = ("无", "没有", "-", "none", "no")  # an entry's note answered with these: it has none
_CENTS = Decimal("0.01")
_NUMBER = re.compile(r"^\d+(?:\.\d+)?$")


@dataclass(frozen=True)
class DutyChange:
    """What `/duty …` asks for: list the team's duties, set one (add it, or change it), or retire one."""

    action: Literal["list", "set", "retire"]
    name: str = ""
    unit: str = ""
    yearly_target: Decimal = Decimal(0)
    weight: Decimal = Decimal(0)


class DutyChangeError(ValueError):
    """Why the text is not a change: "shape" (not four parts), "name" (too long, a number or a built-in
    duty's), "unit" (too long), "target" (not a number above 0 up to 10000) or "weight" (0 to 100)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _decimal(text: str) -> Decimal | None:
    """A plain number with at most two decimals (12, 0.5), else None."""
    if not _NUMBER.match(text):
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:  # pragma: no cover - the pattern already refuses what Decimal would
        return None
    return value if value == value.quantize(_CENTS) else None


def _valid_name(name: str, reserved: Collection[str]) -> bool:
    return (0 < len(name) <= NAME_LIMIT and _decimal(name) is None and not name.startswith("/")
            and name.casefold() not in {r.casefold() for r in (*reserved, *RETIRE_WORDS, *UNDO_WORDS)})


def parse_duty_change(text: str, *, reserved: Collection[str] = ()) -> DutyChange:
    """Reads `接访下访 天 12 5` (set), `停用 接访下访` (retire) or nothing (list); ``reserved`` are names a
    team duty may not take (the six built-in duties', in every language). Raises DutyChangeError."""
    parts = text.split()
    if not parts:
        return DutyChange("list")
    if parts[0].casefold() in RETIRE_WORDS:
        if len(parts) != 2:
            raise DutyChangeError("shape")
        return DutyChange("retire", name=parts[1])
    if len(parts) != 4:
        raise DutyChangeError("shape")
    name, unit, target_text, weight_text = parts
    if not _valid_name(name, reserved):
        raise DutyChangeError("name")
    if len(unit) > UNIT_LIMIT or _decimal(unit) is not None:
        raise DutyChangeError("unit")
    target = _decimal(target_text)
    if target is None or not 0 < target <= TARGET_LIMIT:
        raise DutyChangeError("target")
    weight = _decimal(weight_text)
    if weight is None or weight > WEIGHT_LIMIT:
        raise DutyChangeError("weight")
    return DutyChange("set", name=name, unit=unit, yearly_target=target, weight=weight)


@dataclass(frozen=True)
class DutyLog:
    """One entry `/log` reads: the duty (by its name), how much, which day, and the note (may be empty)."""

    name: str
    amount: Decimal
    day: date
    note: str


class DutyLogError(ValueError):
    """Why the text is not an entry: "no_duty" (nothing, or no duty of the team's named first), "amount"
    (not a number above 0 up to 1000, two decimals at most; or below 0), "month_day" (an amount that reads as a
    month and day too: 11.20), "no_such_day" (a date that names no day: 2月30日, 13月1日), "range" (several
    days), "future" (a day to come), "too_old" (before last year) or "note" (longer than 200 characters); ``day`` when one was read,
    ``text`` the words in question and ``duty`` the duty named, when there are."""

    def __init__(self, reason: str, day: date | None = None, *, text: str = "", duty: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.day = day
        self.text = text
        self.duty = duty


def is_undo(text: str) -> bool:
    """`/log 撤销` / `/log undo`: take back the latest entry."""
    return text.strip().casefold() in UNDO_WORDS


def parse_log(text: str, *, duties: Sequence[tuple[str, str]], now: datetime, lang: str | None = None) -> DutyLog:
    """Reads `接访下访 1 11月20日 接待群众来访` against the team's duties, (name, unit) pairs: the duty named
    first, then the amount right after it (its unit may follow: `1天`; 1 when left out), a day anywhere
    (past-leaning; today when none) and the rest as the note. Raises DutyLogError."""
    text = " ".join(text.split())
    named = next((d for d in sorted(duties, key=lambda d: -len(d[0]))
                  if text.casefold().startswith(d[0].casefold())), None)
    if named is None:
        raise DutyLogError("no_duty")
    name, unit = named
    rest = text[len(name):].strip()
    amount = Decimal(1)
    found = re.match(_amount_word(unit) + r"(?:\s|$)", rest)
    if found is not None:
        value = _amount(found.group(1), half=bool(found.groupdict().get("half")), duty=name)
        if value is not None:
            amount, rest = value, rest[found.end():].strip()
    impossible = dates.find_no_such_day(rest, now=now, lang=lang)
    if impossible is not None:
        raise DutyLogError("no_such_day", text=impossible.text, duty=name)
    when = dates.read_date_in(rest, now=now, prefer="past", lang=lang)
    day = now.date()
    if when is not None:
        if isinstance(when.value, tuple) and when.value[0] != when.value[1]:
            raise DutyLogError("range", when.value[0])
        value_day = when.value[0] if isinstance(when.value, tuple) else when.value
        day = value_day.date() if isinstance(value_day, datetime) else value_day
        rest = (rest[:when.start] + " " + rest[when.end:]).strip()
    check_day(day, now.date())
    note = " ".join(rest.split())
    if len(note) > NOTE_LIMIT:
        raise DutyLogError("note", day)
    return DutyLog(name=name, amount=amount, day=day, note=note)


def check_day(day: date, today: date) -> None:
    """Raises DutyLogError when an entry may not be on ``day``: one to come ("future"), or one before last year
    ("too_old"; as trips and study, this year and last)."""
    if day > today:
        raise DutyLogError("future", day)
    if day.year < today.year - 1:
        raise DutyLogError("too_old", day)


def _amount_word(unit: str) -> str:
    """The pattern of the word an amount is written in, the unit and a 半 it may carry (1天半) apart."""
    return r"(\S+?)(?:\s*" + re.escape(unit) + r"(?P<half>半)?)?" if unit else r"(\S+)"


_MONTH_DAY = re.compile(r"(?P<month>\d{1,2})\.(?P<day>\d{2})")
_IN_WORDS = re.compile(r"(?P<n>[零〇一二两三四五六七八九十]{1,3})?(?P<half>半)?")


def _amount(word: str, *, half: bool, duty: str) -> Decimal | None:
    """The amount a word right after the duty's name gives: 1, 0.5, 1.5 (1天半), 两 (两天), 半 (半天), 三 (三次);
    None when the word is no amount (the note or a day starts there). Raises DutyLogError for an amount out of
    range or below 0, and for 11.20, which reads as 20 November too."""
    if word[:1] in "-−－﹣" and _NUMBER.match(word[1:]):
        raise DutyLogError("amount")
    value: Decimal | None
    if re.fullmatch(r"[\d.]+", word) and not _NUMBER.match(word):  # 1.5.1
        raise DutyLogError("amount")
    if _NUMBER.match(word):
        dotted = _MONTH_DAY.fullmatch(word)
        if dotted is not None and 1 <= int(dotted["month"]) <= 12 and 1 <= int(dotted["day"]) <= 31:
            raise DutyLogError("month_day", text=word, duty=duty)
        value = _decimal(word)
        if value is None:
            raise DutyLogError("amount")
    elif (spelt := _IN_WORDS.fullmatch(word)) is not None and (spelt["n"] or spelt["half"]):
        number = zh_to_int(spelt["n"]) if spelt["n"] else 0
        if number is None:
            return None
        value = Decimal(number) + (Decimal("0.5") if spelt["half"] else 0)
    else:
        return None
    value += Decimal("0.5") if half else 0
    if not 0 < value <= AMOUNT_LIMIT:
        raise DutyLogError("amount")
    return value


def read_amount(text: str, unit: str) -> Decimal | None:
    """An amount typed as the whole answer (1, 0.5, 两天, 1天半, with or without the duty's unit), as /log reads
    one after the duty's name; None when it is no amount, or one out of range."""
    found = re.fullmatch(_amount_word(unit), text.strip())
    if found is None:
        return None
    try:
        return _amount(found.group(1), half=bool(found.groupdict().get("half")), duty="")
    except DutyLogError:
        return None


@dataclass(frozen=True)
class TeamDutyPace:
    """Where a member stands on one of the team's own duties today, as :class:`core.pace.DutyPace` says it
    for the six: done, the year's target pro-rated by their active days, what the pace expects by now and
    by the quarter's end, and the status."""

    name: str
    unit: str
    done: Decimal
    target: Decimal
    expected_now: Decimal
    quarter_target: Decimal
    status: pace.PaceStatus

    @property
    def gap_to_quarter(self) -> Decimal:
        """Still owed by the quarter's end (0 when ahead)."""
        return max(Decimal(0), self.quarter_target - self.done)


def duty_pace(name: str, unit: str, *, done: Decimal, yearly_target: Decimal, availability: pace.Availability,
              today: date, tolerance: Decimal, lagging: Decimal) -> TeamDutyPace:
    """The same pace rules as the six (an even spread over the member's active days; no quarter targets)."""
    expected = pace.expected_by(yearly_target, availability, on=today)
    return TeamDutyPace(
        name=name, unit=unit, done=done, target=pace.effective_target(yearly_target, availability),
        expected_now=expected,
        quarter_target=pace.expected_at_quarter_end(yearly_target, availability, quarter=pace.quarter_of(today)),
        status=pace.pace_status(done, expected, yearly_target, tolerance=tolerance, lagging=lagging))

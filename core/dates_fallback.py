"""dateparser as a last resort for English (private helper of :mod:`core.dates`).

The regex rules handle the expressions officials type; this covers the
English long tail ("a fortnight ago", "05 November, 2026 at 15:00", ...).
dateparser is imported lazily (≈120 ms) and one ``DateDataParser`` per
language is built once and reused; :func:`warm_up` loads its English data
(another ≈200 ms on the first parse).

Its answers are not trusted blindly: dateparser fills missing parts from
"now" and reads "the 5th" as the 5th month, so a result is kept only when
it is a whole day (not a month or a year), and every number, month name and
weekday written in the text agrees with it.
"""

from __future__ import annotations

import copy
import re
import threading
from datetime import UTC, date, datetime
from typing import Any

from core.dates_calendar import add_months

__all__ = ["parse", "warm_up"]

_LOCK = threading.Lock()
_PARSERS: dict[str, Any] = {}
_BASE_SETTINGS = {
    "PREFER_DATES_FROM": "past",
    "RETURN_AS_TIMEZONE_AWARE": False,
    "STRICT_PARSING": False,
    "RETURN_TIME_AS_PERIOD": True,
    "DATE_ORDER": "MDY",
}

_MONTHS = {"jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
           "oct": 10, "nov": 11, "dec": 12}
_WEEKDAYS = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}
_WORD = re.compile(r"[A-Za-z]+")
_NUMBER = re.compile(r"(?<![0-9])([0-9]+)(?![0-9])")
_UNIT_AFTER = re.compile(r"\s*(?:days?|weeks?|fortnights?|months?|years?|hours?|hrs?|minutes?|mins?|seconds?"
                         r"|secs?)(?![A-Za-z])", re.IGNORECASE)
_CLOCK = re.compile(r"[0-9]\s*(?::|[ap]\.?m\b)|\bnoon\b|\bmidday\b|o'?clock", re.IGNORECASE)


def _parser(lang: str) -> Any:
    """The one cached DateDataParser for ``lang`` (built on first use)."""
    with _LOCK:
        parser = _PARSERS.get(lang)
        if parser is None:
            from dateparser.date import DateDataParser  # noqa: PLC0415 - slow import, done lazily

            parser = DateDataParser(languages=[lang], settings=dict(_BASE_SETTINGS))
            _PARSERS[lang] = parser
        return parser


def parse(text: str, *, now: datetime, prefer: str, lang: str = "en") -> date | datetime | None:
    """dateparser's reading of ``text`` if it is a whole day consistent with the text, else None."""
    base = _parser(lang)
    # The cached parser is shared; a shallow copy carries this call's settings (the relative
    # base and direction), so concurrent calls never see each other's "now".
    parser = copy.copy(base)
    parser._settings = base._settings.replace(
        PREFER_DATES_FROM=prefer, RELATIVE_BASE=now.replace(tzinfo=None))
    try:
        data = parser.get_date_data(text)
    except Exception:  # noqa: BLE001 - dateparser raises assorted errors on odd input
        return None
    found: datetime | None = data.date_obj
    if _CLOCK_DISTANCE.search(text):
        return None  # "2 hours" is a duration; "in 2 hours" is handled by the rules
    if found is None or data.period not in ("day", "week", "time"):
        return None
    if abs(found.year - now.year) > 100 or not _consistent(text, found, now.date()):
        return None
    if data.period == "time" or _CLOCK.search(text):
        return found.replace(second=0, microsecond=0, tzinfo=now.tzinfo)
    return found.date()


_DISTANCE = re.compile(
    r"(?<![A-Za-z0-9])(?P<n>[0-9]+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|a\s+couple\s+of)\s+"
    r"(?P<u>day|week|fortnight|month|year)s?(?![A-Za-z])", re.IGNORECASE)
_CLOCK_DISTANCE = re.compile(r"[0-9a-z]\s+(?:hours?|hrs?|minutes?|mins?|seconds?|secs?)(?![A-Za-z])",
                             re.IGNORECASE)
_DIRECTION = re.compile(r"(?<![A-Za-z])(?:ago|later|hence|from\s+now|in|within|after|before)(?![A-Za-z])",
                        re.IGNORECASE)
_DAY_WORD = re.compile(r"(?<![A-Za-z])(?:today|tomorrow|yesterday|tonight)(?![A-Za-z])", re.IGNORECASE)
_SMALL = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
          "eight": 8, "nine": 9, "ten": 10}


def _at_distance(m: re.Match[str], found: date, today: date) -> bool:
    word = " ".join(m["n"].lower().split())
    n = int(word) if word.isdigit() else _SMALL.get(word, 2)
    unit = m["u"].lower()
    if unit in ("day", "week", "fortnight"):
        days = n * {"day": 1, "week": 7, "fortnight": 14}[unit]
        return abs((found - today).days) == days
    months = n * (12 if unit == "year" else 1)
    return found in (add_months(today, months), add_months(today, -months))


def _consistent(text: str, found: datetime, today: date) -> bool:
    """Every month name, weekday and number in ``text`` agrees with ``found``."""
    for word in _WORD.findall(text):
        if _is_month(word) and _MONTHS[word[:3].lower()] != found.month:
            return False
        if _is_weekday(word) and _WEEKDAYS[word[:3].lower()] != found.weekday():
            return False
    distances = list(_DISTANCE.finditer(text))
    if distances:
        # "3 weeks ago": the result must lie exactly that far from today, and there must be
        # nothing else to combine it with ("2 days before yesterday" is read wrongly).
        if len(distances) > 1 or _DAY_WORD.search(text) or not _DIRECTION.search(text):
            return False  # "3 days" alone is a duration
        if not _at_distance(distances[0], found.date(), today):
            return False
    for m in _NUMBER.finditer(text):
        if _UNIT_AFTER.match(text, m.end()):
            continue  # 3 weeks: a distance, not a part of the date
        n = int(m.group(1))
        if len(m.group(1)) == 4:
            if n != found.year:
                return False
        elif n not in (found.day, found.month, found.hour, found.hour % 12 or 12, found.minute):
            return False
    return True


def _is_month(word: str) -> bool:
    names = ("january", "february", "march", "april", "may", "june", "july", "august", "september",
             "october", "november", "december")
    word = word.lower().rstrip(".")
    return any(name.startswith(word) and len(word) >= 3 for name in names) or word == "sept"


def _is_weekday(word: str) -> bool:
    names = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
    word = word.lower()
    return any(name.startswith(word) and len(word) >= 3 for name in names)


def warm_up() -> None:
    """Import dateparser and load its English data."""
    parse("a fortnight ago", now=datetime(2026, 1, 15, tzinfo=UTC), prefer="past")

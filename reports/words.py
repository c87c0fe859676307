"""Dates, numbers and durations in words, in the reader's language (Babel's CLDR data)."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from locales import Translator

if TYPE_CHECKING:
    from babel import Locale

_DAY_PATTERN = {"zh": "y年M月d日（EEEE）", "en": "EEE d MMM y"}


@functools.cache
def _locale(lang: str) -> Locale:
    """Parsed once: Babel normalises a locale given by name on every call (a third of a busy scheduling
    tick). Babel itself is imported on the first date said in words, not when the bot starts."""
    from babel import Locale

    return Locale.parse("zh_CN" if lang == "zh" else "en")


def format_day(t: Translator, day: date, pattern: str) -> str:
    """The day in Babel's `pattern` (CLDR syntax) in the reader's language."""
    return _formatted(t.lang, day, pattern)


@functools.lru_cache(maxsize=4096)
def _formatted(lang: str, day: date, pattern: str) -> str:
    """Remembered: a scheduling tick says the same few due days to thousands of members (Babel takes ~15 µs)."""
    from babel.dates import format_date

    return format_date(day, pattern, locale=_locale(lang))


def day_in_words(t: Translator, day: date) -> str:
    """2026年11月20日（星期五） / Fri 20 Nov 2026."""
    return format_day(t, day, _DAY_PATTERN[t.lang])


def short_day(t: Translator, day: date) -> str:
    """11月20日 / 20 Nov."""
    return format_day(t, day, "M月d日" if t.lang == "zh" else "d MMM")


def number(value: Decimal | int | float) -> str:
    """2, 1.5, 12.3 — no trailing zeros."""
    text = f"{Decimal(str(value)):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def hours_in_words(t: Translator, hours: Decimal) -> str:
    count = int(hours) if hours == int(hours) else 2  # a fraction reads as plural in English
    return t.ngettext("{n} hour", "{n} hours", count).format(n=number(hours))


def field_line(t: Translator, label: str, value: str) -> str:
    """日期：… / Date: … (the colon differs between the languages)."""
    return t("{label}: {value}").format(label=label, value=value)


_SPAN_START = {"zh": "y年M月d日（EEEE）", "en": "EEE d MMM"}
_SPAN_END = {"zh": "M月d日（EEEE）", "en": "EEE d MMM y"}


def span_in_words(t: Translator, start: date, end: date) -> str:
    """2026年11月5日（星期四）至 11月8日（星期日） / Thu 5 Nov to Sun 8 Nov 2026; one day is that day.

    The year is said once when both days are in it (first in Chinese, last in English)."""
    if start == end:
        return day_in_words(t, start)
    if start.year != end.year:
        first, last = day_in_words(t, start), day_in_words(t, end)
    else:
        first, last = format_day(t, start, _SPAN_START[t.lang]), format_day(t, end, _SPAN_END[t.lang])
    return t("{start} to {end}").format(start=first, end=last)


def days_in_words(t: Translator, days: int) -> str:
    """共 4 天 / 4 days."""
    return t.ngettext("{n} day", "{n} days", days).format(n=days)


def listed(t: Translator, items: Iterable[str]) -> str:
    """张三、李四 / 张三, 李四: names, titles or figures one after another, with the reader's mark."""
    return ("、" if t.lang == "zh" else ", ").join(items)


def titled(t: Translator, title: str) -> str:
    """《山区道路建设》 / “Mountain roads”: a title of a document as the reader's language marks one."""
    return f"《{title}》" if t.lang == "zh" else f"“{title}”"

"""Dates, numbers and durations in words, in the reader's language (Babel's CLDR data)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from babel.dates import format_date

from locales import Translator

_DAY_PATTERN = {"zh": "y年M月d日（EEEE）", "en": "EEE d MMM y"}
_LOCALE = {"zh": "zh_CN", "en": "en"}


def day_in_words(t: Translator, day: date) -> str:
    """2026年11月20日（星期五） / Fri 20 Nov 2026."""
    return format_date(day, _DAY_PATTERN[t.lang], locale=_LOCALE[t.lang])


def short_day(t: Translator, day: date) -> str:
    """11月20日 / 20 Nov."""
    return format_date(day, "M月d日" if t.lang == "zh" else "d MMM", locale=_LOCALE[t.lang])


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

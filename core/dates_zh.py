"""Chinese numerals for the date parser (private helper of :mod:`core.dates`).

Only what dates and times need: whole numbers written with Chinese digits,
either positionally (二〇二六 → 2026, 一二 → 12) or with the units 十 / 百 / 千
(十一 → 11, 二十五 → 25, 一千零二十六 → 1026), plus the classical 廿 (20) and
卅 (30) used in dates (廿三日 → 23).
"""

from __future__ import annotations

__all__ = ["ZH_DIGITS", "ZH_NUMERAL_CHARS", "to_int", "zh_to_int"]

ZH_DIGITS: dict[str, int] = {
    "〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4,
    "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
}
_UNITS: dict[str, int] = {"十": 10, "百": 100, "千": 1000}
_TENS: dict[str, int] = {"廿": 20, "卅": 30}

#: Every character :func:`zh_to_int` understands (for building regexes).
ZH_NUMERAL_CHARS = "".join(ZH_DIGITS) + "".join(_UNITS) + "".join(_TENS)


def zh_to_int(text: str) -> int | None:
    """Convert a Chinese numeral to an int, or return None if it is not one.

    >>> [zh_to_int(s) for s in ("十", "十一", "二十", "廿三", "三十一", "二〇二六", "两")]
    [10, 11, 20, 23, 31, 2026, 2]
    >>> zh_to_int("一千零二十六"), zh_to_int("十十"), zh_to_int("")
    (1026, None, None)
    """
    if not text:
        return None
    if all(ch in ZH_DIGITS for ch in text):  # positional: 二〇二六, 一二
        value = 0
        for ch in text:
            value = value * 10 + ZH_DIGITS[ch]
        return value
    total = 0
    digit: int | None = None  # a digit waiting for its unit
    last_unit = 10_000
    for ch in text:
        if ch in ZH_DIGITS:
            if digit is not None and digit != 0:
                return None  # two digits in a row inside a unit numeral
            digit = ZH_DIGITS[ch]
        elif ch in _UNITS:
            unit = _UNITS[ch]
            if unit >= last_unit:
                return None  # units must decrease: 十百 is not a number
            total += (1 if digit is None else digit) * unit
            last_unit, digit = unit, None
        elif ch in _TENS:
            if total or digit is not None:
                return None
            total, last_unit = _TENS[ch], 10
        else:
            return None
    return total + (digit or 0)


def to_int(text: str) -> int | None:
    """ASCII digits or a Chinese numeral to an int (None if neither)."""
    if text.isascii() and text.isdigit():
        return int(text)
    return zh_to_int(text)

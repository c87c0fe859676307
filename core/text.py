"""Small text helpers shared by the message parsers."""

from __future__ import annotations

import re

_EDGE = " \t\r\n,，、;；:：.。-—~～|/"


def squeeze(text: str) -> str:
    """Collapses runs of whitespace and trims separators left at the edges after pieces were taken out."""
    return re.sub(r"\s+", " ", text).strip(_EDGE)


def is_cjk(char: str) -> bool:
    """Han characters (CJK Unified Ideographs and their extensions, compatibility ideographs) and ·."""
    code = ord(char)
    return (0x3400 <= code <= 0x4DBF or 0x4E00 <= code <= 0x9FFF or 0xF900 <= code <= 0xFAFF
            or 0x20000 <= code <= 0x3134F or char in "·・")


def join_name(first: str | None, last: str | None) -> str:
    """A person's name from Telegram's first and last names: 张 + 明 → 张明 (no space between Chinese
    parts), John + Smith → John Smith (as Telegram gives it); either part may be missing."""
    head, tail = (first or "").strip(), (last or "").strip()
    if not head or not tail:
        return head or tail
    separator = "" if is_cjk(head[-1]) and is_cjk(tail[0]) else " "
    return f"{head}{separator}{tail}"

"""Small text helpers shared by the message parsers."""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterator
from typing import Any

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
# Telegram's limits, counted as Telegram counts them: UTF-16 code units (an emoji or an astral CJK
# character is two).
MAX_MESSAGE = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_ANSWER = 200
ELLIPSIS = "…"

# C0 controls but tab and newline, DEL, C1 controls; and lone surrogates (JSON's "\ud800" decodes to one,
# which neither backend can store). NUL (U+0000) is refused by PostgreSQL in any text column.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
_CONTROL_OR_LAYOUT = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")


def clean(text: str, *, multiline: bool = True) -> str:
    """The text with control characters dropped: NUL and the other C0/C1 controls, and lone surrogates.

    A carriage return before a newline goes with the rest (\\r\\n reads as \\n). Multi-line text keeps
    its newlines and tabs; single-line text (`multiline=False`) has them as spaces."""
    if multiline:
        return _CONTROL.sub("", text)
    return _CONTROL_OR_LAYOUT.sub(lambda m: " " if m.group(0) in "\t\n" else "", text)


def utf16_len(text: str) -> int:
    """The length Telegram measures: UTF-16 code units."""
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


def fit(text: str, limit: int = MAX_MESSAGE) -> str:
    """The text itself when it is within `limit` UTF-16 units, else cut (never inside a character) and
    ended with "…" so that the whole fits."""
    if len(text) <= limit // 2 or utf16_len(text) <= limit:
        return text
    room, kept = limit - utf16_len(ELLIPSIS), 0
    for index, ch in enumerate(text):
        kept += 2 if ord(ch) > 0xFFFF else 1
        if kept > room:
            return text[:index].rstrip() + ELLIPSIS
    return text  # pragma: no cover - the length check above returned already


def fit_chars(text: str, limit: int) -> str:
    """Cut to a column of `limit` characters (code points, as SQL counts them), ended with "…"."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + ELLIPSIS


class LazyPattern:
    """A regular expression compiled on its first use, not when its module is imported: a parser's
    dozens of patterns then cost nothing to a start that never parses with them. Has the methods of
    re.Pattern the parsers use."""

    __slots__ = ("_source", "_flags", "_compiled")

    def __init__(self, source: str, flags: int = 0) -> None:
        self._source, self._flags = source, flags
        self._compiled: re.Pattern[str] | None = None

    @property
    def compiled(self) -> re.Pattern[str]:
        if self._compiled is None:  # two threads may both compile it: the same pattern either way
            self._compiled = re.compile(self._source, self._flags)
        return self._compiled

    def search(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        return self.compiled.search(string, pos, endpos)

    def match(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        return self.compiled.match(string, pos, endpos)

    def fullmatch(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        return self.compiled.fullmatch(string, pos, endpos)

    def finditer(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> Iterator[re.Match[str]]:
        return self.compiled.finditer(string, pos, endpos)

    def split(self, string: str, maxsplit: int = 0) -> list[str | Any]:
        return self.compiled.split(string, maxsplit)

    def sub(self, repl: str | Callable[[re.Match[str]], str], string: str, count: int = 0) -> str:
        return self.compiled.sub(repl, string, count)

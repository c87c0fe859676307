"""Button data: one typed module per flow (see each module).

Each module names its data's `PREFIX` (the wire format buttons already in chats carry), an `Action` enum,
the press dataclass(es), `build` and `parse` (None for anything malformed: another prefix, an unknown
action, parts missing or extra, a number not in ASCII digits or beyond PostgreSQL's INTEGER), the
`PATTERN` its handler is registered with and `EXAMPLES`, a press of every kind (tests/core/test_callbacks.py
round-trips them all). The helpers below are what the modules share.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from enum import StrEnum
from typing import TypeVar

E = TypeVar("E", bound=StrEnum)

MAX_BYTES = 64  # Telegram's limit on callback data, in UTF-8 bytes
MAX_NUMBER = 2**31 - 1  # PostgreSQL's INTEGER, the type of every id; pages and days are smaller still


def number(text: str) -> int | None:
    """``text`` as a whole number written in ASCII digits within INTEGER, else None ('²' and '١' are digits
    to `str.isdigit()` but not ours; '-1', '+1', ' 1' are not numbers of ours either)."""
    if not text or not text.isascii() or not text.isdigit():
        return None
    value = int(text)
    return value if value <= MAX_NUMBER else None


def choice(kind: type[E], text: str) -> E | None:
    """The member of ``kind`` whose value ``text`` is, else None."""
    try:
        return kind(text)
    except ValueError:
        return None


def numbers(texts: Sequence[str]) -> list[int] | None:
    """Every text as `number`, or None when any one is not."""
    found = [number(text) for text in texts]
    return None if any(value is None for value in found) else [value for value in found if value is not None]


def parts(data: object, prefix: str) -> list[str] | None:
    """The ``:``-separated parts of ``data`` after ``prefix``; None when it is not text under that prefix."""
    if not isinstance(data, str) or not data.startswith(prefix):
        return None
    return data[len(prefix) :].split(":")


def split(data: object, prefix: str, actions: type[E]) -> tuple[E, list[str]] | None:
    """The action (the first part after ``prefix``, a member of ``actions``) and the parts after it; None for
    data under another prefix or an unknown action."""
    found = parts(data, prefix)
    action = choice(actions, found[0]) if found else None
    return (action, found[1:]) if found and action is not None else None


def join(prefix: str, *fields: object) -> str:
    """``prefix`` then the fields (those not None) joined with ``:``; asserts Telegram's 64 bytes."""
    data = prefix + ":".join(str(field) for field in fields if field is not None)
    assert len(data.encode()) <= MAX_BYTES, f"callback data over {MAX_BYTES} bytes: {data!r}"
    return data


def pattern(prefix: str) -> str:
    """The regular expression a flow's CallbackQueryHandler is registered with: anything under ``prefix``."""
    return "^" + re.escape(prefix)

"""Button data: one typed module per flow (see each module).

Each module names its data's `PREFIX` (the wire format buttons already in chats carry), an `Action` enum,
the press dataclass(es), `build` and `parse` (None for anything malformed: another prefix, an unknown
action, parts missing or extra, a number not in ASCII digits or beyond PostgreSQL's INTEGER), the
`PATTERN` its handler is registered with and `EXAMPLES`, a press of every kind (tests/core/test_callbacks.py
round-trips them all). The helpers below are what the modules share; most flows' data is
`<prefix><action>:<field>:<field>…`, and for those a `Codec` reads and writes it from a table of each
action's fields (such a module takes its PREFIX, PATTERN, build and parse from its codec).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Generic, TypeVar

E = TypeVar("E", bound=StrEnum)
P = TypeVar("P")

MAX_BYTES = 64  # Telegram's limit on callback data, in UTF-8 bytes
MAX_NUMBER = 2**31 - 1  # PostgreSQL's INTEGER, the type of every id; pages and days are smaller still
_MAX_DIGITS = len(str(MAX_NUMBER))


def number(text: str) -> int | None:
    """``text`` as a whole number written in ASCII digits within INTEGER, else None ('²' and '١' are digits
    to `str.isdigit()` but not ours; '-1', '+1', ' 1' are not numbers of ours either)."""
    if not text or not text.isascii() or not text.isdigit() or len(text.lstrip("0")) > _MAX_DIGITS:
        return None  # too long to be ours: not read at all (int() refuses over 4,300 digits)
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


@dataclass(frozen=True)
class Field:
    """One part of the data after the action: the press's attribute ``name``, read from its text by ``read``
    (None: malformed) and written by ``write``. An ``optional`` field may be missing at the end (buttons
    sent before it was carried); a field whose value is None is left out when building."""

    name: str
    read: Callable[[str], object | None] = number
    write: Callable[[Any], object] = str
    optional: bool = False


def one_of(name: str, kind: type[E]) -> Field:
    """A field holding a member of ``kind``, written as its value."""
    return Field(name, lambda text: choice(kind, text))


def flag(name: str, yes: str, no: str, *, optional: bool = False) -> Field:
    """A yes/no field, written as ``yes`` or ``no``."""
    values = {yes: True, no: False}
    return Field(name, values.get, lambda value: yes if value else no, optional)


def matching(name: str, regex: str) -> Field:
    """A text field that must match ``regex`` whole."""
    compiled = re.compile(regex)
    return Field(name, lambda text: text if compiled.fullmatch(text) else None)


class Codec(Generic[E, P]):
    """A flow's `<prefix><action>:<field>:<field>…` data: ``fields`` names each action's, in order, and
    ``press`` (one for every action, or one per action) makes the press from the action and the fields by
    name. `parse` refuses another prefix, an unknown action, a field it cannot read, too few or too many."""

    def __init__(self, prefix: str, actions: type[E], press: Callable[..., P] | Mapping[E, Callable[..., P]],
                 fields: Mapping[E, Sequence[Field]]) -> None:
        assert set(fields) == set(actions), f"{prefix}: every action needs its fields"
        self.prefix, self.actions, self.fields = prefix, actions, fields
        self.presses = press if isinstance(press, Mapping) else dict.fromkeys(actions, press)
        self.pattern = pattern(prefix)
        # each action's layout worked out once (a scheduling tick builds tens of thousands of buttons):
        # the data's start, then each field's (attribute, writer, optional)
        self._layout = {action: (prefix + action.value, tuple((f.name, f.write, f.optional) for f in fields[action]))
                        for action in actions}

    def build(self, press: P) -> str:
        """``<prefix><action>`` then each field's text after a ``:``; a field whose value is None is left out
        (only an optional one may be). Asserts Telegram's 64 bytes, as :func:`join`."""
        start, layout = self._layout[getattr(press, "action")]  # noqa: B009 (P is any press dataclass; each has an action)
        data = [start]
        for name, write, optional in layout:
            value = getattr(press, name)
            if value is None:
                assert optional, press
                continue
            data.append(str(write(value)))
        built = ":".join(data)
        assert len(built.encode()) <= MAX_BYTES, f"callback data over {MAX_BYTES} bytes: {built!r}"
        return built

    def parse(self, data: object) -> P | None:
        found = split(data, self.prefix, self.actions)
        if found is None:
            return None
        action, texts = found
        fields = self.fields[action]
        if not sum(not field.optional for field in fields) <= len(texts) <= len(fields):
            return None
        values = {field.name: field.read(text) for field, text in zip(fields, texts, strict=False)}
        if any(value is None for value in values.values()):
            return None
        return self.presses[action](action=action, **values)

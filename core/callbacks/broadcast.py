"""Button data of a broadcast draft's cards (handlers/broadcast.py): `bc:<nonce>:<action>:<argument>`.

    build(Press("0f3a9c", Action.AUDIENCE, "all"))  -> "bc:0f3a9c:au:all"
    build(Press("0f3a9c", Action.CONFIRM))          -> "bc:0f3a9c:ok:"
    parse("bc:0f3a9c:ok:x") -> None (Confirm takes no argument: forged)

The nonce is the draft's current card: a press on an older card, or forged data, changes nothing (the
handler compares it with the draft's).
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

PREFIX = "bc:"
PATTERN = "^" + re.escape(PREFIX)
MAX_BYTES = 64


class Action(enum.StrEnum):
    AUDIENCE = "au"  # argument: an audience (all, admin, member, behind, overdue, pick) or back
    TOGGLE = "tg"  # argument: a member's id, ticked or unticked
    PAGE = "pg"  # argument: a page of names
    PICKED = "pd"  # done picking
    NOW = "now"  # send now
    PREVIEW = "pv"  # the preview's own Read button
    CONFIRM = "ok"
    EDIT = "ed"
    CANCEL = "no"
    EDIT_TEXT = "et"
    EDIT_AUDIENCE = "ea"
    EDIT_WHEN = "ew"
    EDIT_BACK = "eb"


WITH_ARGUMENT = frozenset({Action.AUDIENCE, Action.TOGGLE, Action.PAGE})  # the others take none


@dataclass(frozen=True)
class Press:
    """A press on a broadcast draft's card: the card's nonce, the action, and its argument (an
    audience, a member or a page)."""

    nonce: str
    action: Action
    argument: str = ""


_DATA = re.compile(r"^bc:([0-9a-f]{6}):([a-z]{2,3}):([a-z]{1,12}|[0-9]{1,12})?$")


def build(press: Press) -> str:
    data = f"{PREFIX}{press.nonce}:{press.action.value}:{press.argument}"
    assert len(data.encode()) <= MAX_BYTES, data
    return data


def parse(data: object) -> Press | None:
    """The press the data names; None for anything malformed (an unknown action, an argument where none
    belongs or a missing one)."""
    if not isinstance(data, str):
        return None
    match = _DATA.match(data)
    if match is None or match[2] not in {a.value for a in Action}:
        return None
    action, argument = Action(match[2]), match[3] or ""
    if bool(argument) != (action in WITH_ARGUMENT):
        return None
    return Press(match[1], action, argument)


def number(press: Press) -> int | None:
    """The argument of a TOGGLE or PAGE press as a number (ASCII digits only), else None."""
    return int(press.argument) if press.argument.isascii() and press.argument.isdigit() else None


EXAMPLES = (
    Press("0f3a9c", Action.AUDIENCE, "all"),
    Press("0f3a9c", Action.TOGGLE, "42"),
    Press("0f3a9c", Action.PAGE, "1"),
    *(Press("0f3a9c", action) for action in Action if action not in WITH_ARGUMENT),
)

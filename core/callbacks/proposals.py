"""Button data of `/proposals` (handlers/proposals.py): a motion's card, `mo:<motion id>:<action>[:<argument>[:<nonce>]]`,
and a page of the list, `mo:p:<page>:<own|all>` (the member's own motions, or the whole team's for the office).

    build(Press(123, Action.VIEW))                          -> "mo:123:v"
    build(Press(123, Action.RESULT, "A", "0f3a9c"))         -> "mo:123:c:A:0f3a9c"
    build(Page(2, everyone=True))                           -> "mo:p:2:all"
    parse("mo:123:s:satisfied") -> Press(123, Action.FEEDBACK, "satisfied"); parse("mo:x:v") -> None

At most 29 bytes for any motion id of up to 12 digits (Telegram allows 64). The data can be forged: the
handler checks the motion, the presser and the nonce on the server.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

from core.callbacks import join, number

PREFIX = "mo:"
PATTERN = "^" + re.escape(PREFIX)
MAX_BYTES = 64


class Action(enum.StrEnum):
    VIEW = "v"
    HANDLE = "h"
    REPLY = "r"
    RESULT = "c"
    FEEDBACK = "s"
    EXTEND = "x"
    PAGE = "p"  # a page of the list (`Page`), not a step on one motion


@dataclass(frozen=True)
class Press:
    """A press on a motion's card: the motion, the action, a result class or satisfaction, and the
    result question's nonce."""

    motion_id: int
    action: Action
    argument: str = ""  # a result class (A/B/C) or a satisfaction
    nonce: str = ""  # the result question's nonce


@dataclass(frozen=True)
class Page:
    """A turn to a page of the list: the member's own motions, or (``everyone``, the office) the team's."""

    page: int
    everyone: bool
    action: Action = Action.PAGE


_DATA = re.compile(r"^mo:([0-9]{1,12}):([a-z])(?::([A-Za-z]{1,12}))?(?::([0-9a-f]{6}))?$")
_PAGE = re.compile(r"^mo:p:([0-9]{1,12}):(own|all)$")
_ON_A_MOTION = {a.value for a in Action} - {Action.PAGE.value}


def build(press: Press | Page) -> str:
    if isinstance(press, Page):
        return join(PREFIX, Action.PAGE.value, press.page, "all" if press.everyone else "own")
    assert press.action is not Action.PAGE, press
    parts = [f"{PREFIX}{press.motion_id}", press.action.value]
    if press.argument or press.nonce:
        parts.append(press.argument)
    if press.nonce:
        parts.append(press.nonce)
    data = ":".join(parts)
    assert len(data.encode()) <= MAX_BYTES, data
    return data


def parse(data: object) -> Press | Page | None:
    """The press the data names; None for anything malformed (or forged past recognition)."""
    if not isinstance(data, str):
        return None
    turn = _PAGE.match(data)
    if turn is not None:
        page = number(turn[1])
        return Page(page, everyone=turn[2] == "all") if page is not None else None
    match = _DATA.match(data)
    motion_id = number(match[1]) if match is not None else None
    if match is None or motion_id is None or match[2] not in _ON_A_MOTION:
        return None
    return Press(motion_id, Action(match[2]), match[3] or "", match[4] or "")


EXAMPLES = (
    Press(123, Action.VIEW),
    Press(123, Action.HANDLE),
    Press(123, Action.REPLY),
    Press(2**31 - 1, Action.RESULT, "A", "0f3a9c"),
    Press(123, Action.FEEDBACK, "unsatisfied"),
    Press(123, Action.EXTEND),
    Page(0, everyone=False),
    Page(2, everyone=True),
)

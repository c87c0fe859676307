"""Button data of a form's card and questions (handlers/forms.py): `f:<nonce>:<action>:<argument>`.

The nonce (hex) is the card's: a press on an older card, or forged, carries another and changes nothing.
The argument is a choice's value (`ch`, it may hold `:`, e.g. `t:7`) or a field's name (`fld`); every other
action has none (`f:…:ok:`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from core.callbacks import choice, join, parts, pattern

PREFIX = "f:"
PATTERN = pattern(PREFIX)
_NONCE = re.compile(r"[0-9a-f]{1,16}")


class Action(StrEnum):
    CHOICE = "ch"  # a closed choice's answer
    CONFIRM = "ok"
    EDIT = "ed"
    CANCEL = "no"
    FIELD = "fld"  # Edit: which field
    BACK = "back"  # Edit: back to the card
    KEEP = "keep"  # it looks logged already: keep both


WITH_ARGUMENT = frozenset({Action.CHOICE, Action.FIELD})


@dataclass(frozen=True)
class Press:
    """A press on a form's card or question: the card's nonce, the action, and its choice or field."""

    nonce: str
    action: Action
    argument: str = ""


def build(press: Press) -> str:
    assert bool(press.argument) == (press.action in WITH_ARGUMENT)
    return PREFIX + join(press.nonce + ":", press.action, press.argument)


def parse(data: object) -> Press | None:
    found = parts(data, PREFIX)
    if found is None or len(found) < 3 or not _NONCE.fullmatch(found[0]):
        return None
    action, argument = choice(Action, found[1]), ":".join(found[2:])  # a choice's value may hold ':' (t:7)
    if action is None or bool(argument) != (action in WITH_ARGUMENT):
        return None
    return Press(found[0], action, argument)


EXAMPLES = (Press("a1b2c3", Action.CHOICE, "collective"), Press("a1b2c3", Action.CHOICE, "t:17"), Press("a1b2c3", Action.CONFIRM),
            Press("a1b2c3", Action.EDIT), Press("a1b2c3", Action.CANCEL), Press("a1b2c3", Action.FIELD, "hours"),
            Press("a1b2c3", Action.BACK), Press("a1b2c3", Action.KEEP))

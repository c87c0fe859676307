"""Button data of a broadcast once it is made (handlers/broadcast.py; built by reports/broadcasts.py):

    br:r:<broadcast>:<occurrence>   已阅 / Read, on a recipient's message: only the presser's own receipt
    br:n:<occurrence>:<n>           Re-nudge unread, the n-th press (a repeat of the same press sends nothing)
    br:u:<occurrence>               who has not read it
    br:c:<broadcast>                cancel a scheduled or weekly broadcast (/broadcasts)

The data can be forged: the handler checks the presser (an admin of the broadcast's team, except Read).
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

from core.callbacks import numbers


class Action(enum.StrEnum):
    READ = "r"
    RENUDGE = "n"
    NOT_READ = "u"
    CANCEL = "c"


PREFIX = "br:"
PATTERN = "^" + re.escape(PREFIX)
MAX_BYTES = 64


_NUMBERS = {Action.READ: 2, Action.RENUDGE: 2, Action.NOT_READ: 1, Action.CANCEL: 1}


@dataclass(frozen=True)
class Press:
    action: Action
    target: int  # the broadcast (READ, CANCEL) or the occurrence (RENUDGE, NOT_READ)
    number: int | None = None  # the occurrence's number (READ) or the re-nudges pressed before (RENUDGE)


def build(press: Press) -> str:
    numbers = [press.target] + ([press.number] if press.number is not None else [])
    data = ":".join([f"{PREFIX}{press.action.value}", *map(str, numbers)])
    assert len(data.encode()) <= MAX_BYTES, data
    return data


def parse(data: object) -> Press | None:
    """The press the data names; None for anything malformed (wrong count of numbers, non-ASCII digits)."""
    if not isinstance(data, str):
        return None
    parts = data.removeprefix(PREFIX).split(":") if data.startswith(PREFIX) else []
    if not parts or parts[0] not in {a.value for a in Action}:
        return None
    action, args = Action(parts[0]), parts[1:]
    values = numbers(args)
    if len(args) != _NUMBERS[action] or values is None:
        return None
    return Press(action, values[0], values[1] if len(values) == 2 else None)


EXAMPLES = (
    Press(Action.READ, 7, 0),
    Press(Action.RENUDGE, 12, 1),
    Press(Action.NOT_READ, 12),
    Press(Action.CANCEL, 7),
)

"""Button data of a broadcast once it is made (handlers/broadcast.py; built by reports/broadcasts.py):

    br:r:<broadcast>:<occurrence>   已阅 / Read, on a recipient's message: only the presser's own receipt
    br:n:<occurrence>:<n>           Re-nudge unread, the n-th press (a repeat of the same press sends nothing)
    br:u:<occurrence>               who has not read it
    br:c:<broadcast>                cancel a scheduled or weekly broadcast (/broadcasts)

The data can be forged: the handler checks the presser (an admin of the broadcast's team, except Read).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from core.callbacks import Codec, Field


class Action(enum.StrEnum):
    READ = "r"
    RENUDGE = "n"
    NOT_READ = "u"
    CANCEL = "c"


@dataclass(frozen=True)
class Press:
    """A press on a broadcast once made: the action, the broadcast or occurrence, and the number it
    carries."""

    action: Action
    target: int  # the broadcast (READ, CANCEL) or the occurrence (RENUDGE, NOT_READ)
    number: int | None = None  # the occurrence's number (READ) or the re-nudges pressed before (RENUDGE)


_CODEC = Codec("br:", Action, Press, {
    Action.READ: [Field("target"), Field("number")],
    Action.RENUDGE: [Field("target"), Field("number")],
    Action.NOT_READ: [Field("target")],
    Action.CANCEL: [Field("target")],
})
PREFIX, PATTERN, build, parse = _CODEC.prefix, _CODEC.pattern, _CODEC.build, _CODEC.parse


EXAMPLES = (
    Press(Action.READ, 7, 0),
    Press(Action.RENUDGE, 12, 1),
    Press(Action.NOT_READ, 12),
    Press(Action.CANCEL, 7),
)

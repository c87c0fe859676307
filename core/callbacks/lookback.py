"""Button data of 回头看 (handlers/lookback.py), on the message that asks the owner whether a result held:

    lb:a:<lookback>:<held|partly|not_held>   落实 / 部分落实 / 未落实 (only the item's owner; answered once)
    lb:s:<lookback>                          no note (the optional note after the answer)
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from core.callbacks import Codec, Field, one_of
from core.lookback import Result


class Action(StrEnum):
    ANSWER = "a"
    SKIP_NOTE = "s"


@dataclass(frozen=True)
class Press:
    """A press on a 回头看 question: the lookback, and the owner's answer (or no note)."""

    action: Action
    lookback: int
    result: Result | None = None  # ANSWER


_CODEC = Codec("lb:", Action, Press, {
    Action.ANSWER: [Field("lookback"), one_of("result", Result)],
    Action.SKIP_NOTE: [Field("lookback")],
})
PREFIX, PATTERN, build, parse = _CODEC.prefix, _CODEC.pattern, _CODEC.build, _CODEC.parse


EXAMPLES = (
    Press(Action.ANSWER, 7, Result.HELD), Press(Action.ANSWER, 7, Result.PARTLY),
    Press(Action.ANSWER, 2147483647, Result.NOT_HELD), Press(Action.SKIP_NOTE, 7),
)

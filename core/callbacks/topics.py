"""Button data of `/topics` (handlers/topics.py), a member's key research topics and their stages:

    tp:l            the member's topics again (after a step)
    tp:r:<topic>    one tap: 立项 → 调研中 from today
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from core.callbacks import Codec, Field


class Action(StrEnum):
    LIST = "l"
    RESEARCH = "r"


@dataclass(frozen=True)
class Press:
    action: Action
    topic_id: int | None = None  # RESEARCH: the topic; None for LIST


_CODEC = Codec("tp:", Action, Press, {
    Action.LIST: [],
    Action.RESEARCH: [Field("topic_id")],
})
PREFIX, PATTERN, build, parse = _CODEC.prefix, _CODEC.pattern, _CODEC.build, _CODEC.parse


EXAMPLES = (Press(Action.LIST), Press(Action.RESEARCH, 7))

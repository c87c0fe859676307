"""Button data of `/topics` (handlers/topics.py), a member's key research topics and their stages:

    tp:l            the member's topics again (after a step)
    tp:r:<topic>    one tap: 立项 → 调研中 from today
    tp:c:<stage>    the office: the team's key topics count from <stage> on (a `TopicStage`)
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from core.callbacks import Codec, Field, one_of
from core.domain import TopicStage


class Action(StrEnum):
    LIST = "l"
    RESEARCH = "r"
    COUNTING = "c"


@dataclass(frozen=True)
class Press:
    """A press of a `/topics` button: the action, and the topic or the stage it names."""

    action: Action
    topic_id: int | None = None  # RESEARCH: the topic; None for LIST
    stage: TopicStage | None = None  # COUNTING: the stage chosen


_CODEC = Codec("tp:", Action, Press, {
    Action.LIST: [],
    Action.RESEARCH: [Field("topic_id")],
    Action.COUNTING: [one_of("stage", TopicStage)],
})
PREFIX, PATTERN, build, parse = _CODEC.prefix, _CODEC.pattern, _CODEC.build, _CODEC.parse


EXAMPLES = (Press(Action.LIST), Press(Action.RESEARCH, 7), Press(Action.COUNTING, stage=TopicStage.OUTCOME))

"""Button data of `/tasks` (handlers/tasks.py), the admins' supervised tasks:

    tk:l:<page>           a page of the open tasks      tk:v:<task>:<page>   a task and a page of its assignees
    tk:a:<assignment>     one assignee's card           tk:e:<assignment>    send their evidence again
    tk:c:<assignment>     close it (销账)                tk:x:<task>          ask to cancel (撤销) the task
    tk:y:<task>           cancel it (confirmed)

(`tk:v:<task>` without a page, as older buttons carry, is its first page.)
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from core.callbacks import Codec, Field


class Action(StrEnum):
    LIST = "l"
    TASK = "v"
    ASSIGNMENT = "a"
    EVIDENCE = "e"
    CLOSE = "c"
    ASK_CANCEL = "x"
    CANCEL = "y"


@dataclass(frozen=True)
class Press:
    """A press of a `/tasks` button: the action, the page, task or assignment it names, and a task's
    page of assignees."""

    action: Action
    number: int  # the page (LIST), the task (TASK, ASK_CANCEL, CANCEL) or the assignment
    page: int | None = None  # TASK only: the page of its assignees


_CODEC = Codec("tk:", Action, Press, {
    **dict.fromkeys(Action, [Field("number")]),
    Action.TASK: [Field("number"), Field("page", optional=True)],
})
PREFIX, PATTERN, build, parse = _CODEC.prefix, _CODEC.pattern, _CODEC.build, _CODEC.parse


EXAMPLES = (Press(Action.LIST, 0), Press(Action.TASK, 12, 1), Press(Action.TASK, 12), Press(Action.ASSIGNMENT, 7),
            Press(Action.EVIDENCE, 7), Press(Action.CLOSE, 7), Press(Action.ASK_CANCEL, 12), Press(Action.CANCEL, 12))

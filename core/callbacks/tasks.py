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

from core.callbacks import join, numbers, pattern, split

PREFIX = "tk:"
PATTERN = pattern(PREFIX)


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
    action: Action
    number: int  # the page (LIST), the task (TASK, ASK_CANCEL, CANCEL) or the assignment
    page: int | None = None  # TASK only: the page of its assignees


def build(press: Press) -> str:
    return join(PREFIX, press.action, press.number, press.page)


def parse(data: object) -> Press | None:
    found = split(data, PREFIX, Action)
    values = numbers(found[1]) if found else None
    if found is None or values is None or not 1 <= len(values) <= (2 if found[0] is Action.TASK else 1):
        return None
    return Press(found[0], *values)


EXAMPLES = (Press(Action.LIST, 0), Press(Action.TASK, 12, 1), Press(Action.TASK, 12), Press(Action.ASSIGNMENT, 7),
            Press(Action.EVIDENCE, 7), Press(Action.CLOSE, 7), Press(Action.ASK_CANCEL, 12), Press(Action.CANCEL, 12))

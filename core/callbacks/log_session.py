"""Button data of a team study session's attendance roster (handlers/log_session.py):
`att:<study>:<member>` ticks or unticks a member, `att:<study>:done` ends the roster."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from core.callbacks import join, number, parts, pattern

PREFIX = "att:"
PATTERN = pattern(PREFIX)


class Action(StrEnum):
    TICK = "tick"  # no word of its own on the wire: `att:<study>:<member>`
    DONE = "done"


@dataclass(frozen=True)
class Press:
    """A press on a study session's attendance roster: the study, and the member ticked (or done)."""

    study_id: int
    action: Action
    member_id: int | None = None  # TICK: whom


def build(press: Press) -> str:
    return join(PREFIX, press.study_id, press.action if press.action is Action.DONE else press.member_id)


def parse(data: object) -> Press | None:
    found = parts(data, PREFIX)
    if found is None or len(found) != 2 or (study_id := number(found[0])) is None:
        return None
    if found[1] == Action.DONE:
        return Press(study_id, Action.DONE)
    member_id = number(found[1])
    return Press(study_id, Action.TICK, member_id) if member_id is not None else None


EXAMPLES = (Press(12, Action.TICK, 7), Press(12, Action.DONE))

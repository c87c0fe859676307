"""Button data that opens a new form about something saved (handlers/forms.py `start_from_button`):
`fs:<kind>:<id>`, e.g. "Add findings" under a trip (`fs:finding:<trip>`), a task's "Report done"
(`fs:taskdone:<assignment>`). The form checks the id is the presser's to use (`Form.start_from`).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from core.callbacks import join, numbers, pattern, split

PREFIX = "fs:"
PATTERN = pattern(PREFIX)


class Action(StrEnum):
    """The form opened (its `Form.kind`) and what the id names."""

    FINDING = "finding"  # a finding under the trip <id> (handlers/findings.py)
    ASSIGN = "assign"  # assign the finding <id> to a department
    FEEDBACK = "feedback"  # feed back the finding <id>'s result
    TASK_DONE = "taskdone"  # report the assignment <id> done (handlers/tasks.py)
    TASK_RETURN = "taskreturn"  # return the reported assignment <id>


@dataclass(frozen=True)
class Press:
    action: Action
    ref_id: int


def build(press: Press) -> str:
    return join(PREFIX, press.action, press.ref_id)


def parse(data: object) -> Press | None:
    found = split(data, PREFIX, Action)
    values = numbers(found[1]) if found else None
    return Press(found[0], values[0]) if found and values is not None and len(values) == 1 else None


EXAMPLES = tuple(Press(action, 42) for action in Action)

"""Button data that opens a new form about something saved (handlers/forms.py `start_from_button`):
`fs:<kind>:<id>`, e.g. "Add findings" under a trip (`fs:finding:<trip>`), a task's "Report done"
(`fs:taskdone:<assignment>`). The form checks the id is the presser's to use (`Form.start_from`).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from core.callbacks import Codec, Field


class Action(StrEnum):
    """The form opened (its `Form.kind`) and what the id names."""

    FINDING = "finding"  # a finding under the trip <id> (handlers/findings.py)
    ASSIGN = "assign"  # assign the finding <id> to a department
    FEEDBACK = "feedback"  # feed back the finding <id>'s result
    TASK_DONE = "taskdone"  # report the assignment <id> done (handlers/tasks.py)
    TASK_RETURN = "taskreturn"  # return the reported assignment <id>
    TASK_ASK = "taskask"  # ask the office a question about the assignment <id> (handlers/task_requests.py)
    TASK_PLAN = "taskplan"  # propose a plan for the assignment <id>
    TASK_EXTEND = "taskextend"  # request an extension (延期申请) of the assignment <id>
    TASK_ANSWER = "taskanswer"  # the office answers the question or plan <id> (a task request)
    TASK_REFUSE = "taskrefuse"  # the office refuses the extension request <id>, with a reason
    TOPIC_REPORT = "topicreport"  # the key topic <id>'s report (handlers/topics.py)
    TOPIC_OUTCOME = "topicoutcome"  # what the key topic <id> became


@dataclass(frozen=True)
class Press:
    """A press of a button that opens a form about something saved: the form (the action) and the id."""

    action: Action
    ref_id: int


_CODEC = Codec("fs:", Action, Press, dict.fromkeys(Action, [Field("ref_id")]))
PREFIX, PATTERN, build, parse = _CODEC.prefix, _CODEC.pattern, _CODEC.build, _CODEC.parse


EXAMPLES = tuple(Press(action, 42) for action in Action)

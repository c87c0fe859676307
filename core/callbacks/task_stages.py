"""Button data of 督办's stages (handlers/task_requests.py):

    ts:s:<assignment>   the assignee signs for it (签收)
    ts:y:<request>      the office approves the extension request (延期申请)

(The typed steps — a question, a plan, an extension request, the office's answer or refusal — open
forms through `fs:`, core/callbacks/form_start.py.)
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from core.callbacks import Codec, Field


class Action(StrEnum):
    SIGN = "s"
    APPROVE = "y"


@dataclass(frozen=True)
class Press:
    """A press on a 督办 stage's button: signing for an assignment (签收) or approving an extension
    request (延期申请)."""

    action: Action
    number: int  # the assignment (SIGN) or the request (APPROVE)


_CODEC = Codec("ts:", Action, Press, dict.fromkeys(Action, [Field("number")]))
PREFIX, PATTERN, build, parse = _CODEC.prefix, _CODEC.pattern, _CODEC.build, _CODEC.parse


EXAMPLES = (Press(Action.SIGN, 7), Press(Action.APPROVE, 12))

"""Button data of a deadline nudge's Remind me later (稍后提醒), built by jobs/nudges.py and pressed in
handlers/nudges.py: `nz:<m|f|t>:<id>:<days>` (m = motion, f = finding, t = task assignment; the id is the
one `storage.deadlines` knows the item by). Done opens the item's own card, whose data its flow owns.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from core.callbacks import Codec, Field, number


class Action(StrEnum):
    """Snooze an item of this kind (the letter `storage.deadlines` names its kind by)."""

    MOTION = "m"
    FOLLOWUP = "f"
    TASK = "t"


#: The snooze action for an item of `storage.deadlines.Item.kind`.
FOR_KIND = {"motion": Action.MOTION, "followup": Action.FOLLOWUP, "task": Action.TASK}
MAX_DAYS = 999


@dataclass(frozen=True)
class Press:
    """A press of a nudge's 稍后提醒: the item's kind (the action), its id, and the days to put it off."""

    action: Action
    ref_id: int
    days: int


def _days(text: str) -> int | None:
    days = number(text)
    return days if days is not None and days <= MAX_DAYS else None


_CODEC = Codec("nz:", Action, Press, dict.fromkeys(Action, [Field("ref_id"), Field("days", _days)]))
PREFIX, PATTERN, build, parse = _CODEC.prefix, _CODEC.pattern, _CODEC.build, _CODEC.parse


EXAMPLES = (Press(Action.MOTION, 41, 1), Press(Action.FOLLOWUP, 8, 3), Press(Action.TASK, 5, 7))

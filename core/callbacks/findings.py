"""Button data of `/findings` (handlers/findings.py), browsing findings and their one-tap steps:

    fu:l                 the member's recent trips
    fu:t:<trip id>       a trip and its findings
    fu:i:<item id>       one finding with its next step
    fu:s:<item id>:<to>  one tap to the next step (<to> a `FollowUpStatus`: handled, closed)
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from core.callbacks import Codec, Field, one_of
from core.domain import FollowUpStatus


class Action(StrEnum):
    TRIPS = "l"
    TRIP = "t"
    ITEM = "i"
    STEP = "s"


@dataclass(frozen=True)
class Press:
    """A press of a `/findings` button: the action, the trip or finding it names, and a step's status."""

    action: Action
    number: int | None = None  # the trip (TRIP) or the item (ITEM, STEP); None for TRIPS
    to: FollowUpStatus | None = None  # STEP: the status it moves to


_CODEC = Codec("fu:", Action, Press, {
    Action.TRIPS: [],
    Action.TRIP: [Field("number")],
    Action.ITEM: [Field("number")],
    Action.STEP: [Field("number"), one_of("to", FollowUpStatus)],
})
PREFIX, PATTERN, build, parse = _CODEC.prefix, _CODEC.pattern, _CODEC.build, _CODEC.parse


EXAMPLES = (Press(Action.TRIPS), Press(Action.TRIP, 3), Press(Action.ITEM, 11),
            Press(Action.STEP, 11, FollowUpStatus.HANDLED), Press(Action.STEP, 11, FollowUpStatus.CLOSED))

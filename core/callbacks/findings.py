"""Button data of `/findings` (handlers/findings.py), browsing findings and their one-tap steps:

    fu:l                 the member's recent trips
    fu:t:<trip id>       a trip and its findings
    fu:i:<item id>       one finding with its next step
    fu:s:<item id>:<to>  one tap to the next step (<to> a `FollowUpStatus`: handled, closed)
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from core.callbacks import choice, join, number, pattern, split
from core.domain import FollowUpStatus

PREFIX = "fu:"
PATTERN = pattern(PREFIX)


class Action(StrEnum):
    TRIPS = "l"
    TRIP = "t"
    ITEM = "i"
    STEP = "s"


@dataclass(frozen=True)
class Press:
    action: Action
    number: int | None = None  # the trip (TRIP) or the item (ITEM, STEP); None for TRIPS
    to: FollowUpStatus | None = None  # STEP: the status it moves to


def build(press: Press) -> str:
    return join(PREFIX, press.action, press.number, press.to)


def parse(data: object) -> Press | None:
    found = split(data, PREFIX, Action)
    if found is None:
        return None
    action, rest = found
    if action is Action.TRIPS:
        return Press(action) if not rest else None
    value = number(rest[0]) if rest else None
    if action is Action.STEP:
        to = choice(FollowUpStatus, rest[1]) if len(rest) == 2 else None
        return Press(action, value, to) if value is not None and to is not None else None
    return Press(action, value) if value is not None and len(rest) == 1 else None


EXAMPLES = (Press(Action.TRIPS), Press(Action.TRIP, 3), Press(Action.ITEM, 11),
            Press(Action.STEP, 11, FollowUpStatus.HANDLED), Press(Action.STEP, 11, FollowUpStatus.CLOSED))

"""Button data of `/targets` (handlers/targets.py), setting a yearly target:

    tg:d:<duty#>:<page>:<year>          choose whom the new number is for (a page of members)
    tg:w:<duty#>:<member|0>:<year>      then type it (0 = the whole team)
    tg:s:<year>                         back to the targets

<duty#> is the duty's place in `core.domain.Duty`. Buttons sent before the year was carried have no year
(that means this year), and `tg:d:<duty#>` no page either (the first).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from core.callbacks import join, numbers, pattern, split
from core.domain import Duty

PREFIX = "tg:"
PATTERN = pattern(PREFIX)
DUTIES = list(Duty)


class Action(StrEnum):
    PICK = "d"  # whom for
    WHOM = "w"  # then the number
    SHOW = "s"  # back to the overview


@dataclass(frozen=True)
class Press:
    action: Action
    duty: Duty | None = None  # PICK, WHOM
    number: int | None = None  # PICK: the page; WHOM: the member, 0 for the whole team
    year: int | None = None  # None on older buttons: this year


def build(press: Press) -> str:
    duty = None if press.duty is None else DUTIES.index(press.duty)
    return join(PREFIX, press.action, duty, press.number, press.year)


def parse(data: object) -> Press | None:
    found = split(data, PREFIX, Action)
    values = numbers(found[1]) if found else None
    if found is None or values is None:
        return None
    action = found[0]
    if action is Action.SHOW:
        return Press(action, year=values[0] if values else None) if len(values) <= 1 else None
    if not values or values[0] >= len(DUTIES) or len(values) > 3 or (action is Action.WHOM and len(values) < 2):
        return None
    return Press(action, DUTIES[values[0]], *values[1:])


EXAMPLES = (
    Press(Action.PICK, Duty.RESEARCH_DAYS, 0, 2026), Press(Action.PICK, DUTIES[-1], 2, 2027),
    Press(Action.PICK, DUTIES[1]), Press(Action.PICK, DUTIES[1], 1),
    Press(Action.WHOM, DUTIES[2], 0, 2026), Press(Action.WHOM, DUTIES[2], 15, 2026), Press(Action.WHOM, DUTIES[2], 15),
    Press(Action.SHOW, year=2026), Press(Action.SHOW),
)

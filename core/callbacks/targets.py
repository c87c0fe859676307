"""Button data of `/targets` (handlers/targets.py), setting a yearly target:

    tg:d:<duty#>:<page>:<year>          choose whom the new number is for (a page of members)
    tg:w:<duty#>:<member|0>:<year>      then type it (0 = the whole team)
    tg:s:<year>                         back to the targets
    tg:c:<year>                         the office confirms the year's targets (the 年度清单 asks)

<duty#> is the duty's place in `core.domain.Duty`. Buttons sent before the year was carried have no year
(that means this year), and `tg:d:<duty#>` no page either (the first).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from core.callbacks import Codec, Field, number
from core.domain import Duty

DUTIES = list(Duty)


class Action(StrEnum):
    PICK = "d"  # whom for
    WHOM = "w"  # then the number
    SHOW = "s"  # back to the overview
    CONFIRM = "c"  # the year's targets confirmed


@dataclass(frozen=True)
class Press:
    """A press of a `/targets` button: the action, the duty, the page or member (0: the whole team),
    and the year."""

    action: Action
    duty: Duty | None = None  # PICK, WHOM
    number: int | None = None  # PICK: the page; WHOM: the member, 0 for the whole team
    year: int | None = None  # None on older buttons: this year


def _duty(text: str) -> Duty | None:
    place = number(text)
    return DUTIES[place] if place is not None and place < len(DUTIES) else None


_DUTY, _YEAR = Field("duty", _duty, DUTIES.index), Field("year", optional=True)
_CODEC = Codec("tg:", Action, Press, {
    Action.PICK: [_DUTY, Field("number", optional=True), _YEAR],
    Action.WHOM: [_DUTY, Field("number"), _YEAR],
    Action.SHOW: [_YEAR],
    Action.CONFIRM: [Field("year")],
})
PREFIX, PATTERN, build, parse = _CODEC.prefix, _CODEC.pattern, _CODEC.build, _CODEC.parse


EXAMPLES = (
    Press(Action.PICK, Duty.RESEARCH_DAYS, 0, 2026), Press(Action.PICK, DUTIES[-1], 2, 2027),
    Press(Action.PICK, DUTIES[1]), Press(Action.PICK, DUTIES[1], 1),
    Press(Action.WHOM, DUTIES[2], 0, 2026), Press(Action.WHOM, DUTIES[2], 15, 2026), Press(Action.WHOM, DUTIES[2], 15),
    Press(Action.SHOW, year=2026), Press(Action.SHOW), Press(Action.CONFIRM, year=2027),
)

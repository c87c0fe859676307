"""Button data of `/evaluate` (handlers/evaluation.py), the office's year-end evaluation (年末有考评):

    ev:t:<year>                      the team's evaluation (back to it)
    ev:m:<member>:<year>             one member's figures, grade and comment
    ev:g:<member>:<year>:<grade#>    give that member the grade (its place in config `[evaluation] grades`)
    ev:c:<member>:<year>             then type the comment
    ev:p:<year>                      publish: each member gets their own evaluation privately
    ev:z:<year>                      every member's one-page PDF in a zip
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from core.callbacks import Codec, Field


class Action(StrEnum):
    TEAM = "t"
    MEMBER = "m"
    GRADE = "g"
    COMMENT = "c"
    PUBLISH = "p"
    ZIP = "z"


@dataclass(frozen=True)
class Press:
    """A press of an `/evaluate` button: the action, the year, and the member and grade when it names
    them."""

    action: Action
    year: int
    member_id: int | None = None  # MEMBER, GRADE, COMMENT
    grade: int | None = None  # GRADE: the grade's place in the configured list


_MEMBER, _YEAR = Field("member_id"), Field("year")
_CODEC = Codec("ev:", Action, Press, {
    Action.TEAM: [_YEAR],
    Action.MEMBER: [_MEMBER, _YEAR],
    Action.GRADE: [_MEMBER, _YEAR, Field("grade")],
    Action.COMMENT: [_MEMBER, _YEAR],
    Action.PUBLISH: [_YEAR],
    Action.ZIP: [_YEAR],
})
PREFIX, PATTERN, build, parse = _CODEC.prefix, _CODEC.pattern, _CODEC.build, _CODEC.parse


EXAMPLES = (
    Press(Action.TEAM, 2026), Press(Action.MEMBER, 2026, 7), Press(Action.GRADE, 2026, 7, 0),
    Press(Action.GRADE, 2026, 2147483647, 3), Press(Action.COMMENT, 2026, 7), Press(Action.PUBLISH, 2026),
    Press(Action.ZIP, 2026),
)

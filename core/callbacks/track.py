"""Button data of the race track (handlers/track.py):

    trk:link:<y|n>:<member>             is this group the race track of the admin <member>'s team?
    trk:set:<names|ranks|unlink>:<team> `/track`: the group's boards show names or ranks, or unlink it
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from core.callbacks import Codec, Field, one_of

LINK_PATTERN = r"^trk:link:"
SET_PATTERN = r"^trk:set:"


class Action(StrEnum):
    LINK = "link"
    SET = "set"


class LinkAnswer(StrEnum):
    YES = "y"
    NO = "n"


class Setting(StrEnum):
    NAMES = "names"
    RANKS = "ranks"
    UNLINK = "unlink"


@dataclass(frozen=True)
class LinkPress:
    """Yes / No to the admin (``member_id``) who added the bot."""

    answer: LinkAnswer
    member_id: int
    action: Action = Action.LINK


@dataclass(frozen=True)
class SetPress:
    """A `/track` button for ``team_id``."""

    setting: Setting
    team_id: int
    action: Action = Action.SET


Press = LinkPress | SetPress


_CODEC: Codec[Action, Press] = Codec("trk:", Action, {Action.LINK: LinkPress, Action.SET: SetPress}, {
    Action.LINK: [one_of("answer", LinkAnswer), Field("member_id")],
    Action.SET: [one_of("setting", Setting), Field("team_id")],
})
PREFIX, PATTERN, build, parse = _CODEC.prefix, _CODEC.pattern, _CODEC.build, _CODEC.parse


def parse_link(data: object) -> LinkPress | None:
    press = parse(data)
    return press if isinstance(press, LinkPress) else None


def parse_set(data: object) -> SetPress | None:
    press = parse(data)
    return press if isinstance(press, SetPress) else None


EXAMPLES = (LinkPress(LinkAnswer.YES, 7), LinkPress(LinkAnswer.NO, 7), SetPress(Setting.NAMES, 3),
            SetPress(Setting.RANKS, 3), SetPress(Setting.UNLINK, 3))

"""Button data of the race track (handlers/track.py):

    trk:link:<y|n>:<member>             is this group the race track of the admin <member>'s team?
    trk:set:<names|ranks|unlink>:<team> `/track`: the group's boards show names or ranks, or unlink it
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from core.callbacks import choice, join, number, pattern, split

PREFIX = "trk:"
PATTERN = pattern(PREFIX)
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


def build(press: Press) -> str:
    value = press.answer if isinstance(press, LinkPress) else press.setting
    return join(PREFIX, press.action, value, press.member_id if isinstance(press, LinkPress) else press.team_id)


def parse(data: object) -> Press | None:
    found = split(data, PREFIX, Action)
    if found is None or len(found[1]) != 2 or (whom := number(found[1][1])) is None:
        return None
    if found[0] is Action.LINK:
        answer = choice(LinkAnswer, found[1][0])
        return LinkPress(answer, whom) if answer is not None else None
    setting = choice(Setting, found[1][0])
    return SetPress(setting, whom) if setting is not None else None


def parse_link(data: object) -> LinkPress | None:
    press = parse(data)
    return press if isinstance(press, LinkPress) else None


def parse_set(data: object) -> SetPress | None:
    press = parse(data)
    return press if isinstance(press, SetPress) else None


EXAMPLES = (LinkPress(LinkAnswer.YES, 7), LinkPress(LinkAnswer.NO, 7), SetPress(Setting.NAMES, 3),
            SetPress(Setting.RANKS, 3), SetPress(Setting.UNLINK, 3))

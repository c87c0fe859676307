"""Button data of `/members` (handlers/roster.py), the team's roster:

    mb:p:<page>            a page of the list           mb:v:<member>         a member's card
    mb:pr:<member>         promote to admin (owner)     mb:de:<member>        demote to member (owner)
    mb:rm:<member>         ask to remove                mb:RM:<member>        remove (confirmed)
    mb:lv:<member>         choose the leave's kind      mb:lk:<member>:<kind> then type its dates
    mb:in                  invite choices               mb:in:1 / mb:in:m     single-use / reusable link
    mb:of:<member>         type the 任职日期             mb:ou:<member>        type the 离任日期
    mb:cf:<member>         clear the 任职日期            mb:cu:<member>        clear the 离任日期
    mb:ra:<member>:<1|0>   put in / take out of the race (owner)
    mb:x:<page>            removed members              mb:xv:<member>        a removed member's card
    mb:rs:<member>         restore a removed member     mb:ri:<member>        a single-use invite for them
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from core.callbacks import choice, join, number, pattern, split
from core.domain import LeaveKind

PREFIX = "mb:"
PATTERN = pattern(PREFIX)


class Action(StrEnum):
    PAGE = "p"
    MEMBER = "v"
    PROMOTE = "pr"
    DEMOTE = "de"
    ASK_REMOVE = "rm"
    REMOVE = "RM"
    LEAVE = "lv"
    LEAVE_KIND = "lk"
    INVITES = "in"
    TOOK_OFFICE = "of"
    LEFT_OFFICE = "ou"
    CLEAR_TOOK_OFFICE = "cf"
    CLEAR_LEFT_OFFICE = "cu"
    RACES = "ra"
    REMOVED = "x"
    REMOVED_MEMBER = "xv"
    RESTORE = "rs"
    RESTORE_INVITE = "ri"


@dataclass(frozen=True)
class Press:
    action: Action
    number: int | None = None  # the page (PAGE, REMOVED) or the member; None for INVITES
    kind: LeaveKind | None = None  # LEAVE_KIND: the leave's kind
    races: bool | None = None  # RACES: put in (True) or take out of (False) the race
    single_use: bool | None = None  # INVITES once chosen: a single-use (True) or reusable (False) link


_FLAG = {True: "1", False: "0"}
_LINK = {True: "1", False: "m"}


def build(press: Press) -> str:
    if press.action is Action.INVITES:
        return join(PREFIX, press.action, None if press.single_use is None else _LINK[press.single_use])
    extra: str | None = press.kind if press.action is Action.LEAVE_KIND else None
    if press.action is Action.RACES:
        assert press.races is not None
        extra = _FLAG[press.races]
    return join(PREFIX, press.action, press.number, extra)


def parse(data: object) -> Press | None:
    found = split(data, PREFIX, Action)
    if found is None:
        return None
    action, rest = found
    if action is Action.INVITES:
        links = {value: single for single, value in _LINK.items()}
        if not rest:
            return Press(action)
        return Press(action, single_use=links[rest[0]]) if len(rest) == 1 and rest[0] in links else None
    value = number(rest[0]) if rest else None
    if value is None:
        return None
    if action is Action.LEAVE_KIND:
        kind = choice(LeaveKind, rest[1]) if len(rest) == 2 else None
        return Press(action, value, kind=kind) if kind is not None else None
    if action is Action.RACES:
        flags = {flag: races for races, flag in _FLAG.items()}
        return Press(action, value, races=flags[rest[1]]) if len(rest) == 2 and rest[1] in flags else None
    return Press(action, value) if len(rest) == 1 else None


EXAMPLES = (
    Press(Action.PAGE, 0), Press(Action.MEMBER, 7), Press(Action.PROMOTE, 7), Press(Action.DEMOTE, 7),
    Press(Action.ASK_REMOVE, 7), Press(Action.REMOVE, 7), Press(Action.LEAVE, 7),
    *(Press(Action.LEAVE_KIND, 7, kind=kind) for kind in LeaveKind),
    Press(Action.INVITES), Press(Action.INVITES, single_use=True), Press(Action.INVITES, single_use=False),
    Press(Action.TOOK_OFFICE, 7), Press(Action.LEFT_OFFICE, 7), Press(Action.CLEAR_TOOK_OFFICE, 7),
    Press(Action.CLEAR_LEFT_OFFICE, 7), Press(Action.RACES, 7, races=True), Press(Action.RACES, 7, races=False),
    Press(Action.REMOVED, 1), Press(Action.REMOVED_MEMBER, 7), Press(Action.RESTORE, 7), Press(Action.RESTORE_INVITE, 7),
)

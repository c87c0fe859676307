"""Button data of `/members` (handlers/roster.py), the team's roster:

    mb:p:<page>            a page of the list           mb:v:<member>         a member's card
    mb:pr:<member>         promote to admin (owner)     mb:de:<member>        demote to member (owner)
    mb:rm:<member>         ask to remove                mb:RM:<member>        remove (confirmed)
    mb:lv:<member>         choose the leave's kind      mb:lk:<member>:<kind> then type its dates
    mb:ld:<member>:<leave> ask to delete a leave period mb:LD:<member>:<leave> delete it (confirmed)
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

from core.callbacks import Codec, Field, flag, one_of
from core.domain import LeaveKind


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
    ASK_DELETE_LEAVE = "ld"
    DELETE_LEAVE = "LD"


@dataclass(frozen=True)
class Press:
    """A press of a `/members` button: the action, the page or member, and the leave kind, race or
    invite chosen."""

    action: Action
    number: int | None = None  # the page (PAGE, REMOVED) or the member; None for INVITES
    kind: LeaveKind | None = None  # LEAVE_KIND: the leave's kind
    races: bool | None = None  # RACES: put in (True) or take out of (False) the race
    single_use: bool | None = None  # INVITES once chosen: a single-use (True) or reusable (False) link
    leave: int | None = None  # ASK_DELETE_LEAVE, DELETE_LEAVE: the leave period


_CODEC = Codec("mb:", Action, Press, {
    **dict.fromkeys(Action, [Field("number")]),
    Action.INVITES: [flag("single_use", "1", "m", optional=True)],
    Action.LEAVE_KIND: [Field("number"), one_of("kind", LeaveKind)],
    Action.RACES: [Field("number"), flag("races", "1", "0")],
    Action.ASK_DELETE_LEAVE: [Field("number"), Field("leave")],
    Action.DELETE_LEAVE: [Field("number"), Field("leave")],
})
PREFIX, PATTERN, build, parse = _CODEC.prefix, _CODEC.pattern, _CODEC.build, _CODEC.parse


EXAMPLES = (
    Press(Action.PAGE, 0), Press(Action.MEMBER, 7), Press(Action.PROMOTE, 7), Press(Action.DEMOTE, 7),
    Press(Action.ASK_REMOVE, 7), Press(Action.REMOVE, 7), Press(Action.LEAVE, 7),
    *(Press(Action.LEAVE_KIND, 7, kind=kind) for kind in LeaveKind),
    Press(Action.INVITES), Press(Action.INVITES, single_use=True), Press(Action.INVITES, single_use=False),
    Press(Action.TOOK_OFFICE, 7), Press(Action.LEFT_OFFICE, 7), Press(Action.CLEAR_TOOK_OFFICE, 7),
    Press(Action.CLEAR_LEFT_OFFICE, 7), Press(Action.RACES, 7, races=True), Press(Action.RACES, 7, races=False),
    Press(Action.REMOVED, 1), Press(Action.REMOVED_MEMBER, 7), Press(Action.RESTORE, 7), Press(Action.RESTORE_INVITE, 7),
    Press(Action.ASK_DELETE_LEAVE, 7, leave=12), Press(Action.DELETE_LEAVE, 7, leave=12),
)

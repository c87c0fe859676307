"""Button data of `/audit` (handlers/audit_log.py): `au:p:<page>`, a page of the team's change log."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from core.callbacks import Codec, Field


class Action(StrEnum):
    PAGE = "p"


@dataclass(frozen=True)
class Press:
    """A press of an `/audit` page button: the page of the team's change log."""

    page: int
    action: Action = Action.PAGE


_CODEC = Codec("au:", Action, Press, {Action.PAGE: [Field("page")]})
PREFIX, PATTERN, build, parse = _CODEC.prefix, _CODEC.pattern, _CODEC.build, _CODEC.parse


EXAMPLES = (Press(0), Press(3))

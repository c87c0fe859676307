"""Button data of `/audit` (handlers/audit_log.py): `au:p:<page>`, a page of the team's change log."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from core.callbacks import Codec, Field, pattern

PREFIX = "au:"
PATTERN = pattern(PREFIX)


class Action(StrEnum):
    PAGE = "p"


@dataclass(frozen=True)
class Press:
    page: int
    action: Action = Action.PAGE


_CODEC = Codec(PREFIX, Action, Press, {Action.PAGE: [Field("page")]})
build, parse = _CODEC.build, _CODEC.parse


EXAMPLES = (Press(0), Press(3))

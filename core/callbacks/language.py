"""Button data of `/lang` (handlers/language.py): `lang:zh`, `lang:en`, the language chosen."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from core.callbacks import Codec


class Action(StrEnum):
    """The language chosen (a locale of locales.SUPPORTED)."""

    ZH = "zh"
    EN = "en"


@dataclass(frozen=True)
class Press:
    """A press of a `/lang` button: the language chosen."""

    action: Action


_CODEC = Codec("lang:", Action, Press, dict.fromkeys(Action, []))
PREFIX, PATTERN, build, parse = _CODEC.prefix, _CODEC.pattern, _CODEC.build, _CODEC.parse


EXAMPLES = (Press(Action.ZH), Press(Action.EN))

"""Button data of `/lang` (handlers/language.py): `lang:zh`, `lang:en`, the language chosen."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from core.callbacks import join, pattern, split

PREFIX = "lang:"
PATTERN = pattern(PREFIX)


class Action(StrEnum):
    """The language chosen (a locale of locales.SUPPORTED)."""

    ZH = "zh"
    EN = "en"


@dataclass(frozen=True)
class Press:
    action: Action


def build(press: Press) -> str:
    return join(PREFIX, press.action)


def parse(data: object) -> Press | None:
    found = split(data, PREFIX, Action)
    return Press(found[0]) if found is not None and not found[1] else None


EXAMPLES = (Press(Action.ZH), Press(Action.EN))

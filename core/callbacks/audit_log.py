"""Button data of `/audit` (handlers/audit_log.py): `au:p:<page>`, a page of the team's change log."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from core.callbacks import join, numbers, pattern, split

PREFIX = "au:"
PATTERN = pattern(PREFIX)


class Action(StrEnum):
    PAGE = "p"


@dataclass(frozen=True)
class Press:
    page: int
    action: Action = Action.PAGE


def build(press: Press) -> str:
    return join(PREFIX, press.action, press.page)


def parse(data: object) -> Press | None:
    found = split(data, PREFIX, Action)
    values = numbers(found[1]) if found else None
    return Press(values[0]) if values is not None and len(values) == 1 else None


EXAMPLES = (Press(0), Press(3))

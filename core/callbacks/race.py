"""Button data of `/rank` (handlers/race.py): `race:explain:<period>`, explain my score for the period
(its key: 2026-11, 2026-Q4, 2026)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from core.callbacks import join, pattern, split
from core.race import Period

PREFIX = "race:"
PATTERN = pattern(PREFIX)
_KEY = re.compile(r"[0-9]{4}(?:-Q[1-4]|-[0-9]{2})?")


class Action(StrEnum):
    EXPLAIN = "explain"


@dataclass(frozen=True)
class Press:
    period: Period
    action: Action = Action.EXPLAIN


def build(press: Press) -> str:
    return join(PREFIX, press.action, press.period.key)


def parse(data: object) -> Press | None:
    found = split(data, PREFIX, Action)
    if found is None or len(found[1]) != 1 or not _KEY.fullmatch(found[1][0]):
        return None
    try:
        return Press(Period.parse(found[1][0]))
    except ValueError:  # 2026-13
        return None


EXAMPLES = (Press(Period.parse("2026-11")), Press(Period.parse("2026-Q4")), Press(Period.parse("2026")))

"""Button data of `/rank` (handlers/race.py): `race:explain:<period>`, explain my score for the period
(its key: 2026-11, 2026-Q4, 2026)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from core.callbacks import Codec, Field
from core.race import Period

_KEY = re.compile(r"[0-9]{4}(?:-Q[1-4]|-[0-9]{2})?")


class Action(StrEnum):
    EXPLAIN = "explain"


@dataclass(frozen=True)
class Press:
    """A press of `/rank`'s explain button: the period whose score to explain."""

    period: Period
    action: Action = Action.EXPLAIN


def _period(key: str) -> Period | None:
    if not _KEY.fullmatch(key):
        return None
    try:
        return Period.parse(key)
    except ValueError:  # 2026-13
        return None


_CODEC = Codec("race:", Action, Press, {Action.EXPLAIN: [Field("period", _period, lambda period: period.key)]})
PREFIX, PATTERN, build, parse = _CODEC.prefix, _CODEC.pattern, _CODEC.build, _CODEC.parse


EXAMPLES = (Press(Period.parse("2026-11")), Press(Period.parse("2026-Q4")), Press(Period.parse("2026")))

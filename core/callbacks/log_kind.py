"""Button data of the question "which kind of log is this?" (handlers/log_any.py): `lk:<kind>:<nonce>`.

Asked when a message outside any conversation reads as no log or as two; the nonce (hex) is the question's:
a press on an older question, or forged, carries another and changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from core.callbacks import Codec, matching


class Action(StrEnum):
    """The kind picked (a form's `kind`), or none of them."""

    TRIP = "trip"
    STUDY = "study"
    PROPOSAL = "proposal"
    NONE = "none"


@dataclass(frozen=True)
class Press:
    """An answer to "which kind of log is this?": the kind picked (or none) and the question's nonce."""

    action: Action
    nonce: str


_CODEC = Codec("lk:", Action, Press, dict.fromkeys(Action, [matching("nonce", r"[0-9a-f]{6}")]))
PREFIX, PATTERN, build, parse = _CODEC.prefix, _CODEC.pattern, _CODEC.build, _CODEC.parse


EXAMPLES = tuple(Press(action, "a1b2c3") for action in Action)

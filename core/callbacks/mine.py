"""Button data of `/mine` (handlers/mine.py), the member's own records:

    m:p:<page>                      a page of the records
    m:d:<kind>:<record>:<page>      ask to delete one          m:D:<kind>:<record>:<page>   delete it (confirmed)
    m:e:<kind>:<record>             edit it: its draft card (handled by handlers/forms.py)

<kind> is the record's form (`Form.kind`: study, trip, proposal, …).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from core.callbacks import Codec, Field, matching

LIST_PATTERN = r"^m:[pdD]:"  # handlers/mine.py
EDIT_PATTERN = r"^m:e:"  # handlers/forms.py


class Action(StrEnum):
    PAGE = "p"
    DELETE = "d"
    CONFIRM_DELETE = "D"
    EDIT = "e"


@dataclass(frozen=True)
class Press:
    """A press of a `/mine` button: the action, the record (its form and id), and the page to come back
    to."""

    action: Action
    kind: str | None = None  # the record's form; None for PAGE
    record_id: int | None = None  # None for PAGE
    page: int | None = None  # the page to come back to; None for EDIT


_KIND = matching("kind", "[a-z]{1,20}")
_CODEC = Codec("m:", Action, Press, {
    Action.PAGE: [Field("page")],
    Action.DELETE: [_KIND, Field("record_id"), Field("page")],
    Action.CONFIRM_DELETE: [_KIND, Field("record_id"), Field("page")],
    Action.EDIT: [_KIND, Field("record_id")],
})
PREFIX, PATTERN, build, parse = _CODEC.prefix, _CODEC.pattern, _CODEC.build, _CODEC.parse


EXAMPLES = (Press(Action.PAGE, page=0), Press(Action.PAGE, page=2), Press(Action.DELETE, "study", 41, 0),
            Press(Action.CONFIRM_DELETE, "trip", 9, 1), Press(Action.EDIT, "proposal", 3))

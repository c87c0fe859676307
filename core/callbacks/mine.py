"""Button data of `/mine` (handlers/mine.py), the member's own records:

    m:p:<page>                      a page of the records
    m:d:<kind>:<record>:<page>      ask to delete one          m:D:<kind>:<record>:<page>   delete it (confirmed)
    m:e:<kind>:<record>             edit it: its draft card (handled by handlers/forms.py)

<kind> is the record's form (`Form.kind`: study, trip, proposal, …).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from core.callbacks import join, number, pattern, split

PREFIX = "m:"
PATTERN = pattern(PREFIX)
LIST_PATTERN = r"^m:[pdD]:"  # handlers/mine.py
EDIT_PATTERN = r"^m:e:"  # handlers/forms.py
_KIND = re.compile(r"[a-z]{1,20}")


class Action(StrEnum):
    PAGE = "p"
    DELETE = "d"
    CONFIRM_DELETE = "D"
    EDIT = "e"


@dataclass(frozen=True)
class Press:
    action: Action
    kind: str | None = None  # the record's form; None for PAGE
    record_id: int | None = None  # None for PAGE
    page: int | None = None  # the page to come back to; None for EDIT


def build(press: Press) -> str:
    return join(PREFIX, press.action, press.kind, press.record_id, press.page)


def parse(data: object) -> Press | None:
    found = split(data, PREFIX, Action)
    if found is None:
        return None
    action, rest = found
    if action is Action.PAGE:
        page = number(rest[0]) if len(rest) == 1 else None
        return Press(action, page=page) if page is not None else None
    if len(rest) != (2 if action is Action.EDIT else 3) or not _KIND.fullmatch(rest[0]):
        return None
    record_id, page = number(rest[1]), number(rest[2]) if action is not Action.EDIT else None
    if record_id is None or (page is None and action is not Action.EDIT):
        return None
    return Press(action, rest[0], record_id, page)


EXAMPLES = (Press(Action.PAGE, page=0), Press(Action.PAGE, page=2), Press(Action.DELETE, "study", 41, 0),
            Press(Action.CONFIRM_DELETE, "trip", 9, 1), Press(Action.EDIT, "proposal", 3))

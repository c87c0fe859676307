"""The sender's conversation state: which flow waits for their typed answer, and that flow's typed state.

The project's one conversation mechanism. Every multi-step flow (a log form's draft, /join's "send me the
code", a broadcast draft, an admin desk step, a motion's step) is a `Flow`: a `State` dataclass (the step
it waits at, the team it was begun in, its own fields), the prefixes of its own buttons, and what answers
a message while it waits. Handlers reach the state through `context.conversation` (handlers/context.py),
never through user_data keys:

    draft = context.conversation.begin(FLOW, Draft(step=DraftStep.TEXT, team_id=...))
    draft.step = DraftStep.AUDIENCE          # written through to user_data at once
    draft = context.conversation.get(FLOW)   # None when that flow does not wait
    context.conversation.end()               # nothing waits any more

A `State` is written through to its dict in user_data on every assignment, and user_data is written to
the database before each reply (bot.WriteThroughApplication): a restart mid-step loses nothing. Each flow
keeps the user_data key and the shape it had before (`form`, `join`, `broadcast`, `admin_step`,
`motion_step`), so drafts persisted by an earlier release load as they are (unknown keys are ignored,
missing ones take defaults; the steps the log forms and /join kept in PTB's conversation table were moved
into user_data by migration 0008).

At most one flow waits: beginning one ends the others. The rules every flow shares (a command moves on,
/cancel says so, another flow's button moves on, a switched team stops the step) are applied once, by
handlers/steps.py. A flow names where it departs from them, with these options of `Flow`:

- `files`: it also takes photos and documents as answers (a broadcast's attachment, a form's file field).
- `cancelled`: what /cancel answers.
- `restarts`: commands that pass on without ending it (they begin it again: /broadcast, /join).
- `commands_end=False`: every other command passes on and it keeps waiting; only /cancel ends it (a log
  draft survives /help or /me in the middle, and is there to finish afterwards).
- `buttons_end=False`: another flow's button leaves it waiting (a log draft survives paging /mine).
- `button_steps`: steps that wait for a press, not for words (a form's card): text there is told to use
  the buttons, and files pass on to whatever else takes them.
- `keeps_on_team_switch`: answered from another team, it is refused but kept (switch back to finish).
"""

from __future__ import annotations

import dataclasses
import enum
import typing
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from telegram import Update

from locales import N_

if TYPE_CHECKING:
    from handlers.context import SaimaContext


@dataclass
class State:
    """A flow's typed state while it waits: the step, the team it was begun in, and the flow's own fields
    (a subclass adds them). Assigning a field writes it through to the dict it is bound to in user_data."""

    step: str
    team_id: int | None = None

    def __setattr__(self, name: str, value: Any) -> None:
        object.__setattr__(self, name, value)
        backing = self.__dict__.get("_backing")
        if backing is not None and not name.startswith("_"):
            backing[name] = _plain(value)

    def dump(self) -> dict[str, Any]:
        """The dict kept in user_data (JSON-like; the persistence codec keeps dates and Decimals)."""
        return {f.name: _plain(getattr(self, f.name)) for f in dataclasses.fields(self)}

    @classmethod
    def load(cls, data: dict[str, Any]) -> typing.Self:
        """The state from its dict in user_data, tolerantly: unknown keys ignored, missing ones defaulted."""
        return restored(cls, data)


T = TypeVar("T")


def restored(cls: type[T], data: dict[str, Any]) -> T:
    """A dataclass (a flow's state, a form's draft) from its dict in user_data: unknown keys ignored, missing
    ones defaulted, enums and Decimals made again from their JSON-like values."""
    hints = _field_types(cls)
    return cls(**{k: _restore(hints[k], v) for k, v in data.items() if k in hints})


_FIELD_TYPES: dict[type, dict[str, Any]] = {}


def _field_types(cls: type) -> dict[str, Any]:
    """The dataclass's fields and their types, resolved once per class (the annotations are strings)."""
    if cls not in _FIELD_TYPES:
        hints = typing.get_type_hints(cls)
        _FIELD_TYPES[cls] = {f.name: hints[f.name] for f in dataclasses.fields(cls)}
    return _FIELD_TYPES[cls]


def _plain(value: Any) -> Any:
    return value.value if isinstance(value, enum.Enum) else value


def _restore(hint: Any, value: Any) -> Any:
    if value is None:
        return None
    for candidate in typing.get_args(hint) or (hint,):
        if isinstance(candidate, type) and issubclass(candidate, enum.Enum):
            try:
                return candidate(value)
            except ValueError:
                continue
        if candidate is Decimal and not isinstance(value, Decimal):
            return Decimal(str(value))
    return value


S = TypeVar("S", bound=State)

# What answers a message while the flow waits: True when it took the message (no other handler sees it),
# False to pass it on.
Answer = Callable[[Update, "SaimaContext", Any, str], Awaitable[bool]]


@dataclass(frozen=True, eq=False)
class Flow(Generic[S]):
    """A multi-step flow that waits for typed answers (see the module's docstring)."""

    key: str  # its state's key in user_data
    state: type[S]
    prefixes: tuple[str, ...]  # its own buttons' data; a press on any other button moves on
    answer: Answer
    files: bool = False  # also takes photos and documents (a broadcast's attachment)
    cancelled: str = N_("Cancelled. Nothing was changed.")  # the answer to /cancel
    restarts: frozenset[str] = frozenset()  # commands that pass on without ending it (they start it again)
    keeps_on_team_switch: bool = False  # a switched team pauses it (switch back to finish) rather than ends it
    commands_end: bool = True  # False: other commands pass on and it keeps waiting (only /cancel ends it)
    buttons_end: bool = True  # False: another flow's button passes on and it keeps waiting
    button_steps: frozenset[str] = frozenset()  # steps waiting for a press: text is told to use the buttons


_FLOWS: list[Flow[Any]] = []


def register(flow: Flow[S]) -> Flow[S]:
    """Adds a flow (once, at import of its module); the earlier registered answers first."""
    _FLOWS.append(flow)
    return flow


def flows() -> tuple[Flow[Any], ...]:
    return tuple(_FLOWS)


@dataclass
class Conversation:
    """The sender's waiting step, over their user_data (None for updates without a user)."""

    user_data: dict[str, Any] | None

    def get(self, flow: Flow[S]) -> S | None:
        """The flow's state, bound to user_data (assignments are written through), or None."""
        raw = self.user_data.get(flow.key) if self.user_data is not None else None
        if not isinstance(raw, dict):
            return None
        state = flow.state.load(raw)
        object.__setattr__(state, "_backing", raw)
        return state

    def begin(self, flow: Flow[S], state: S) -> S:
        """The flow now waits with `state` (any other flow's step ends)."""
        self.end()
        if self.user_data is None:
            return state
        raw = state.dump()
        self.user_data[flow.key] = raw
        object.__setattr__(state, "_backing", raw)
        return state

    def waiting(self) -> tuple[Flow[Any], State] | None:
        """The flow that waits (the first registered, should several from an earlier release), or None."""
        for flow in _FLOWS:
            state = self.get(flow)
            if state is not None:
                return flow, state
        return None

    def end(self, flow: Flow[Any] | None = None) -> None:
        """`flow` stops waiting; with no flow, every one does."""
        if self.user_data is None:
            return
        for each in (flow,) if flow is not None else tuple(_FLOWS):
            self.user_data.pop(each.key, None)

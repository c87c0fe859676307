"""The last Telegram update handled, per bot, so an update delivered again is not handled again.

Telegram sends a webhook update again when its answer did not arrive in time, and a poller restarted
after a kill may be given again the update it had in hand. While an update is handled (`in_hand`), every
transaction that writes records it as handled, in that same transaction: what the update changed and
the mark commit together or not at all. An update that wrote nothing is marked when it is done.
The mark is a row of `persisted_state` (scope `updates`, key the bot's id)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import event, select
from sqlalchemy.orm import ORMExecuteState, Session, sessionmaker

from storage.models import PersistedState

SCOPE = "updates"
# Telegram picks the next update_id at random after a week without updates: older marks are not trusted,
# and an id far below the last one handled starts a new sequence rather than repeating an old update
# (what Telegram sends again is an update it sent moments ago).
TRUSTED_FOR = timedelta(days=7)
REDELIVERY_WINDOW = 10_000
_WROTE = "saima.wrote"


@dataclass
class InHand:
    """The update being handled: its id, the bot's, the time to stamp, and whether a transaction has
    recorded it yet."""

    bot: str
    update_id: int
    now: datetime
    marked: bool = False


_in_hand: ContextVar[InHand | None] = ContextVar("saima_update_in_hand", default=None)


@dataclass(frozen=True)
class Handled:
    """The last update a bot handled, and when it was marked."""

    update_id: int
    at: datetime

    def covers(self, update_id: int, now: datetime) -> bool:
        """Whether `update_id` was handled already: at or a little below the last one handled, recently."""
        return (self.update_id - REDELIVERY_WINDOW < update_id <= self.update_id
                and now - self.at < TRUSTED_FOR)


def last_handled(session: Session, bot: str) -> Handled | None:
    # Read at start-up, before the first getUpdates: through the table's columns, as the persistence's
    # loading is (storage/persistence.py), so the start does not configure every mapper first.
    table = PersistedState.__table__.c
    row = session.execute(
        select(table.data, table.updated_at).where(table.scope == SCOPE, table.key == bot)
    ).first()
    if row is None or not isinstance(row.data, dict) or not isinstance(row.data.get("update_id"), int):
        return None
    return Handled(row.data["update_id"], row.updated_at)


def mark(session: Session, bot: str, update_id: int, now: datetime) -> None:
    row = session.get(PersistedState, (SCOPE, bot))
    if row is None:
        session.add(PersistedState(scope=SCOPE, key=bot, data={"update_id": update_id}, updated_at=now))
    elif row.data != {"update_id": update_id}:
        row.data = {"update_id": update_id}
        row.updated_at = now


@contextlib.contextmanager
def in_hand(bot: str, update_id: int, now: datetime) -> Iterator[InHand]:
    """While this is open (in this task and what it starts), every transaction that writes also marks
    `update_id` handled."""
    handling = InHand(bot, update_id, now)
    token = _in_hand.set(handling)
    try:
        yield handling
    finally:
        _in_hand.reset(token)


def unmarked() -> InHand | None:
    """The update being handled, if no transaction has recorded it as handled yet (None otherwise)."""
    handling = _in_hand.get()
    return handling if handling is not None and not handling.marked else None


def install(sessions: sessionmaker[Session]) -> None:
    """Hooks the marking into every session `sessions` makes (storage.db.Database does this)."""
    event.listen(sessions, "after_flush", _wrote_flushed)
    event.listen(sessions, "do_orm_execute", _wrote_statement)
    event.listen(sessions, "before_commit", _mark_in_hand)
    event.listen(sessions, "after_commit", _marked)
    event.listen(sessions, "after_rollback", _forget)


def _wrote_flushed(session: Session, _context: Any) -> None:
    session.info[_WROTE] = True


def _wrote_statement(state: ORMExecuteState) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        state.session.info[_WROTE] = True


def _mark_in_hand(session: Session) -> None:
    handling = _in_hand.get()
    if handling is None:
        return
    session.flush()  # so what is pending counts as written
    if session.info.get(_WROTE):
        mark(session, handling.bot, handling.update_id, handling.now)
        session.info["saima.marks"] = handling


def _marked(session: Session) -> None:
    handling = session.info.pop("saima.marks", None)
    if handling is not None:
        handling.marked = True
    session.info.pop(_WROTE, None)


def _forget(session: Session) -> None:
    session.info.pop("saima.marks", None)
    session.info.pop(_WROTE, None)

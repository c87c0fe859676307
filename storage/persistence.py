"""python-telegram-bot persistence in the project's database, written through on every change.

PTB's own persistence classes write in batches (every `update_interval`, 60 s by default) and at
shutdown, so a SIGKILL loses up to a minute of conversation state. This class stores each change as
soon as PTB reports it; `WriteThroughApplication` (bot.py) makes PTB report after every update.
Values are JSON; dates, datetimes and Decimals survive the round trip through a tagged encoding.
A write that meets a database outage is tried again with backoff (about a minute in all) rather than
dropped: PTB has already taken the change off its list of things to write.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.exc import SQLAlchemyError
from telegram.ext import BasePersistence, PersistenceInput

from core.clock import Clock
from storage.db import Database, is_outage
from storage.models import PersistedScope, PersistedState

ConversationKey = tuple[int | str, ...]
ConversationDict = dict[ConversationKey, object]
CDCData = tuple[list[tuple[str, float, dict[str, Any]]], dict[str, str]]
_SINGLETON_KEY = "-"
_WRITE_BACKOFF = (0.25, 0.5, 1, 2, 4, 8, 10, 10, 10, 10, 10)  # seconds between tries during an outage

log = logging.getLogger(__name__)


def encode(value: Any) -> Any:
    """Makes `value` JSON-safe, tagging the types JSON lacks so `decode` can restore them."""
    if isinstance(value, dict):
        return {str(k): encode(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [encode(v) for v in value]
    if isinstance(value, datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, date):
        return {"$date": value.isoformat()}
    if isinstance(value, Decimal):
        return {"$decimal": str(value)}
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    raise TypeError(f"cannot persist a {type(value).__name__}; keep user/chat data JSON-like")


def decode(value: Any) -> Any:
    if isinstance(value, list):
        return [decode(v) for v in value]
    if isinstance(value, dict):
        if len(value) == 1:
            (tag, raw), = value.items()
            if tag == "$datetime":
                return datetime.fromisoformat(raw)
            if tag == "$date":
                return date.fromisoformat(raw)
            if tag == "$decimal":
                return Decimal(raw)
        return {k: decode(v) for k, v in value.items()}
    return value


class DatabasePersistence(BasePersistence[dict[str, Any], dict[str, Any], dict[str, Any]]):
    """Stores user, chat and bot data, callback data and conversation states in `persisted_state`."""

    def __init__(self, db: Database, clock: Clock, *, update_interval: float = 60) -> None:
        super().__init__(
            store_data=PersistenceInput(bot_data=True, chat_data=True, user_data=True, callback_data=False),
            update_interval=update_interval,
        )
        self._db = db
        self._clock = clock
        # What was last written, per (scope, key), so unchanged data is not written again.
        self._written: dict[tuple[str, str], str] = {}

    # --- reading (once, at start-up) ---

    def _load_scope(self, scope: str) -> dict[str, Any]:
        # The table's columns, not the mapped class's: an ORM query would configure every mapper first
        # (~30 ms of CPU before the first getUpdates); the warm-up does that after the start (bot.py).
        table = PersistedState.__table__.c
        with self._db.session() as session:
            rows = session.execute(select(table.key, table.data).where(table.scope == scope)).all()
        for key, data in rows:
            self._written[(scope, key)] = json.dumps(data, sort_keys=True)
        return {key: decode(data) for key, data in rows}

    async def get_user_data(self) -> dict[int, dict[str, Any]]:
        return {int(k): v for k, v in self._load_scope(PersistedScope.USER).items()}

    async def get_chat_data(self) -> dict[int, dict[str, Any]]:
        return {int(k): v for k, v in self._load_scope(PersistedScope.CHAT).items()}

    async def get_bot_data(self) -> dict[str, Any]:
        data: dict[str, Any] = self._load_scope(PersistedScope.BOT).get(_SINGLETON_KEY, {})
        return data

    async def get_callback_data(self) -> CDCData | None:
        return None

    # PTB's BasePersistence requires the conversation methods; no ConversationHandler uses them any more
    # (every flow keeps its step in user_data, handlers/conversation.py; migration 0008 moved the old rows).
    async def get_conversations(self, name: str) -> ConversationDict:
        return {
            tuple(json.loads(key)): state for key, state in self._load_scope(_conversation(name)).items()
        }

    # --- writing (through, on every change PTB reports) ---

    def _write(self, scope: str, key: str, data: Any) -> None:
        encoded = encode(data)
        serialised = json.dumps(encoded, sort_keys=True)
        if self._written.get((scope, key)) == serialised:
            return
        with self._db.session() as session:
            row = session.get(PersistedState, (scope, key))
            if row is None:
                session.add(PersistedState(scope=scope, key=key, data=encoded, updated_at=self._clock.now()))
            else:
                row.data = encoded
                row.updated_at = self._clock.now()
        self._written[(scope, key)] = serialised

    async def _lasting(self, write: Callable[[], None]) -> None:
        """Runs `write`, waiting out a database outage with backoff; other errors, and an outage that
        outlasts the backoff, are raised (PTB logs them through the error handler)."""
        for wait in (*_WRITE_BACKOFF, None):
            try:
                write()
                return
            except SQLAlchemyError as error:
                if wait is None or not is_outage(error):
                    raise
                log.warning("persistence: the database is unreachable (%s); writing again in %s s",
                            type(error).__name__, wait)
            await asyncio.sleep(wait)

    def _drop(self, scope: str, key: str) -> None:
        with self._db.session() as session:
            session.execute(
                delete(PersistedState).where(PersistedState.scope == scope, PersistedState.key == key)
            )
        self._written.pop((scope, key), None)

    async def update_conversation(self, name: str, key: ConversationKey, new_state: object | None) -> None:
        conversation_key = json.dumps(list(key))
        if new_state is None:
            await self._lasting(lambda: self._drop(_conversation(name), conversation_key))
        else:
            await self._lasting(lambda: self._write(_conversation(name), conversation_key, new_state))

    async def update_user_data(self, user_id: int, data: dict[str, Any]) -> None:
        await self._lasting(lambda: self._write_or_drop_empty(PersistedScope.USER, str(user_id), data))

    async def update_chat_data(self, chat_id: int, data: dict[str, Any]) -> None:
        await self._lasting(lambda: self._write_or_drop_empty(PersistedScope.CHAT, str(chat_id), data))

    async def update_bot_data(self, data: dict[str, Any]) -> None:
        await self._lasting(lambda: self._write_or_drop_empty(PersistedScope.BOT, _SINGLETON_KEY, data))

    async def update_callback_data(self, data: CDCData) -> None:
        return None

    def _write_or_drop_empty(self, scope: str, key: str, data: dict[str, Any]) -> None:
        # Empty data is not worth a row: strangers who only get a refusal leave nothing behind.
        if data:
            self._write(scope, key, data)
        elif (scope, key) in self._written:
            self._drop(scope, key)

    async def drop_chat_data(self, chat_id: int) -> None:
        await self._lasting(lambda: self._drop(PersistedScope.CHAT, str(chat_id)))

    async def drop_user_data(self, user_id: int) -> None:
        await self._lasting(lambda: self._drop(PersistedScope.USER, str(user_id)))

    async def refresh_user_data(self, user_id: int, user_data: dict[str, Any]) -> None:
        return None

    async def refresh_chat_data(self, chat_id: int, chat_data: dict[str, Any]) -> None:
        return None

    async def refresh_bot_data(self, bot_data: dict[str, Any]) -> None:
        return None

    async def flush(self) -> None:
        return None


def _conversation(name: str) -> str:
    return f"conversation:{name}"


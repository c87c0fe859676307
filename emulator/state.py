"""The emulator's in-memory world: bots, users, chats, messages, files, updates, events, stats.

Everything here is plain data touched from the emulator's single asyncio loop, so there are
no locks: Bot API handlers (methods.py) and control routes (control.py) mutate it between
awaits, and waiters (long polls, the control ``wait``) are woken through `Signal`.
"""

from __future__ import annotations

import asyncio
import itertools
import secrets
import time
from collections import Counter, deque
from dataclasses import dataclass, field
from typing import Any

HISTORY = 1000  # updates kept per bot for the control API's `updates` (what a test may deliver again)
DEFAULT_EXCLUDED_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})


class Signal:
    """Wakes every coroutine waiting right now; later waiters wait for the next `notify`."""

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def notify(self) -> None:
        self._event.set()
        self._event = asyncio.Event()

    async def wait(self, timeout: float | None) -> bool:
        event = self._event
        try:
            await asyncio.wait_for(event.wait(), timeout)
        except TimeoutError:
            return False
        return True


def now() -> int:
    return int(time.time())


@dataclass
class Person:
    """A Telegram user as the emulator knows them."""

    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = None
    is_bot: bool = False

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "is_bot": self.is_bot, "first_name": self.first_name}
        for key in ("last_name", "username", "language_code"):
            if getattr(self, key):
                data[key] = getattr(self, key)
        return data

    @property
    def display_name(self) -> str:
        return " ".join(p for p in (self.first_name, self.last_name) if p)


@dataclass
class StoredMessage:
    """A message in a chat: its Telegram JSON plus what only the emulator needs to remember."""

    message_id: int
    chat_id: int
    kind: str
    data: dict[str, Any]
    from_bot: bool
    raw_text: str | None = None
    markup: dict[str, Any] | None = None
    deleted: bool = False
    silent: bool = False
    file_name: str | None = None

    def view(self) -> dict[str, Any]:
        """The message as a user sees it (control ``messages`` endpoint)."""
        return {
            "message_id": self.message_id,
            "chat_id": self.chat_id,
            "kind": self.kind,
            "from": self.data.get("from"),
            "date": self.data.get("date"),
            "edit_date": self.data.get("edit_date"),
            "text": self.data.get("text"),
            "raw_text": self.raw_text,
            "caption": self.data.get("caption"),
            "entities": self.data.get("entities") or self.data.get("caption_entities") or [],
            "reply_markup": self.markup,
            "reply_to_message_id": (self.data.get("reply_to_message") or {}).get("message_id"),
            "file_name": self.file_name,
            "file_id": self.file_id,
            "silent": self.silent,
        }

    @property
    def file_id(self) -> str | None:
        """The file a photo (its largest size) or document message carries, for getFile; None for others."""
        if isinstance(self.data.get("document"), dict):
            return str(self.data["document"]["file_id"])
        sizes = self.data.get("photo")
        return str(sizes[-1]["file_id"]) if isinstance(sizes, list) and sizes else None


@dataclass
class Chat:
    """A chat seen from one bot: private chats with users, groups and supergroups."""

    id: int
    type: str
    title: str | None = None
    username: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    bot_status: str = "member"
    member_status: dict[int, str] = field(default_factory=dict)
    messages: dict[int, StoredMessage] = field(default_factory=dict)
    next_message_id: int = 1
    migrated_to: int | None = None  # a group upgraded to a supergroup: requests to it are refused with this id

    @property
    def is_group(self) -> bool:
        return self.type in ("group", "supergroup")

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "type": self.type}
        for key in ("title", "username", "first_name", "last_name"):
            if getattr(self, key):
                data[key] = getattr(self, key)
        return data

    def full_info(self) -> dict[str, Any]:
        gifts = {key: False for key in ("unlimited_gifts", "limited_gifts", "unique_gifts",
                                        "premium_subscription", "gifts_from_channels")}
        return {**self.to_json(), "accent_color_id": 0, "max_reaction_count": 11, "accepted_gift_types": gifts}

    def live(self, message_id: int) -> StoredMessage | None:
        message = self.messages.get(message_id)
        return None if message is None or message.deleted else message

    def add_message(self, sender: dict[str, Any], body: dict[str, Any], *, kind: str, from_bot: bool) -> StoredMessage:
        message_id = self.next_message_id
        self.next_message_id += 1
        data = {"message_id": message_id, "from": sender, "chat": self.to_json(), "date": now(), **body}
        message = StoredMessage(message_id, self.id, kind, data, from_bot)
        self.messages[message_id] = message
        return message


@dataclass
class StoredFile:
    """An uploaded file that getFile and the download route can serve."""

    file_id: str
    file_unique_id: str
    kind: str
    content: bytes
    file_path: str
    file_name: str | None = None
    mime_type: str | None = None
    width: int = 0
    height: int = 0

    def to_file(self) -> dict[str, Any]:
        return {"file_id": self.file_id, "file_unique_id": self.file_unique_id,
                "file_size": len(self.content), "file_path": self.file_path}

    def to_document(self) -> dict[str, Any]:
        data: dict[str, Any] = {"file_id": self.file_id, "file_unique_id": self.file_unique_id,
                                "file_size": len(self.content)}
        if self.file_name:
            data["file_name"] = self.file_name
        if self.mime_type:
            data["mime_type"] = self.mime_type
        return data


class FileStore:
    """Files by file_id and by file_path; ids are unique for the emulator's lifetime."""

    def __init__(self) -> None:
        self.by_id: dict[str, StoredFile] = {}
        self.by_path: dict[str, StoredFile] = {}
        self._counter = itertools.count(1)

    def add(self, kind: str, content: bytes, *, file_name: str | None = None, mime_type: str | None = None,
            width: int = 0, height: int = 0) -> StoredFile:
        number = next(self._counter)
        prefix = {"photo": "AgAC", "document": "BQAC"}.get(kind, "CQAC")
        folder = {"photo": "photos", "document": "documents"}.get(kind, "files")
        suffix = (file_name or "").rsplit(".", 1)[-1] if file_name and "." in file_name else (
            "jpg" if kind == "photo" else "bin")
        stored = StoredFile(
            file_id=f"{prefix}{number:06d}{secrets.token_urlsafe(12)}",
            file_unique_id=f"AQAD{number:06d}",
            kind=kind, content=content, file_path=f"{folder}/file_{number}.{suffix}",
            file_name=file_name, mime_type=mime_type, width=width, height=height,
        )
        self.by_id[stored.file_id] = stored
        self.by_path[stored.file_path] = stored
        return stored

    def alias(self, original: StoredFile, width: int, height: int) -> StoredFile:
        """Another size of a photo (the emulator does not resize; the bytes are shared)."""
        return self.add(original.kind, original.content, file_name=original.file_name,
                        mime_type=original.mime_type, width=width, height=height)

    def clear(self) -> None:
        self.by_id.clear()
        self.by_path.clear()


@dataclass
class Webhook:
    url: str
    secret_token: str | None = None
    max_connections: int = 40
    ip_address: str | None = None
    last_error_date: int | None = None
    last_error_message: str | None = None


@dataclass
class CallbackRecord:
    id: str
    chat_id: int
    message_id: int
    user_id: int
    answered: bool = False


@dataclass
class CommandMenu:
    scope: dict[str, Any]
    language_code: str
    commands: list[dict[str, str]]

    def to_json(self) -> dict[str, Any]:
        return {"scope": self.scope, "language_code": self.language_code, "commands": self.commands}


class Poll:
    """One getUpdates request in progress; a newer one terminates it."""

    def __init__(self) -> None:
        self.terminated = False


class BotState:
    """Everything one bot (token) sees: its chats, pending updates, webhook and command menus."""

    def __init__(self, bot_id: int, username: str, first_name: str) -> None:
        self.bot_id = bot_id
        self.username = username
        self.first_name = first_name
        self.token: str | None = None
        self.changed = Signal()
        self.active_poll: Poll | None = None
        self.webhook_task: asyncio.Task[None] | None = None
        self.clear()

    def clear(self) -> None:
        self.chats: dict[int, Chat] = {}
        self.started: set[int] = set()
        self.blocked: set[int] = set()
        self.pending: list[dict[str, Any]] = []
        self.history: deque[dict[str, Any]] = deque(maxlen=HISTORY)  # every update made, confirmed or not
        self.allowed_updates: list[str] | None = None
        self.webhook: Webhook | None = None
        self.commands: dict[tuple[str, str], CommandMenu] = {}
        self.menu_buttons: dict[int | None, dict[str, Any]] = {}  # chat id (None: the default) → MenuButton
        self.callbacks: dict[str, CallbackRecord] = {}
        self.changed.notify()

    def user_json(self) -> dict[str, Any]:
        return {"id": self.bot_id, "is_bot": True, "first_name": self.first_name, "username": self.username}

    def find_chat(self, chat_id: int | str) -> Chat | None:
        if isinstance(chat_id, str):
            name = chat_id.removeprefix("@").lower()
            return next((c for c in self.chats.values() if (c.username or "").lower() == name), None)
        return self.chats.get(chat_id)

    def accepts(self, update_type: str) -> bool:
        if not self.allowed_updates:
            return update_type not in DEFAULT_EXCLUDED_UPDATES
        return update_type in self.allowed_updates


@dataclass
class Stats:
    """Request counters for the control ``stats`` endpoint."""

    by_method: Counter[str] = field(default_factory=Counter)
    by_status: Counter[int] = field(default_factory=Counter)
    delivered: Counter[int] = field(default_factory=Counter)
    #: Calls a delay or timeout fault has held, by method: each had arrived whole (its parameters read)
    #: when the hold began, so a client killed from then on has still made the call.
    held: Counter[str] = field(default_factory=Counter)

    def to_json(self) -> dict[str, Any]:
        return {
            "requests": sum(self.by_method.values()),
            "by_method": dict(self.by_method),
            "by_status": {str(k): v for k, v in self.by_status.items()},
            "too_many_requests": self.by_status.get(429, 0),
            "delivered_per_chat": {str(k): v for k, v in self.delivered.items()},
            "held_by_method": dict(self.held),
        }


EVENT_FIELDS = ("seq", "token_bot_id", "method", "chat_id", "message_id", "text", "raw_text", "caption",
                "reply_markup", "kind", "callback_query_id", "file_name", "ts", "extra")


class EventLog:
    """Everything bots did, in order, with a global increasing ``seq`` that survives resets."""

    def __init__(self) -> None:
        self.seq = 0
        self._base = 0
        self._events: list[dict[str, Any]] = []
        self.signal = Signal()

    def append(self, **fields: Any) -> dict[str, Any]:
        self.seq += 1
        event = {name: fields.get(name) for name in EVENT_FIELDS}
        event.update(seq=self.seq, ts=time.time(), extra=fields.get("extra") or {})
        self._events.append(event)
        self.signal.notify()
        return event

    def after(self, seq: int, *, chat_id: int | None = None, kinds: set[str] | None = None,
              bot_id: int | None = None, callback_query_id: str | None = None,
              limit: int | None = None) -> list[dict[str, Any]]:
        start = max(0, seq - self._base)
        found: list[dict[str, Any]] = []
        for event in self._events[start:]:
            if chat_id is not None and event["chat_id"] != chat_id:
                continue
            if kinds and event["kind"] not in kinds:
                continue
            if bot_id is not None and event["token_bot_id"] != bot_id:
                continue
            if callback_query_id is not None and event["callback_query_id"] != callback_query_id:
                continue
            found.append(event)
            if limit is not None and len(found) >= limit:
                break
        return found

    def clear(self) -> None:
        self._base = self.seq
        self._events.clear()
        self.signal.notify()


class World:
    """The root of all emulator state."""

    def __init__(self, *, bot_username: str = "saima_test_bot", bot_first_name: str = "Saima") -> None:
        self.bot_username = bot_username
        self.bot_first_name = bot_first_name
        self.bots: dict[int, BotState] = {}
        self.users: dict[int, Person] = {}
        self.files = FileStore()
        self.log = EventLog()
        self.stats = Stats()
        self.closing = False
        self._closed = asyncio.Event()
        self._update_ids = itertools.count(1)
        self._callback_ids = itertools.count(1)

    def bot(self, bot_id: int, token: str | None = None) -> BotState:
        state = self.bots.get(bot_id)
        if state is None:
            state = self.bots[bot_id] = BotState(bot_id, self.bot_username, self.bot_first_name)
        if token is not None:
            state.token = token
        return state

    def pick_bot(self, bot_id: int | None) -> BotState:
        """The bot a control call addresses: the given one, else the first registered."""
        if bot_id is not None:
            return self.bot(int(bot_id))
        if not self.bots:
            raise LookupError("no bot has contacted the emulator yet (call getMe first, "
                              "or register one with POST /_control/bots)")
        return next(iter(self.bots.values()))

    def upsert_user(self, user_id: int, **fields: Any) -> Person:
        person = self.users.get(user_id)
        if person is None:
            person = self.users[user_id] = Person(user_id, fields.get("first_name") or f"User {user_id}")
        for key, value in fields.items():
            if value is not None:
                setattr(person, key, value)
        return person

    def enqueue(self, bot: BotState, update_type: str, payload: dict[str, Any]) -> int | None:
        """Queue an update for getUpdates / the webhook unless the bot filtered that type out."""
        if not bot.accepts(update_type):
            return None
        update_id = next(self._update_ids)
        bot.pending.append({"update_id": update_id, update_type: payload})
        bot.history.append(bot.pending[-1])
        bot.changed.notify()
        return update_id

    def new_callback_id(self, bot: BotState) -> str:
        return f"{bot.bot_id}{next(self._callback_ids):010d}"

    def reset(self) -> None:
        """Forget chats, users, files and events; keep bot identities so live pollers stay valid."""
        for bot in self.bots.values():
            bot.clear()
        self.users.clear()
        self.files.clear()
        self.log.clear()
        self.stats = Stats()

    async def sleep(self, seconds: float) -> None:
        """Sleep that ends early when the emulator stops."""
        try:
            await asyncio.wait_for(self._closed.wait(), seconds)
        except TimeoutError:
            pass

    def close(self) -> None:
        self.closing = True
        self._closed.set()
        self.log.signal.notify()
        for bot in self.bots.values():
            bot.changed.notify()

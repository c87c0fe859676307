"""A small user-simulation DSL over the control API, for tests that read like conversations.

    zhang = control.user(1001, "张三", language_code="zh-hans")
    reply = await zhang.send("/start abc")      # waits for the bot's answer
    reply = await zhang.press(reply, "确认")     # presses a button, waits for the edit or new message

Every user action and every bot event is recorded in the client's `Transcript`, which is shown
when an expected answer does not come.

How many answers to wait for (`expect`) decides what an action returns, and the overloads tell the
type checker: `expect=0` returns None, `expect=1` (the default) one `BotMessage`, a literal 2…9 a list;
an `expect` only known at run time returns `Reply`, for the caller to narrow.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, Union, overload

from emulator.markup import buttons as markup_buttons

if TYPE_CHECKING:
    from emulator.client import ControlClient

NEW_MESSAGE_KINDS = frozenset({"text", "photo", "document"})
REACTION_KINDS = NEW_MESSAGE_KINDS | {"edit_text", "edit_markup"}
Reply = Union["BotMessage", list["BotMessage"], None]
Several = Literal[2, 3, 4, 5, 6, 7, 8, 9]  # an `expect` that returns a list
ChatRef = Union["SimGroup", int, None]


@dataclass(frozen=True)
class BotMessage:
    """A bot message as of one event (or the chat's current state).

    `body` is the message's text as Telegram holds it: None for a photo or document, whose words are its
    `caption`. `text` is what a test reads: the same text, asserted to be there.
    """

    chat_id: int
    message_id: int
    kind: str
    body: str | None = None
    raw_text: str | None = None
    caption: str | None = None
    reply_markup: dict[str, Any] | None = None
    file_name: str | None = None
    seq: int = 0
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_event(cls, event: dict[str, Any]) -> BotMessage:
        return cls(chat_id=event["chat_id"], message_id=event["message_id"], kind=event["kind"],
                   body=event.get("text"), raw_text=event.get("raw_text"), caption=event.get("caption"),
                   reply_markup=event.get("reply_markup"), file_name=event.get("file_name"),
                   seq=event.get("seq", 0), extra=event.get("extra") or {})

    @classmethod
    def from_view(cls, view: dict[str, Any]) -> BotMessage:
        return cls(chat_id=view["chat_id"], message_id=view["message_id"], kind=view["kind"], body=view.get("text"),
                   raw_text=view.get("raw_text"), caption=view.get("caption"), reply_markup=view.get("reply_markup"),
                   file_name=view.get("file_name"))

    @property
    def text(self) -> str:
        """The message's text; a message without any (a photo, a document) fails the test here."""
        if self.body is None:
            caption = f", captioned {self.caption!r}" if self.caption else ""
            raise AssertionError(f"bot message {self.message_id} in chat {self.chat_id} is a {self.kind} "
                                 f"without text{caption}")
        return self.body

    @property
    def content(self) -> str:
        return self.body or self.caption or ""

    @property
    def buttons(self) -> list[list[tuple[str, str | None]]]:
        """Rows of (label, callback_data or url); reply-keyboard buttons carry None."""
        return markup_buttons(self.reply_markup)

    @property
    def labels(self) -> list[str]:
        return [label for row in self.buttons for label, _ in row]

    @property
    def is_inline_keyboard(self) -> bool:
        return bool(self.reply_markup and "inline_keyboard" in self.reply_markup)

    @property
    def callback_data(self) -> list[str]:
        rows = (self.reply_markup or {}).get("inline_keyboard", [])
        return [b["callback_data"] for row in rows for b in row if "callback_data" in b]

    def button(self, label: str) -> tuple[str, str | None]:
        """The button whose label is ``label``, else the only one containing it."""
        flat = [b for row in self.buttons for b in row]
        exact = [b for b in flat if b[0] == label]
        if exact:
            return exact[0]
        partial = [b for b in flat if label in b[0]]
        if len(partial) == 1:
            return partial[0]
        problem = "several buttons match" if partial else "no button matches"
        raise AssertionError(f"{problem} {label!r} on message {self.message_id}; buttons: {self.labels}")


@dataclass(frozen=True)
class CallbackAnswer:
    """What the bot answered to a button press (answerCallbackQuery)."""

    text: str | None
    show_alert: bool
    url: str | None


def _chat_fields(chat: ChatRef, default: int) -> dict[str, Any]:
    if isinstance(chat, SimGroup):
        return {"chat_id": chat.chat_id, "chat_type": chat.chat_type, "chat_title": chat.title}
    return {"chat_id": default if chat is None else chat}


def _shape(messages: list[BotMessage], expect: int) -> Reply:
    if expect == 0:
        return None
    return messages[-1] if expect == 1 else messages


@dataclass(eq=False)
class SimUser:
    """A simulated Telegram user talking to the bot."""

    control: ControlClient
    id: int
    first_name: str
    last_name: str | None = field(default=None, kw_only=True)
    username: str | None = field(default=None, kw_only=True)
    language_code: str | None = field(default=None, kw_only=True)
    cursor: int = field(default=0, init=False)  # the last bot event this user has seen
    last_callback_query_id: str | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        self.control.transcript.name_user(self.id, self.label)

    @property
    def name(self) -> str:
        return " ".join(p for p in (self.first_name, self.last_name) if p)

    @property
    def label(self) -> str:
        return f"{self.name} ({self.id})"

    def _profile(self) -> dict[str, Any]:
        return {"first_name": self.first_name, "last_name": self.last_name, "username": self.username,
                "language_code": self.language_code}

    async def register(self) -> None:
        """Make the user known to Telegram without starting the bot."""
        await self.control.register_user(self.id, **self._profile())

    @overload
    async def send(self, text: str, *, expect: Literal[1] = ..., timeout: float | None = ...,
                   chat: ChatRef = ..., reply_to: BotMessage | int | None = ...) -> BotMessage: ...
    @overload
    async def send(self, text: str, *, expect: Literal[0], timeout: float | None = ..., chat: ChatRef = ...,
                   reply_to: BotMessage | int | None = ...) -> None: ...
    @overload
    async def send(self, text: str, *, expect: Several, timeout: float | None = ..., chat: ChatRef = ...,
                   reply_to: BotMessage | int | None = ...) -> list[BotMessage]: ...
    @overload
    async def send(self, text: str, *, expect: int, timeout: float | None = ..., chat: ChatRef = ...,
                   reply_to: BotMessage | int | None = ...) -> Reply: ...

    async def send(self, text: str, *, expect: int = 1, timeout: float | None = None, chat: ChatRef = None,
                   reply_to: BotMessage | int | None = None) -> Reply:
        """Send a message; wait for ``expect`` new bot messages in that chat (the last one, or a list)."""
        where = _chat_fields(chat, self.id)
        reply_id = reply_to.message_id if isinstance(reply_to, BotMessage) else reply_to
        await self.control.settle()
        sent = await self.control.send(self.id, text, **self._profile(), **where, reply_to_message_id=reply_id)
        self.control.transcript.record_user(sent["seq"], self.id, text, where["chat_id"], _title(chat))
        return await self._expect(sent["seq"], where["chat_id"], expect, NEW_MESSAGE_KINDS, timeout)

    @overload
    async def send_file(self, kind: str, file_name: str, content: bytes, *, caption: str | None = ...,
                        mime_type: str | None = ..., expect: Literal[1] = ..., timeout: float | None = ...,
                        chat: ChatRef = ...) -> BotMessage: ...
    @overload
    async def send_file(self, kind: str, file_name: str, content: bytes, *, caption: str | None = ...,
                        mime_type: str | None = ..., expect: Literal[0], timeout: float | None = ...,
                        chat: ChatRef = ...) -> None: ...
    @overload
    async def send_file(self, kind: str, file_name: str, content: bytes, *, caption: str | None = ...,
                        mime_type: str | None = ..., expect: Several, timeout: float | None = ...,
                        chat: ChatRef = ...) -> list[BotMessage]: ...
    @overload
    async def send_file(self, kind: str, file_name: str, content: bytes, *, caption: str | None = ...,
                        mime_type: str | None = ..., expect: int, timeout: float | None = ...,
                        chat: ChatRef = ...) -> Reply: ...

    async def send_file(self, kind: str, file_name: str, content: bytes, *, caption: str | None = None,
                        mime_type: str | None = None, expect: int = 1, timeout: float | None = None,
                        chat: ChatRef = None) -> Reply:
        where = _chat_fields(chat, self.id)
        await self.control.settle()
        sent = await self.control.send_file(self.id, kind, file_name, content, caption=caption, mime_type=mime_type,
                                            chat_id=where["chat_id"], first_name=self.first_name)
        shown = f"[{kind} {file_name}]" + (f" {caption}" if caption else "")
        self.control.transcript.record_user(sent["seq"], self.id, shown, where["chat_id"], _title(chat))
        return await self._expect(sent["seq"], where["chat_id"], expect, NEW_MESSAGE_KINDS, timeout)

    @overload
    async def press(self, message: BotMessage | int, label: str, *, expect: Literal[1] = ...,
                    timeout: float | None = ..., chat: ChatRef = ...) -> BotMessage: ...
    @overload
    async def press(self, message: BotMessage | int, label: str, *, expect: Literal[0],
                    timeout: float | None = ..., chat: ChatRef = ...) -> None: ...
    @overload
    async def press(self, message: BotMessage | int, label: str, *, expect: Several,
                    timeout: float | None = ..., chat: ChatRef = ...) -> list[BotMessage]: ...
    @overload
    async def press(self, message: BotMessage | int, label: str, *, expect: int,
                    timeout: float | None = ..., chat: ChatRef = ...) -> Reply: ...

    async def press(self, message: BotMessage | int, label: str, *, expect: int = 1, timeout: float | None = None,
                    chat: ChatRef = None) -> Reply:
        """Press the button labelled ``label`` as the message shows it now; wait for the bot's reaction.

        Inline buttons send a callback query; reply-keyboard buttons send their label as a message.
        """
        chat_id, message_id = self._locate(message, chat)
        current = await self._current(chat_id, message_id)
        found_label, data = current.button(label)
        if not current.is_inline_keyboard:
            return await self.send(found_label, expect=expect, timeout=timeout, chat=chat or chat_id)
        if data is None or data not in current.callback_data:
            raise AssertionError(f"button {found_label!r} on message {message_id} is not a callback button")
        return await self._press(chat_id, message_id, data, f"[{found_label}]", expect, timeout)

    @overload
    async def press_data(self, message: BotMessage | int, data: str, *, expect: Literal[0] = ...,
                         timeout: float | None = ..., chat: ChatRef = ...) -> None: ...
    @overload
    async def press_data(self, message: BotMessage | int, data: str, *, expect: Literal[1],
                         timeout: float | None = ..., chat: ChatRef = ...) -> BotMessage: ...
    @overload
    async def press_data(self, message: BotMessage | int, data: str, *, expect: Several,
                         timeout: float | None = ..., chat: ChatRef = ...) -> list[BotMessage]: ...
    @overload
    async def press_data(self, message: BotMessage | int, data: str, *, expect: int,
                         timeout: float | None = ..., chat: ChatRef = ...) -> Reply: ...

    async def press_data(self, message: BotMessage | int, data: str, *, expect: int = 0,
                         timeout: float | None = None, chat: ChatRef = None) -> Reply:
        """Send raw callback data for a message, whether or not it has such a button."""
        chat_id, message_id = self._locate(message, chat)
        return await self._press(chat_id, message_id, data, f"[data: {data}]", expect, timeout)

    async def _press(self, chat_id: int, message_id: int, data: str, shown: str, expect: int,
                     timeout: float | None) -> Reply:
        await self.control.settle()
        pressed = await self.control.press(self.id, message_id, data, chat_id=chat_id)
        self.last_callback_query_id = pressed["callback_query_id"]
        self.control.transcript.record_user(pressed["seq"], self.id, shown, chat_id, None)
        return await self._expect(pressed["seq"], chat_id, expect, REACTION_KINDS, timeout)

    async def callback_answer(self, *, timeout: float | None = None) -> CallbackAnswer:
        """Wait for the bot's answerCallbackQuery to this user's last press."""
        if self.last_callback_query_id is None:
            raise AssertionError(f"{self.label} has not pressed any button")
        waited = await self.control.wait(0, kinds=["callback_answer"], callback_query_id=self.last_callback_query_id,
                                         timeout=timeout or self.control.default_timeout)
        await self.control.transcript.refresh()
        if waited["timed_out"]:
            raise AssertionError(f"the bot did not answer {self.label}'s button press\n"
                                 f"{self.control.transcript.render()}")
        event = waited["events"][0]
        return CallbackAnswer(event["text"], bool(event["extra"].get("show_alert")), event["extra"].get("url"))

    @overload
    async def receive(self, expect: Literal[1] = ..., *, timeout: float | None = ...,
                      chat: ChatRef = ...) -> BotMessage: ...
    @overload
    async def receive(self, expect: Literal[0], *, timeout: float | None = ..., chat: ChatRef = ...) -> None: ...
    @overload
    async def receive(self, expect: Several, *, timeout: float | None = ...,
                      chat: ChatRef = ...) -> list[BotMessage]: ...
    @overload
    async def receive(self, expect: int, *, timeout: float | None = ..., chat: ChatRef = ...) -> Reply: ...

    async def receive(self, expect: int = 1, *, timeout: float | None = None, chat: ChatRef = None) -> Reply:
        """Wait for bot messages this user has not seen yet (e.g. a scheduled nudge)."""
        chat_id = _chat_fields(chat, self.id)["chat_id"]
        await self.control.settle()
        return await self._expect(self.cursor, chat_id, expect, NEW_MESSAGE_KINDS, timeout)

    async def bot_messages(self, chat: ChatRef = None) -> list[BotMessage]:
        """The bot's messages as the chat shows them now (after edits and deletions)."""
        chat_id = _chat_fields(chat, self.id)["chat_id"]
        state = await self.control.messages(chat_id)
        return [BotMessage.from_view(view) for view in state["messages"] if (view["from"] or {}).get("is_bot")]

    async def block_bot(self) -> None:
        await self.control.block(self.id, True)

    async def unblock_bot(self) -> None:
        await self.control.block(self.id, False)

    def _locate(self, message: BotMessage | int, chat: ChatRef) -> tuple[int, int]:
        """(chat id, message id); a bare message id is looked up in ``chat`` or the private chat."""
        if isinstance(message, BotMessage):
            return message.chat_id, message.message_id
        return _chat_fields(chat, self.id)["chat_id"], message

    async def _current(self, chat_id: int, message_id: int) -> BotMessage:
        state = await self.control.messages(chat_id)
        for view in state["messages"]:
            if view["message_id"] == message_id:
                return BotMessage.from_view(view)
        raise AssertionError(f"message {message_id} is not visible in chat {chat_id} (deleted?)")

    async def _expect(self, after: int, chat_id: int, expect: int, kinds: frozenset[str],
                      timeout: float | None) -> Reply:
        if expect == 0:
            await self.control.transcript.refresh()
            return None
        limit = timeout if timeout is not None else self.control.default_timeout
        waited = await self.control.wait(after, chat_id=chat_id, count=expect, timeout=limit, kinds=kinds)
        await self.control.transcript.refresh()
        if waited["timed_out"]:
            raise AssertionError(
                f"{self.label} expected {expect} bot message(s) in chat {chat_id} within {limit:g} s, "
                f"got {len(waited['events'])}. Transcript so far:\n{self.control.transcript.render()}")
        messages = [BotMessage.from_event(e) for e in waited["events"]]
        self.cursor = max(self.cursor, messages[-1].seq)
        return _shape(messages, expect)


def _title(chat: ChatRef) -> str | None:
    return chat.title if isinstance(chat, SimGroup) else None


class SimGroup:
    """A simulated group chat; users talk in it with ``user.send(..., chat=group)``."""

    def __init__(self, control: ControlClient, chat_id: int, title: str, *, chat_type: str | None = None) -> None:
        self.control = control
        self.chat_id = chat_id
        self.title = title
        self.chat_type = chat_type or ("supergroup" if str(chat_id).startswith("-100") else "group")
        control.transcript.name_chat(chat_id, title)

    async def add_bot(self, by: SimUser) -> dict[str, Any]:
        added = await self.control.add_to_group(self.chat_id, self.title, by.id, chat_type=self.chat_type)
        self.control.transcript.record_user(added["seq"], by.id, "(added the bot to the group)", self.chat_id,
                                            self.title)
        return added

    async def remove_bot(self, by: SimUser) -> dict[str, Any]:
        removed = await self.control.remove_from_group(self.chat_id, by.id)
        self.control.transcript.record_user(removed["seq"], by.id, "(removed the bot)", self.chat_id, self.title)
        return removed

    async def upgrade(self, by: SimUser, supergroup_id: int, *, announce: bool = True) -> SimGroup:
        """Telegram upgrades this group to a supergroup (``announce`` false: the bot never hears of it); the
        supergroup, where the group's members talk from now on."""
        upgraded = await self.control.upgrade_group(self.chat_id, supergroup_id, by.id, announce=announce)
        self.control.transcript.record_user(upgraded["seq"], by.id, f"(the group became supergroup {supergroup_id})",
                                            self.chat_id, self.title)
        return SimGroup(self.control, supergroup_id, self.title, chat_type="supergroup")

    async def bot_messages(self) -> list[BotMessage]:
        state = await self.control.messages(self.chat_id)
        return [BotMessage.from_view(view) for view in state["messages"] if (view["from"] or {}).get("is_bot")]


@dataclass(order=True)
class _Entry:
    seq: int
    after_bot: int
    order: int
    line: str = field(compare=False)


class Transcript:
    """User actions and bot events in the order they happened, rendered for humans."""

    def __init__(self, control: ControlClient, *, bot_name: str = "Saima") -> None:
        self.control = control
        self.bot_name = bot_name
        self.cursor = 0
        self._entries: list[_Entry] = []
        self._seen: set[int] = set()
        self._users: dict[int, str] = {}
        self._chats: dict[int, str] = {}
        self._order = 0

    def name_user(self, user_id: int, label: str) -> None:
        self._users[user_id] = label

    def name_chat(self, chat_id: int, title: str) -> None:
        self._chats[chat_id] = title

    def record_user(self, seq: int, user_id: int, shown: str, chat_id: int, title: str | None) -> None:
        if title:
            self._chats[chat_id] = title
        speaker = self._users.get(user_id, str(user_id))
        self._add(seq, 1, self._lines(f"{self._prefix(chat_id)}{speaker} › ", shown))

    def record_events(self, events: list[dict[str, Any]]) -> None:
        for event in events:
            if event["seq"] in self._seen:
                continue
            self._seen.add(event["seq"])
            self.cursor = max(self.cursor, event["seq"])
            line = self._render_event(event)
            if line is not None:
                self._add(event["seq"], 0, line)

    async def refresh(self) -> None:
        """Fetch every bot event since the last refresh."""
        fetched = await self.control.events(self.cursor)
        self.record_events(fetched["events"])

    def render(self) -> str:
        return "\n".join(entry.line for entry in sorted(self._entries))

    def __str__(self) -> str:
        return self.render()

    def _add(self, seq: int, after_bot: int, line: str) -> None:
        self._order += 1
        self._entries.append(_Entry(seq, after_bot, self._order, line))

    def _prefix(self, chat_id: int | None) -> str:
        """Group chats are marked; private chats are implied by who speaks."""
        if chat_id is not None and chat_id < 0:
            return f"[{self._chats.get(chat_id, chat_id)}] "
        return ""

    def _bot_label(self, event: dict[str, Any], note: str = "") -> str:
        chat_id = event["chat_id"]
        to = f" → {self._users.get(chat_id, chat_id)}" if chat_id and chat_id > 0 and len(self._users) > 1 else ""
        return f"{self.bot_name}{note}{to} › "

    def _render_event(self, event: dict[str, Any]) -> str | None:
        kind, prefix = event["kind"], self._prefix(event["chat_id"])
        if kind == "chat_action":
            return None
        if kind == "delete":
            return f"{prefix}{self.bot_name} (deleted message {event['message_id']})"
        if kind == "callback_answer":
            note = " (alert)" if event["extra"].get("show_alert") else " (answer)"
            return self._lines(prefix + self._bot_label(event, note), event["text"] or "✓")
        note = " (edited)" if kind in ("edit_text", "edit_markup") else ""
        body = event["text"] or ""
        if kind in ("photo", "document"):
            name = f" {event['file_name']}" if event.get("file_name") and kind == "document" else ""
            body = f"[{kind}{name}]" + (f" {event['caption']}" if event.get("caption") else "")
        elif event.get("caption") and not body:
            body = event["caption"]
        markup = event.get("reply_markup") or {}
        if kind == "edit_markup" and not markup:
            body = f"{body}\n(keyboard removed)"
        keyboard_mark = "" if "inline_keyboard" in markup else "⌨ "
        button_lines = [keyboard_mark + " ".join(f"[{label}]" for label, _ in row) for row in markup_buttons(markup)]
        return self._lines(prefix + self._bot_label(event, note), "\n".join([body, *button_lines]))

    @staticmethod
    def _lines(head: str, body: str) -> str:
        """First line after the speaker; continuation lines aligned under it."""
        pad = " " * _width(head)
        lines = body.split("\n")
        return "\n".join([head + lines[0], *(pad + line for line in lines[1:])])


def _width(text: str) -> int:
    """Display width, counting CJK characters as two columns."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)

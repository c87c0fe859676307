"""The control API under ``/_control``: simulated users act, tests observe and steer.

Users send messages, press buttons, upload files and add the bot to groups (each becomes an
Update for the bot); observers read the event log, long-poll for new events, and inspect chats,
command menus and stats; tests inject faults, block users and switch flood limits on.
All bodies are JSON; errors are ``{"ok": false, "error": "..."}`` with status 400.
"""

from __future__ import annotations

import base64
import binascii
import json
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from aiohttp import web

from emulator import media
from emulator.errors import ApiError
from emulator.formatting import format_text
from emulator.methods import member_extras, method_names
from emulator.state import BotState, CallbackRecord, Chat, Person, now

if TYPE_CHECKING:
    from emulator.server import Emulator

ControlHandler = Callable[[dict[str, Any]], Awaitable[dict[str, Any]]]


class ControlError(Exception):
    """A bad control request (answered with status 400)."""


def _ok(body: Any) -> web.Response:
    return web.Response(text=json.dumps(body, ensure_ascii=False), content_type="application/json")


def _int(body: dict[str, Any], key: str, default: int | None = None) -> int:
    value = body.get(key, default)
    if value is None or value == "":
        if default is None:
            raise ControlError(f"{key} is required")
        return default
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ControlError(f"{key} must be an integer") from None


def _optional_int(body: dict[str, Any], key: str) -> int | None:
    return _int(body, key) if body.get(key) not in (None, "") else None


def _kinds(value: Any) -> set[str] | None:
    if not value:
        return None
    return set(value.split(",")) if isinstance(value, str) else set(value)


def _group_type(chat_id: int, requested: str | None) -> str:
    if requested:
        return requested
    return "supergroup" if str(chat_id).startswith("-100") else "group"


class ControlRoutes:
    """Binds the control endpoints to one `Emulator`."""

    def __init__(self, emulator: Emulator) -> None:
        self.emulator = emulator
        self.world = emulator.world

    def register(self, router: web.UrlDispatcher) -> None:
        routes: list[tuple[str, str, ControlHandler]] = [
            ("GET", "health", self.health), ("GET", "bots", self.list_bots), ("POST", "bots", self.register_bot),
            ("POST", "users", self.register_user), ("POST", "send", self.send), ("POST", "press", self.press),
            ("POST", "send_file", self.send_file), ("POST", "add_to_group", self.add_to_group),
            ("POST", "remove_from_group", self.remove_from_group), ("POST", "chat_member", self.chat_member),
            ("POST", "upgrade_group", self.upgrade_group),
            ("GET", "events", self.events), ("POST", "wait", self.wait), ("GET", "messages", self.messages),
            ("GET", "commands", self.commands), ("GET", "faults", self.list_faults),
            ("POST", "faults", self.add_fault), ("DELETE", "faults", self.clear_faults),
            ("POST", "block", self.block), ("GET", "flood", self.get_flood), ("POST", "flood", self.set_flood),
            ("GET", "stats", self.stats), ("POST", "reset", self.reset), ("GET", "updates", self.updates),
        ]
        for verb, path, handler in routes:
            router.add_route(verb, f"/_control/{path}", self._wrap(handler))

    @staticmethod
    def _wrap(handler: ControlHandler) -> Callable[[web.Request], Awaitable[web.Response]]:
        async def route(request: web.Request) -> web.Response:
            try:
                body: dict[str, Any] = dict(request.query)
                if request.can_read_body:
                    payload = await request.json()
                    if not isinstance(payload, dict):
                        raise ControlError("the body must be a JSON object")
                    body.update(payload)
                return _ok(await handler(body))
            except (ControlError, LookupError, ValueError, ApiError) as error:
                message = error.description if isinstance(error, ApiError) else str(error)
                return web.Response(text=json.dumps({"ok": False, "error": message}, ensure_ascii=False),
                                    status=400, content_type="application/json")
        return route

    def _bot(self, body: dict[str, Any]) -> BotState:
        return self.world.pick_bot(_optional_int(body, "bot_id"))

    def _person(self, body: dict[str, Any], key: str = "user_id") -> Person:
        fields = {k: body.get(k) for k in ("first_name", "last_name", "username", "language_code")}
        return self.world.upsert_user(_int(body, key), **fields)

    # --- bots and users -------------------------------------------------------------------

    async def health(self, body: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, "bots": sorted(self.world.bots), "seq": self.world.log.seq, "methods": method_names()}

    async def list_bots(self, body: dict[str, Any]) -> dict[str, Any]:
        return {"bots": [{**bot.user_json(), "webhook": bool(bot.webhook), "pending_update_count": len(bot.pending),
                          "polling": bot.active_poll is not None} for bot in self.world.bots.values()]}

    async def register_bot(self, body: dict[str, Any]) -> dict[str, Any]:
        bot = self.world.bot(_int(body, "bot_id"))
        bot.username = body.get("username") or bot.username
        bot.first_name = body.get("first_name") or bot.first_name
        return bot.user_json()

    async def register_user(self, body: dict[str, Any]) -> dict[str, Any]:
        """Make a user known to Telegram without them having started the bot."""
        return self._person(body).to_json()

    async def block(self, body: dict[str, Any]) -> dict[str, Any]:
        bot, person = self._bot(body), self._person(body)
        if body.get("blocked", True):
            bot.blocked.add(person.id)
        else:
            bot.blocked.discard(person.id)
        return {"user_id": person.id, "blocked": person.id in bot.blocked}

    # --- users acting -----------------------------------------------------------------------

    def _chat_for(self, bot: BotState, person: Person, body: dict[str, Any]) -> Chat:
        """The chat a user writes in: their private chat (which starts the bot) or a group."""
        chat_id = _int(body, "chat_id", person.id)
        if chat_id == person.id:
            chat = bot.chats.get(chat_id)
            if chat is None:
                chat = bot.chats[chat_id] = Chat(chat_id, "private")
            chat.first_name, chat.last_name, chat.username = person.first_name, person.last_name, person.username
            bot.started.add(person.id)
            bot.blocked.discard(person.id)
            return chat
        if chat_id > 0:
            raise ControlError("a positive chat_id must be the user's own private chat")
        chat = self._group(bot, chat_id, body.get("chat_title"), body.get("chat_type"))
        if chat.bot_status != "member":
            raise ControlError(f"the bot is not a member of chat {chat_id}; add it with add_to_group")
        chat.member_status.setdefault(person.id, "member")
        return chat

    def _group(self, bot: BotState, chat_id: int, title: str | None, chat_type: str | None) -> Chat:
        chat = bot.chats.get(chat_id)
        if chat is None:
            chat = bot.chats[chat_id] = Chat(chat_id, _group_type(chat_id, chat_type), title=title or f"Group {chat_id}")
        elif title:
            chat.title = title
        return chat

    async def send(self, body: dict[str, Any]) -> dict[str, Any]:
        bot, person = self._bot(body), self._person(body)
        text = str(body.get("text") or "")
        if not text.strip():
            raise ControlError("text is required")
        chat = self._chat_for(bot, person, body)
        formatted = format_text(text, None)
        content: dict[str, Any] = {"text": formatted.text}
        if formatted.entities:
            content["entities"] = formatted.entities
        reply_id = _optional_int(body, "reply_to_message_id")
        if reply_id is not None and chat.live(reply_id) is not None:
            content["reply_to_message"] = chat.messages[reply_id].data
        message = chat.add_message(person.to_json(), content, kind="text", from_bot=False)
        message.raw_text = text
        update_id = self.world.enqueue(bot, "message", message.data)
        return {"update_id": update_id, "message_id": message.message_id, "chat_id": chat.id, "seq": self.world.log.seq}

    async def press(self, body: dict[str, Any]) -> dict[str, Any]:
        bot, person = self._bot(body), self._person(body)
        chat = bot.chats.get(_int(body, "chat_id", person.id))
        if chat is None:
            raise ControlError("unknown chat: the user must have talked in it first")
        message_id = _int(body, "message_id")
        message = chat.live(message_id)
        shown = message.data if message else {"chat": chat.to_json(), "message_id": message_id, "date": 0}
        query_id = self.world.new_callback_id(bot)
        bot.callbacks[query_id] = CallbackRecord(query_id, chat.id, message_id, person.id)
        payload = {"id": query_id, "from": person.to_json(), "message": shown,
                   "chat_instance": str(abs(hash((bot.bot_id, chat.id)))), "data": str(body.get("data", ""))}
        update_id = self.world.enqueue(bot, "callback_query", payload)
        return {"update_id": update_id, "callback_query_id": query_id, "seq": self.world.log.seq}

    async def send_file(self, body: dict[str, Any]) -> dict[str, Any]:
        bot, person = self._bot(body), self._person(body)
        kind = body.get("kind")
        if kind not in ("photo", "document"):
            raise ControlError('kind must be "photo" or "document"')
        try:
            content = base64.b64decode(body.get("content_base64") or "", validate=True)
        except binascii.Error:
            raise ControlError("content_base64 is not valid base64") from None
        stored = media.store_upload(self.world.files, kind, content, file_name=body.get("file_name"),
                                    mime_type=body.get("mime_type"))
        chat = self._chat_for(bot, person, body)
        content_json: dict[str, Any] = (
            {"photo": media.photo_sizes(self.world.files, stored)} if kind == "photo"
            else {"document": stored.to_document()})
        if body.get("caption"):
            caption = format_text(str(body["caption"]), None)
            content_json["caption"] = caption.text
            if caption.entities:
                content_json["caption_entities"] = caption.entities
        message = chat.add_message(person.to_json(), content_json, kind=kind, from_bot=False)
        message.file_name = stored.file_name
        update_id = self.world.enqueue(bot, "message", message.data)
        return {"update_id": update_id, "message_id": message.message_id, "file_id": stored.file_id,
                "seq": self.world.log.seq}

    async def add_to_group(self, body: dict[str, Any]) -> dict[str, Any]:
        bot, person = self._bot(body), self._person(body, "by_user_id")
        chat_id = _int(body, "chat_id")
        if chat_id >= 0:
            raise ControlError("group chat ids are negative")
        existed = chat_id in bot.chats
        chat = self._group(bot, chat_id, body.get("title"), body.get("chat_type"))
        old_status = chat.bot_status if existed else "left"
        chat.bot_status = "member"
        chat.member_status.setdefault(person.id, "member")
        update_ids = [self._member_update(bot, chat, person, old_status, "member")]
        service = chat.add_message(person.to_json(), {"new_chat_members": [bot.user_json()]}, kind="service",
                                   from_bot=False)
        update_ids.append(self.world.enqueue(bot, "message", service.data))
        return {"update_ids": update_ids, "message_id": service.message_id, "seq": self.world.log.seq}

    async def remove_from_group(self, body: dict[str, Any]) -> dict[str, Any]:
        bot, person = self._bot(body), self._person(body, "by_user_id")
        chat = bot.chats.get(_int(body, "chat_id"))
        if chat is None or not chat.is_group:
            raise ControlError("unknown group chat")
        old_status, chat.bot_status = chat.bot_status, "kicked"
        update_id = self._member_update(bot, chat, person, old_status, "kicked")
        return {"update_ids": [update_id], "seq": self.world.log.seq}

    async def upgrade_group(self, body: dict[str, Any]) -> dict[str, Any]:
        """Telegram upgrades a group to a supergroup (``supergroup_id``), as it does by itself when a group
        grows or a setting needs it: the supergroup has the group's title and members, the old chat says so
        with `migrate_to_chat_id` and the new one with `migrate_from_chat_id` (two service messages, sent
        by ``by_user_id``), and every request to the old chat is refused with the new id from then on.
        ``announce`` false: the two messages never reach the bot (updates older than a day are dropped)."""
        bot, person = self._bot(body), self._person(body, "by_user_id")
        chat = bot.chats.get(_int(body, "chat_id"))
        if chat is None or chat.type != "group" or chat.migrated_to is not None:
            raise ControlError("only a group (not yet upgraded) can become a supergroup")
        supergroup_id = _int(body, "supergroup_id")
        if supergroup_id in bot.chats or not str(supergroup_id).startswith("-100"):
            raise ControlError("supergroup_id must be a new id starting with -100")
        supergroup = bot.chats[supergroup_id] = Chat(supergroup_id, "supergroup", title=chat.title,
                                                     bot_status=chat.bot_status,
                                                     member_status=dict(chat.member_status))
        update_ids: list[int | None] = []
        left = chat.add_message(person.to_json(), {"migrate_to_chat_id": supergroup_id}, kind="service",
                                from_bot=False)
        arrived = supergroup.add_message(person.to_json(), {"migrate_from_chat_id": chat.id}, kind="service",
                                         from_bot=False)
        chat.migrated_to = supergroup_id
        if body.get("announce", True):
            update_ids = [self.world.enqueue(bot, "message", left.data),
                          self.world.enqueue(bot, "message", arrived.data)]
        return {"update_ids": update_ids, "chat_id": supergroup_id, "seq": self.world.log.seq}

    def _member_update(self, bot: BotState, chat: Chat, person: Person, old: str, new: str) -> int | None:
        payload = {
            "chat": chat.to_json(), "from": person.to_json(), "date": now(),
            "old_chat_member": {"user": bot.user_json(), "status": old, **member_extras(old)},
            "new_chat_member": {"user": bot.user_json(), "status": new, **member_extras(new)},
        }
        return self.world.enqueue(bot, "my_chat_member", payload)

    async def chat_member(self, body: dict[str, Any]) -> dict[str, Any]:
        bot, person = self._bot(body), self._person(body)
        chat = bot.chats.get(_int(body, "chat_id"))
        if chat is None:
            raise ControlError("unknown chat")
        chat.member_status[person.id] = str(body.get("status") or "member")
        return {"chat_id": chat.id, "user_id": person.id, "status": chat.member_status[person.id]}

    # --- observing ----------------------------------------------------------------------------

    @staticmethod
    def _filters(body: dict[str, Any]) -> dict[str, Any]:
        return {"chat_id": _optional_int(body, "chat_id"), "kinds": _kinds(body.get("kinds")),
                "bot_id": _optional_int(body, "bot_id"), "callback_query_id": body.get("callback_query_id")}

    async def events(self, body: dict[str, Any]) -> dict[str, Any]:
        found = self.world.log.after(_int(body, "after", 0), **self._filters(body),
                                     limit=_optional_int(body, "limit"))
        return {"events": found, "seq": self.world.log.seq}

    async def wait(self, body: dict[str, Any]) -> dict[str, Any]:
        """Long-poll until ``count`` matching events exist after ``after`` (or ``timeout`` passes)."""
        log = self.world.log
        after, count = _int(body, "after", 0), _int(body, "count", 1)
        filters = self._filters(body)
        deadline = time.monotonic() + float(body.get("timeout", 10))
        found = log.after(after, **filters, limit=count)
        while len(found) < count and not self.world.closing:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            await log.signal.wait(remaining)
            found = log.after(after, **filters, limit=count)
        return {"events": found, "timed_out": len(found) < count, "seq": log.seq}

    async def messages(self, body: dict[str, Any]) -> dict[str, Any]:
        bot = self._bot(body)
        chat = bot.chats.get(_int(body, "chat_id"))
        if chat is None:
            return {"chat": None, "messages": []}
        visible = [m.view() for m in chat.messages.values() if not m.deleted]
        return {"chat": chat.to_json(), "bot_status": chat.bot_status, "messages": visible}

    async def commands(self, body: dict[str, Any]) -> dict[str, Any]:
        bot = self._bot(body)
        result: dict[str, Any] = {"bot_id": bot.bot_id, "menus": [m.to_json() for m in bot.commands.values()]}
        chat_id = _optional_int(body, "chat_id")
        if chat_id is not None:
            result["effective"] = self._effective_commands(bot, chat_id, _optional_int(body, "user_id"),
                                                           str(body.get("language_code") or ""))
        return result

    def _effective_commands(self, bot: BotState, chat_id: int, user_id: int | None, language: str) -> list[Any]:
        """The menu a user sees, following Telegram's scope fallback order."""
        chat = bot.chats.get(chat_id)
        if chat_id > 0 or (chat is not None and chat.type == "private"):
            keys = [f"chat:{chat_id}", "all_private_chats", "default"]
        else:
            is_admin = chat is not None and user_id is not None and \
                chat.member_status.get(user_id) in ("administrator", "creator")
            keys = [f"chat_member:{chat_id}:{user_id}"]
            keys += [f"chat_administrators:{chat_id}"] if is_admin else []
            keys += [f"chat:{chat_id}"]
            keys += ["all_chat_administrators"] if is_admin else []
            keys += ["all_group_chats", "default"]
        languages = [language[:2].lower(), ""] if language else [""]
        for key in keys:
            for lang in languages:
                menu = bot.commands.get((key, lang))
                if menu is not None:
                    return menu.commands
        return []

    async def stats(self, body: dict[str, Any]) -> dict[str, Any]:
        return self.world.stats.to_json()

    # --- steering -----------------------------------------------------------------------------

    async def list_faults(self, body: dict[str, Any]) -> dict[str, Any]:
        return {"rules": [rule.to_json() for rule in self.emulator.faults.rules]}

    async def add_fault(self, body: dict[str, Any]) -> dict[str, Any]:
        rule = self.emulator.faults.add(body)
        return {"rule": rule.to_json(), "rules": len(self.emulator.faults.rules)}

    async def clear_faults(self, body: dict[str, Any]) -> dict[str, Any]:
        self.emulator.faults.clear()
        return {"rules": 0}

    async def get_flood(self, body: dict[str, Any]) -> dict[str, Any]:
        return self.emulator.flood.config.to_json()

    async def set_flood(self, body: dict[str, Any]) -> dict[str, Any]:
        settings = {k: body.get(k) for k in ("enabled", "global_per_second", "group_per_minute", "chat_per_second")}
        return self.emulator.flood.configure(**settings).to_json()

    async def updates(self, body: dict[str, Any]) -> dict[str, Any]:
        """The bot's latest updates as they were sent (the last 1,000, confirmed or not), newest last; with
        `update_id`, that one only: for a test that delivers an update again, as Telegram does when its
        confirmation or the webhook's answer did not arrive."""
        bot = self._bot(body)
        wanted = _optional_int(body, "update_id")
        return {"updates": [u for u in bot.history if wanted is None or u["update_id"] == wanted]}

    async def reset(self, body: dict[str, Any]) -> dict[str, Any]:
        self.emulator.reset()
        return {"ok": True, "seq": self.world.log.seq}

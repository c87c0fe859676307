"""Bot API method handlers: what each method does to the world and what it returns.

Each handler receives a `Call` (world, bot, decoded params) and returns the ``result`` value
or raises `ApiError`. Request plumbing (routing, faults, flood limits, stats) lives in server.py.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from emulator import media, updates
from emulator.errors import ApiError, bad_request, forbidden, upgraded
from emulator.formatting import MAX_CAPTION, MAX_TEXT, Formatted, format_text, utf16_len
from emulator.markup import check_web_app, inline_markup, parse_reply_markup
from emulator.params import Params
from emulator.state import BotState, Chat, CommandMenu, StoredMessage, World, now


@dataclass
class Call:
    world: World
    bot: BotState
    params: Params
    method: str
    webhook_retry_delay: float = 0.5


@dataclass
class Described:
    """A result that Telegram accompanies with a top-level ``description``."""

    result: Any
    description: str


Handler = Callable[[Call], Awaitable[Any]]
_REGISTRY: dict[str, tuple[str, Handler]] = {}
SEND_METHODS = frozenset({"sendMessage", "sendPhoto", "sendDocument"})


def bot_method(name: str) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        _REGISTRY[name.lower()] = (name, handler)
        return handler
    return register


def lookup(method: str) -> tuple[str, Handler] | None:
    """Telegram matches method names case-insensitively."""
    return _REGISTRY.get(method.lower())


def method_names() -> list[str]:
    return sorted(name for name, _ in _REGISTRY.values())


# --- chats and reachability ---------------------------------------------------------------

def _chat_kind(chat: Chat) -> str:
    return "supergroup chat" if chat.type == "supergroup" else "group chat"


def find_chat(call: Call) -> Chat:
    chat_id = call.params.chat_id()
    chat = call.bot.find_chat(chat_id)
    if isinstance(chat_id, int) and chat_id in call.bot.blocked:
        raise forbidden("bot was blocked by the user")
    if chat is None:
        if isinstance(chat_id, int) and chat_id > 0 and chat_id in call.world.users:
            raise forbidden("bot can't initiate conversation with a user")
        raise bad_request("chat not found")
    if chat.migrated_to is not None:
        raise upgraded(chat.migrated_to)
    return chat


def known_chat(call: Call) -> Chat:
    """The chat named by `chat_id`, blocked or not (for reading and deleting, which Telegram allows)."""
    chat = call.bot.find_chat(call.params.chat_id())
    if chat is None:
        raise bad_request("chat not found")
    if chat.migrated_to is not None:
        raise upgraded(chat.migrated_to)
    return chat


def target_chat(call: Call) -> Chat:
    """The chat a send goes to, refusing what Telegram refuses."""
    chat = find_chat(call)
    if chat.type == "private" and chat.id not in call.bot.started:
        raise forbidden("bot can't initiate conversation with a user")
    if chat.is_group and chat.bot_status == "kicked":
        raise forbidden(f"bot was kicked from the {_chat_kind(chat)}")
    if chat.is_group and chat.bot_status != "member":
        raise forbidden(f"bot is not a member of the {_chat_kind(chat)}")
    return chat


def flood_target(bot: BotState, params: Params) -> tuple[int, bool] | None:
    """(chat id, is group) for flood accounting, or None when the chat id is unusable."""
    try:
        chat_id = params.chat_id()
    except ApiError:
        return None
    chat = bot.find_chat(chat_id)
    if chat is not None:
        return chat.id, chat.is_group
    return (chat_id, chat_id < 0) if isinstance(chat_id, int) else None


# --- text, captions, replies --------------------------------------------------------------

def message_text(params: Params) -> tuple[Formatted, str]:
    raw = params.get_str("text")
    if raw is None or not raw.strip():
        raise bad_request("message text is empty")
    formatted = format_text(raw, params.get_str("parse_mode"), params.get_json("entities"))
    if not formatted.text.strip():
        raise bad_request("message text is empty")
    if utf16_len(formatted.text) > MAX_TEXT:
        raise bad_request("message is too long")
    return formatted, raw


def message_caption(params: Params) -> tuple[Formatted | None, str | None]:
    raw = params.get_str("caption")
    if not raw:
        return None, None
    formatted = format_text(raw, params.get_str("parse_mode"), params.get_json("caption_entities"))
    if utf16_len(formatted.text) > MAX_CAPTION:
        raise bad_request("message caption is too long")
    return formatted, raw


def text_body(formatted: Formatted | None, field: str = "text") -> dict[str, Any]:
    if formatted is None:
        return {}
    body: dict[str, Any] = {field: formatted.text}
    if formatted.entities:
        body["entities" if field == "text" else "caption_entities"] = formatted.entities
    return body


def reply_to(call: Call, chat: Chat) -> dict[str, Any]:
    params = call.params
    reply = params.get_json("reply_parameters")
    if reply is None and params.has("reply_to_message_id"):
        reply = {"message_id": params.get_int("reply_to_message_id"),
                 "allow_sending_without_reply": params.get_bool("allow_sending_without_reply")}
    if not reply:
        return {}
    if not isinstance(reply, dict) or "message_id" not in reply:
        raise bad_request("can't parse reply parameters JSON object")
    target = chat.live(int(reply["message_id"]))
    if target is None:
        if reply.get("allow_sending_without_reply"):
            return {}
        raise bad_request("message to be replied not found")
    quoted = {k: v for k, v in target.data.items() if k != "reply_to_message"}
    return {"reply_to_message": quoted}


# --- posting and logging ------------------------------------------------------------------

def post(call: Call, chat: Chat, kind: str, body: dict[str, Any], *, raw_text: str | None = None,
         file_name: str | None = None) -> StoredMessage:
    """Store a bot message, count it as delivered and log it."""
    params = call.params
    markup = parse_reply_markup(params.get_json("reply_markup"))
    body = {**body, **reply_to(call, chat)}
    if params.get_bool("protect_content"):
        body["has_protected_content"] = True
    message = chat.add_message(call.bot.user_json(), body, kind=kind, from_bot=True)
    if inline_markup(markup):
        message.data["reply_markup"] = markup
    message.raw_text, message.markup, message.file_name = raw_text, markup, file_name
    message.silent = params.get_bool("disable_notification")
    call.world.stats.delivered[chat.id] += 1
    log_message(call, kind, message)
    return message


def log_message(call: Call, kind: str, message: StoredMessage) -> None:
    extra: dict[str, Any] = {}
    if kind in ("text", "photo", "document"):
        reply = message.data.get("reply_to_message") or {}
        extra = {"disable_notification": message.silent, "reply_to_message_id": reply.get("message_id")}
    call.world.log.append(
        token_bot_id=call.bot.bot_id, method=call.method, kind=kind, chat_id=message.chat_id,
        message_id=message.message_id, text=message.data.get("text"), raw_text=message.raw_text,
        caption=message.data.get("caption"), reply_markup=message.markup, file_name=message.file_name,
        extra={k: v for k, v in extra.items() if v not in (None, False)},
    )


# --- identity, updates, webhooks ----------------------------------------------------------

@bot_method("getMe")
async def get_me(call: Call) -> dict[str, Any]:
    return {**call.bot.user_json(), "can_join_groups": True, "can_read_all_group_messages": False,
            "supports_inline_queries": False, "can_connect_to_business": False, "has_main_web_app": False}


@bot_method("getUpdates")
async def get_updates(call: Call) -> list[dict[str, Any]]:
    return await updates.get_updates(call.world, call.bot, call.params)


@bot_method("setWebhook")
async def set_webhook(call: Call) -> Described:
    updates.set_webhook(call.world, call.bot, call.params, retry_delay=call.webhook_retry_delay)
    return Described(True, "Webhook was set" if call.bot.webhook else "Webhook is already deleted")


@bot_method("deleteWebhook")
async def delete_webhook(call: Call) -> Described:
    existed = updates.delete_webhook(call.bot, drop_pending=call.params.get_bool("drop_pending_updates"))
    return Described(True, "Webhook was deleted" if existed else "Webhook is already deleted")


@bot_method("getWebhookInfo")
async def get_webhook_info(call: Call) -> dict[str, Any]:
    return updates.webhook_info(call.bot)


@bot_method("close")
async def close(call: Call) -> bool:
    return True


@bot_method("logOut")
async def log_out(call: Call) -> bool:
    return True


# --- sending ------------------------------------------------------------------------------

@bot_method("sendMessage")
async def send_message(call: Call) -> dict[str, Any]:
    formatted, raw = message_text(call.params)
    chat = target_chat(call)
    return post(call, chat, "text", text_body(formatted), raw_text=raw).data


@bot_method("sendPhoto")
async def send_photo(call: Call) -> dict[str, Any]:
    caption, raw = message_caption(call.params)
    chat = target_chat(call)
    photo = media.resolve_input(call.world.files, "photo", call.params.input_file("photo"))
    body = {"photo": media.photo_sizes(call.world.files, photo), **text_body(caption, "caption")}
    return post(call, chat, "photo", body, raw_text=raw, file_name=photo.file_name).data


@bot_method("sendDocument")
async def send_document(call: Call) -> dict[str, Any]:
    caption, raw = message_caption(call.params)
    chat = target_chat(call)
    document = media.resolve_input(call.world.files, "document", call.params.input_file("document"))
    body = {"document": document.to_document(), **text_body(caption, "caption")}
    return post(call, chat, "document", body, raw_text=raw, file_name=document.file_name).data


CHAT_ACTIONS = frozenset({"typing", "upload_photo", "record_video", "upload_video", "record_voice", "upload_voice",
                          "upload_document", "choose_sticker", "find_location", "record_video_note",
                          "upload_video_note"})


@bot_method("sendChatAction")
async def send_chat_action(call: Call) -> bool:
    action = call.params.get_str("action") or ""
    if action not in CHAT_ACTIONS:
        raise bad_request("wrong parameter action in request")
    chat = target_chat(call)
    call.world.log.append(token_bot_id=call.bot.bot_id, method=call.method, kind="chat_action", chat_id=chat.id,
                          text=action, extra={"action": action})
    return True


# --- editing and deleting -----------------------------------------------------------------

def editable(call: Call) -> StoredMessage:
    if call.params.has("inline_message_id") and not call.params.has("chat_id"):
        raise bad_request("message to edit not found")
    chat = find_chat(call)
    message_id = call.params.get_int("message_id")
    message = chat.live(message_id) if message_id is not None else None
    if message is None:
        raise bad_request("message to edit not found")
    if not message.from_bot:
        raise bad_request("message can't be edited")
    return message


def _not_modified() -> ApiError:
    return bad_request("message is not modified: specified new message content and reply markup are exactly the "
                       "same as a current content and reply markup of the message")


def apply_edit(call: Call, message: StoredMessage, kind: str, changes: dict[str, Any],
               markup: dict[str, Any] | None, raw_text: str | None) -> dict[str, Any]:
    """Replace fields (None removes one), refusing an edit that changes nothing."""
    data = message.data
    unchanged = all(data.get(k) == v for k, v in changes.items()) and data.get("reply_markup") == markup
    if unchanged:
        raise _not_modified()
    for key, value in {**changes, "reply_markup": markup}.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    data["edit_date"] = now()
    message.markup = markup
    if raw_text is not None:
        message.raw_text = raw_text
    log_message(call, kind, message)
    return data


def _edit_markup(call: Call) -> dict[str, Any] | None:
    return parse_reply_markup(call.params.get_json("reply_markup"), inline_only=True)


@bot_method("editMessageText")
async def edit_message_text(call: Call) -> dict[str, Any]:
    formatted, raw = message_text(call.params)
    message = editable(call)
    if message.kind != "text":
        raise bad_request("there is no text in the message to edit")
    changes = {"text": formatted.text, "entities": formatted.entities or None}
    return apply_edit(call, message, "edit_text", changes, _edit_markup(call), raw)


@bot_method("editMessageCaption")
async def edit_message_caption(call: Call) -> dict[str, Any]:
    caption, raw = message_caption(call.params)
    message = editable(call)
    if message.kind not in ("photo", "document"):
        raise bad_request("there is no caption in the message to edit")
    changes = {"caption": caption.text if caption else None,
               "caption_entities": (caption.entities or None) if caption else None}
    return apply_edit(call, message, "edit_text", changes, _edit_markup(call), raw)


@bot_method("editMessageReplyMarkup")
async def edit_message_reply_markup(call: Call) -> dict[str, Any]:
    message = editable(call)
    return apply_edit(call, message, "edit_markup", {}, _edit_markup(call), None)


def _delete(call: Call, chat: Chat, message_id: int | None) -> bool:
    message = chat.live(message_id) if message_id is not None else None
    if message is None:
        return False
    message.deleted = True
    call.world.log.append(token_bot_id=call.bot.bot_id, method=call.method, kind="delete", chat_id=chat.id,
                          message_id=message.message_id, text=message.data.get("text"),
                          caption=message.data.get("caption"))
    return True


@bot_method("deleteMessage")
async def delete_message(call: Call) -> bool:
    chat = known_chat(call)
    if not _delete(call, chat, call.params.get_int("message_id")):
        raise bad_request("message to delete not found")
    return True


@bot_method("deleteMessages")
async def delete_messages(call: Call) -> bool:
    chat = known_chat(call)
    ids = call.params.get_json("message_ids")
    if not isinstance(ids, list) or not 1 <= len(ids) <= 100:
        raise bad_request("message_ids must be a list of 1-100 message identifiers")
    for message_id in ids:
        _delete(call, chat, int(message_id))
    return True


@bot_method("answerCallbackQuery")
async def answer_callback_query(call: Call) -> bool:
    query_id = call.params.get_str("callback_query_id") or ""
    record = call.bot.callbacks.get(query_id)
    if record is None or record.answered:
        raise bad_request("query is too old and response timeout expired or query ID is invalid")
    text = call.params.get_str("text")
    if text is not None and utf16_len(text) > 200:
        raise bad_request("MESSAGE_TOO_LONG")
    record.answered = True
    extra = {"show_alert": call.params.get_bool("show_alert"), "url": call.params.get_str("url"),
             "cache_time": call.params.get_int("cache_time")}
    call.world.log.append(token_bot_id=call.bot.bot_id, method=call.method, kind="callback_answer",
                          chat_id=record.chat_id, message_id=record.message_id, text=text,
                          callback_query_id=query_id, extra={k: v for k, v in extra.items() if v})
    return True


# --- files, chats, members ----------------------------------------------------------------

@bot_method("getFile")
async def get_file(call: Call) -> dict[str, Any]:
    stored = call.world.files.by_id.get(call.params.get_str("file_id") or "")
    if stored is None:
        raise bad_request("invalid file_id")
    if len(stored.content) > media.MAX_DOWNLOAD_BYTES:
        raise bad_request("file is too big")
    return stored.to_file()


@bot_method("getChat")
async def get_chat(call: Call) -> dict[str, Any]:
    return known_chat(call).full_info()


@bot_method("getChatMember")
async def get_chat_member(call: Call) -> dict[str, Any]:
    chat = known_chat(call)
    user_id = call.params.get_int("user_id")
    if user_id == call.bot.bot_id:
        return {"status": chat.bot_status, "user": call.bot.user_json(), **member_extras(chat.bot_status)}
    person = call.world.users.get(user_id or 0)
    if person is None:
        raise bad_request("PARTICIPANT_ID_INVALID")
    status = "member" if chat.type == "private" else chat.member_status.get(person.id, "left")
    return {"status": status, "user": person.to_json(), **member_extras(status)}


def member_extras(status: str) -> dict[str, Any]:
    if status == "kicked":
        return {"until_date": 0}
    if status == "administrator":
        rights = ("can_be_edited", "is_anonymous", "can_manage_chat", "can_delete_messages",
                  "can_manage_video_chats", "can_restrict_members", "can_promote_members", "can_change_info",
                  "can_invite_users", "can_post_stories", "can_edit_stories", "can_delete_stories")
        return {right: right in ("can_manage_chat", "can_invite_users") for right in rights}
    return {}


@bot_method("leaveChat")
async def leave_chat(call: Call) -> bool:
    chat = call.bot.find_chat(call.params.chat_id())
    if chat is None or not chat.is_group:
        raise bad_request("chat not found")
    chat.bot_status = "left"
    return True


# --- command menus ------------------------------------------------------------------------

_COMMAND = re.compile(r"[a-z0-9_]{1,32}")
_LANGUAGE = re.compile(r"[a-z]{2}")


def command_scope(call: Call) -> tuple[str, dict[str, Any]]:
    """A stable key for a BotCommandScope and its normalized JSON."""
    scope = call.params.get_json("scope") or {"type": "default"}
    if not isinstance(scope, dict):
        raise bad_request("can't parse BotCommandScope JSON object")
    kind = scope.get("type")
    if kind in ("default", "all_private_chats", "all_group_chats", "all_chat_administrators"):
        return kind, {"type": kind}
    if kind in ("chat", "chat_administrators", "chat_member") and scope.get("chat_id") is not None:
        normalized = {"type": kind, "chat_id": scope["chat_id"]}
        if kind != "chat_member":
            return f"{kind}:{scope['chat_id']}", normalized
        if scope.get("user_id") is None:
            raise bad_request("user not found")
        normalized["user_id"] = int(scope["user_id"])
        return f"{kind}:{scope['chat_id']}:{scope['user_id']}", normalized
    raise bad_request("wrong scope type specified")


def command_language(call: Call) -> str:
    language = call.params.get_str("language_code") or ""
    if language and not _LANGUAGE.fullmatch(language):
        raise bad_request("invalid language_code specified")
    return language


def _commands(call: Call) -> list[dict[str, str]]:
    commands = call.params.get_json("commands")
    if not isinstance(commands, list) or len(commands) > 100:
        raise bad_request("can't parse commands JSON array")
    checked = []
    for entry in commands:
        if not isinstance(entry, dict) or not _COMMAND.fullmatch(str(entry.get("command", ""))):
            raise bad_request("BOT_COMMAND_INVALID")
        description = str(entry.get("description", ""))
        if not 1 <= len(description) <= 256:
            raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        checked.append({"command": entry["command"], "description": description})
    return checked


@bot_method("setMyCommands")
async def set_my_commands(call: Call) -> bool:
    commands = _commands(call)
    key, scope = command_scope(call)
    language = command_language(call)
    if commands:
        call.bot.commands[(key, language)] = CommandMenu(scope, language, commands)
    else:
        call.bot.commands.pop((key, language), None)
    return True


@bot_method("getMyCommands")
async def get_my_commands(call: Call) -> list[dict[str, str]]:
    key, _ = command_scope(call)
    menu = call.bot.commands.get((key, command_language(call)))
    return menu.commands if menu else []


@bot_method("deleteMyCommands")
async def delete_my_commands(call: Call) -> bool:
    key, _ = command_scope(call)
    call.bot.commands.pop((key, command_language(call)), None)
    return True


# --- the menu button (setChatMenuButton / getChatMenuButton) ----------------------------------------

def _menu_button(call: Call) -> dict[str, Any]:
    button = call.params.get_json("menu_button") or {"type": "default"}
    if not isinstance(button, dict) or button.get("type") not in ("commands", "web_app", "default"):
        raise bad_request("can't parse menu button JSON object")
    if button["type"] != "web_app":
        return {"type": button["type"]}
    text = button.get("text")
    if not isinstance(text, str) or not text.strip():
        raise bad_request("BUTTON_TEXT_INVALID")
    check_web_app(button.get("web_app"))
    return {"type": "web_app", "text": text, "web_app": {"url": button["web_app"]["url"]}}


@bot_method("setChatMenuButton")
async def set_chat_menu_button(call: Call) -> bool:
    """A private chat's menu button, or (no chat_id) the default for every private chat."""
    button = _menu_button(call)
    chat_id = call.params.get_int("chat_id")
    if chat_id is not None:
        chat = call.bot.find_chat(chat_id)
        if chat is None or chat.type != "private":
            raise bad_request("chat not found")
    if button["type"] == "default":
        call.bot.menu_buttons.pop(chat_id, None)
    else:
        call.bot.menu_buttons[chat_id] = button
    return True


@bot_method("getChatMenuButton")
async def get_chat_menu_button(call: Call) -> dict[str, Any]:
    """The chat's own button, else the default one set, else Telegram's: the list of commands."""
    chat_id = call.params.get_int("chat_id")
    buttons = call.bot.menu_buttons
    return buttons.get(chat_id) or buttons.get(None) or {"type": "commands"}

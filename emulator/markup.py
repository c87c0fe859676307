"""Validation of reply_markup: inline keyboards, reply keyboards, keyboard removal, force reply."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from emulator.errors import bad_request

MAX_CALLBACK_DATA_BYTES = 64
_INLINE_ACTIONS = ("callback_data", "url", "login_url", "switch_inline_query", "switch_inline_query_current_chat",
                   "switch_inline_query_chosen_chat", "callback_game", "pay", "web_app", "copy_text")
_URL_SCHEMES = ("http", "https", "tg", "ton")


def parse_reply_markup(value: Any, *, inline_only: bool = False) -> dict[str, Any] | None:
    """The markup as given, after Telegram's checks; None when absent."""
    if value is None or value == "":
        return None
    if not isinstance(value, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" in value:
        _check_inline_keyboard(value["inline_keyboard"])
    elif inline_only:
        raise bad_request("inline keyboard expected")
    elif "keyboard" in value:
        _check_reply_keyboard(value["keyboard"])
    elif not (value.get("remove_keyboard") or value.get("force_reply")):
        raise bad_request("can't parse reply keyboard markup JSON object")
    return value


def inline_markup(markup: dict[str, Any] | None) -> dict[str, Any] | None:
    """What Telegram echoes back in a Message: inline keyboards only."""
    return markup if markup and "inline_keyboard" in markup else None


def _rows(rows: Any) -> list[list[Any]]:
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request("can't parse reply keyboard markup JSON object")
    return rows


def _check_inline_keyboard(rows: Any) -> None:
    for row in _rows(rows):
        for button in row:
            if not isinstance(button, dict) or not isinstance(button.get("text"), str):
                raise bad_request("can't parse inline keyboard button: Text must be a String")
            _check_inline_button(button)


def _check_inline_button(button: dict[str, Any]) -> None:
    actions = [key for key in _INLINE_ACTIONS if key in button]
    if not actions:
        raise bad_request("can't parse inline keyboard button: InlineKeyboardButton must have exactly one "
                          "of the optional fields")
    if "callback_data" in button:
        data = button["callback_data"]
        if not isinstance(data, str) or not 1 <= len(data.encode("utf-8")) <= MAX_CALLBACK_DATA_BYTES:
            raise bad_request("BUTTON_DATA_INVALID")
    if "url" in button:
        parts = urlsplit(str(button["url"]))
        if parts.scheme not in _URL_SCHEMES or not (parts.netloc or parts.path):
            raise bad_request("BUTTON_URL_INVALID")
    if "web_app" in button:
        check_web_app(button["web_app"])
    if not button["text"].strip():
        raise bad_request("BUTTON_TEXT_INVALID")


def check_web_app(web_app: Any) -> None:
    """A Mini App's address: Telegram opens only https:// ones."""
    url = web_app.get("url") if isinstance(web_app, dict) else None
    if not isinstance(url, str) or urlsplit(url).scheme != "https" or not urlsplit(url).netloc:
        raise bad_request("BUTTON_URL_INVALID")


def _check_reply_keyboard(rows: Any) -> None:
    for row in _rows(rows):
        for button in row:
            text = button if isinstance(button, str) else (button or {}).get("text") if isinstance(button, dict) else None
            if not isinstance(text, str) or not text.strip():
                raise bad_request("can't parse keyboard button: Text must be a non-empty String")


def buttons(markup: dict[str, Any] | None) -> list[list[tuple[str, str | None]]]:
    """Rows of (label, callback_data, url or Mini App url) for any keyboard kind."""
    if not markup:
        return []
    if "inline_keyboard" in markup:
        return [[(b["text"], b.get("callback_data", b.get("url", (b.get("web_app") or {}).get("url"))))
                 for b in row] for row in markup["inline_keyboard"]]
    return [[(b if isinstance(b, str) else b["text"], None) for b in row] for row in markup.get("keyboard", [])]

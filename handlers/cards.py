"""Redrawing the message a button was pressed on. A press that changes nothing (a double tap, a press redelivered, a
stale copy's page button) draws the same card again, and Telegram refuses an edit that leaves a message as it is
(400 "message is not modified"): such an edit is not made, and one refused as that is done."""

from __future__ import annotations

from telegram import CallbackQuery, InlineKeyboardMarkup, Message
from telegram.error import BadRequest


def not_modified(error: BadRequest) -> bool:
    """Whether Telegram refused an edit because it would change nothing."""
    return "message is not modified" in error.message.lower()


async def edit_card(query: CallbackQuery, text: str, reply_markup: InlineKeyboardMarkup | None = None) -> None:
    """The pressed message shows ``text`` and ``reply_markup`` (none: no buttons), edited only if it does not yet."""
    message = query.message
    if isinstance(message, Message) and message.text == text and message.reply_markup == reply_markup:
        return
    try:
        await query.edit_message_text(text, reply_markup=reply_markup)
    except BadRequest as error:  # drawn meanwhile by the same press handled before, or shown with its entities
        if not not_modified(error):
            raise


async def edit_buttons(query: CallbackQuery, reply_markup: InlineKeyboardMarkup | None) -> None:
    """The pressed message's buttons become ``reply_markup`` (None: none), edited only if they are not yet."""
    message = query.message
    if isinstance(message, Message) and message.reply_markup == reply_markup:
        return
    try:
        await query.edit_message_reply_markup(reply_markup)
    except BadRequest as error:
        if not not_modified(error):
            raise

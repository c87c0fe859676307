"""The error handler: no exception reaches a user as silence or a traceback.

The user gets a short apology in their language; the log gets the details (the token is redacted
by the log filter installed in bot.py).
"""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import BadRequest, Forbidden, TelegramError

from handlers.context import SaimaContext
from locales import translator

log = logging.getLogger("saima.errors")


async def on_error(update: object, context: SaimaContext) -> None:
    log.error("Unhandled error while handling %s", _describe(update), exc_info=context.error)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    if isinstance(context.error, Forbidden):
        return  # the user blocked the bot: there is no one to apologise to
    try:
        t = context.t
    except Exception:  # finding the user's language may need what just failed (e.g. the database)
        t = translator(context.config.team_defaults.language)
    text = t("Sorry, something went wrong on our side. Nothing you confirmed was lost; "
             "please try again in a moment.")
    try:
        if update.callback_query is not None:
            try:  # False: skipped, see bot._PressAnsweredBefore
                if await update.callback_query.answer(text, show_alert=True):
                    return
            except BadRequest:  # the handler had answered the press before it failed: say it in the chat
                pass
        await context.bot.send_message(update.effective_chat.id, text)
    except TelegramError:
        log.warning("Could not send the apology to chat %s", update.effective_chat.id, exc_info=True)


def _describe(update: object) -> str:
    if isinstance(update, Update):
        kind = "callback" if update.callback_query else "message" if update.effective_message else "update"
        chat = update.effective_chat.id if update.effective_chat else "-"
        return f"update {update.update_id} ({kind} in chat {chat})"
    return repr(update)[:200]

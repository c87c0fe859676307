"""Whatever no other handler took, in a private chat: a pointer to /help rather than silence, and a member's
plain text read as a log (handlers/log_any.py)."""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, MessageHandler, filters

from handlers import log_any
from handlers.context import SaimaContext


async def unknown_command(update: Update, context: SaimaContext) -> None:
    """An unknown /command: says so and points to /help."""
    assert update.effective_message is not None
    await update.effective_message.reply_text(
        context.t("I don't know that command. Send /help to see the commands you can use.")
    )


async def plain_message(update: Update, context: SaimaContext) -> None:
    """A message outside any conversation: a member's text is read as a log (handlers/log_any.py: its draft,
    or a question with buttons, never "I didn't understand"); a member's file is pointed to /help, and
    strangers to their invite."""
    assert update.effective_message is not None
    member = context.member()
    if member is None:
        await update.effective_message.reply_text(context.t(
            "To join your team, open the invite link from your team's office, "
            "or send /join followed by your invite code."))
        return
    if update.effective_message.text is None:  # a photo, a sticker: no log is read from those
        await update.effective_message.reply_text(context.t(
            "I didn't understand that. Send /help to see what you can do."))
        return
    await log_any.read_message(update, context, member)


async def nothing_to_cancel(update: Update, context: SaimaContext) -> None:
    """`/cancel` when no conversation is open."""
    assert update.effective_message is not None
    await update.effective_message.reply_text(context.t("There is nothing to cancel."))


async def stale_button(update: Update, context: SaimaContext) -> None:
    """A button whose conversation is over (or forged data): says so, changes nothing."""
    assert update.callback_query is not None
    await update.callback_query.answer(context.t("This button is not valid any more."), show_alert=True)


def handlers() -> list[BaseHandler]:  # type: ignore[type-arg]
    private = filters.ChatType.PRIVATE
    return [
        CallbackQueryHandler(stale_button),
        CommandHandler("cancel", nothing_to_cancel, filters=private),
        MessageHandler(private & filters.COMMAND, unknown_command),
        MessageHandler(private & ~filters.COMMAND, plain_message),
    ]

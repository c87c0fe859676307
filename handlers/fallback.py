"""Whatever no other handler took, in a private chat: a pointer to /help rather than silence."""

from __future__ import annotations

from telegram import Update
from telegram.ext import MessageHandler, filters

from handlers.context import SaimaContext


async def unknown_command(update: Update, context: SaimaContext) -> None:
    """An unknown /command: says so and points to /help."""
    assert update.effective_message is not None
    await update.effective_message.reply_text(
        context.t("I don't know that command. Send /help to see the commands you can use.")
    )


async def plain_message(update: Update, context: SaimaContext) -> None:
    """Text outside any conversation: members are pointed to /help, strangers to their invite."""
    assert update.effective_message is not None
    t = context.t
    if context.member() is None:
        text = t("To join your team, open the invite link from your team's office, "
                 "or send /join followed by your invite code.")
    else:
        text = t("I didn't understand that. Send /help to see what you can do.")
    await update.effective_message.reply_text(text)


def handlers() -> list[MessageHandler]:
    private = filters.ChatType.PRIVATE
    return [
        MessageHandler(private & filters.COMMAND, unknown_command),
        MessageHandler(private & ~filters.COMMAND, plain_message),
    ]

"""Who may do what: checked on the server for every command and button, whatever the client sends."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import wraps
from typing import TypeVar

from telegram import Update

from handlers.context import SaimaContext

R = TypeVar("R")
Callback = Callable[[Update, SaimaContext], Awaitable[R]]


def members_only(callback: Callback[R]) -> Callback[R | None]:
    """Lets active members through; anyone else is told how to join."""

    @wraps(callback)
    async def guarded(update: Update, context: SaimaContext) -> R | None:
        if context.member() is None:
            await refuse(update, context.t("This is for members of a team. Open the invite link "
                                           "from your team's office, or send /join <code>."))
            return None
        return await callback(update, context)

    return guarded


def admins_only(callback: Callback[R]) -> Callback[R | None]:
    """Lets the team's owner and admins through; members are told it is for the office."""

    @wraps(callback)
    async def guarded(update: Update, context: SaimaContext) -> R | None:
        member = context.member()
        if member is None or not member.role.is_admin:
            await refuse(update, context.t("Only your team's office (admins) can use this."))
            return None
        return await callback(update, context)

    return guarded


async def refuse(update: Update, text: str) -> None:
    if update.callback_query is not None:
        await update.callback_query.answer(text, show_alert=True)
    elif update.effective_message is not None:
        await update.effective_message.reply_text(text)

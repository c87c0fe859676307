"""Keyboards the flows share: buttons laid out in rows, and the ‹ Previous / Next › row under a page."""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Sequence
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update, WebAppInfo

from handlers.context import SaimaContext
from handlers.onboarding import FROM_GROUP
from locales import N_, Translator
from storage.models import Member

PREVIOUS, NEXT = N_("‹ Previous"), N_("Next ›")
NEWER, OLDER = N_("‹ Newer"), N_("Older ›")  # pages of a list newest first

Rows = list[list[InlineKeyboardButton]]
#: A page of a list for the member viewing it: (text, keyboard), from the page's number (brought within range).
Page = Callable[[SaimaContext, Member, int], tuple[str, InlineKeyboardMarkup | None]]


def in_rows(buttons: Sequence[InlineKeyboardButton], per_row: int) -> Rows:
    return [list(buttons[i : i + per_row]) for i in range(0, len(buttons), per_row)]


def turn_rows(t: Translator, page: int, pages: int, data: Callable[[int], str], *,
              labels: tuple[str, str] = (PREVIOUS, NEXT)) -> Rows:
    """The row of ‹ Previous / Next › (``data`` of the page each turns to) where there is one to turn to;
    no row on a single page."""
    row = []
    if page > 0:
        row.append(InlineKeyboardButton(t(labels[0]), callback_data=data(page - 1)))
    if page < pages - 1:
        row.append(InlineKeyboardButton(t(labels[1]), callback_data=data(page + 1)))
    return [row] if row else []


def first_page(page: Page, *, dashboard: bool = False) -> Callable[[Update, SaimaContext], Coroutine[Any, Any, None]]:
    """A command that answers with the first ``page`` for the member who sent it (let in by its guard),
    with the "Open dashboard" row under it when ``dashboard``."""

    async def show(update: Update, context: SaimaContext) -> None:
        member = context.member()
        assert member is not None and update.effective_message is not None
        text, keyboard = page(context, member, 0)
        if dashboard:
            keyboard = with_dashboard(update, context, keyboard, t=context.t)
        await update.effective_message.reply_text(text, reply_markup=keyboard)

    return show


OPEN_DASHBOARD = N_("Open dashboard")


def dashboard_rows(update: Update, context: SaimaContext, *, t: Translator) -> Rows:
    """The "Open dashboard" row: the Mini App (webapp/) in a private chat, a link to the bot's private chat
    in a group; no row unless `[webapp] public_url` is set. ``t`` is the language of the chat it is said in:
    the member's privately, the team's in its group (everyone there reads it, not only the sender)."""
    url = context.config.webapp.public_url
    chat = update.effective_chat
    if not url or chat is None:
        return []
    if chat.type == chat.PRIVATE:
        return [[InlineKeyboardButton(t(OPEN_DASHBOARD), web_app=WebAppInfo(url.rstrip("/") + "/app/"))]]
    return [[InlineKeyboardButton(t(OPEN_DASHBOARD), url=f"https://t.me/{context.bot.username}?start={FROM_GROUP}")]]


def with_dashboard(update: Update, context: SaimaContext, keyboard: InlineKeyboardMarkup | None, *,
                   t: Translator) -> InlineKeyboardMarkup | None:
    """``keyboard`` with the "Open dashboard" row added at the bottom (when there is one), in ``t``."""
    rows = [list(row) for row in keyboard.inline_keyboard] if keyboard is not None else []
    rows += dashboard_rows(update, context, t=t)
    return InlineKeyboardMarkup(rows) if rows else None

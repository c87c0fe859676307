"""`/me`: the member's year at a glance — every duty as done/target, where the pace of the year and of
the quarter says they should be, and their open items with due dates (🟢 🟡 🔴)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler, filters

from handlers.access import members_only
from handlers.context import SaimaContext
from reports.progress_card import render_me
from storage.progress import year_progress


@members_only
async def show_me(update: Update, context: SaimaContext) -> None:
    """Shows the member's progress card in their language."""
    member = context.member()
    assert member is not None and update.effective_message is not None
    with context.db.session() as session:
        progress = year_progress(session, member, today=context.today(member.team.timezone), config=context.config)
    text = render_me(context.t, member.display_name, progress, now=context.now(), tz=ZoneInfo(member.team.timezone))
    if not member.races:  # the office: its records still show, but it owes no quota and is not ranked
        text = context.t("📋 You are not in the race (office): not ranked, no pace reminders.") + "\n\n" + text
    await update.effective_message.reply_text(text)


def handlers() -> list[BaseHandler]:  # type: ignore[type-arg]
    return [CommandHandler("me", show_me, filters=filters.ChatType.PRIVATE)]

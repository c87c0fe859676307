"""`/mine`: the member's records, newest first, five to a page, each with ✏️ Edit and 🗑 Delete.

Edit opens the record's draft card (handled by forms.py); Delete asks to confirm, then removes it
from counts (kept in the database and the audit log).
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, filters

from handlers.access import members_only
from handlers.context import SaimaContext
from handlers.forms import EDIT_PREFIX, FormContext, RecordLine, all_forms
from storage.models import Member

PAGE_SIZE = 5
PREFIX = "m:"


def _ctx(context: SaimaContext, member: Member) -> FormContext:
    zone = ZoneInfo(member.team.timezone)
    now = context.now().astimezone(zone)
    return FormContext(now=now, today=now.date(), lang=member.language.value, t=context.t, member=member)


def _records(context: SaimaContext, member: Member) -> list[RecordLine]:
    ctx = _ctx(context, member)
    with context.db.session() as session:
        lines = [line for form in all_forms() for line in form.records(session, ctx)]
    return sorted(lines, key=lambda line: (line.created_at, line.record_id), reverse=True)


def _page(context: SaimaContext, member: Member, page: int, note: str = "") -> tuple[str, InlineKeyboardMarkup | None]:
    t = context.t
    records = _records(context, member)
    if not records:
        return (note + "\n" if note else "") + t("You have no records yet. Log one with /study."), None
    pages = (len(records) + PAGE_SIZE - 1) // PAGE_SIZE
    page = min(max(page, 0), pages - 1)
    shown = records[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    header = t("Your records (page {page} of {pages}):").format(page=page + 1, pages=pages)
    lines = [note, header] if note else [header]
    lines += [f"{i}. {line.summary}" for i, line in enumerate(shown, start=1)]
    rows = [[InlineKeyboardButton(f"✏️ {i}", callback_data=f"{EDIT_PREFIX}{line.kind}:{line.record_id}"),
             InlineKeyboardButton(f"🗑 {i}", callback_data=f"{PREFIX}d:{line.kind}:{line.record_id}:{page}")]
            for i, line in enumerate(shown, start=1)]
    navigation = []
    if page > 0:
        navigation.append(InlineKeyboardButton(t("‹ Newer"), callback_data=f"{PREFIX}p:{page - 1}"))
    if page < pages - 1:
        navigation.append(InlineKeyboardButton(t("Older ›"), callback_data=f"{PREFIX}p:{page + 1}"))
    if navigation:
        rows.append(navigation)
    return "\n".join(lines), InlineKeyboardMarkup(rows)


@members_only
async def show_mine(update: Update, context: SaimaContext) -> None:
    """The first page of the member's records."""
    member = context.member()
    assert member is not None and update.effective_message is not None
    text, keyboard = _page(context, member, 0)
    await update.effective_message.reply_text(text, reply_markup=keyboard)


async def mine_button(update: Update, context: SaimaContext) -> None:
    """Paging, and Delete with its confirmation; every press is checked against the presser."""
    query = update.callback_query
    member = context.member()
    assert query is not None and query.data is not None
    parts = query.data.removeprefix(PREFIX).split(":")
    if member is None or not parts:
        await query.answer(context.t("This button is not valid any more."), show_alert=True)
        return
    action, args = parts[0], parts[1:]
    t = context.t
    if action == "p" and len(args) == 1 and args[0].isdigit():
        await query.answer()
        text, keyboard = _page(context, member, int(args[0]))
        await query.edit_message_text(text, reply_markup=keyboard)
        return
    if action in ("d", "D") and len(args) == 3 and args[1].isdigit() and args[2].isdigit():
        kind, record_id, page = args[0], int(args[1]), int(args[2])
        line = next((r for r in _records(context, member) if r.kind == kind and r.record_id == record_id), None)
        if line is None:
            await query.answer(t("This button is not valid any more."), show_alert=True)
            return
        await query.answer()
        if action == "d":
            keyboard = InlineKeyboardMarkup([[
                InlineKeyboardButton(t("Delete"), callback_data=f"{PREFIX}D:{kind}:{record_id}:{page}"),
                InlineKeyboardButton(t("Cancel"), callback_data=f"{PREFIX}p:{page}"),
            ]])
            await query.edit_message_text(t("Delete this record?") + "\n" + line.summary, reply_markup=keyboard)
            return
        form = next(f for f in all_forms() if f.kind == kind)
        with context.db.session() as session:
            deleted = form.delete(session, record_id, _ctx(context, member))
        note = t("Deleted: {summary}").format(summary=line.summary) if deleted else t(
            "That record is no longer there; nothing was changed.")
        text, keyboard = _page(context, member, page, note)
        await query.edit_message_text(text, reply_markup=keyboard)
        return
    await query.answer(t("This button is not valid any more."), show_alert=True)


def handlers() -> list[BaseHandler]:  # type: ignore[type-arg]
    return [
        CommandHandler("mine", show_mine, filters=filters.ChatType.PRIVATE),
        CallbackQueryHandler(mine_button, pattern=f"^{PREFIX}[pdD]:"),
    ]

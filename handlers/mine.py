"""`/mine`: the member's records, newest first, five to a page, each with ✏️ Edit and 🗑 Delete.

Edit opens the record's draft card (handled by forms.py); Delete asks to confirm, then removes it
from counts (kept in the database and the audit log).
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, filters

from core import paging
from core.callbacks import mine as callbacks
from core.callbacks.mine import Action, Press
from handlers.access import members_only
from handlers.cards import edit_card
from handlers.context import SaimaContext
from handlers.forms import FormContext, RecordLine, all_forms
from handlers.keyboards import NEWER, OLDER, first_page, turn_rows
from storage.models import Member

PAGE_SIZE = 5


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
    page, pages = paging.clamp(page, total=len(records), size=PAGE_SIZE)
    shown = records[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    header = t("Your records (page {page} of {pages}):").format(page=page + 1, pages=pages)
    lines = [note, header] if note else [header]
    lines += [f"{i}. {line.summary}" for i, line in enumerate(shown, start=1)]
    rows = [[InlineKeyboardButton(f"✏️ {i}", callback_data=callbacks.build(Press(Action.EDIT, line.kind,
                                                                                 line.record_id))),
             InlineKeyboardButton(f"🗑 {i}", callback_data=callbacks.build(Press(Action.DELETE, line.kind,
                                                                                line.record_id, page)))]
            for i, line in enumerate(shown, start=1)]
    rows += turn_rows(t, page, pages, lambda to: callbacks.build(Press(Action.PAGE, page=to)), labels=(NEWER, OLDER))
    return "\n".join(lines), InlineKeyboardMarkup(rows)


show_mine = members_only(first_page(_page))  # the first page of the member's records


async def mine_button(update: Update, context: SaimaContext) -> None:
    """Paging, and Delete with its confirmation; every press is checked against the presser."""
    query = update.callback_query
    member = context.member()
    assert query is not None and query.data is not None
    press = callbacks.parse(query.data)
    if member is None or press is None:
        await query.answer(context.t("This button is not valid any more."), show_alert=True)
        return
    t = context.t
    if press.action is Action.PAGE and press.page is not None:
        await query.answer()
        text, keyboard = _page(context, member, press.page)
        await edit_card(query, text, reply_markup=keyboard)
        return
    if press.action in (Action.DELETE, Action.CONFIRM_DELETE) and press.record_id is not None \
            and press.page is not None:
        kind, record_id, page = press.kind, press.record_id, press.page
        line = next((r for r in _records(context, member) if r.kind == kind and r.record_id == record_id), None)
        if line is None:
            await query.answer(t("This button is not valid any more."), show_alert=True)
            return
        await query.answer()
        if press.action is Action.DELETE:
            keyboard = InlineKeyboardMarkup([[
                InlineKeyboardButton(t("Delete"), callback_data=callbacks.build(Press(Action.CONFIRM_DELETE, kind,
                                                                                      record_id, page))),
                InlineKeyboardButton(t("Cancel"), callback_data=callbacks.build(Press(Action.PAGE, page=page))),
            ]])
            await edit_card(query, t("Delete this record?") + "\n" + line.summary, reply_markup=keyboard)
            return
        form = next(f for f in all_forms() if f.kind == kind)
        with context.db.session() as session:
            deleted = form.delete(session, record_id, _ctx(context, member))
        note = t("Deleted: {summary}").format(summary=line.summary) if deleted else t(
            "That record is no longer there; nothing was changed.")
        if isinstance(deleted, str):
            note += "\n" + deleted
        text, keyboard = _page(context, member, page, note)
        await edit_card(query, text, reply_markup=keyboard)
        return
    await query.answer(t("This button is not valid any more."), show_alert=True)


def handlers() -> list[BaseHandler]:  # type: ignore[type-arg]
    return [
        CommandHandler("mine", show_mine, filters=filters.ChatType.PRIVATE),
        CallbackQueryHandler(mine_button, pattern=callbacks.LIST_PATTERN),
    ]

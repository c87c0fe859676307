"""`/audit` (admins): the team's latest changes, newest first, ten to a page, in the reader's language.

Callback data: `au:p:<page>` (core/callbacks/audit_log.py; re-checked: the presser must be an admin; the page is always their own team's).
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, filters

from core import paging
from core.callbacks import audit_log as callbacks
from handlers.access import admins_only
from handlers.cards import edit_card
from handlers.context import SaimaContext
from handlers.keyboards import NEWER, OLDER, first_page, turn_rows
from reports.audit_log import describe
from storage import audit, ledger
from storage.models import Member

PAGE_SIZE = 10


def _page(context: SaimaContext, admin: Member, page: int) -> tuple[str, InlineKeyboardMarkup | None]:
    t = context.t
    zone = ZoneInfo(admin.team.timezone)
    with context.db.session() as session:
        _, total = audit.page(session, admin.team_id, offset=0, limit=0)
        page, pages = paging.clamp(page, total=total, size=PAGE_SIZE)
        entries, _ = audit.page(session, admin.team_id, offset=page * PAGE_SIZE, limit=PAGE_SIZE)
        names = ledger.names(session, admin.team_id)
        lines = [describe(t, e, names, zone) for e in entries]
    if not lines:
        return t("The log is empty."), None
    header = t("Change log (page {page} of {pages}, newest first, team time):").format(page=page + 1, pages=pages)
    rows = turn_rows(t, page, pages, lambda to: callbacks.build(callbacks.Press(to)), labels=(NEWER, OLDER))
    return "\n".join([header, *lines]), InlineKeyboardMarkup(rows) if rows else None


show_audit = admins_only(first_page(_page))  # the newest page of the team's change log


@admins_only
async def press(update: Update, context: SaimaContext) -> None:
    """Older / newer pages."""
    query = update.callback_query
    admin = context.member()
    assert query is not None and query.data is not None and admin is not None
    press = callbacks.parse(query.data)
    if press is None:
        await query.answer(context.t("This button is not valid any more."), show_alert=True)
        return
    await query.answer()
    text, keyboard = _page(context, admin, press.page)
    await edit_card(query, text, reply_markup=keyboard)


def handlers() -> list[BaseHandler]:  # type: ignore[type-arg]
    return [CommandHandler("audit", show_audit, filters=filters.ChatType.PRIVATE),
            CallbackQueryHandler(press, pattern=callbacks.PATTERN)]

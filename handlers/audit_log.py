"""`/audit` (admins): the team's latest changes, newest first, ten to a page, in the reader's language.

Callback data: `au:p:<page>` (core/callbacks/audit_log.py; re-checked: the presser must be an admin; the page is always their own team's).
"""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, filters

from core import paging
from core.callbacks import audit_log as callbacks
from core.domain import Duty
from handlers.access import admins_only
from handlers.context import SaimaContext
from handlers.keyboards import NEWER, OLDER, first_page, turn_rows
from locales import N_, Translator
from reports.progress_card import DUTY_NAMES
from reports.tasks import clip
from storage import audit, ledger
from storage.models import AuditEntry, Member

_DUTIES = {d.value for d in Duty}
PAGE_SIZE = 10

ACTIONS = {
    "create": N_("created"), "update": N_("changed"), "delete": N_("deleted"), "promote": N_("made admin"),
    "demote": N_("made member"), "remove": N_("removed"), "set_target": N_("set a target"),
    "join": N_("joined"), "activate": N_("joined"), "attend": N_("ticked attendance"),
    "set_language": N_("changed language"), "extend_due": N_("extended the deadline"),
    "report": N_("reported done"), "close": N_("closed (销账)"), "return": N_("returned"),
    "cancel": N_("cancelled"),
    "link_group": N_("linked the race track group"), "unlink_group": N_("unlinked the race track group"),
    "race_names": N_("switched the group board between names and ranks"),
}
ENTITIES = {
    "member": N_("member"), "invite": N_("invite link"), "leave_period": N_("leave period"), "target": N_("target"),
    "research_trip": N_("research trip"), "research_topic": N_("key research topic"),
    "follow_up_item": N_("follow-up item"), "study_session": N_("study session"),
    "motion": N_("suggestion or proposal"), "team": N_("team"),
    "task": N_("supervised task"), "task_assignment": N_("supervised task assignment"),
    "team_calendar_day": N_("the team's day off or working day"),
}


def describe(t: Translator, entry: AuditEntry, names: dict[int, str], zone: ZoneInfo) -> str:
    """11-21 10:30 · 李主任 · made admin · 张三"""
    when = entry.at.astimezone(zone).strftime("%m-%d %H:%M")
    actor = names.get(entry.actor_member_id or 0) or (str(entry.actor_telegram_id) if entry.actor_telegram_id
                                                       else t("the system"))
    action = t(ACTIONS[entry.action]) if entry.action in ACTIONS else entry.action
    what = t(ENTITIES[entry.entity]) if entry.entity in ENTITIES else entry.entity
    after: dict[str, Any] = entry.after or {}
    if entry.entity == "member" and entry.entity_id in names:
        what = names[entry.entity_id]
    elif entry.entity == "target" and after.get("duty") in _DUTIES:
        whom = names.get(after.get("member_id") or 0, t("the whole team"))
        value = after.get("value")
        shown = value.get("$decimal") if isinstance(value, dict) else value
        what = f"{t(DUTY_NAMES[Duty(after['duty'])])} · {whom} → {shown}"
    elif entry.entity == "team_calendar_day":
        day = after.get("day") or (entry.before or {}).get("day")
        what = f"{what} {day}" if isinstance(day, str) else what
    elif entry.entity_id is not None:
        what = f"{what} #{entry.entity_id}"
    if entry.entity == "task" and isinstance(after.get("title"), str):
        what += f" 《{clip(after['title'], 40)}》"
    if entry.entity != "target" and isinstance(after.get("member_id"), int) and after["member_id"] in names:
        what += f" · {names[after['member_id']]}"
    return f"{when} · {actor} · {action} · {what}"


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
    await query.edit_message_text(text, reply_markup=keyboard)


def handlers() -> list[BaseHandler]:  # type: ignore[type-arg]
    return [CommandHandler("audit", show_audit, filters=filters.ChatType.PRIVATE),
            CallbackQueryHandler(press, pattern=callbacks.PATTERN)]

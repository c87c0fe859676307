"""`/members` (admins): the team with role, language, reachability, pace and who races, eight to a page; a
member's card has Promote / Demote / Remove / Record leave, 任职日期 / 离任日期 (typed, cleared with a button)
and, for the owner, the race switch; the list has a button for invite links.

Callback data (`mb:…`, core/callbacks/roster.py; every press is checked on the server: the presser must be an
active admin of the team the member belongs to, whatever the data says). Restore and a single-use invite for
a removed member are the only ways back in: a general invite refuses a removed member.

Changing roles is for the team's owner (负责人) only: admins cannot promote one another or demote the owner's
choices. Removing an admin is the owner's too; the owner can be neither demoted nor removed, so a team always
keeps someone who can run it. Removal keeps the member's records and ends their access.

Who races is the owner's call too: the office named by `team create --admin` (the owner) does not race; members
and admins who joined by invite are leaders and do. 任职日期 / 离任日期 are any admin's (the office keeps them).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import TelegramError
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, filters

from core import dates, paging
from core.callbacks import roster as callbacks
from core.callbacks.roster import Action, Press
from core.dates import HORIZON_YEARS, beyond_horizon
from core.domain import LeaveKind, MemberStatus, Role
from core.pace import PaceStatus, out_of_office
from core.roster import PAGE_SIZE, leave_too_long
from core.trips import backwards_range
from handlers import admin_steps
from handlers.access import admin_press, admins_only
from handlers.cards import edit_card
from handlers.commands import publish_chat_menu
from handlers.context import SaimaContext
from handlers.invite import invite_text, make_invite
from handlers.keyboards import first_page, in_rows, turn_rows
from locales import N_, Translator, translator
from reports.progress_card import STATUS_MARK
from reports.words import day_in_words, span_in_words
from storage import members, roster
from storage.models import Member
from storage.progress import year_progress

log = logging.getLogger(__name__)

INVALID = N_("This button is not valid any more.")
ROLE_LABELS = {Role.OWNER: N_("owner"), Role.ADMIN: N_("admin"), Role.MEMBER: N_("member")}
LEAVE_LABELS = {LeaveKind.LEAVE: N_("personal leave"), LeaveKind.ABROAD: N_("abroad"),
                LeaveKind.TRAINING: N_("full-time training")}
LANGUAGE_NAMES = {"zh": "中文", "en": "English"}
_SEVERITY = {PaceStatus.ON_PACE: 0, PaceStatus.BEHIND: 1, PaceStatus.LAGGING: 2}


RACES_MARK = "🏇"
OFFICE_MARK = "📋"
TERM_ENDED_MARK = "🏁"


def _pace_mark(context: SaimaContext, session: Any, member: Member) -> str:
    """✅ / ⚠️ / ❗ for the member's worst duty this year; ⏳ for someone who has not opened the bot yet; 📋
    for the office (not in the race: it has no pace); 🏁 for a member whose 离任日期 has passed (nothing more is
    asked of them: core.pace.out_of_office, as the summary and the nudges judge)."""
    if member.status is MemberStatus.PENDING:
        return "⏳"
    if not member.races:
        return OFFICE_MARK
    today = context.today(member.team.timezone)
    if out_of_office(member.left_office_on, today):
        return TERM_ENDED_MARK
    progress = year_progress(session, member, today=today, config=context.config)
    worst = max((d.status for d in progress.duties), key=_SEVERITY.__getitem__, default=PaceStatus.ON_PACE)
    return STATUS_MARK[worst]


def _line(t: Translator, mark: str, member: Member) -> str:
    name = f"{member.display_name} {RACES_MARK}" if member.races else member.display_name
    parts = [f"{mark} {name}", t(ROLE_LABELS[member.role]), LANGUAGE_NAMES[member.language.value]]
    if member.status is MemberStatus.PENDING:
        parts.append(t("not joined yet"))
    if not member.reachable:
        parts.append("📵 " + t("unreachable"))
    return " · ".join(parts)


class _Page(NamedTuple):
    shown: list[Member]
    page: int  # the page asked for, within the pages there are
    pages: int
    total: int


def _page_of(listing: Callable[..., tuple[list[Member], int]], session: Session, team_id: int, page: int) -> _Page:
    """A page of the team's members as ``listing`` (storage.roster.page or removed_page) orders them."""
    _, total = listing(session, team_id, offset=0, limit=0)
    page, pages = paging.clamp(page, total=total, size=PAGE_SIZE)
    shown, _ = listing(session, team_id, offset=page * PAGE_SIZE, limit=PAGE_SIZE)
    return _Page(shown, page, pages, total)


def _list(context: SaimaContext, admin: Member, page: int, note: str = "") -> tuple[str, InlineKeyboardMarkup]:
    t = context.t
    with context.db.session() as session:
        shown, page, pages, total = _page_of(roster.page, session, admin.team_id, page)
        lines = [_line(t, _pace_mark(context, session, m), m) for m in shown]
        ids = [(m.id, m.display_name) for m in shown]
        _, removed = roster.removed_page(session, admin.team_id, offset=0, limit=0)
    header = t.ngettext("{team}: {n} member (page {page} of {pages})", "{team}: {n} members (page {page} of {pages})",
                        total).format(team=admin.team.name, n=total, page=page + 1, pages=pages)
    text = "\n".join(([note] if note else []) + [header] + [f"{i}. {line}" for i, line in
                                                             enumerate(lines, start=page * PAGE_SIZE + 1)])
    text += "\n" + t("✅ on pace · ⚠️ behind · ❗ lagging · 🏁 term ended · ⏳ not joined yet · 🏇 in the race · "
                     "📋 office, not in the race. Press a name for its actions.")
    rows = _name_rows(t, [(_data(Action.MEMBER, member_id), name) for member_id, name in ids], page=page, pages=pages,
                      turn=Action.PAGE)
    rows.append([InlineKeyboardButton(t("🔗 Invite links"), callback_data=callbacks.build(Press(Action.INVITES)))])
    if removed:
        rows.append([InlineKeyboardButton(t("Removed members ({n})").format(n=removed),
                                          callback_data=_data(Action.REMOVED, 0))])
    return text, InlineKeyboardMarkup(rows)


def _data(action: Action, number: int) -> str:
    """The data of a roster button about a member (or a page)."""
    return callbacks.build(Press(action, number))


def _name_rows(t: Translator, named: list[tuple[str, str]], *, page: int, pages: int,
               turn: Action) -> list[list[InlineKeyboardButton]]:
    """A page of numbered name buttons (data, name), two to a row, then ‹ Previous / Next › (``turn``, page)."""
    buttons = [InlineKeyboardButton(f"{i}. {name}", callback_data=data)
               for i, (data, name) in enumerate(named, start=page * PAGE_SIZE + 1)]
    return in_rows(buttons, 2) + turn_rows(t, page, pages, lambda to: _data(turn, to))


def _removed_list(context: SaimaContext, admin: Member, page: int, note: str = "") -> tuple[str, InlineKeyboardMarkup]:
    """The team's removed members, each with a card that can restore them."""
    t = context.t
    with context.db.session() as session:
        shown, page, pages, total = _page_of(roster.removed_page, session, admin.team_id, page)
        tz = ZoneInfo(admin.team.timezone)
        people = [(m.id, m.display_name, day_in_words(t, m.removed_at.astimezone(tz).date()) if m.removed_at else "")
                  for m in shown]
    header = t.ngettext("{team}: {n} removed member (page {page} of {pages})",
                        "{team}: {n} removed members (page {page} of {pages})", total).format(
        team=admin.team.name, n=total, page=page + 1, pages=pages)
    lines = ([note] if note else []) + [header] + [
        t("{i}. {name} · removed on {date}").format(i=i, name=name, date=day)
        for i, (_, name, day) in enumerate(people, start=page * PAGE_SIZE + 1)]
    rows = _name_rows(t, [(_data(Action.REMOVED_MEMBER, member_id), name) for member_id, name, _ in people],
                      page=page, pages=pages, turn=Action.REMOVED)
    rows.append([InlineKeyboardButton(t("‹ Back to the list"), callback_data=_data(Action.PAGE, 0))])
    return "\n".join(lines), InlineKeyboardMarkup(rows)


def _removed_card(context: SaimaContext, member: Member) -> tuple[str, InlineKeyboardMarkup]:
    t = context.t
    day = day_in_words(t, member.removed_at.astimezone(ZoneInfo(member.team.timezone)).date()) \
        if member.removed_at else ""
    text = t("{name} was removed from the team on {date}. Restore gives them back access as a member.").format(
        name=member.display_name, date=day)
    return text, InlineKeyboardMarkup([
        [InlineKeyboardButton(t("Restore to the team"), callback_data=_data(Action.RESTORE, member.id))],
        [InlineKeyboardButton(t("Single-use invite for them"), callback_data=_data(Action.RESTORE_INVITE, member.id))],
        [InlineKeyboardButton(t("‹ Back"), callback_data=_data(Action.REMOVED, 0))]])


def _card(context: SaimaContext, admin: Member, member_id: int, note: str = "") -> tuple[str, InlineKeyboardMarkup]:
    t = context.t
    with context.db.session() as session:
        member = roster.in_team(session, admin.team_id, member_id)
        if member is None:
            text, keyboard = _list(context, admin, 0, note or t("That member is no longer on the roster."))
            return text, keyboard
        mark = _pace_mark(context, session, member)
        year = context.today(member.team.timezone).year
        periods = [(p.id, p.kind, p.start_date, p.end_date)
                   for p in roster.leave_since(session, member.id, year=year)]
    lines = ([note] if note else []) + [_line(t, mark, member)]
    if not member.races:
        lines.append(t("Not in the race (office): not ranked, no pace reminders."))
    elif mark == TERM_ENDED_MARK:
        lines.append(t("In the race: ranked; no pace reminders, the term has ended."))
    else:
        lines.append(t("In the race: ranked, with pace reminders."))
    if member.took_office_on is None and member.left_office_on is None:
        lines.append(t("In office the whole year (no took-office or left-office date set)."))
    if member.took_office_on is not None:
        lines.append(t("Took office on {date}").format(date=day_in_words(t, member.took_office_on)))
    if member.left_office_on is not None:
        lines.append(t("Left office on {date}").format(date=day_in_words(t, member.left_office_on)))
    if member.joined_on is not None:
        lines.append(t("Opened the bot on {date}").format(date=day_in_words(t, member.joined_on)))
    for _leave_id, kind, start, end in periods:
        lines.append(t("{kind}: {span}").format(kind=t(LEAVE_LABELS[kind]), span=span_in_words(t, start, end)))
    rows = []
    if admin.role is Role.OWNER and member.role is Role.MEMBER:
        rows.append([InlineKeyboardButton(t("Make admin"), callback_data=_data(Action.PROMOTE, member.id))])
    if admin.role is Role.OWNER and member.role is Role.ADMIN:
        rows.append([InlineKeyboardButton(t("Make member"), callback_data=_data(Action.DEMOTE, member.id))])
    rows.append([InlineKeyboardButton(t("Record leave"), callback_data=_data(Action.LEAVE, member.id))])
    rows += [[InlineKeyboardButton(t("Delete: {kind} {span}").format(kind=t(LEAVE_LABELS[kind]),
                                                                       span=span_in_words(t, start, end)),
                                   callback_data=callbacks.build(Press(Action.ASK_DELETE_LEAVE, member.id,
                                                                       leave=leave_id)))]
             for leave_id, kind, start, end in periods]
    office = [InlineKeyboardButton(t("Set took-office date"), callback_data=_data(Action.TOOK_OFFICE, member.id)),
              InlineKeyboardButton(t("Set left-office date"), callback_data=_data(Action.LEFT_OFFICE, member.id))]
    clear = []
    if member.took_office_on is not None:
        clear.append(InlineKeyboardButton(t("Clear took-office date"),
                                          callback_data=_data(Action.CLEAR_TOOK_OFFICE, member.id)))
    if member.left_office_on is not None:
        clear.append(InlineKeyboardButton(t("Clear left-office date"),
                                          callback_data=_data(Action.CLEAR_LEFT_OFFICE, member.id)))
    rows += [office] + ([clear] if clear else [])
    if admin.role is Role.OWNER:
        rows.append([InlineKeyboardButton(t("Take out of the race") if member.races else t("Put in the race"),
                                          callback_data=callbacks.build(Press(Action.RACES, member.id,
                                                                              races=not member.races)))])
    if _may_remove(admin, member) is None:
        rows.append([InlineKeyboardButton(t("Remove from the team"), callback_data=_data(Action.ASK_REMOVE, member.id))])
    rows.append([InlineKeyboardButton(t("‹ Back to the list"), callback_data=_data(Action.PAGE, 0))])
    return "\n".join(lines), InlineKeyboardMarkup(rows)


def _may_remove(admin: Member, member: Member) -> str | None:
    """Why the admin may not remove this member (a message id), or None when they may."""
    if member.role is Role.OWNER:
        return N_("The team's owner cannot be removed.")
    if member.role is Role.ADMIN and admin.role is not Role.OWNER:
        return N_("Only the team's owner can remove an admin.")
    return None


show_members = admins_only(first_page(_list))  # the first page of the roster


async def press(update: Update, context: SaimaContext) -> None:
    """Every roster button; refused unless the presser is an admin of the member's team."""
    pressed = await admin_press(update, context, callbacks.parse)
    if pressed is None:
        return
    query, t = pressed.query, context.t
    admin, press_ = pressed.admin, pressed.press
    action = press_.action
    if action in (Action.PAGE, Action.REMOVED):
        assert press_.number is not None
        await query.answer()
        text, keyboard = (_list if action is Action.PAGE else _removed_list)(context, admin, press_.number)
        await edit_card(query, text, reply_markup=keyboard)
        return
    if action in (Action.REMOVED_MEMBER, Action.RESTORE, Action.RESTORE_INVITE):
        assert press_.number is not None
        await _removed_press(update, context, admin, action, press_.number)
        return
    if action is Action.INVITES:
        await _invites(update, context, admin, press_.single_use)
        return
    assert press_.number is not None
    member_id = press_.number
    with context.db.session() as session:
        member = roster.in_team(session, admin.team_id, member_id)
        refusal, note = (INVALID, None) if member is None else _act(context, session, admin, member, press_)
        chat_id = member.telegram_user_id if member is not None else 0
    if refusal is not None:
        await query.answer(t(refusal), show_alert=True)
        return
    await query.answer()
    if action in (Action.PROMOTE, Action.DEMOTE, Action.REMOVE):
        await _menu_follows(context, chat_id)
    if isinstance(note, _BackToList):
        text, keyboard = _list(context, admin, 0, note)
        await edit_card(query, text, reply_markup=keyboard)
        return
    if isinstance(note, tuple):  # a next step with its own keyboard
        await edit_card(query, note[0], reply_markup=note[1])
        return
    text, keyboard = _card(context, admin, member_id, note or "")
    await edit_card(query, text, reply_markup=keyboard)


async def _menu_follows(context: SaimaContext, telegram_user_id: int) -> None:
    """After a role change, a removal or a restore: the member's private menu offers what they may now do
    (their highest role in any team they are active in; a stranger's menu when none)."""
    with context.db.reading() as session:
        role, language = members.menu_standing(session, telegram_user_id)
    lang = language.value if language is not None else context.config.team_defaults.language
    await publish_chat_menu(context.bot, telegram_user_id, role, lang, context.config.webapp.public_url)


def _restored_note(t: Translator, team_name: str) -> str:
    return t("The office has restored you to {team}. Send /help to see what you can do.").format(team=team_name)


async def _removed_press(update: Update, context: SaimaContext, admin: Member, action: Action,
                         member_id: int) -> None:
    """A removed member's card, or restoring them (audited); they are told they are back."""
    query = update.callback_query
    assert query is not None
    t = context.t
    card: tuple[str, Any] | None = None  # "xv": the removed member's card
    link: str | None = None  # "ri": the single-use invite's message
    with context.db.session() as session:
        member = roster.removed_in_team(session, admin.team_id, member_id)
        if member is None:
            pass  # refused once the transaction has ended, like every answer
        elif action is Action.REMOVED_MEMBER:
            card = _removed_card(context, member)
        elif action is Action.RESTORE_INVITE:  # a link only this removed member can come back by (the others stay refused)
            invite = make_invite(session, context, admin, single_use=True, for_member_id=member.id)
            link = t("Single-use invite for {name} to come back, valid until {date}:").format(
                name=member.display_name, date=invite.expires_on) + "\n" + invite.link
        elif not roster.restore(session, member, actor=admin, now=context.now()):
            member = None
        else:
            name, chat_id, lang = member.display_name, member.telegram_user_id, member.language.value
            team_name = admin.team.name
    if member is None:
        await query.answer(t(INVALID), show_alert=True)
        return
    if card is not None:
        await query.answer()
        await edit_card(query, card[0], reply_markup=card[1])
        return
    if link is not None:
        await query.answer()
        assert isinstance(query.message, Message)
        await query.message.reply_text(link)
        return
    await query.answer()
    await _menu_follows(context, chat_id)
    try:
        await context.bot.send_message(chat_id, _restored_note(translator(lang), team_name))
    except TelegramError as error:  # they may have blocked the bot: the restore stands all the same
        log.info("Could not tell member %s they were restored (%s)", member_id, error)
    text, keyboard = _card(context, admin, member_id, t("{name} is back in the team.").format(name=name))
    await edit_card(query, text, reply_markup=keyboard)


def _act(context: SaimaContext, session: Any, admin: Member, member: Member,
         press: Press) -> tuple[str | None, Any]:
    """(a refusal's message id, or None; then a note for the card or a (text, keyboard) next step)."""
    t, now, action = context.t, context.now(), press.action
    name = member.display_name
    if action is Action.MEMBER:
        return None, ""
    if action in (Action.PROMOTE, Action.DEMOTE):
        if admin.role is not Role.OWNER:
            return N_("Only the team's owner can change who is an admin."), None
        old, new = (Role.MEMBER, Role.ADMIN) if action is Action.PROMOTE else (Role.ADMIN, Role.MEMBER)
        if member.role is not old or not roster.set_role(session, member, old=old, new=new, actor=admin, now=now):
            return N_("This button is not valid any more."), None
        return None, (t("{name} is now an admin.") if new is Role.ADMIN else t("{name} is now a member.")).format(
            name=name)
    if action in (Action.ASK_REMOVE, Action.REMOVE):
        refusal = _may_remove(admin, member)
        if refusal is not None:
            return refusal, None
        if action is Action.ASK_REMOVE:
            keyboard = InlineKeyboardMarkup([[
                InlineKeyboardButton(t("Remove"), callback_data=_data(Action.REMOVE, member.id)),
                InlineKeyboardButton(t("Cancel"), callback_data=_data(Action.MEMBER, member.id))]])
            return None, (t("Remove {name} from the team? Their records stay in the ledger; they lose access.")
                          .format(name=name), keyboard)
        if not roster.remove(session, member, actor=admin, now=now):
            return N_("This button is not valid any more."), None
        return None, _BackToList(t("{name} was removed from the team.").format(name=name))
    if action in (Action.ASK_DELETE_LEAVE, Action.DELETE_LEAVE) and press.leave is not None:
        period = roster.leave_period(session, member.id, press.leave)
        if period is None:
            return N_("This button is not valid any more."), None
        words = {"name": name, "kind": t(LEAVE_LABELS[period.kind]),
                 "span": span_in_words(t, period.start_date, period.end_date)}
        if action is Action.ASK_DELETE_LEAVE:
            keyboard = InlineKeyboardMarkup([[
                InlineKeyboardButton(t("Delete"), callback_data=callbacks.build(Press(Action.DELETE_LEAVE, member.id,
                                                                                      leave=period.id))),
                InlineKeyboardButton(t("Cancel"), callback_data=_data(Action.MEMBER, member.id))]])
            return None, (t("Delete {name}'s leave ({kind}: {span})? Use it for leave recorded by mistake: their "
                            "targets and reminders then count those days again.").format(**words), keyboard)
        roster.delete_leave(session, member, period, actor=admin, now=now)
        return None, t("Deleted: {name}'s leave ({kind}: {span}).").format(**words)
    if action is Action.LEAVE:
        keyboard = InlineKeyboardMarkup(
            [[InlineKeyboardButton(t(label), callback_data=callbacks.build(Press(Action.LEAVE_KIND, member.id,
                                                                                  kind=kind)))]
             for kind, label in LEAVE_LABELS.items()]
            + [[InlineKeyboardButton(t("Cancel"), callback_data=_data(Action.MEMBER, member.id))]])
        return None, (t("What kind of leave for {name}?").format(name=name), keyboard)
    if action is Action.RACES and press.races is not None:
        if admin.role is not Role.OWNER:
            return N_("Only the team's owner can put someone in the race or take them out of it."), None
        races = press.races
        if not roster.set_races(session, member, races=races, now=now, actor=admin):
            return N_("This button is not valid any more."), None
        return None, (t("{name} is now in the race.") if races else t("{name} is no longer in the race.")).format(
            name=name)
    if action in (Action.TOOK_OFFICE, Action.LEFT_OFFICE):
        which = "from" if action is Action.TOOK_OFFICE else "until"
        admin_steps.begin(context, "office_day", member_id=member.id, team_id=admin.team_id, which=which)
        prompt = (t("When did {name} take office? Type the date, e.g. 2026年7月1日, 7月1日 or Jul 1.")
                  if which == "from" else
                  t("When did {name} leave office? Type the date, e.g. 2026年10月31日, 10月31日 or Oct 31."))
        return None, (prompt.format(name=name) + "\n" + t("(/cancel to stop)"), None)
    if action in (Action.CLEAR_TOOK_OFFICE, Action.CLEAR_LEFT_OFFICE):
        took = None if action is Action.CLEAR_TOOK_OFFICE else member.took_office_on
        left = None if action is Action.CLEAR_LEFT_OFFICE else member.left_office_on
        roster.set_office_dates(session, member, took_office_on=took, left_office_on=left, now=now, actor=admin)
        return None, (t("Cleared: {name}'s took-office date.") if action is Action.CLEAR_TOOK_OFFICE
                      else t("Cleared: {name}'s left-office date.")).format(name=name)
    if action is Action.LEAVE_KIND and press.kind is not None:
        kind = press.kind
        admin_steps.begin(context, "leave_dates", member_id=member.id, team_id=admin.team_id, kind=kind.value)
        prompt = t("{kind} for {name}: when? Type the dates, e.g. 11月23日至27日, 下周, Dec 1-5.").format(
            kind=t(LEAVE_LABELS[kind]), name=name)
        return None, (prompt + "\n" + t("(/cancel to stop)"), None)
    return N_("This button is not valid any more."), None


class _BackToList(str):
    """A note shown above the list (the member it was about is gone from the roster)."""


@admin_steps.on_step("leave_dates")
async def leave_dates(context: SaimaContext, message: Message, admin: Member, step: admin_steps.DeskStep,
                      text: str) -> None:
    """The leave's dates typed: recorded (and audited), or asked again with the reason."""
    t = context.t
    zone = ZoneInfo(admin.team.timezone)
    now = context.now().astimezone(zone)
    # Leave is recorded before or after the fact: a date without a year is read as the nearest one.
    readings = [r for r in (dates.read_range(text, now=now, prefer=p, lang=admin.language.value)
                            for p in ("past", "future")) if r is not None]
    span = min(readings, key=lambda r: abs((r[0] - now.date()).days), default=None)
    backwards = [r for r in (backwards_range(text, now=now, prefer=p, lang=admin.language.value)
                             for p in ("past", "future")) if r is not None]
    if span is None and backwards:  # 11月8日至5日: ask about 5–8 Nov rather than guess
        first, last = min(backwards, key=lambda r: abs((r[0] - now.date()).days))
        await message.reply_text(t("The end is before the start. Did you mean {span}? Please type the dates "
                                   "again, or send /cancel to stop.").format(span=span_in_words(t, last, first)))
        return
    if span is None:
        await message.reply_text(t("I could not read those dates. Try e.g. 11月23日至27日, 下周 or Dec 1-5, "
                                   "or send /cancel to stop."))
        return
    start, end = span
    if beyond_horizon(end, now.date()):
        await message.reply_text(t.ngettext(
            "Leave can be recorded at most {n} year ahead. Please type nearer dates, or send /cancel to stop.",
            "Leave can be recorded at most {n} years ahead. Please type nearer dates, or send /cancel to stop.",
            HORIZON_YEARS).format(n=HORIZON_YEARS))
        return
    if leave_too_long(start, end):
        await message.reply_text(t("A leave period is at most a year long. Please type the dates again, "
                                   "or send /cancel to stop."))
        return
    kind = LeaveKind(step["kind"])
    with context.db.session() as session:
        member = roster.in_team(session, admin.team_id, int(step["member_id"]))
        if member is not None:
            roster.record_leave(session, member, kind=kind, start=start, end=end, actor=admin, now=context.now())
            name = member.display_name
    admin_steps.end(context)
    if member is None:
        await message.reply_text(t("That member is no longer on the roster. Nothing was changed."))
        return
    note = t("Recorded: {name}, {kind}, {span}. Their pace pauses for these days.").format(
        name=name, kind=t(LEAVE_LABELS[kind]), span=span_in_words(t, start, end))
    text_, keyboard = _card(context, admin, int(step["member_id"]), note)
    await message.reply_text(text_, reply_markup=keyboard)


@admin_steps.on_step("office_day")
async def office_day(context: SaimaContext, message: Message, admin: Member, step: admin_steps.DeskStep,
                     text: str) -> None:
    """The 任职日期 or 离任日期 typed: recorded (and audited), or asked again with the reason."""
    t = context.t
    now = context.now().astimezone(ZoneInfo(admin.team.timezone))
    # Recorded after the fact (a team adopting the bot mid-year) or set ahead (a term ending on 31 December):
    # a date without a year is the nearer of its readings.
    found = dates.read_nearest_date(text, now=now, lang=admin.language.value)
    if found is None:
        await message.reply_text(t("I could not read that date. Try e.g. 2026年7月1日, 7月1日 or Jul 1, "
                                   "or send /cancel to stop."))
        return
    day = found.date() if isinstance(found, datetime) else found
    from_day = step.get("which") == "from"
    with context.db.session() as session:
        member = roster.in_team(session, admin.team_id, int(step["member_id"]))
        if member is not None:
            took = day if from_day else member.took_office_on
            left = member.left_office_on if from_day else day
            recorded = roster.set_office_dates(session, member, took_office_on=took, left_office_on=left,
                                               now=context.now(), actor=admin)
            name = member.display_name
    if member is None:
        admin_steps.end(context)
        await message.reply_text(t("That member is no longer on the roster. Nothing was changed."))
        return
    if not recorded:
        await message.reply_text(t("Leaving office ({left}) cannot come before taking it ({took}). Please type "
                                   "the date again, or send /cancel to stop.").format(
            left=day_in_words(t, left) if left else "", took=day_in_words(t, took) if took else ""))
        return
    admin_steps.end(context)
    note = (t("Recorded: {name} took office on {date}. Their targets count from that day.") if from_day else
            t("Recorded: {name} left office on {date}. Their targets count up to that day.")).format(
        name=name, date=day_in_words(t, day))
    text_, keyboard = _card(context, admin, int(step["member_id"]), note)
    await message.reply_text(text_, reply_markup=keyboard)


async def _invites(update: Update, context: SaimaContext, admin: Member, single_use: bool | None) -> None:
    """Invite choices, then the link: single use, or reusable until it expires."""
    query = update.callback_query
    assert query is not None
    t = context.t
    if single_use is None:
        await query.answer()
        keyboard = InlineKeyboardMarkup([
            [InlineKeyboardButton(t("Single-use link"),
                                  callback_data=callbacks.build(Press(Action.INVITES, single_use=True)))],
            [InlineKeyboardButton(t("Reusable link, expires in {n} days").format(
                n=context.config.invites.expire_days),
                callback_data=callbacks.build(Press(Action.INVITES, single_use=False)))],
            [InlineKeyboardButton(t("‹ Back to the list"), callback_data=_data(Action.PAGE, 0))]])
        await edit_card(query, t("Which kind of invite link?"), reply_markup=keyboard)
        return
    with context.db.session() as session:
        invite = make_invite(session, context, admin, single_use=single_use)
    await query.answer()
    assert isinstance(query.message, Message)
    await query.message.reply_text(invite_text(t, admin.team.name, invite, single_use=single_use))


def handlers() -> list[BaseHandler]:  # type: ignore[type-arg]
    return [CommandHandler("members", show_members, filters=filters.ChatType.PRIVATE),
            CallbackQueryHandler(press, pattern=callbacks.PATTERN)]

"""`/targets [year]` (admins): the team's yearly targets for this year or the year typed (`/targets 2027`:
the config's defaults, the team's own numbers, members' overrides, quarter targets where set), and setting
one: pick the duty, then the whole team or one member, then type the number: one for the year (spread
evenly), or four for the quarters' cumulative targets (季目标, e.g. "10 25 40 60" or "10/25/40/60": whole,
not negative, never going down; the last is the year).

Callback data (`tg:…`, core/callbacks/targets.py; each press re-checked: an active admin of the team; a member
id must be in that team): a duty, then whom (members 24 to a page), then the typed step waits in user_data.
"""

from __future__ import annotations

import re

from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, filters

from core import paging
from core.callbacks import targets as callbacks
from core.callbacks.targets import DUTIES, Action, Press
from core.domain import Duty, MemberStatus
from core.pace import QuarterTargets
from core.targets import (
    PICK_PAGE,
    TargetProblem,
    Typed,
    first_year,
    last_year,
    limit_of,
    read_typed,
    year_editable,
)
from handlers import admin_steps
from handlers.access import admin_press, admins_only
from handlers.cards import edit_card
from handlers.context import SaimaContext
from handlers.keyboards import in_rows, turn_rows
from locales import N_, Translator
from reports.progress_card import duty_name
from reports.targets import overview_lines
from reports.words import number
from storage import evaluation, members, roster
from storage import targets as queries
from storage.models import Member
from storage.targets import defaults_of

INVALID = N_("This button is not valid any more.")


def _year(context: SaimaContext, admin: Member) -> int:
    return context.today(admin.team.timezone).year


def _year_asked(context: SaimaContext, admin: Member, args: list[str]) -> int | None:
    """The year `/targets <year>` names (this year with no argument), or None when it is not one it edits."""
    this_year = _year(context, admin)
    if not args:
        return this_year
    found = re.fullmatch(r"(\d{4})\s*(?:年|年度)?", " ".join(args).strip())
    if found is None or not year_editable(int(found.group(1)), this_year):
        return None
    return int(found.group(1))


def _overview(context: SaimaContext, admin: Member, note: str = "", *,
              year: int | None = None) -> tuple[str, InlineKeyboardMarkup]:
    t = context.t
    year = _year(context, admin) if year is None else year
    with context.db.session() as session:
        found = queries.overview(session, team_id=admin.team_id, year=year)
    lines = ([note] if note else []) + overview_lines(t, year, found, defaults_of(context.config))
    lines.append(t("Press a duty to change its target."))
    buttons = [InlineKeyboardButton(duty_name(t, duty), callback_data=callbacks.build(Press(Action.PICK, duty, 0, year)))
               for duty in DUTIES]
    return "\n".join(lines), InlineKeyboardMarkup(in_rows(buttons, 2))


@admins_only
async def show_targets(update: Update, context: SaimaContext) -> None:
    """This year's targets (or the year typed: /targets 2027), with a button per duty."""
    admin = context.member()
    assert admin is not None and update.effective_message is not None
    year = _year_asked(context, admin, list(context.args or []))
    if year is None:
        this_year = _year(context, admin)
        await update.effective_message.reply_text(_bad_year(context, this_year))
        return
    text, keyboard = _overview(context, admin, year=year)
    await update.effective_message.reply_text(text, reply_markup=keyboard)


def _bad_year(context: SaimaContext, this_year: int) -> str:
    return context.t("That is not a year whose targets can be shown: send /targets for {year}, or /targets "
                     "followed by a year from {first} to {last} (e.g. /targets {next}). Nothing was changed.").format(
        year=this_year, first=first_year(this_year), last=last_year(this_year), next=this_year + 1)


async def press(update: Update, context: SaimaContext) -> None:
    """A duty, then whom; refused unless the presser is an admin and the member is in their team."""
    pressed = await admin_press(update, context, callbacks.parse)
    if pressed is None:
        return
    query, t = pressed.query, context.t
    admin, action, duty = pressed.admin, pressed.press.action, pressed.press.duty
    this_year = _year(context, admin)
    year = this_year if pressed.press.year is None else pressed.press.year
    if not year_editable(year, this_year):
        await query.answer(t(INVALID), show_alert=True)
        return
    if action is Action.CONFIRM:
        await _confirm(context, query, admin, year)
        return
    if action in (Action.PICK, Action.WHOM) and _published(context, admin, year):
        await query.answer(t(PUBLISHED).format(year=year), show_alert=True)
        return
    if action is Action.SHOW or duty is None:
        await query.answer()
        text, keyboard = _overview(context, admin, year=year)
        await edit_card(query, text, reply_markup=keyboard)
        return
    if action is Action.PICK:
        with context.db.session() as session:
            active = [(m.id, m.display_name) for m in members.of_team(session, admin.team_id)
                      if m.status is MemberStatus.ACTIVE]
        page, pages = paging.clamp(pressed.press.number or 0, total=len(active), size=PICK_PAGE)
        shown = active[page * PICK_PAGE : (page + 1) * PICK_PAGE]
        buttons = [InlineKeyboardButton(name, callback_data=callbacks.build(Press(Action.WHOM, duty, member_id, year)))
                   for member_id, name in shown]
        rows = [[InlineKeyboardButton(t("The whole team"), callback_data=callbacks.build(Press(Action.WHOM, duty, 0,
                                                                                                year)))]]
        rows += in_rows(buttons, 3)
        rows += turn_rows(t, page, pages, lambda to: callbacks.build(Press(Action.PICK, duty, to, year)))
        rows.append([InlineKeyboardButton(t("Cancel"), callback_data=callbacks.build(Press(Action.SHOW, year=year)))])
        await query.answer()
        await edit_card(query, t("{duty}: for the whole team, or one member's own target?").format(
            duty=duty_name(t, duty)), reply_markup=InlineKeyboardMarkup(rows))
        return
    if action is Action.WHOM:
        member_id = pressed.press.number or None
        whom = t("the whole team")
        if member_id is not None:
            with context.db.session() as session:
                member = roster.in_team(session, admin.team_id, member_id)
                whom = member.display_name if member is not None else ""
            if member is None:
                await query.answer(t(INVALID), show_alert=True)
                return
        admin_steps.begin(context, "target_value", team_id=admin.team_id, duty=duty.value, member_id=member_id,
                          year=year)
        await query.answer()
        await edit_card(
            query, t("Yearly target for {duty} ({whom}): type a whole number from 0 to {limit}.").format(
                duty=duty_name(t, duty), whom=whom, limit=limit_of(duty))
            + "\n" + t("For {year}. Or type the four quarters' cumulative targets (季目标), the last being the "
                       "year, e.g. 10 25 40 60.").format(year=year)
            + "\n" + t("(/cancel to stop)"))
        return
    await query.answer(t(INVALID), show_alert=True)


PUBLISHED = N_("The {year} evaluation has been published: its targets stay as the members were evaluated "
                "against. Nothing was changed.")


def _published(context: SaimaContext, admin: Member, year: int) -> bool:
    with context.db.session() as session:
        return evaluation.any_published(session, admin.team_id, year)


async def _confirm(context: SaimaContext, query: CallbackQuery, admin: Member, year: int) -> None:
    """The office confirms the year's targets from its 年度清单: audited once; a second press (or another
    admin's) says who confirmed them. The list keeps its text, with the confirmation under it."""
    t = context.t
    with context.db.session() as session:
        earlier = queries.confirm(session, team_id=admin.team_id, year=year, actor=admin, now=context.now())
        first = admin if earlier is None else roster.in_team(session, admin.team_id, earlier)
        who = first.display_name if first is not None else "?"
    note = t("✅ {name} confirmed the targets for {year}.").format(name=who, year=year)
    await query.answer(note)
    if query.message is not None and isinstance(query.message, Message) and query.message.text:
        change = InlineKeyboardButton(t("Change targets"), callback_data=callbacks.build(Press(Action.SHOW, year=year)))
        if note not in query.message.text:
            await edit_card(query, f"{query.message.text}\n\n{note}", reply_markup=InlineKeyboardMarkup([[change]]))


def _typed_problem(t: Translator, typed: Typed, limit: int) -> str:
    """Why what was typed is not saved, and how to type it."""
    if typed.problem is TargetProblem.ONE_OR_FOUR:
        return t("Type one number for the year, or four for the quarters' cumulative targets, e.g. "
                 "10 25 40 60. Nothing was changed. (/cancel to stop)")
    if typed.problem is TargetProblem.NOT_A_NUMBER:
        return (t("Please type four numbers for the quarters, e.g. 10 25 40 60. (/cancel to stop)") if typed.quarters
                else t("Please type a number, e.g. 60. (/cancel to stop)"))
    if typed.problem is TargetProblem.NOT_WHOLE:
        return t("Please type a whole number, e.g. 6. (/cancel to stop)")
    if typed.problem is TargetProblem.OUT_OF_RANGE:
        return t("The target must be between 0 and {limit}. (/cancel to stop)").format(limit=limit)
    return t("Quarter targets are cumulative: each must be at least the one before, e.g. "
             "10 25 40 60. Nothing was changed. (/cancel to stop)")


@admin_steps.on_step("target_value")
async def target_value(context: SaimaContext, message: Message, admin: Member, step: admin_steps.DeskStep,
                       text: str) -> None:
    """The number typed: checked (a specific reply when it is not a whole number in range), stored, audited."""
    t = context.t
    duty = Duty(step["duty"])
    typed = read_typed(text, duty)
    if typed.problem is not None:
        await message.reply_text(_typed_problem(t, typed, limit_of(duty)))
        return
    values = list(typed.values)
    value = values[-1]
    member_id = step.get("member_id")
    if _published(context, admin, int(step["year"])):  # published while the number was being typed
        admin_steps.end(context)
        await message.reply_text(t(PUBLISHED).format(year=int(step["year"])))
        return
    with context.db.session() as session:
        gone = member_id is not None and roster.in_team(session, admin.team_id, int(member_id)) is None
        whom_id = int(member_id) if member_id is not None else None
        if gone:
            pass  # refused once the transaction has ended
        elif len(values) == 4:
            quarters = QuarterTargets(*values)
            queries.set_quarters(session, team_id=admin.team_id, year=int(step["year"]), duty=duty,
                                 quarters=quarters, member_id=whom_id, actor_member_id=admin.id,
                                 actor_telegram_id=admin.telegram_user_id, now=context.now())
        else:
            queries.set_value(session, team_id=admin.team_id, year=int(step["year"]), duty=duty, value=value,
                              member_id=whom_id, actor_member_id=admin.id,
                              actor_telegram_id=admin.telegram_user_id, now=context.now())
    admin_steps.end(context)
    if gone:
        await message.reply_text(t("That member is no longer on the roster. Nothing was changed."))
        return
    if len(values) == 4:
        note = t("Saved: {duty}'s quarter targets are now {values}.").format(
            duty=duty_name(t, duty), values=" / ".join(number(v) for v in values))
    else:
        note = t("Saved: {duty} is now {value}.").format(duty=duty_name(t, duty), value=number(value))
    text_, keyboard = _overview(context, admin, note, year=int(step["year"]))
    await message.reply_text(text_, reply_markup=keyboard)


def handlers() -> list[BaseHandler]:  # type: ignore[type-arg]
    return [CommandHandler("targets", show_targets, filters=filters.ChatType.PRIVATE),
            CallbackQueryHandler(press, pattern=callbacks.PATTERN)]

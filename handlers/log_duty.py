"""`/log`: one message logs an entry on one of the team's own duties (handlers/duties.py), recorded at once
and answered with what was recorded and the year's total so far.

    /log 接访下访 1 11月20日 接待群众来访      the duty's name, the amount (1 if left out), the day (today if
    /log 第一议题 昨天                         none; past-leaning, as every log), a note
    /log 撤销                                  the member's latest entry taken back (a mistake)

A text that is not an entry stores nothing and says what is wrong (core/team_duties.py reads it).
"""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session
from telegram import Update
from telegram.ext import BaseHandler, CommandHandler, filters

from core.team_duties import DutyLogError, is_undo, parse_log
from handlers.access import members_only, sender
from handlers.context import SaimaContext
from handlers.incoming import args_of
from locales import Translator
from reports.progress_card import shown, whole
from reports.words import day_in_words, listed, number
from storage import progress, team_duties
from storage.models import Member, TeamDuty


def _year_total(context: SaimaContext, session: Session, member: Member, duty: TeamDuty, year: int) -> str:
    """The year's total against the target /me shows (pro-rated to the member's term, less leave)."""
    day = min(context.today(member.team.timezone), date(year, 12, 31))
    then = next((d for d in team_duties.in_force(session, member.team_id, day, ZoneInfo(member.team.timezone))
                 if d.id == duty.id), team_duties.terms(duty))  # the target of the entry's year
    (own,) = progress.team_duty_paces(session, member, [then], today=day, config=context.config)
    return context.t("{year} so far: {done}/{target} {unit}").format(
        year=year, done=shown(own.done), target=whole(own.target), unit=duty.unit)


def _refusal(t: Translator, error: DutyLogError, text: str, duties: list[TeamDuty], retired: list[TeamDuty]) -> str:
    """What is wrong with the entry; nothing was logged."""
    if error.reason == "amount":
        return t("The amount: a number above 0 and up to 1000 right after the duty's name, such as 1 or 0.5.")
    if error.reason == "month_day":
        return t("Is “{text}” a date or an amount? Nothing was logged. Write the day as 20 Nov and the amount "
                 "right after the duty's name, for example: /log {name} 1 20 Nov").format(text=error.text,
                                                                                       name=error.duty)
    if error.reason == "no_such_day":
        return t("There is no such day as “{text}”: nothing was logged. Please check the date.").format(
            text=error.text)
    if error.reason == "range":
        return t("One day per entry, please.")
    if error.reason == "future" and error.day is not None:
        return t("{day} has not come yet: log what was done.").format(day=day_in_words(t, error.day))
    if error.reason == "too_old":
        return t("That day is more than a year back: only this year's and last year's entries can be logged.")
    if error.reason == "note":
        return t("Please keep the note under 200 characters.")
    gone = next((duty for duty in retired if text.casefold().startswith(duty.name.casefold())), None)
    if gone is not None:
        return t("The office has retired {name}: it is no longer logged.").format(name=gone.name) + (
            "\n" + _which(t, duties) if duties else "")
    if not duties:
        return t("The team has added no duties of its own to log; trips, study and suggestions or proposals "
                 "have their own commands: /trip, /study, /proposal.")
    return _which(t, duties)


def _which(t: Translator, duties: list[TeamDuty]) -> str:
    names = listed(t, (duty.name for duty in duties))
    return t("Which duty? Start with its name: {names}. For example: /log {first} 1 20 Nov note").format(
        names=names, first=duties[0].name)


@members_only
async def log(update: Update, context: SaimaContext) -> None:
    """Records the entry the message describes and says what was recorded, with the year's total."""
    message, member = sender(update, context)
    t = context.t
    now = context.now().astimezone(ZoneInfo(member.team.timezone))
    text = " ".join(args_of(context.args))
    with context.db.session() as session:
        every = team_duties.every(session, member.team_id)
        duties = [duty for duty in every if duty.retired_at is None]
        retired = [duty for duty in every if duty.retired_at is not None]
        if is_undo(text):
            undone = team_duties.undo_latest(session, member, now=context.now())
            if undone is None:
                reply = t("Nothing to take back: you have no entry on the team's own duties.")
            else:
                gone, duty = undone
                reply = t("Taken back: {name} {amount} {unit} · {day}").format(
                    name=duty.name, amount=number(gone.amount), unit=duty.unit, day=day_in_words(t, gone.day)) \
                    + "\n" + _year_total(context, session, member, duty, gone.day.year)
        else:
            try:
                entry = parse_log(text, duties=[(d.name, d.unit) for d in duties], now=now, lang=t.lang)
            except DutyLogError as error:
                reply = _refusal(t, error, text, duties, retired)
            else:
                duty = next(d for d in duties if d.name == entry.name)
                team_duties.log_entry(session, duty=duty, member=member, day=entry.day, amount=entry.amount,
                                      note=entry.note, now=context.now())
                reply = t("Logged: {name} {amount} {unit} · {day}").format(
                    name=duty.name, amount=number(entry.amount), unit=duty.unit, day=day_in_words(t, entry.day))
                if entry.note:
                    reply += f" · {entry.note}"
                reply += "\n" + _year_total(context, session, member, duty, entry.day.year) + "\n" \
                    + t("Logged by mistake? /log undo takes it back.")
    await message.reply_text(reply)


def handlers() -> list[BaseHandler]:  # type: ignore[type-arg]
    return [CommandHandler("log", log, filters=filters.ChatType.PRIVATE)]

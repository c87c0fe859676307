"""`/log`: one message logs an entry on one of the team's own duties (handlers/duties.py), recorded at once
and answered with what was recorded and the year's total so far.

    /log 接访下访 1 11月20日 接待群众来访      the duty's name, the amount (1 if left out), the day (today if
    /log 第一议题 昨天                         none; past-leaning, as every log), a note
    /log 撤销                                  the member's latest entry taken back (a mistake)

A text that is not an entry stores nothing and says what is wrong (core/team_duties.py reads it). Every entry
is in /mine too (DutyEntryForm): its amount, day or note corrected, or the entry deleted, after asking.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session
from telegram import Update
from telegram.ext import BaseHandler, CommandHandler, filters

from core.dates import read_date
from core.team_duties import (
    NO_NOTE_WORDS,
    NOTE_LIMIT,
    DutyLogError,
    check_day,
    is_undo,
    parse_log,
    read_amount,
)
from handlers.access import members_only, sender
from handlers.context import SaimaContext
from handlers.form_parts import accepted
from handlers.forms import Field, Form, FormContext, RecordLine, Rejected, register_form
from handlers.incoming import args_of
from locales import N_, Translator
from reports.progress_card import shown, whole
from reports.words import day_in_words, field_line, listed, number
from storage import progress, team_duties
from storage.models import Member, TeamDuty

AMOUNT = N_("The amount: a number above 0 and up to 1000 right after the duty's name, such as 1 or 0.5.")
NOTE_TOO_LONG = N_("Please keep the note under 200 characters.")


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
    return _entry_problem(t, error) or _no_duty(t, text, duties, retired)


def _entry_problem(t: Translator, error: DutyLogError) -> str | None:
    """What is wrong with an entry's amount, day or note (/log's, or one corrected from /mine); None when it
    names no duty of the team's."""
    if error.reason == "amount":
        return t(AMOUNT)
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
        return t(NOTE_TOO_LONG)
    return None


def _no_duty(t: Translator, text: str, duties: list[TeamDuty], retired: list[TeamDuty]) -> str:
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


# --------------------------------------------------------------------------- /mine: an entry corrected or deleted

@dataclass(frozen=True)
class DutyEntryDraft:
    """An entry on one of the team's own duties as /mine corrects it: the duty (its name and unit, as shown),
    the amount, the day and the note ("": none)."""

    duty_id: int | None = None
    name: str = ""
    unit: str = ""
    amount: Decimal | None = None
    day: date | None = None
    note: str | None = None


class DutyEntryForm(Form[DutyEntryDraft]):
    """The member's /log entries in /mine. A new entry is logged by /log in one message, so no command opens
    this form; /mine's ✏️ opens an entry's card, whose 修改 asks one field again."""

    kind = "dutylog"
    command = None
    draft_type = DutyEntryDraft
    fields = (
        Field("amount", N_("Amount"), N_("How much? (e.g. 1 or 0.5)")),
        Field("day", N_("Date"), N_("On which day? (e.g. yesterday, 20 Nov)")),
        Field("note", N_("Entry note"), N_("The note? (send “none” for no note)")),
    )

    def parse_message(self, text: str, ctx: FormContext) -> DutyEntryDraft:
        return DutyEntryDraft()  # never opened by a message: /log logs in one

    def read_field(self, name: str, text: str, draft: DutyEntryDraft,
                   ctx: FormContext) -> DutyEntryDraft | Rejected:
        t = ctx.t
        if name == "amount":
            return accepted(read_amount(text, draft.unit), lambda amount: replace(draft, amount=amount), t(AMOUNT))
        if name == "day":
            typed = read_date(text, now=ctx.now, prefer="past", lang=ctx.lang)
            day = typed.date() if isinstance(typed, datetime) else typed
            if day is None:
                return Rejected(t("I could not read “{text}” as a date.").format(text=text[:40]))
            try:
                check_day(day, ctx.today)
            except DutyLogError as error:
                return Rejected(_entry_problem(t, error) or "")
            return replace(draft, day=day)
        note = "" if text.strip().casefold() in NO_NOTE_WORDS else " ".join(text.split())
        if len(note) > NOTE_LIMIT:
            return Rejected(t(NOTE_TOO_LONG))
        return replace(draft, note=note)

    def problems(self, draft: DutyEntryDraft, ctx: FormContext) -> tuple[DutyEntryDraft, list[str]]:
        return draft, []  # each field is checked as it is typed

    def missing(self, draft: DutyEntryDraft) -> list[str]:
        return [name for name, value in (("amount", draft.amount), ("day", draft.day), ("note", draft.note))
                if value is None]

    def card(self, draft: DutyEntryDraft, ctx: FormContext) -> str:
        t = ctx.t
        lines = [t("Entry on {name}").format(name=draft.name),
                 field_line(t, t("Amount"), f"{number(draft.amount or 0)} {draft.unit}".strip()),
                 field_line(t, t("Date"), day_in_words(t, draft.day) if draft.day else "")]
        if draft.note:
            lines.append(field_line(t, t("Entry note"), draft.note))
        return "\n".join(lines)

    def is_duplicate(self, session: Session, draft: DutyEntryDraft, ctx: FormContext, *,
                     excluding: int | None = None) -> bool:
        return False  # /log keeps every entry of a day: two visits on one day are two entries

    def save(self, session: Session, draft: DutyEntryDraft, ctx: FormContext) -> str | Rejected:
        duty = next((d for d in team_duties.active(session, ctx.member.team_id) if d.id == draft.duty_id), None)
        if duty is None or draft.amount is None or draft.day is None:
            return Rejected(ctx.t("The office has retired {name}: it is no longer logged.").format(name=draft.name))
        team_duties.log_entry(session, duty=duty, member=ctx.member, day=draft.day, amount=draft.amount,
                              note=draft.note or "", now=ctx.now)
        return ctx.t("Logged by mistake? /log undo takes it back.")

    def records(self, session: Session, ctx: FormContext) -> list[RecordLine]:
        t = ctx.t
        return [RecordLine(self.kind, entry.id, entry.created_at,
                           " · ".join(part for part in (f"{duty.name} {number(entry.amount)} {duty.unit}",
                                                        day_in_words(t, entry.day), entry.note or "") if part))
                for entry, duty in team_duties.own_entries(session, ctx.member.id)]

    def record_draft(self, session: Session, record_id: int, ctx: FormContext) -> DutyEntryDraft | None:
        found = team_duties.own_entry(session, ctx.member.id, record_id)
        if found is None:
            return None
        entry, duty = found
        return DutyEntryDraft(duty_id=duty.id, name=duty.name, unit=duty.unit, amount=entry.amount, day=entry.day,
                              note=entry.note or "")

    def update(self, session: Session, record_id: int, draft: DutyEntryDraft, ctx: FormContext) -> str:
        found = team_duties.own_entry(session, ctx.member.id, record_id)
        if found is None:
            return ctx.t("That record is no longer there; nothing was changed.")
        assert draft.amount is not None and draft.day is not None
        team_duties.change_entry(session, found, amount=draft.amount, day=draft.day, note=draft.note or "",
                                 actor=ctx.member, now=ctx.now)
        return ctx.t("The change is kept in the audit log.")

    def delete(self, session: Session, record_id: int, ctx: FormContext) -> bool:
        found = team_duties.own_entry(session, ctx.member.id, record_id)
        if found is None:
            return False
        team_duties.delete_entry(session, found, actor=ctx.member, now=ctx.now)
        return True


register_form(DutyEntryForm())

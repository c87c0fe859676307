"""`/holiday` (admins): the team's own days off and working days on top of China's calendar, which
nudges, boards, summaries and delivery follow (storage/calendar.py).

    /holiday                          the team's corrections from today on
    /holiday 2027-02-20 上班 调休      a working day (with a note)     /holiday 12月31日 休息   a day off
    /holiday remove 2月20日            back to the national calendar

Every change is audited; a text that is not one changes nothing and says what is missing.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler, filters

from core.holidays import DayChangeError, parse_day_change
from handlers.access import admins_only
from handlers.context import SaimaContext
from locales import Translator
from reports.calendar import unarranged_notice
from reports.words import day_in_words
from storage import audit, calendar
from storage.models import Member

LISTED = 60  # corrections shown at most (a team sets a handful a year)


def _usage(t: Translator) -> str:
    return t("Add a day: /holiday 2027-02-20 workday swapped for Feb 12, /holiday Dec 31 day off; "
             "back to the national calendar: /holiday remove Feb 20.")


def _listing(context: SaimaContext, admin: Member) -> str:
    """The team's own days from today on, after a warning for each year the calendar is missing the State
    Council's arrangement for (reports/calendar.py)."""
    t = context.t
    today = context.today(admin.team.timezone)
    with context.db.session() as session:
        rows = [(r.day, r.workday, r.note)
                for r in calendar.listing(session, admin.team_id, since=today)[:LISTED]]
        missing = calendar.unarranged_years(session, admin.team_id, context.config, today=today)
    notice = [unarranged_notice(t, missing)] if missing else []
    if not rows:
        return "\n".join([*notice, t("The team follows China's public holidays and make-up working days; the office "
                                     "has set no days of its own."), _usage(t)])
    lines = [*notice, t("The team's own days (on top of China's public holidays and make-up working days):")]
    for day, workday, note in rows:
        kind = t("working day") if workday else t("day off")
        lines.append(f"• {day_in_words(t, day)} · {kind}" + (f" · {note}" if note else ""))
    return "\n".join(lines + [_usage(t)])


@admins_only
async def holiday(update: Update, context: SaimaContext) -> None:
    """Lists, sets or removes one of the team's own days off or working days."""
    admin = context.member()
    message = update.effective_message
    assert admin is not None and message is not None
    t = context.t
    now = context.now().astimezone(ZoneInfo(admin.team.timezone))
    try:
        change = parse_day_change(" ".join(context.args or []), now=now)
    except DayChangeError as error:
        await message.reply_text(_refusal(t, error))
        return
    if change.action == "list":
        await message.reply_text(_listing(context, admin))
        return
    assert change.day is not None
    shown = day_in_words(t, change.day)
    if change.action == "remove":
        with context.db.session() as session:
            row = calendar.remove_day(session, team_id=admin.team_id, day=change.day)
            if row is not None:
                before = {"day": change.day.isoformat(), "workday": row.workday, "note": row.note}
                audit.record(session, action="delete", entity="team_calendar_day", entity_id=row.id,
                             team_id=admin.team_id, now=context.now(), actor_member_id=admin.id,
                             actor_telegram_id=admin.telegram_user_id, before=before)
        if row is None:
            await message.reply_text(t("The office has set nothing for {day}.").format(day=shown))
            return
        national = t("a working day") if calendar.national(context.config)(change.day) else t("a day off")
        await message.reply_text(t("{day} follows the national calendar again: {kind}.").format(
            day=shown, kind=national))
        return
    with context.db.session() as session:
        assert change.workday is not None
        existing = calendar.by_day(session, admin.team_id, change.day)
        previous = None if existing is None else {"workday": existing.workday, "note": existing.note}
        row = calendar.set_day(session, team_id=admin.team_id, day=change.day, workday=change.workday,
                               note=change.note, now=context.now())
        audit.record(session, action="update" if previous else "create", entity="team_calendar_day",
                     entity_id=row.id, team_id=admin.team_id, now=context.now(), actor_member_id=admin.id,
                     actor_telegram_id=admin.telegram_user_id, before=previous,
                     after={"day": change.day.isoformat(), "workday": change.workday, "note": change.note})
    if change.workday:
        text = t("{day} is now a working day for the team: reminders and boards go out on it.")
    else:
        text = t("{day} is now a day off for the team: reminders and boards wait for the next working day.")
    await message.reply_text(text.format(day=shown))


def _refusal(t: Translator, error: DayChangeError) -> str:
    if error.reason == "no_kind" and error.day is not None:
        return t("Is {day} a working day or a day off? Add 'workday' or 'day off' after the date.").format(
            day=day_in_words(t, error.day))
    if error.reason == "past" and error.day is not None:
        return t("{day} has passed: only today and days to come can be changed.").format(
            day=day_in_words(t, error.day))
    if error.reason == "note":
        return t("Please keep the note under 100 characters.")
    if error.reason == "range":
        return t("One day at a time, please.") + "\n" + _usage(t)
    return t("Which day? Write it like 2027-02-20 or Feb 20.") + "\n" + _usage(t)


def handlers() -> list[BaseHandler]:  # type: ignore[type-arg]
    return [CommandHandler("holiday", holiday, filters=filters.ChatType.PRIVATE)]

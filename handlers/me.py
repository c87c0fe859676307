"""`/me`: the member's year at a glance — every duty as done/target, where the pace of the year and of
the quarter says they should be, and their open items with due dates (🟢 🟡 🔴). `/me 2026` or
`/me 去年`: a past year as of its 31 December (its figures, without today's open items)."""

from __future__ import annotations

import dataclasses
from datetime import date
from zoneinfo import ZoneInfo

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler, filters

from core.periods import PeriodError, parse_period
from core.race import PeriodKind
from handlers.access import members_only
from handlers.context import SaimaContext
from handlers.incoming import args_of
from handlers.keyboards import with_dashboard
from reports.progress_card import render_me
from storage import calendar, tasks
from storage.models import Member
from storage.progress import year_progress


@members_only
async def show_me(update: Update, context: SaimaContext) -> None:
    """Shows the member's progress card in their language."""
    member = context.member()
    assert member is not None and update.effective_message is not None
    today = context.today(member.team.timezone)
    year = await year_asked(update, context, member)
    if year is None:
        return
    closed = year != today.year  # a past year: its figures as of 31 December, not today's open items nor advice
    as_of = date(year, 12, 31) if closed else today
    with context.db.session() as session:
        progress = year_progress(session, member, today=as_of, config=context.config)
        if closed:
            progress = dataclasses.replace(progress, follow_ups=[], motions=[], tasks=[])
        lights = tasks.lights(session, progress.tasks, team_id=member.team_id, timezone=member.team.timezone,
                              now=context.now(), base=calendar.national(context.config))
    text = render_me(context.t, member.display_name, progress, now=context.now(), tz=ZoneInfo(member.team.timezone),
                     lights=lights, closed=closed)
    if not member.races:  # the office: its records still show, but it owes no quota and is not ranked
        text = context.t("📋 You are not in the race (office): not ranked, no pace reminders.") + "\n\n" + text
    await update.effective_message.reply_text(text, reply_markup=with_dashboard(update, context, None, t=context.t))


async def year_asked(update: Update, context: SaimaContext, member: Member) -> int | None:
    """The year named after /me (this one by default, or a past one: /me 2026, /me 去年), or None once
    the sender is told why not."""
    message = update.effective_message
    assert message is not None
    t = context.t
    last = context.today(member.team.timezone).year - 1
    usage = t("Send /me for this year, or /me {last} for a past year.").format(last=last)
    try:
        period = parse_period(" ".join(args_of(context.args)) or "year",
                              now=context.now().astimezone(ZoneInfo(member.team.timezone)))
    except PeriodError as error:
        if error.reason == "future" and error.period is not None:
            usage = t("{year} has not begun yet.").format(year=error.period.year) + "\n" + usage
        await message.reply_text(usage)
        return None
    if period.kind is not PeriodKind.YEAR:
        await message.reply_text(usage)
        return None
    return period.year


def handlers() -> list[BaseHandler]:  # type: ignore[type-arg]
    return [CommandHandler("me", show_me, filters=filters.ChatType.PRIVATE)]

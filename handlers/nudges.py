"""The buttons on a deadline nudge, and `/summary`.

Remind me later (稍后提醒, `nz:<m|f|t>:<id>:<days>`, core/callbacks/nudges.py; m = motion, f = finding, t = task
assignment): the
item gets no nudge until then, then one reminder (jobs/nudges.py); the deadline does not move, and the
reply says so. "Then" is when the reminder really comes: the first moment a scheduled message may go out once
the days have passed (core.nudge_schedule.snooze_end, with the team's calendar and quiet hours), stored as the
snooze's end and named in the answer and on the card. Every press is checked on the
server: the item must be the presser's own and the days one of `schedule.snooze_options_days`.
Done opens the item's own card (the motion's `mo:<id>:v`, the finding's `fu:i:<id>`), handled there;
a task's Done starts its report (`fs:taskdone:<assignment>`, handlers/tasks.py).

`/summary` (admins, privately): the weekly summary of the last seven days up to today, admin version.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, filters

from core.callbacks import nudges as callbacks
from core.domain import MemberStatus
from core.nudge_schedule import snooze_end
from handlers.access import admins_only, sender
from handlers.cards import edit_card
from handlers.context import SaimaContext
from handlers.throttle import one_at_a_time
from reports import summary
from reports.words import day_in_words
from storage import calendar, deadlines, members, teams
from storage import summary as summary_storage


async def snooze(update: Update, context: SaimaContext) -> None:
    query = update.callback_query
    assert query is not None
    t = context.t
    press = callbacks.parse(query.data)
    days = press.days if press is not None else 0
    if press is None or days not in context.config.schedule.snooze_options_days or update.effective_user is None:
        await query.answer(t("This button is not valid any more."), show_alert=True)
        return
    user_id = update.effective_user.id
    now = context.now()

    def run() -> tuple[str, str] | str:
        """(the reminder's day, the due day) in words once snoozed; else "gone" or "not yours"."""
        with context.db.session() as session:
            found = deadlines.owner_of(session, press.action.value, press.ref_id)
            if found is None:  # gone, closed, replied, reported or cancelled since the nudge
                return "gone"
            owner = members.by_id(session, found[1])
            # The presser must be the item's owner, still an active member (a removed member's old nudge
            # has the button still).
            if owner is None or owner.telegram_user_id != user_id or owner.status is not MemberStatus.ACTIVE:
                return "not yours"
            tz = ZoneInfo(teams.one(session, owner.team_id).timezone)
            workday = calendar.workday(session, owner.team_id, base=calendar.national(context.config))
            until = snooze_end(now, days=days, schedule=context.config.schedule, tz=tz, is_workday=workday)
            deadlines.snooze(session, press.action.value, press.ref_id, until=until)
            due = deadlines.due_day(found[0], tz)
            return (day_in_words(t, until.astimezone(tz).date()),
                    day_in_words(t, due) if due is not None else "")

    result = await asyncio.to_thread(run)
    if result == "gone":
        await query.answer(t("This button is not valid any more."), show_alert=True)
        return
    if isinstance(result, str):
        await query.answer(t("Only the member this item belongs to can snooze it."), show_alert=True)
        return
    until_words, due_words = result
    # The reminder moves, the deadline does not: both are said.
    await query.answer(t("I will remind you again on {day}. The deadline is unchanged: {due}.").format(
        day=until_words, due=due_words))
    if query.message is not None:
        text = getattr(query.message, "text", None) or ""
        markup = getattr(query.message, "reply_markup", None)
        kept = [row for row in (markup.inline_keyboard if markup else ())
                if not any(callbacks.parse(b.callback_data) for b in row)]  # Done stays
        await edit_card(
            query, f"{text}\n⏰ " + t("Next reminder on {day}; the deadline is unchanged ({due}).").format(
                day=until_words, due=due_words),
            reply_markup=InlineKeyboardMarkup(kept) if kept else None)


@one_at_a_time
@admins_only
async def show_summary(update: Update, context: SaimaContext) -> None:
    message, member = sender(update, context)
    today = context.today(member.team.timezone)

    text = await context.db.off_loop(
        lambda session: summary_storage.gather(session, teams.one(session, member.team_id),
                                               start=today - timedelta(days=6), end=today, today=today,
                                               config=context.config),
        lambda data: summary.render(context.t, data, names=True, for_admins=True))
    await message.reply_text(text)


def handlers() -> list[BaseHandler]:  # type: ignore[type-arg]
    return [CallbackQueryHandler(snooze, pattern=callbacks.PATTERN),
            CommandHandler("summary", show_summary, filters=filters.ChatType.PRIVATE, block=False)]  # heavy

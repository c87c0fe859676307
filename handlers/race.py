"""`/rank`: the race board of the current month (`/rank quarter`, `/rank year`, or a past period:
`/rank 上月`, `/rank 2026 Q4`, `/rank Nov 2026`, `/rank 2026`, read by core/periods.py) privately,
as text and as a chart, with an "Explain my score" button that answers privately with every term of
the presser's own score.

The button carries only the period (`race:explain:2026-11`); whose score is explained is decided on the
server from who pressed it, so nobody can ask for someone else's. Names: admins always see them,
members per the team's setting, and everyone sees their own line named and marked.
"""

from __future__ import annotations

import asyncio
from datetime import date
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, filters

from core import race as core_race
from core.callbacks import race as callbacks
from core.domain import Duty
from core.periods import PeriodError, parse_period
from core.race import Period
from handlers.access import members_only, sender
from handlers.context import SaimaContext
from handlers.incoming import args_of
from handlers.keyboards import with_dashboard
from handlers.throttle import one_at_a_time
from locales import Translator
from reports import race_board
from reports.words import day_in_words
from storage import progress, race, teams
from storage import topics as topic_queries
from storage.models import Member


@one_at_a_time
@members_only
async def show_rank(update: Update, context: SaimaContext) -> None:
    message, member = sender(update, context)
    period = await period_asked(update, context, member)
    if period is None:
        return
    today = context.today(member.team.timezone)

    def gather(session: Session) -> tuple[race.Board, bool]:  # a big team's board takes a while
        team = teams.one(session, member.team_id)
        return (race.board(session, team, period, as_of=min(today, period.end), config=context.config),
                member.role.is_admin or team.show_names_in_race)

    board, names = await context.db.off_loop(gather)
    t = context.t
    own = standing(t, board, member, names=names, today=today)
    text = race_board.render_board(t, board, viewer_id=member.id, names=names,
                                   limit=race_board.MAX_MESSAGE - (len(own) + 2 if own else 0))
    if own:
        text = f"{text}\n\n{own}"
    button = InlineKeyboardMarkup([[InlineKeyboardButton(t("Explain my score"),
                                                         callback_data=callbacks.build(callbacks.Press(period)))]])
    await message.reply_text(text, reply_markup=with_dashboard(update, context, button, t=t))
    await reply_chart(message, t, board, viewer_id=member.id, names=names)


async def reply_chart(message: Message, t: Translator, board: race.Board, *, viewer_id: int | None,
                      names: bool) -> None:
    """The board's chart as a photo (drawn in a worker thread), when anyone is on it."""
    if board.ranked:
        chart = await asyncio.to_thread(race_board.render_chart, t, board, viewer_id=viewer_id, names=names)
        await message.reply_photo(chart.png, caption=race_board.chart_caption(t, board.period, chart),
                                  filename=f"race-{board.period.key}.png")


def standing(t: Translator, board: race.Board, member: Member, *, names: bool, today: date) -> str | None:
    """The runner's own place, neighbours and, for a period still running, what passes the next place;
    None for office staff who do not race (and anyone not on the board)."""
    own = board.entry_of(member.id)
    if not member.races or own is None:
        return None
    to_pass = core_race.next_place(board.ranked, member.id)
    running = today <= board.period.end
    steps: list[core_race.Step] = []
    if to_pass is not None and running:
        days_left = (board.period.end - today).days + 1
        steps = core_race.closing_steps(own.score, to_pass.score.total, at_most={Duty.RESEARCH_DAYS: days_left})
    return race_board.standing(t, board, viewer_id=member.id, names=names, to_pass=to_pass, steps=steps,
                               advice=running)


@members_only
async def explain(update: Update, context: SaimaContext) -> None:
    query = update.callback_query
    member = context.member()
    assert query is not None and member is not None
    t = context.t
    today = context.today(member.team.timezone)
    press = callbacks.parse(query.data)
    if press is None or press.period.start > today:  # forged, or a period to come
        await query.answer(t("This button is not valid any more."), show_alert=True)
        return
    period = press.period
    board = await context.db.off_loop(lambda session: race.board(
        session, teams.one(session, member.team_id), period, as_of=min(today, period.end), config=context.config,
        with_movement=False))
    own = board.scores.get(member.id)
    if own is None:
        await query.answer(t("This button is not valid any more."), show_alert=True)
        return
    topics = await context.db.off_loop(lambda session: progress.topic_stages(session, member.id, period.year))
    await query.answer()
    text = race_board.explain(t, member.display_name, board.entry_of(member.id), own, size=len(board.ranked),
                              topics=topics, topic_counting=topic_queries.counting_stage(member.team))
    await context.bot.send_message(chat_id=member.telegram_user_id, text=text)


# --- which period: /rank 上月, /rank 2026 Q4, /rank Nov 2026, /rank 2026 -----------------------------

async def period_asked(update: Update, context: SaimaContext, member: Member) -> Period | None:
    """The period named after the command (this month by default), or None once the sender is told
    why the text names none or a period still to come."""
    message = update.effective_message
    assert message is not None
    try:
        return parse_period(" ".join(args_of(context.args)),
                            now=context.now().astimezone(ZoneInfo(member.team.timezone)))
    except PeriodError as error:
        await message.reply_text(period_refused(context.t, error))
        return None


def period_refused(t: Translator, error: PeriodError) -> str:
    """Why `/rank …` names no board, in ``t``: a period still to come says when its board starts; anything
    else gets the periods /rank reads (the same words privately and in the team's group)."""
    if error.reason == "future" and error.period is not None:
        return t("{period} has not begun yet: its board starts on {day}.").format(
            period=race_board.period_in_words(t, error.period), day=day_in_words(t, error.period.start))
    return t("Send /rank for this month, /rank quarter or /rank year; for a past period /rank last month, "
             "/rank 2026 Q4, /rank Nov 2026 or /rank 2026.")


def handlers() -> list[BaseHandler]:  # type: ignore[type-arg]
    return [CommandHandler("rank", show_rank, filters=filters.ChatType.PRIVATE, block=False),  # heavy: off the path
            CallbackQueryHandler(explain, pattern=callbacks.PATTERN, block=False)]  # a whole board, too

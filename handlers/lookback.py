"""回头看: the owner answers whether a closed item's result held (jobs/lookback.py asks, once).

    🔁 回头看 message → [落实] [部分落实] [未落实] (`lb:a:<lookback>:<result>`)
        → the answer is recorded and the message shows it; 未落实 reopens the item for the office (a task
          with a new deadline) and each admin is told
        → "Add a note, or press No note" → a typed note (or `lb:s:<lookback>`): recorded with the answer

Only the item's owner may answer, once: a second press, a redelivered press or a press after a restart finds
the answer recorded and changes nothing. The note is optional; a note too long is refused with the limit.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler

from core import lookback as rules
from core import outbox_keys
from core.callbacks import lookback as callbacks
from core.lookback import Result
from core.outbox_keys import LookbackEvent, LookbackKey
from handlers import conversation
from handlers.cards import edit_card
from handlers.context import SaimaContext
from locales import N_, translator
from reports import lookback as words
from storage import calendar, members, outbox, teams
from storage import lookback as queries
from storage.models import Member

INVALID = N_("This button is not valid any more.")
NOT_YOURS = N_("Only the member this item belongs to can answer its look-back.")
NOTE_PROMPT = N_("Add a note if you wish (what held, what did not), or press “No note”.")


class Step:
    NOTE = "note"


@dataclass
class NoteStep(conversation.State):
    """The optional note after an answer (user_data `lookback_note`)."""

    step: str = Step.NOTE
    lookback_id: int = 0


async def press(update: Update, context: SaimaContext) -> None:
    """Records the owner's answer (or ends the note step with no note) and shows it on the message."""
    query = update.callback_query
    assert query is not None
    t = context.t
    found = callbacks.parse(query.data)
    member = context.member()
    if found is None or member is None:
        await query.answer(t(INVALID), show_alert=True)
        return
    if found.action is callbacks.Action.SKIP_NOTE:
        waiting = context.conversation.get(FLOW)
        if waiting is None or waiting.lookback_id != found.lookback:
            await query.answer(t(INVALID), show_alert=True)
            return
        context.conversation.end(FLOW)
        await query.answer()
        await edit_card(query, t("Recorded, with no note. Thank you."))
        return
    assert found.result is not None
    result = found.result

    def run() -> str:
        with context.db.session() as session:
            return _answer(session, context, member, found.lookback, result)

    outcome = await asyncio.to_thread(run)
    if outcome.startswith("!"):
        await query.answer(outcome[1:], show_alert=True)
        return
    await query.answer()
    context.conversation.begin(FLOW, NoteStep(lookback_id=found.lookback, team_id=member.team_id))
    skip = InlineKeyboardMarkup([[InlineKeyboardButton(
        t("No note"), callback_data=callbacks.build(callbacks.Press(callbacks.Action.SKIP_NOTE, found.lookback)))]])
    await edit_card(query, f"{outcome}\n\n{t(NOTE_PROMPT)}", reply_markup=skip)


def _answer(session: Session, context: SaimaContext, member: Member, lookback_id: int, result: Result) -> str:
    """The answer recorded (and, 未落实, the item reopened and the office told), in one transaction: what the
    message now says, or `!` and why nothing changed."""
    t, now = context.t, context.now()
    row = queries.by_id(session, lookback_id)
    if row is None or row.team_id != member.team_id:
        return "!" + t(INVALID)
    if row.owner_member_id != member.id:
        return "!" + t(NOT_YOURS)
    if row.answered_at is not None:
        return "!" + t("Already recorded: {result}. Nothing was changed.").format(
            result=words.result_words(t, row.result))
    item = queries.item_of(session, row)
    actor = members.by_id(session, member.id)
    if item is None or actor is None or not queries.answer(session, row, result=result, actor=actor, now=now):
        return "!" + t("Already recorded. Nothing was changed.")
    text = "✅ " + t("Look-back recorded: {result} — {item}.").format(result=words.result_words(t, result),
                                                               item=words.item_words(t, item))
    if result is not Result.NOT_HELD:
        return text
    team = teams.one(session, row.team_id)
    tz = ZoneInfo(team.timezone)
    workday = calendar.workday(session, team.id, base=calendar.national(context.config))
    due = queries.reopen(session, row, actor=actor, now=now, tz=tz, is_workday=workday,
                         reopen_months=context.config.proposals.reopen_due_months)
    due_day = due.astimezone(tz).date() if isinstance(due, datetime) else None
    for admin in members.admins_of(session, team.id):
        reader = translator(admin.language.value)
        outbox.enqueue(session, key=outbox_keys.build(LookbackKey(row.id, LookbackEvent.REOPENED, admin.id)),
                       chat_id=admin.telegram_user_id, kind="lookback",
                       payload={"text": words.office_reopened(reader, item, owner=actor.display_name, due=due_day,
                                                              note=None),
                                "parse_mode": None, "buttons": []},
                       not_before=now, team_id=team.id, member_id=admin.id, now=now)
    if due is None:  # opened again meanwhile (another round's 未落实, or its own loop): nothing else to do
        return text + "\n" + t("It was open again already; the office is told.")
    return text + "\n" + t("It is reopened and the office is told.")


async def typed(update: Update, context: SaimaContext, pending: NoteStep, text: str) -> bool:
    """The note typed after an answer: recorded once; too long, refused with the limit and asked again."""
    message = update.effective_message
    member = context.member()
    assert message is not None
    t = context.t
    if member is None:
        context.conversation.end(FLOW)
        return False
    if rules.note_problem(text) == "too_long":
        await message.reply_text(t("That note is too long (at most {n} characters). Type a shorter one, or press "
                                   "“No note”.").format(n=rules.MAX_NOTE))
        return True
    now = context.now()

    def save() -> bool:
        with context.db.session() as session:
            row = queries.by_id(session, pending.lookback_id)
            actor = members.by_id(session, member.id)
            if row is None or actor is None or row.owner_member_id != member.id:
                return False
            return queries.add_note(session, row, note=text, actor=actor, now=now)

    saved = await asyncio.to_thread(save)
    context.conversation.end(FLOW)
    await message.reply_text(t("Note recorded. Thank you.") if saved
                             else t("A note is already recorded for this one; nothing was changed."))
    return True


FLOW = conversation.register(conversation.Flow(key="lookback_note", state=NoteStep, prefixes=(callbacks.PREFIX,),
                                               answer=typed))


def handlers() -> list[BaseHandler]:  # type: ignore[type-arg]
    return [CallbackQueryHandler(press, pattern=callbacks.PATTERN)]

"""A member's message without a command, outside any conversation: read as a log.

    我昨天去德清县调研了地理信息小镇      → the trip's draft card, as /trip would give it
    收到                                   → "Which kind of log is this?" [调研] [学习] [建议提案] [都不是]
    周一去了淳安调研，周三参加了集体学法    → "This reads as two logs …"   [调研] [学习] [都不是]

A message saying one of the member's open supervised tasks is done (年度工作总结已报送) opens that task's
report (handlers/tasks.py), the message as its note; one telling what people raised (群众反映村道狭窄), a
finding on the trip it names or the member's latest (handlers/findings.py). Otherwise the kind comes from the message's words
(core/log_reading.py); the draft from the same form as the
command (handlers/forms.py `begin`), so Confirm / Edit / Cancel and "nothing is stored before Confirm" are
the form's. A message that reads as two logs gets one question: the member picks the one to draft (its
clause is read), and sends the other afterwards. Only in a private chat: a group's messages are never
read as logs. The question's text waits in user_data (`which_log`) like any step, so a restart keeps it;
a new message while it waits is read afresh.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import date
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.ext import BaseHandler, CallbackQueryHandler

from core import log_reading
from core.callbacks import log_kind
from core.log_reading import LogKind
from handlers import conversation, forms
from handlers.cards import edit_buttons
from handlers.context import SaimaContext
from handlers.findings import FindingForm
from handlers.incoming import text_of
from handlers.tasks import ReportForm
from locales import N_
from storage import tasks as task_queries
from storage import trips as trip_queries
from storage.models import Member

REPORT_FORM = ReportForm.kind
FINDING_FORM = FindingForm.kind

_LABELS = {LogKind.TRIP: N_("Trip"), LogKind.STUDY: N_("Study"), LogKind.PROPOSAL: N_("Suggestion or proposal")}
WHICH = N_("Which kind of log is this? Nothing is stored before you confirm its draft.")
TWO = N_("This reads as two logs. Which one shall I draft? Send the other one afterwards.")
NONE = N_("Nothing was logged. Send /help to see what you can do.")


@dataclass
class WhichState(conversation.State):
    """The message the question is about, the kinds it read as (none, or two), and the question's nonce."""

    step: str = "choosing"
    text: str = ""
    kinds: list[str] = field(default_factory=list)
    nonce: str = ""


async def read_message(update: Update, context: SaimaContext, member: Member) -> None:
    """A member's text outside any conversation: the draft of the log it reads as, or the question."""
    message = update.effective_message
    assert message is not None
    text = (text_of(message) or "").strip()
    if log_reading.reports_task(text) and await _report(message, context, member, text):
        return
    now = context.now().astimezone(ZoneInfo(member.team.timezone))
    if log_reading.reports_finding(text, now=now, lang=member.language.value) \
            and await _finding(message, context, member, text, now.date()):
        return
    kinds = log_reading.kinds_of(text)
    if len(kinds) == 1:
        context.conversation.end(FLOW)
        await forms.begin(message, context, member, forms.forms_by_command()[kinds[0].value], text)
        return
    state = context.conversation.begin(FLOW, WhichState(text=text, kinds=[k.value for k in kinds],
                                                        nonce=secrets.token_hex(3), team_id=member.team_id))
    await _ask(message, context, state)


async def _report(message: Message, context: SaimaContext, member: Member, text: str) -> bool:
    """年度工作总结已报送: the report of the member's open task it names, the message as its note (the task's
    own form asks the evidence, then Confirm); False when no open task is named."""
    with context.db.session() as session:
        open_tasks = [(assignment.id, task.title) for assignment, task in task_queries.open_for(session, member.id)]
    meant = log_reading.task_meant(text, [title for _, title in open_tasks])
    if meant is None:
        return False
    context.conversation.end(FLOW)
    return await forms.begin_from(message, context, member, REPORT_FORM, str(open_tasks[meant][0]), text)


async def _finding(message: Message, context: SaimaContext, member: Member, text: str, today: date) -> bool:
    """群众反映村道狭窄: a finding on the member's trip it names, or their latest one (if recent), the message as
    its content (the finding's form asks the department and the feedback date); False when no trip fits."""
    with context.db.session() as session:
        latest = [(trip.id, trip.places, trip.end_date) for trip in trip_queries.recent_trips(session, member.id)]
    meant = log_reading.trip_meant(text, [(places, end) for _, places, end in latest], today=today)
    if meant is None:
        return False
    context.conversation.end(FLOW)
    return await forms.begin_from(message, context, member, FINDING_FORM, str(latest[meant][0]), text)


async def _ask(message: Message, context: SaimaContext, state: WhichState) -> None:
    """Asks which kind of log the message is, with a button for each kind it may be and one for none."""
    t = context.t
    offered = [LogKind(kind) for kind in state.kinds] or list(LogKind)
    buttons = [InlineKeyboardButton(t(_LABELS[kind]), callback_data=log_kind.build(
        log_kind.Press(log_kind.Action(kind.value), state.nonce))) for kind in offered]
    buttons.append(InlineKeyboardButton(t("Neither"), callback_data=log_kind.build(
        log_kind.Press(log_kind.Action.NONE, state.nonce))))
    await message.reply_text(t(TWO if state.kinds else WHICH), reply_markup=InlineKeyboardMarkup([buttons]))


async def picked(update: Update, context: SaimaContext) -> None:
    """A kind was picked: that log's draft (of a two-log message, its clause); or none: nothing logged."""
    query = update.callback_query
    assert query is not None
    message = query.message  # an inaccessible one (too old to edit) is no question of the waiting step's
    press = log_kind.parse(query.data)
    state = context.conversation.get(FLOW)
    member = context.member()
    if press is None or state is None or press.nonce != state.nonce or member is None \
            or not isinstance(message, Message):
        await query.answer(context.t("This button is not valid any more."), show_alert=True)
        return
    await query.answer()
    context.conversation.end(FLOW)
    await edit_buttons(query, None)
    if press.action is log_kind.Action.NONE:
        await message.reply_text(context.t(NONE))
        return
    kind = LogKind(press.action.value)
    text = log_reading.clause(state.text, kind) if len(state.kinds) > 1 else state.text
    await forms.begin(message, context, member, forms.forms_by_command()[kind.value], text)


async def _typed(update: Update, context: SaimaContext, state: WhichState, text: str) -> bool:
    """A new message while the question waits: read afresh (the question is dropped)."""
    member = context.member()
    if member is None or update.effective_message is None or update.effective_message.text is None:
        context.conversation.end(FLOW)
        return False
    await read_message(update, context, member)
    return True


FLOW = conversation.register(conversation.Flow(key="which_log", state=WhichState, prefixes=(log_kind.PREFIX,),
                                               answer=_typed))


def handlers() -> list[BaseHandler]:  # type: ignore[type-arg]
    """The question's buttons; the messages themselves reach `read_message` from handlers/fallback.py, which
    takes private text no flow took."""
    return [CallbackQueryHandler(picked, pattern=log_kind.PATTERN)]

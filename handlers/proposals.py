"""`/proposals`: the suggestions and proposals a member leads, and each one's closed loop on buttons.

    /proposals        → the member's motions not yet closed, newest first: status, due date, ⚠️ when overdue
    /proposals all    → (admins) the whole team's, soonest due first
    ten to a page, each with its button; [‹ Previous] [Next ›] turn the page in the same message
    [1. 第123号 关于加快…] → its card, with the next steps its state allows:
        assigned  → [Start handling] [Replied]     handling → [Replied]
        replied   → [Satisfied] [Basically satisfied] [Not satisfied]
        admins also get [Extend deadline] while it is not replied

[Replied] asks the day the reply was sent (昨天, 11月18日; past-leaning), then the result class A/B/C as
buttons. [Not satisfied] reopens handling with a new deadline. [Extend deadline] asks the new day
(future-leaning; never earlier than the current one). Every step is a rule of `core.motions`; a refused
one is answered with its reason, and nothing changes.

Callback data: `mo:<motion id>:<action>[:<argument>[:<nonce>]]` (a page: `mo:p:<page>:<own|all>`), built and
read by core.callbacks.proposals.
Every press loads the motion again and checks on the server that the sender leads it, or is an admin
of its team: the data can be forged. A typed step waits in the conversation state (`MotionStep`, handlers/conversation.py; written through to the
database, so a restart loses nothing); /cancel drops it, and so does any other command or another flow's
button (handlers/steps.py).
"""

from __future__ import annotations

import enum
import secrets
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session
from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    filters,
)

from core import motions as rules
from core import paging
from core.callbacks import proposals as callbacks
from core.callbacks.proposals import Action
from core.dates import beyond_horizon, read_date
from core.domain import MotionStatus, ResultClass, Satisfaction
from core.motions import InvalidTransition, TransitionReason
from handlers import conversation
from handlers.access import members_only, sender
from handlers.cards import edit_card
from handlers.context import SaimaContext
from handlers.incoming import args_of, too_far_reply
from handlers.keyboards import turn_rows
from locales import N_, Translator
from reports.motions import RESULT_LABELS, SATISFACTION_LABELS, card_lines, headline, list_line, number_label
from reports.words import day_in_words
from storage import motions as motion_queries
from storage.models import Member, Motion

PAGE_SIZE = 10  # motions to a page of the list, named in its text and each with a button under it
INVALID = N_("This button is not valid any more.")


class Step(enum.StrEnum):
    """What the member was asked and has not answered yet (`MotionStep.step`)."""

    REPLY_DATE = "reply_date"
    RESULT_CLASS = "result_class"
    NEW_DUE = "new_due"


_REASONS = {
    TransitionReason.ALREADY_HANDLING: N_("It is already being handled; nothing was changed."),
    TransitionReason.ALREADY_REPLIED: N_("It has already been replied; record the deputy's feedback instead. "
                                         "Nothing was changed."),
    TransitionReason.ALREADY_CLOSED: N_("It is already closed; nothing can change it now."),
    TransitionReason.NOT_REPLIED_YET: N_("It has not been replied yet, so there is no feedback to record; "
                                         "record the reply first."),
    TransitionReason.NOT_ASSIGNED_YET: N_("Its assignment date has not come yet; nothing was changed."),
    TransitionReason.REPLY_IN_FUTURE: N_("The reply date is in the future; a reply can only be recorded once it "
                                         "has been sent."),
    TransitionReason.REPLY_BEFORE_ASSIGNMENT: N_("The reply date is before the assignment date ({day}); please "
                                                 "check it."),
    TransitionReason.SHORTENS_DEADLINE: N_("A deadline can only be extended, never shortened: it is due {day} "
                                           "now."),
    TransitionReason.DEADLINE_IN_PAST: N_("That day has already passed; please choose today or a later day."),
}
# Refusals about the day typed: the question is asked again. The others end the step.
_ASK_AGAIN = {TransitionReason.REPLY_IN_FUTURE, TransitionReason.REPLY_BEFORE_ASSIGNMENT,
              TransitionReason.SHORTENS_DEADLINE, TransitionReason.DEADLINE_IN_PAST}

_FEEDBACK_BUTTONS = {
    Satisfaction.SATISFIED: N_("Satisfied"),
    Satisfaction.BASICALLY: N_("Basically satisfied"),
    Satisfaction.UNSATISFIED: N_("Not satisfied"),
}


def data(motion_id: int, action: Action, argument: str = "", nonce: str = "") -> str:
    return callbacks.build(callbacks.Press(motion_id, action, argument, nonce))


def may_act(member: Member | None, motion: Motion | None, *, admin_only: bool = False) -> bool:
    """The lead member or an admin of the motion's team (only an admin when `admin_only`)."""
    if member is None or motion is None or motion.team_id != member.team_id:
        return False
    return member.role.is_admin or (not admin_only and motion.lead_member_id == member.id)


def actions_keyboard(t: Translator, motion: Motion, *, may_extend: bool) -> InlineKeyboardMarkup | None:
    """The next steps the motion's state allows; None when it is closed."""
    def button(label: str, action: Action, argument: str = "") -> InlineKeyboardButton:
        return InlineKeyboardButton(t(label), callback_data=data(motion.id, action, argument))

    rows: list[list[InlineKeyboardButton]] = []
    if motion.status is MotionStatus.ASSIGNED:
        rows.append([button(N_("Start handling"), Action.HANDLE), button(N_("Replied"), Action.REPLY)])
    elif motion.status is MotionStatus.HANDLING:
        rows.append([button(N_("Replied"), Action.REPLY)])
    elif motion.status is MotionStatus.REPLIED:
        rows.append([button(label, Action.FEEDBACK, s.value) for s, label in _FEEDBACK_BUTTONS.items()])
    if may_extend and motion.status in motion_queries.UNREPLIED:
        rows.append([button(N_("Extend deadline"), Action.EXTEND)])
    return InlineKeyboardMarkup(rows) if rows else None


def _card(session: Session, t: Translator, motion: Motion, today: date) -> str:
    lead = motion_queries.lead_of(session, motion)
    return "\n".join(card_lines(
        t, kind=motion.kind, number=motion.number, title=motion.title, is_key=motion.is_key,
        lead=lead.display_name if lead else "", status=motion.status, assigned_on=motion.assigned_on,
        reply_due=motion.reply_due, replied_on=motion.replied_on, result_class=motion.result_class,
        satisfaction=motion.satisfaction, reopened=motion.reopened or 0, today=today))


def _refusal(t: Translator, refused: InvalidTransition, motion: Motion) -> str:
    day = motion.assigned_on if refused.reason is TransitionReason.REPLY_BEFORE_ASSIGNMENT else motion.reply_due
    return t(_REASONS[refused.reason]).format(day=day_in_words(t, day))


# --- the list ------------------------------------------------------------------------------------


def _list(context: SaimaContext, member: Member, page: int, *,
          everyone: bool) -> tuple[str, InlineKeyboardMarkup | None]:
    """A page of the member's motions still open (or, with ``everyone``, the team's), a button each: the text
    names the same motions the buttons under it open, and ‹ Previous / Next › turn the page."""
    t = context.t
    today = context.today(member.team.timezone)
    rows: list[tuple[Motion, str | None]]
    with context.db.session() as session:
        if everyone:
            rows = list(motion_queries.unclosed_for_team(session, member.team_id))
        else:
            rows = [(m, None) for m in motion_queries.unclosed_for(session, member.id)]  # no lead named: their own
    if not rows:
        empty = (t("No suggestions or proposals are open in your team.") if everyone else
                 t("You lead no suggestions or proposals that are still open. Log one with /proposal."))
        return empty, None
    page, pages = paging.clamp(page, total=len(rows), size=PAGE_SIZE)
    heading = (t.ngettext("Open in your team: {n} suggestion or proposal.",
                          "Open in your team: {n} suggestions and proposals.", len(rows)) if everyone else
               t.ngettext("You lead {n} open suggestion or proposal:",
                          "You lead {n} open suggestions and proposals:", len(rows)))
    lines = [heading.format(n=len(rows))]
    if pages > 1:
        lines.append(t("(page {page} of {pages})").format(page=page + 1, pages=pages))
    lines.append("")
    buttons = []
    first = page * PAGE_SIZE
    for index, (motion, lead) in enumerate(rows[first : first + PAGE_SIZE], start=first + 1):
        lines.append(list_line(t, index, kind=motion.kind, number=motion.number, title=motion.title,
                               is_key=motion.is_key, status=motion.status, reply_due=motion.reply_due, today=today,
                               lead=lead))
        short = motion.title if len(motion.title) <= 16 else motion.title[:15] + "…"
        buttons.append([InlineKeyboardButton(f"{index}. {number_label(t, motion.number)} {short}",
                                             callback_data=data(motion.id, Action.VIEW))])
    buttons += turn_rows(t, page, pages, lambda to: callbacks.build(callbacks.Page(to, everyone=everyone)))
    lines.append("")
    lines.append(t("Tap one to see it and record its next step."))
    if member.role.is_admin and not everyone:
        lines.append(t("Send /proposals all to see the whole team's."))
    return "\n".join(lines), InlineKeyboardMarkup(buttons)


@members_only
async def show_list(update: Update, context: SaimaContext) -> None:
    """Lists the first page of the member's motions still open (or, for an admin with `all`, the team's)."""
    message, member = sender(update, context)
    args = args_of(context.args)
    everyone = member.role.is_admin and bool(args) and args[0].lower() in ("all", "全部")
    text, keyboard = _list(context, member, 0, everyone=everyone)
    await message.reply_text(text, reply_markup=keyboard)


async def turn_page(query: CallbackQuery, context: SaimaContext, member: Member, turn: callbacks.Page) -> None:
    """Shows another page of the list in the same message (the team's only to an admin: data can be forged)."""
    if turn.everyone and not member.role.is_admin:
        await query.answer(context.t(INVALID), show_alert=True)
        return
    await query.answer()
    text, keyboard = _list(context, member, turn.page, everyone=turn.everyone)
    await edit_card(query, text, reply_markup=keyboard)


# --- buttons -------------------------------------------------------------------------------------


@dataclass
class _Outcome:
    """What to answer: an alert on the button, and/or a message (a new one, or the pressed one edited)."""

    alert: str | None = None
    text: str | None = None
    keyboard: InlineKeyboardMarkup | None = None
    edit: bool = False


@dataclass
class _OnMotion:
    """An answer being made about one motion, by a member who may act on it, in one transaction."""

    session: Session
    context: SaimaContext
    member: Member
    motion: Motion

    @property
    def t(self) -> Translator:
        return self.context.t


@dataclass
class _Press(_OnMotion):
    """A press on a motion's card being answered: its argument and nonce, and the team's today."""

    argument: str
    nonce: str
    today: date

    def card(self, header: str = "") -> _Outcome:
        body = _card(self.session, self.t, self.motion, self.today)
        return _Outcome(text=f"{header}\n\n{body}" if header else body, edit=bool(header),
                        keyboard=actions_keyboard(self.t, self.motion, may_extend=self.member.role.is_admin))

    def apply(self, new: rules.MotionState, action: str) -> None:
        motion_queries.apply(self.session, self.motion, new, action=action, actor=self.member,
                             now=self.context.now())


async def press(update: Update, context: SaimaContext) -> None:
    """A button on a motion: checked against who may act on it, then the step it names."""
    query = update.callback_query
    assert query is not None and query.data is not None
    member = context.member()
    parsed = callbacks.parse(query.data)
    if member is None or parsed is None:
        await query.answer(context.t(INVALID), show_alert=True)
        return
    if isinstance(parsed, callbacks.Page):
        await turn_page(query, context, member, parsed)
        return
    motion_id, action, argument, nonce = parsed.motion_id, parsed.action, parsed.argument, parsed.nonce
    with context.db.session() as session:
        motion = motion_queries.by_id(session, motion_id, for_update=action is not Action.VIEW)
        if motion is None or not may_act(member, motion, admin_only=action is Action.EXTEND):
            outcome = _Outcome(alert=context.t(INVALID))
        else:
            step = _Press(session, context, member, motion, argument, nonce, context.today(member.team.timezone))
            try:
                outcome = _STEPS[action](step)
            except InvalidTransition as refused:
                outcome = _Outcome(alert=_refusal(context.t, refused, motion))
    if outcome.alert is not None:
        await query.answer(outcome.alert, show_alert=True)
    else:
        await query.answer()
    if outcome.text is None:
        return
    if outcome.edit:
        await edit_card(query, outcome.text, reply_markup=outcome.keyboard)
    else:
        assert isinstance(query.message, Message)
        await query.message.reply_text(outcome.text, reply_markup=outcome.keyboard)


def _view(p: _Press) -> _Outcome:
    """Shows the motion's card with its next steps."""
    return p.card()


def _handle(p: _Press) -> _Outcome:
    """Marks it as being handled (办理中)."""
    p.apply(rules.start_handling(motion_queries.state_of(p.motion), today=p.today), "start_handling")
    return p.card("✅ " + p.t("Now being handled."))


def _ask_reply_date(p: _Press) -> _Outcome:
    """Asks the day the reply was sent (refused at once if it is already replied or closed)."""
    rules.reply(motion_queries.state_of(p.motion), replied_on=max(p.today, p.motion.assigned_on),
                result_class=ResultClass.A, today=max(p.today, p.motion.assigned_on))  # only checks the state
    _begin(p.context, Step.REPLY_DATE, p.motion.id)
    return _Outcome(text=_question(p.t, p.motion, _reply_prompt(p.t)))


def _result(p: _Press) -> _Outcome:
    """The result class, after the reply day: records the reply."""
    pending = _pending(p.context)
    if pending is None or pending.step is not Step.RESULT_CLASS or pending.motion_id != p.motion.id \
            or pending.nonce != p.nonce or pending.replied_on is None \
            or p.argument not in {r.value for r in ResultClass}:
        return _Outcome(alert=p.t(INVALID))
    _end(p.context)  # answered, whether or not the state still allows the reply
    new = rules.reply(motion_queries.state_of(p.motion), replied_on=pending.replied_on,
                      result_class=ResultClass(p.argument), today=p.today)
    p.apply(new, "reply")
    return p.card("✅ " + p.t("Reply recorded. When the deputy gives feedback, record it with the buttons below."))


def _feedback(p: _Press) -> _Outcome:
    """The deputy's satisfaction: closes the motion, or reopens handling with a new deadline."""
    if p.argument not in {s.value for s in Satisfaction}:
        return _Outcome(alert=p.t(INVALID))
    satisfaction = Satisfaction(p.argument)
    months = p.context.config.proposals.reopen_due_months
    new = rules.record_satisfaction(motion_queries.state_of(p.motion), satisfaction=satisfaction, today=p.today,
                                    reopen_months=months)
    p.apply(new, "reopen" if satisfaction is Satisfaction.UNSATISFIED else "close")
    if satisfaction is Satisfaction.UNSATISFIED:
        return p.card("↩️ " + p.t("The deputy is not satisfied, so handling reopens; the new reply deadline is "
                                  "{day}.").format(day=day_in_words(p.t, new.reply_due)))
    return p.card("✅ " + p.t("Feedback recorded: {feedback}. It is closed.").format(
        feedback=p.t(SATISFACTION_LABELS[satisfaction])))


def _ask_new_due(p: _Press) -> _Outcome:
    """(Admins) asks the new reply deadline (refused at once if it is already replied or closed)."""
    state = motion_queries.state_of(p.motion)
    rules.extend_due(state, new_due=max(state.reply_due, p.today), today=p.today)  # only checks the state
    _begin(p.context, Step.NEW_DUE, p.motion.id)
    return _Outcome(text=_question(p.t, p.motion, _due_prompt(p.t, p.motion)))


_STEPS = {
    Action.VIEW: _view,
    Action.HANDLE: _handle,
    Action.REPLY: _ask_reply_date,
    Action.RESULT: _result,
    Action.FEEDBACK: _feedback,
    Action.EXTEND: _ask_new_due,
}


# --- typed steps ---------------------------------------------------------------------------------


@dataclass
class MotionStep(conversation.State):
    """A motion's typed step while it waits (user_data `motion_step`, as before)."""

    step: Step = Step.REPLY_DATE
    motion_id: int = 0
    nonce: str = ""  # the result buttons' nonce: a press on an older question changes nothing
    replied_on: date | None = None  # the reply day typed, while the result class is asked


def _pending(context: SaimaContext) -> MotionStep | None:
    return context.conversation.get(FLOW)


def _begin(context: SaimaContext, step: Step, motion_id: int) -> None:
    member = context.member()
    context.conversation.begin(FLOW, MotionStep(step=step, motion_id=motion_id, nonce=secrets.token_hex(3),
                                                team_id=member.team_id if member is not None else None))


def _end(context: SaimaContext) -> None:
    context.conversation.end(FLOW)


def _reply_prompt(t: Translator) -> str:
    return t("On which day was the reply sent? (e.g. 昨天, 11月18日, last Friday)")


def _due_prompt(t: Translator, motion: Motion) -> str:
    return t("What is the new reply deadline? It is due {day} now. (e.g. 12月31日, 下周五, next Friday)").format(
        day=day_in_words(t, motion.reply_due))


def _question(t: Translator, motion: Motion, prompt: str) -> str:
    return "\n".join([headline(t, motion.kind, motion.number, motion.is_key), prompt, t("(/cancel to stop)")])


async def typed(update: Update, context: SaimaContext, pending: MotionStep, text: str) -> bool:
    """Text while a motion's step waits for a day: taken (or refused with the reason and asked again)."""
    message = update.effective_message
    assert message is not None
    t = context.t
    member = context.member()
    if member is None:
        _end(context)
        return False
    if pending.step is Step.RESULT_CLASS:
        await message.reply_text(t("Please choose the result with the buttons above, or send /cancel to stop."))
        return True
    with context.db.session() as session:
        motion = motion_queries.by_id(session, pending.motion_id, for_update=True)
        if motion is None or not may_act(member, motion, admin_only=pending.step is Step.NEW_DUE):
            _end(context)
            outcome = _Outcome(text=t("You can no longer change this one. Nothing was changed."))
        else:
            zone = ZoneInfo(member.team.timezone)
            answer = _TypedAnswer(session, context, member, motion, pending, text, context.now().astimezone(zone))
            outcome = answer.reply_date() if pending.step is Step.REPLY_DATE else answer.new_due()
    await message.reply_text(outcome.text or "", reply_markup=outcome.keyboard)
    return True


@dataclass
class _TypedAnswer(_OnMotion):
    """A typed day for a motion's waiting step (the reply's day or a new deadline), read as of
    ``now``."""

    pending: MotionStep
    text: str
    now: datetime

    def _day(self, prefer: str) -> date | None:
        parsed = read_date(self.text, now=self.now, prefer=prefer,  # type: ignore[arg-type]
                           lang=self.member.language.value)
        return parsed.date() if isinstance(parsed, datetime) else parsed

    def _again(self, reason: str, prompt: str) -> _Outcome:
        return _Outcome(text=f"{reason}\n{prompt}\n{self.t('(/cancel to stop)')}")

    def _refused(self, refused: InvalidTransition, prompt: str) -> _Outcome:
        reason = _refusal(self.t, refused, self.motion)
        if refused.reason in _ASK_AGAIN:
            return self._again(reason, prompt)
        _end(self.context)
        return _Outcome(text=reason)

    def reply_date(self) -> _Outcome:
        """Checks the reply day, then asks the result class with buttons."""
        t, prompt = self.t, _reply_prompt(self.t)
        day = self._day("past")
        if day is None:
            return self._again(t("I could not read “{text}” as a date.").format(text=self.text[:40]), prompt)
        try:
            rules.reply(motion_queries.state_of(self.motion), replied_on=day, result_class=ResultClass.A,
                        today=self.now.date())  # only checks the day; the class comes next
        except InvalidTransition as refused:
            return self._refused(refused, prompt)
        self.pending.step, self.pending.replied_on = Step.RESULT_CLASS, day
        self.pending.nonce = secrets.token_hex(3)
        keyboard = InlineKeyboardMarkup([
            [InlineKeyboardButton(t(label), callback_data=data(self.motion.id, Action.RESULT, r.value,
                                                               self.pending.nonce))]
            for r, label in RESULT_LABELS.items()
        ])
        return _Outcome(text=t("Replied on {day}. What was the result?").format(day=day_in_words(t, day)),
                        keyboard=keyboard)

    def new_due(self) -> _Outcome:
        """(Admins) moves the deadline to the day typed, if it is not earlier."""
        t, prompt = self.t, _due_prompt(self.t, self.motion)
        day = self._day("future")
        if day is None:
            return self._again(t("I could not read “{text}” as a date.").format(text=self.text[:40]), prompt)
        if beyond_horizon(day, self.now.date()):
            return self._again(too_far_reply(t), prompt)
        state = motion_queries.state_of(self.motion)
        try:
            new = rules.extend_due(state, new_due=day, today=self.now.date())
        except InvalidTransition as refused:
            return self._refused(refused, prompt)
        _end(self.context)
        if new.reply_due == state.reply_due:
            return _Outcome(text=t("That is already its deadline; nothing was changed."))
        motion_queries.apply(self.session, self.motion, new, action="extend_due", actor=self.member,
                             now=self.context.now())
        body = _card(self.session, t, self.motion, self.now.date())
        header = "✅ " + t("The reply deadline is now {day}.").format(day=day_in_words(t, new.reply_due))
        return _Outcome(text=f"{header}\n\n{body}",
                        keyboard=actions_keyboard(t, self.motion, may_extend=self.member.role.is_admin))


FLOW = conversation.register(conversation.Flow(key="motion_step", state=MotionStep, prefixes=(callbacks.PREFIX,),
                                               answer=typed))


def handlers() -> list[BaseHandler]:  # type: ignore[type-arg]
    private = filters.ChatType.PRIVATE
    return [CommandHandler("proposals", show_list, filters=private), CallbackQueryHandler(press, pattern=callbacks.PATTERN)]

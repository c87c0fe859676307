"""Findings (意见建议) from research trips, and their follow-up to the end of the closed loop.

    [Add findings] under a saved trip, or /findings → a trip → [Add findings]
      → what was raised → the responsible department (or "not assigned yet") → feedback due
      → card [Confirm] [Edit] [Cancel]: a follow-up item, raised, or assigned when it has a department
    /findings → a trip → a finding → the next step:
      raised → [Assign to a department] (asks which) → assigned → [Mark handled] → handled
      → [Mark fed back] (asks what the grassroots were told) → fed back → [Close] → closed

Adding, assigning and feeding back are forms (forms.py: nothing stored before Confirm, /cancel
everywhere). Browsing and the one-tap steps are buttons here:

    fu:l                 the member's recent trips            (core/callbacks/findings.py)
    fu:t:<trip id>       a trip and its findings
    fu:i:<item id>       one finding with its next step
    fu:s:<item id>:<to>  one tap to the next step: handled, closed

Every press looks the trip or item up again for the presser (their own, or their team's for an
admin) and moves an item only from the step it is at, so forged or stale data changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime

from sqlalchemy.orm import Session
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, filters

from core import findings
from core.callbacks import findings as callbacks
from core.callbacks import form_start
from core.callbacks.findings import Action, Press
from core.callbacks.form_start import Action as Start
from core.dates import beyond_horizon, read_date
from core.domain import FollowUpStatus
from core.findings import FindingDraft, FindingProblem, StepProblem
from core.text import squeeze, utf16_len
from handlers.access import MEMBERS_ONLY, members_only
from handlers.cards import edit_card
from handlers.context import SaimaContext
from handlers.form_parts import RuledForm, Rules, accepted
from handlers.forms import Choice, Field, Form, FormContext, Rejected, SavedReply, register_form
from handlers.incoming import too_far_reply
from handlers.log_trip import short_span as _span
from handlers.log_trip import trip_card
from locales import N_, Translator
from reports.words import day_in_words, field_line, short_day
from storage import trips as trip_queries
from storage.models import FollowUpItem, Member, ResearchTrip

RECENT_TRIPS = 10
NOT_ASSIGNED = "none"
DEFAULT_DUE = "default"
_NONE_WORDS = frozenset({"none", "no", "not yet", "-", "无", "暂无", "没有", "暂不交办", "尚未交办", "待定"})
_DEFAULT_WORDS = frozenset({"default", "默认"})
SHORT_CONTENT = 60  # characters of a finding in a trip's list (30 on its button)

STATUS_LABELS = {
    FollowUpStatus.RAISED: N_("raised, not yet assigned"),
    FollowUpStatus.ASSIGNED: N_("assigned to the department"),
    FollowUpStatus.HANDLED: N_("handled"),
    FollowUpStatus.FED_BACK: N_("result fed back"),
    FollowUpStatus.CLOSED: N_("closed"),
}


@dataclass(frozen=True)
class _Step:
    """The button that moves an item on to a step: a form that asks something first, or one tap (and
    what that tap then says)."""

    label: str  # message id
    form: Start | None = None
    done: str | None = None  # message id


_STEPS = {  # by the step the button moves the item to
    FollowUpStatus.ASSIGNED: _Step(N_("Assign to a department"), form=Start.ASSIGN),
    FollowUpStatus.HANDLED: _Step(N_("Mark handled"), done=N_("Marked handled.")),
    FollowUpStatus.FED_BACK: _Step(N_("Mark fed back"), form=Start.FEEDBACK),
    FollowUpStatus.CLOSED: _Step(N_("Close"), done=N_("Closed: this finding's loop is complete.")),
}
_DONE = {to: step.done for to, step in _STEPS.items() if step.done is not None}  # the one-tap steps

_PROBLEMS = {
    FindingProblem.CONTENT_TOO_LONG: N_("That is too long for one finding (at most 1000 characters); "
                                        "please shorten it or split it in two."),
    FindingProblem.DEPARTMENT_TOO_LONG: N_("The department's name is too long (at most 100 characters)."),
    FindingProblem.DUE_IN_PAST: N_("The feedback due date has already passed; "
                                   "please give today or a later date."),
}


def status_label(t: Translator, status: FollowUpStatus) -> str:
    return t(STATUS_LABELS[status])


def _short(text: str, limit: int = SHORT_CONTENT) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --- adding a finding ------------------------------------------------------------------------------


class FindingForm(RuledForm[FindingDraft]):
    kind = "finding"
    command = None
    draft_type = FindingDraft
    rules = Rules(findings.finding_problems, findings.without_problems, findings.missing_fields, _PROBLEMS)
    fields = (
        Field("content", N_("Finding"),
              N_("What opinion or suggestion did people raise? Type it as one finding.")),
        Field("department", N_("Department"),
              N_("Which department is responsible for it? Type its name, "
                 "or choose below if not assigned yet."),
              choices=(Choice(NOT_ASSIGNED, N_("Not assigned yet")),)),
        Field("feedback_due", N_("Feedback due"),
              N_("By when must the result be fed back to the grassroots? Type a date (e.g. 12月20日, 下周五), "
                 "or take the default: a month after the trip.")),
    )

    def start_from(self, session: Session, argument: str, ctx: FormContext) -> FindingDraft | None:
        trip = trip_queries.visible_trip(session, ctx.member, int(argument)) if argument.isdigit() else None
        if trip is None:
            return None
        return FindingDraft(trip_id=trip.id, trip_start=trip.start_date, trip_end=trip.end_date,
                            trip_places=trip.places)

    def parse_message(self, text: str, ctx: FormContext) -> FindingDraft:
        return FindingDraft()  # only opened from a trip's button

    def _default_due(self, draft: FindingDraft, ctx: FormContext) -> date:
        assert draft.trip_end is not None
        return findings.default_feedback_due(draft.trip_end, today=ctx.today)

    def read_field(self, name: str, text: str, draft: FindingDraft,
                   ctx: FormContext) -> FindingDraft | Rejected:
        t = ctx.t
        if name == "content":
            return accepted(squeeze(text) or None, lambda content: replace(draft, content=content),
                            t("The finding cannot be empty; please type what people raised."))
        if name == "department":
            department = squeeze(text)
            if department.lower() in _NONE_WORDS:
                return replace(draft, department=findings.NO_DEPARTMENT)
            if not department:
                return Rejected(t("Please type the department's name, or choose “Not assigned yet”."))
            return replace(draft, department=department)
        if text.strip().lower() in _DEFAULT_WORDS:
            return replace(draft, feedback_due=self._default_due(draft, ctx))
        due = read_date(text, now=ctx.now, prefer="future", lang=ctx.lang)
        if due is None:
            return Rejected(t("I could not read “{text}” as a date.").format(text=text[:40]))
        if beyond_horizon(due, ctx.today):
            return Rejected(too_far_reply(t))
        return replace(draft, feedback_due=due.date() if isinstance(due, datetime) else due)

    def choices(self, name: str, draft: FindingDraft, ctx: FormContext) -> tuple[Choice, ...]:
        if name != "feedback_due" or draft.trip_end is None:
            return super().choices(name, draft, ctx)
        label = ctx.t("Default: {date}").format(date=short_day(ctx.t, self._default_due(draft, ctx)))
        return (Choice(DEFAULT_DUE, label, literal=True),)

    def choose(self, name: str, value: str, draft: FindingDraft, ctx: FormContext) -> FindingDraft | Rejected:
        if name == "department":
            return replace(draft, department=findings.NO_DEPARTMENT)
        return replace(draft, feedback_due=self._default_due(draft, ctx))

    def card(self, draft: FindingDraft, ctx: FormContext) -> str:
        t = ctx.t
        assert draft.trip_start is not None and draft.trip_end is not None and draft.feedback_due is not None
        return "\n".join([
            t("Finding from a research trip"),
            field_line(t, t("Trip"), f"{_span(t, draft.trip_start, draft.trip_end)} {draft.trip_places}"),
            field_line(t, t("Finding"), draft.content or ""),
            field_line(t, t("Department"), draft.department or t("not assigned yet")),
            field_line(t, t("Feedback due"), day_in_words(t, draft.feedback_due)),
        ])

    def is_duplicate(self, session: Session, draft: FindingDraft, ctx: FormContext, *,
                     excluding: int | None = None) -> bool:
        assert draft.trip_id is not None and draft.content is not None
        return trip_queries.has_finding(session, trip_id=draft.trip_id, content=draft.content)

    def save(self, session: Session, draft: FindingDraft, ctx: FormContext) -> str | SavedReply:
        assert draft.trip_id is not None and draft.content is not None and draft.feedback_due is not None
        t = ctx.t
        trip = trip_queries.visible_trip(session, ctx.member, draft.trip_id)
        if trip is None:
            return t("That trip is no longer there, so the finding could not be added to it.")
        trip_queries.add_finding(session, member=ctx.member, trip=trip, content=draft.content,
                                 department=draft.department, feedback_due=draft.feedback_due, now=ctx.now)
        buttons = [InlineKeyboardButton(t("Add another"), callback_data=_add_finding(trip.id)),
                   InlineKeyboardButton(t("This trip's findings"), callback_data=_data(Action.TRIP, trip.id))]
        line = t("Add another finding from this trip, or follow this one up from the trip's list.")
        return SavedReply(line, InlineKeyboardMarkup([buttons]))


# --- the steps that ask something: assigning (which department) and feeding back (what result) --------


@dataclass(frozen=True)
class StepDraft:
    """A finding's typed step (assigning it, feeding back): the finding, what was raised, and the
    department or result."""

    item_id: int | None = None
    content: str | None = None
    answer: str | None = None  # the department, or the result fed back


class _StepForm(Form[StepDraft]):
    """A step of an item's loop that needs a typed answer, confirmed on a card."""

    command = None
    draft_type = StepDraft
    at: FollowUpStatus  # the step the item must be at
    to: FollowUpStatus
    title: str  # message id of the card's first line
    limit: int
    too_long: str  # message id
    empty: str  # message id

    def start_from(self, session: Session, argument: str, ctx: FormContext) -> StepDraft | None:
        item = trip_queries.visible_item(session, ctx.member, int(argument)) if argument.isdigit() else None
        if item is None or item.status is not self.at:
            return None
        return StepDraft(item_id=item.id, content=item.content)

    def parse_message(self, text: str, ctx: FormContext) -> StepDraft:
        return StepDraft()

    def read_field(self, name: str, text: str, draft: StepDraft, ctx: FormContext) -> StepDraft | Rejected:
        answer = squeeze(text)
        if not answer:
            return Rejected(ctx.t(self.empty))
        return replace(draft, answer=answer)

    def problems(self, draft: StepDraft, ctx: FormContext) -> tuple[StepDraft, list[str]]:
        if draft.answer is not None and utf16_len(draft.answer) > self.limit:
            return replace(draft, answer=None), [ctx.t(self.too_long)]
        return draft, []

    def missing(self, draft: StepDraft) -> list[str]:
        return ["answer"] if draft.answer is None else []

    def card(self, draft: StepDraft, ctx: FormContext) -> str:
        t = ctx.t
        return "\n".join([t(self.title), field_line(t, t("Finding"), draft.content or ""),
                          field_line(t, t(self.fields[0].label), draft.answer or "")])

    def is_duplicate(self, session: Session, draft: StepDraft, ctx: FormContext, *,
                     excluding: int | None = None) -> bool:
        return False

    def save(self, session: Session, draft: StepDraft, ctx: FormContext) -> str | SavedReply:
        assert draft.item_id is not None and draft.answer is not None
        t = ctx.t
        item = trip_queries.visible_item(session, ctx.member, draft.item_id)
        problem = StepProblem.NOT_NEXT if item is None else trip_queries.advance(
            session, item=item, target=self.to, actor=ctx.member, now=ctx.now,
            department=draft.answer if self.to is FollowUpStatus.ASSIGNED else None,
            note=draft.answer if self.to is FollowUpStatus.FED_BACK else None)
        if problem is not None:
            return t("This finding has moved on meanwhile; nothing was changed.")
        return SavedReply(t("Now: {status}.").format(status=status_label(t, self.to)),
                          InlineKeyboardMarkup([[InlineKeyboardButton(
                              t("Back to the finding"), callback_data=_data(Action.ITEM, draft.item_id))]]))


class AssignForm(_StepForm):
    kind = "assign"
    at, to = FollowUpStatus.RAISED, FollowUpStatus.ASSIGNED
    fields = (Field("answer", N_("Department"), N_("Which department is it assigned to? Type its name.")),)
    title = N_("Assign the finding to a department")
    limit = findings.MAX_DEPARTMENT
    too_long = N_("The department's name is too long (at most 100 characters).")
    empty = N_("Please type the department's name.")


class FeedbackForm(_StepForm):
    kind = "feedback"
    at, to = FollowUpStatus.HANDLED, FollowUpStatus.FED_BACK
    fields = (Field("answer", N_("Result fed back"),
                    N_("What result was fed back to the people who raised it? Type a short note.")),)
    title = N_("Feed the result back to the grassroots")
    limit = findings.MAX_NOTE
    too_long = N_("The note is too long (at most 1000 characters).")
    empty = N_("Please type what was fed back; the note cannot be empty.")


# --- browsing and one-tap steps --------------------------------------------------------------------


def _trips_page(session: Session, t: Translator, member: Member) -> tuple[str, InlineKeyboardMarkup | None]:
    trips = trip_queries.recent_trips(session, member.id, limit=RECENT_TRIPS)
    if not trips:
        return t("You have no research trips logged yet. Log one with /trip, then add its findings."), None
    counts = trip_queries.finding_counts(session, [trip.id for trip in trips])
    rows = []
    for trip in trips:
        total = counts.get(trip.id, (0, 0))[0]
        label = (f"{_span(t, trip.start_date, trip.end_date)} {_short(trip.places, 16)} · "
                 + t.ngettext("{n} finding", "{n} findings", total).format(n=total))
        rows.append([InlineKeyboardButton(label, callback_data=_data(Action.TRIP, trip.id))])
    text = t("Your recent research trips. Choose one to see its findings or add more:")
    return text, InlineKeyboardMarkup(rows)


def _item_line(t: Translator, index: int, item: FollowUpItem, today: date) -> str:
    parts = [status_label(t, item.status)]
    if item.feedback_due is not None and item.status is not FollowUpStatus.CLOSED:
        parts.append(t("feedback due {date}").format(date=short_day(t, item.feedback_due)))
    if findings.is_overdue(item.status, item.feedback_due, today=today):
        parts.append("⚠️ " + t("overdue"))
    return f"{index}. {_short(item.content)} — {' · '.join(parts)}"


def _trip_page(session: Session, t: Translator, trip: ResearchTrip, today: date,
               note: str = "") -> tuple[str, InlineKeyboardMarkup]:
    items = trip_queries.findings_of(session, trip.id)
    title = trip_queries.topic_title(session, trip.research_topic_id) if trip.research_topic_id else None
    lines = [note] if note else []
    lines += [trip_card(t, trip.start_date, trip.end_date, trip.places, trip.topic, title), ""]
    if items:
        lines.append(t.ngettext("{n} finding:", "{n} findings:", len(items)).format(n=len(items)))
        lines += [_item_line(t, i, item, today) for i, item in enumerate(items, start=1)]
    else:
        lines.append(t("No findings recorded for this trip yet."))
    rows = [[InlineKeyboardButton(f"{i}. {_short(item.content, 30)}", callback_data=_data(Action.ITEM, item.id))]
            for i, item in enumerate(items, start=1)]
    rows.append([InlineKeyboardButton(t("Add findings"), callback_data=_add_finding(trip.id)),
                 InlineKeyboardButton(t("‹ Trips"), callback_data=_data(Action.TRIPS))])
    return "\n".join(lines), InlineKeyboardMarkup(rows)


def _item_page(t: Translator, item: FollowUpItem, today: date,
               note: str = "") -> tuple[str, InlineKeyboardMarkup]:
    trip = item.trip
    due = ""
    if item.feedback_due is not None:
        due = day_in_words(t, item.feedback_due)
        if findings.is_overdue(item.status, item.feedback_due, today=today):
            due += " ⚠️ " + t("overdue")
    lines = [note] if note else []
    lines += [
        t("Finding from a research trip"),
        field_line(t, t("Trip"), f"{_span(t, trip.start_date, trip.end_date)} {trip.places}"),
        field_line(t, t("Finding"), item.content),
        field_line(t, t("Department"), item.department or t("not assigned yet")),
        field_line(t, t("Status"), status_label(t, item.status)),
        field_line(t, t("Feedback due"), due),
    ]
    if item.result_note:
        lines.append(field_line(t, t("Result fed back"), item.result_note))
    rows = []
    step = _next_step_button(t, item)
    if step is not None:
        rows.append([step])
    back = InlineKeyboardButton(t("‹ This trip's findings"), callback_data=_data(Action.TRIP, item.trip_id))
    rows.append([back])
    return "\n".join(lines), InlineKeyboardMarkup(rows)


def _next_step_button(t: Translator, item: FollowUpItem) -> InlineKeyboardButton | None:
    target = findings.next_status(item.status)
    if target is None:
        return None
    step = _STEPS[target]
    data = (callbacks.build(Press(Action.STEP, item.id, target)) if step.form is None
            else form_start.build(form_start.Press(step.form, item.id)))
    return InlineKeyboardButton(t(step.label), callback_data=data)


def _data(action: Action, number: int | None = None) -> str:
    return callbacks.build(Press(action, number))


def _add_finding(trip_id: int) -> str:
    return form_start.build(form_start.Press(Start.FINDING, trip_id))


def _today(context: SaimaContext, member: Member) -> date:
    return context.today(member.team.timezone)


@members_only
async def show_trips(update: Update, context: SaimaContext) -> None:
    """`/findings`: the member's recent trips as buttons, to see or add their findings."""
    member = context.member()
    assert member is not None and update.effective_message is not None
    with context.db.session() as session:
        text, keyboard = _trips_page(session, context.t, member)
    await update.effective_message.reply_text(text, reply_markup=keyboard)


async def findings_button(update: Update, context: SaimaContext) -> None:
    """A trip, a finding, or a one-tap step; each checked against the presser before anything is shown."""
    query = update.callback_query
    assert query is not None and query.data is not None
    member = context.member()
    t = context.t
    if member is None:
        await query.answer(t(MEMBERS_ONLY), show_alert=True)
        return
    press = callbacks.parse(query.data)
    action, number = (press.action, press.number or 0) if press is not None else (None, 0)
    today = _today(context, member)
    note = ""
    with context.db.session() as session:
        if action is Action.TRIPS:
            text, keyboard = _trips_page(session, t, member)
        elif action is Action.TRIP and (trip := trip_queries.visible_trip(session, member, number)) is not None:
            text, keyboard = _trip_page(session, t, trip, today)
        elif action is Action.ITEM and (item := trip_queries.visible_item(session, member, number)) is not None:
            text, keyboard = _item_page(t, item, today)
        elif action is Action.STEP and press is not None and press.to in _DONE and (
                item := trip_queries.visible_item(session, member, number)) is not None:
            problem = trip_queries.advance(session, item=item, target=press.to, actor=member, now=context.now())
            note = t("This finding has already moved on; here it is as it stands.") if problem else t(
                _DONE[press.to])
            text, keyboard = _item_page(t, item, today, ("" if problem else "✅ ") + note)
        else:
            text, keyboard = "", None
    if not text:
        await query.answer(t("This button is not valid any more."), show_alert=True)
        return
    await query.answer(note or None)
    await edit_card(query, text, reply_markup=keyboard)


register_form(FindingForm())
register_form(AssignForm())
register_form(FeedbackForm())


def handlers() -> list[BaseHandler]:  # type: ignore[type-arg]
    return [
        CommandHandler("findings", show_trips, filters=filters.ChatType.PRIVATE),
        CallbackQueryHandler(findings_button, pattern=callbacks.PATTERN),
    ]

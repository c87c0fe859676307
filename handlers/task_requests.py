"""督办 in four stages (提出诉求 → 对接问诊 → 问题办理 → 确认销账): what an assignee does between being
assigned a task and reporting it done, and how the office answers.

    the task's message: [✍️ Sign for it (签收)] → "Signed" with [❓ Ask the office] [📅 Propose a plan]
        [⏳ Request an extension] [✅ Report done]
    ❓ → the question → Confirm → the task's creator gets it with [💬 Answer] → the answer → Confirm →
        the assignee gets the answer
    📅 → the plan → the day it will be done by (not after the deadline) → Confirm → recorded at once
        (问题办理); the office gets it with [💬 Answer]
    ⏳ → the reason → the proposed new deadline (a day after the current one) → Confirm → the office gets
        it with [✅ Approve] (the assignee's own deadline moves; its nudges follow the new day) and
        [✖️ Refuse] (asks the reason; the assignee is told it)

Signing and approving are buttons here (ts:s:<assignment>, ts:y:<request>); the typed steps are forms
(handlers/forms.py, opened by fs:taskask|taskplan|taskextend:<assignment> and fs:taskanswer|taskrefuse:
<request>). Every press is checked again on the server: the assignee's own assignment, still open; an
active admin of the task's team; a request still open. A second press (or a redelivered update) changes
nothing and says so. Messages to others go through the outbox, in the reader's language; all audited.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler

from core import outbox_keys
from core import tasks as rules
from core.callbacks import task_stages as callbacks
from core.dates import beyond_horizon, parse_date
from core.domain import MemberStatus
from core.outbox_keys import TaskEvent, TaskKey
from core.tasks import MoveProblem, RequestKind, RequestProblem, RequestState, TaskProblem
from handlers.access import ADMINS_ONLY, INVALID
from handlers.context import SaimaContext
from handlers.forms import Field, Form, FormContext, Rejected, register_form
from handlers.incoming import too_far_reply
from handlers.tasks import MOVE_PROBLEMS
from locales import N_, Translator, translator
from reports import task_requests as words
from reports.tasks import clip, due_words
from reports.words import day_in_words, field_line
from storage import members
from storage import tasks as queries
from storage.models import Member, TaskRequest

REQUEST_PROBLEMS = {
    RequestProblem.ALREADY_SIGNED: N_("You signed for this task already; nothing was changed."),
    RequestProblem.NOT_OPEN: N_("This has been reported done and awaits the office; nothing was changed."),
    RequestProblem.ALREADY_ANSWERED: N_("This request has been answered already; nothing was changed."),
}
UNREADABLE = N_("I could not read that as a date. Try for example 11月30日, 下周五 or 30 Nov.")


def problem_words(t: Translator, problem: MoveProblem | RequestProblem | TaskProblem, *,
                  due: datetime | None = None, tz: ZoneInfo | None = None) -> str:
    if isinstance(problem, MoveProblem):
        return t(MOVE_PROBLEMS[problem])
    if problem is TaskProblem.DUE_TOO_FAR:
        return too_far_reply(t)
    if problem is RequestProblem.DATE_NOT_LATER and due is not None and tz is not None:
        return t("That is not after the current deadline ({due}); an extension must move it later.").format(
            due=due_words(t, due, tz))
    if isinstance(problem, RequestProblem) and problem in REQUEST_PROBLEMS:
        return t(REQUEST_PROBLEMS[problem])
    return t(INVALID)


def _day(text: str, ctx: FormContext) -> date | None:
    parsed = parse_date(text, now=ctx.now, prefer="future")
    return parsed.date() if isinstance(parsed, datetime) else parsed


# --- the assignee's requests ---------------------------------------------------------------------------


@dataclass(frozen=True)
class RequestDraft:
    """An assignee's question, plan or extension request (延期申请): the text, the day, and the
    deadline when the form opened."""

    assignment_id: int | None = None
    title: str | None = None
    text: str | None = None
    day: date | None = None  # a plan's day, an extension's proposed deadline
    due: datetime | None = None  # the assignee's deadline when the form opened (save checks it again)


class AssigneeRequestForm(Form[RequestDraft]):
    """A question (text), a plan (text and day) or an extension request (reason and day) on the member's
    own open assignment."""

    command = None
    draft_type = RequestDraft

    def __init__(self, kind: RequestKind) -> None:
        self.request_kind = kind
        self.kind = {RequestKind.QUESTION: "taskask", RequestKind.PLAN: "taskplan",
                     RequestKind.EXTENSION: "taskextend"}[kind]
        text = {RequestKind.QUESTION: Field("text", N_("Question"), N_("What would you like to ask the office? "
                                                                        "Type your question.")),
                RequestKind.PLAN: Field("text", N_("Plan"), N_("How will you handle it? Type the plan in a few "
                                                                "words.")),
                RequestKind.EXTENSION: Field("text", N_("Reason for the extension"),
                                             N_("Why do you need more time? Type the reason for the extension."))}[kind]
        day = {RequestKind.PLAN: Field("day", N_("Done by"), N_("By which day will it be done? For example "
                                                                 "11月30日 or next Friday.")),
               RequestKind.EXTENSION: Field("day", N_("New deadline"), N_("Until which day? For example 12月15日 "
                                                                           "or 15 Dec."))}.get(kind)
        self.fields = (text,) if day is None else (text, day)

    def start_from(self, session: Session, argument: str, ctx: FormContext) -> RequestDraft | Rejected | None:
        found = queries.own(session, int(argument), ctx.member, with_cancelled=True) if argument.isdigit() else None
        if found is None:
            return None
        problem = rules.request_problem(found.assignment.status, cancelled=found.task.cancelled_at is not None)
        if problem is not None:
            return Rejected(problem_words(ctx.t, problem))
        return RequestDraft(assignment_id=found.assignment.id, title=found.task.title, due=found.assignment.due)

    def parse_message(self, text: str, ctx: FormContext) -> RequestDraft:
        return RequestDraft()

    def problems(self, draft: RequestDraft, ctx: FormContext) -> tuple[RequestDraft, list[str]]:
        return draft, []

    def missing(self, draft: RequestDraft) -> list[str]:
        names = [f.name for f in self.fields]
        return [name for name in names if getattr(draft, name) is None]

    def read_field(self, name: str, text: str, draft: RequestDraft, ctx: FormContext) -> RequestDraft | Rejected:
        t = ctx.t
        if name == "text":
            problem = rules.text_problem(text, rules.MAX_NOTE)
            if problem is TaskProblem.EMPTY:
                return Rejected(t("That is empty; please type some words."))
            if problem is not None:
                return Rejected(t("That is too long: at most {n} characters, please.").format(n=rules.MAX_NOTE))
            return replace(draft, text=text.strip())
        day = _day(text, ctx)
        if day is None:
            return Rejected(t(UNREADABLE))
        if day < ctx.today:
            return Rejected(t("That day has passed; please give today or a later day."))
        if beyond_horizon(day, ctx.today):
            return Rejected(too_far_reply(t))
        why = self._day_problem(day, draft.due, ctx)
        return Rejected(why) if why is not None else replace(draft, day=day)

    def _day_problem(self, day: date, due: datetime | None, ctx: FormContext) -> str | None:
        """Why ``day`` does not fit the deadline ``due``: a plan after it, an extension not after it."""
        if due is None:
            return None
        tz = ZoneInfo(ctx.member.team.timezone)
        if self.request_kind is RequestKind.PLAN and day > due.astimezone(tz).date():
            return ctx.t("That is after the deadline ({due}); request an extension (延期申请) instead.").format(
                due=due_words(ctx.t, due, tz))
        if self.request_kind is RequestKind.EXTENSION:
            problem = rules.extension_problem(day, current_due=due, today=ctx.today, tz=tz)
            return problem_words(ctx.t, problem, due=due, tz=tz) if problem is not None else None
        return None

    def card(self, draft: RequestDraft, ctx: FormContext) -> str:
        t = ctx.t
        head = {RequestKind.QUESTION: t("Ask the office about “{title}”"),
                RequestKind.PLAN: t("Plan for “{title}”"),
                RequestKind.EXTENSION: t("Extension request (延期申请) for “{title}”")}[self.request_kind]
        lines = [head.format(title=clip(draft.title or "", 60)), field_line(t, t(self.fields[0].label), draft.text or "")]
        if draft.day is not None:
            lines.append(field_line(t, t(self.fields[1].label), day_in_words(t, draft.day)))
        return "\n".join(lines)

    def is_duplicate(self, session: Session, draft: RequestDraft, ctx: FormContext, *,
                     excluding: int | None = None) -> bool:
        return False

    def save(self, session: Session, draft: RequestDraft, ctx: FormContext) -> str | Rejected:
        t = ctx.t
        found = queries.own(session, draft.assignment_id or 0, ctx.member, with_cancelled=True)
        if found is None:
            return Rejected(t(INVALID))
        tz = ZoneInfo(found.assignee.team.timezone)
        due = found.assignment.due
        problem = self._day_problem(draft.day, due, ctx) if draft.day is not None else None
        if problem is not None:  # the deadline moved since the form opened
            return Rejected(problem)
        made = queries.ask(session, found, self.request_kind, text=draft.text or "", proposed=draft.day, now=ctx.now)
        if not isinstance(made, TaskRequest):
            return Rejected(problem_words(t, made))
        creator = queries.office_of(session, found)
        if creator is not None:
            reader = translator(creator.language.value)
            text = words.request_text(reader, found.task, made, assignee=found.assignee.display_name, due=due, tz=tz)
            queries.notify(session, key=outbox_keys.build(TaskKey(found.task.id, TaskEvent.REQUESTED,
                                                                  found.assignee.id, nth=made.id)),
                           member=creator, payload=words.payload(text, words.request_buttons(reader, made)),
                           now=ctx.now)
        if self.request_kind is RequestKind.PLAN:
            return t("Your plan is recorded and sent to the office.")
        if self.request_kind is RequestKind.EXTENSION:
            return t("Your extension request is sent to the office; you will be told their decision.")
        return t("Your question is sent to the office; you will be told their answer.")


# --- the office's answers ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class AnswerDraft:
    """The office's answer to a request, or its refusal of an extension: the task, the assignee,
    what they asked, and the text."""

    request_id: int | None = None
    title: str | None = None
    assignee: str | None = None
    asked: str | None = None
    text: str | None = None


class OfficeAnswerForm(Form[AnswerDraft]):
    """The office answers a question or a plan (ANSWERED), or refuses an extension with a reason (REFUSED)."""

    command = None
    admin_only = True
    draft_type = AnswerDraft

    def __init__(self, to: RequestState) -> None:
        self.to = to
        self.kind = "taskanswer" if to is RequestState.ANSWERED else "taskrefuse"
        self.fields = (Field("text", N_("Answer"), N_("Type your answer; the assignee will see it.")),) \
            if to is RequestState.ANSWERED else \
            (Field("text", N_("Reason for refusing"), N_("Why is the extension refused? Type the reason; the "
                                                         "assignee will see it.")),)

    def _fits(self, request: TaskRequest) -> bool:
        return (request.kind == RequestKind.EXTENSION) == (self.to is RequestState.REFUSED)

    def start_from(self, session: Session, argument: str, ctx: FormContext) -> AnswerDraft | Rejected | None:
        found = queries.request_in_team(session, int(argument), ctx.member.team_id) if argument.isdigit() else None
        if found is None or not self._fits(found[0]):
            return None
        request, item = found
        if request.state != RequestState.OPEN:
            return Rejected(problem_words(ctx.t, RequestProblem.ALREADY_ANSWERED))
        return AnswerDraft(request_id=request.id, title=item.task.title, assignee=item.assignee.display_name,
                           asked=request.text)

    def parse_message(self, text: str, ctx: FormContext) -> AnswerDraft:
        return AnswerDraft()

    def problems(self, draft: AnswerDraft, ctx: FormContext) -> tuple[AnswerDraft, list[str]]:
        return draft, []

    def missing(self, draft: AnswerDraft) -> list[str]:
        return ["text"] if draft.text is None else []

    def read_field(self, name: str, text: str, draft: AnswerDraft, ctx: FormContext) -> AnswerDraft | Rejected:
        problem = rules.text_problem(text, rules.MAX_REASON)
        if problem is TaskProblem.EMPTY:
            return Rejected(ctx.t("That is empty; please type some words."))
        if problem is not None:
            return Rejected(ctx.t("That is too long: at most {n} characters, please.").format(n=rules.MAX_REASON))
        return replace(draft, text=text.strip())

    def card(self, draft: AnswerDraft, ctx: FormContext) -> str:
        t = ctx.t
        head = (t("Answer {name} about “{title}”") if self.to is RequestState.ANSWERED
                else t("Refuse {name}'s extension of “{title}”"))
        return "\n".join([head.format(name=draft.assignee or "", title=clip(draft.title or "", 60)),
                          f"“{clip(draft.asked or '', 200)}”", field_line(t, t(self.fields[0].label), draft.text or "")])

    def is_duplicate(self, session: Session, draft: AnswerDraft, ctx: FormContext, *,
                     excluding: int | None = None) -> bool:
        return False

    def save(self, session: Session, draft: AnswerDraft, ctx: FormContext) -> str | Rejected:
        t = ctx.t
        admin = members.by_id(session, ctx.member.id)
        found = queries.request_in_team(session, draft.request_id or 0, ctx.member.team_id)
        if admin is None or not admin.role.is_admin or admin.status is not MemberStatus.ACTIVE or found is None:
            return Rejected(t(INVALID))
        request, item = found
        problem = queries.answer(session, request, item, self.to, actor=admin, now=ctx.now, text=draft.text)
        if problem is not None:
            return Rejected(problem_words(t, problem))
        _tell(session, request, item, by=admin, now=ctx.now)
        return t("Sent to {name}.").format(name=item.assignee.display_name)


def _tell(session: Session, request: TaskRequest, item: queries.Found, *, by: Member, now: datetime) -> None:
    """The assignee is told the office's answer, approval or refusal (once: keyed by the request)."""
    if item.assignee.status is not MemberStatus.ACTIVE:
        return
    reader = translator(item.assignee.language.value)
    tz = ZoneInfo(item.assignee.team.timezone)
    text = words.answer_text(reader, item.task, request, by=by.display_name, due=item.assignment.due, tz=tz)
    queries.notify(session, key=outbox_keys.build(TaskKey(item.task.id, TaskEvent.ANSWERED, item.assignee.id,
                                                          nth=request.id)),
                   member=item.assignee, payload=words.payload(text), now=now)


for _kind in RequestKind:
    register_form(AssigneeRequestForm(_kind))
register_form(OfficeAnswerForm(RequestState.ANSWERED))
register_form(OfficeAnswerForm(RequestState.REFUSED))


# --- the buttons: sign for it, approve an extension -------------------------------------------------------


async def press(update: Update, context: SaimaContext) -> None:
    """ts:s:<assignment> (the assignee signs for it) and ts:y:<request> (an admin approves the extension)."""
    query = update.callback_query
    assert query is not None and query.data is not None
    t, member, pressed = context.t, context.member(), callbacks.parse(query.data)
    if member is None or pressed is None:
        await query.answer(t(INVALID), show_alert=True)
        return
    if pressed.action is callbacks.Action.SIGN:
        await _sign(update, context, member, pressed.number)
    else:
        await _approve(update, context, member, pressed.number)


async def _sign(update: Update, context: SaimaContext, member: Member, assignment_id: int) -> None:
    query = update.callback_query
    assert query is not None and query.message is not None
    t, now = context.t, context.now()
    with context.db.session() as session:
        found = queries.own(session, assignment_id, member, with_cancelled=True)
        problem = queries.sign(session, found, now=now) if found is not None else None
        task = found.task if found is not None else None
    if found is None or task is None:
        await query.answer(t(INVALID), show_alert=True)
        return
    if problem is not None:
        await query.answer(problem_words(t, problem), show_alert=True)
        return
    await query.answer(t("Signed (签收)."))
    rows = [[InlineKeyboardButton(label, callback_data=data) for label, data in row]
            for row in words.next_steps(t, assignment_id)]
    await context.bot.send_message(query.message.chat.id, words.signed_text(t, task),
                                   reply_markup=InlineKeyboardMarkup(rows))


async def _approve(update: Update, context: SaimaContext, member: Member, request_id: int) -> None:
    query = update.callback_query
    assert query is not None and query.message is not None
    t, now = context.t, context.now()
    if not member.role.is_admin:
        await query.answer(t(ADMINS_ONLY), show_alert=True)
        return
    with context.db.session() as session:
        admin = members.by_id(session, member.id)
        found = queries.request_in_team(session, request_id, member.team_id)
        if admin is None or admin.status is not MemberStatus.ACTIVE or found is None \
                or found[0].kind != RequestKind.EXTENSION:
            problem: MoveProblem | RequestProblem | TaskProblem | None = None
            found = None
        else:
            request, item = found
            problem = queries.answer(session, request, item, RequestState.APPROVED, actor=admin, now=now)
            tz, due = ZoneInfo(item.assignee.team.timezone), item.assignment.due  # a refusal names the deadline
            if problem is None:
                _tell(session, request, item, by=admin, now=now)
                note = t("✅ Approved: {name}'s deadline for “{title}” is now {due}; they are told.").format(
                    name=item.assignee.display_name, title=clip(item.task.title, 60),
                    due=due_words(t, item.assignment.due, tz))
    if found is None:
        await query.answer(t(INVALID), show_alert=True)
        return
    if problem is not None:
        await query.answer(problem_words(t, problem, due=due, tz=tz), show_alert=True)
        return
    await query.answer()
    await context.bot.send_message(query.message.chat.id, note)


def handlers() -> list[BaseHandler]:  # type: ignore[type-arg]
    return [CallbackQueryHandler(press, pattern=callbacks.PATTERN)]

"""Supervised tasks (督办事项): admins assign with `/task` and follow up with `/tasks`; members report
done with `/done` or the button on the task (or on its deadline nudge).

    /task [title and due in one message]  (admins) → title → details or none → due, in plain words
        → who: everyone, the office, members, or picked members (ticks, page by page) → attachment or none
        → card [Confirm] [Edit] [Cancel]: nothing stored before Confirm; then each assignee is told
    /done → an open task → what was done → evidence (photo or document) or none → Confirm → reported;
        the task's creator is told, with View / Close / Return
    /tasks (admins) → the team's open tasks with progress at a glance → a task → an assignee →
        📎 evidence again, ✅ Close (销账), ↩️ Return (asks the reason; the assignee is told)
        or, on a task, 🚫 Cancel task (撤销) → Yes, cancel / Keep: every assignee not closed is told, and
        the task leaves /tasks, /done, /me and the nudges (the ledger keeps it, marked cancelled)

Creating, reporting and returning are forms (forms.py: persistent, written through, /cancel
everywhere; photos and documents are taken as answers). The rest are buttons here:

    tk:l:<page>             the open tasks          tk:v:<task>:<page>   a task's assignees
    tk:a:<assignment>       one assignee's card      tk:e:<assignment>    the evidence, sent again
    tk:c:<assignment>       close (销账)
    tk:x:<task>             cancel the task? (asks)  tk:y:<task>          yes, cancel it (撤销)
    fs:taskdone:<assignment>    report done (the assignee's own, still to report)
    fs:taskreturn:<assignment>  return with a reason (an admin of the task's team; reported only)

Every press is checked again on the server: the presser must be an active admin of the task's team
(or, to report, the assignee), and each move must start from the assignment's current status, so a
second press on a closed item changes nothing and says so. Messages to others go through the outbox
(sent once, in working hours, in the reader's language).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, filters

from core import outbox_keys, paging
from core import tasks as rules
from core.callbacks import form_start
from core.callbacks import tasks as callbacks
from core.callbacks.form_start import Action as Start
from core.callbacks.tasks import Action, Press
from core.dates import parse_date
from core.domain import AssignmentStatus, MemberStatus, Role
from core.outbox_keys import TaskEvent, TaskKey
from core.task_lights import Light, worst
from core.tasks import CancelProblem, Move, MoveProblem, TaskProblem
from core.text import squeeze
from handlers.access import ADMINS_ONLY, admin_press, admins_only, members_only
from handlers.cards import edit_card
from handlers.context import SaimaContext
from handlers.forms import Choice, Field, Form, FormContext, Rejected, Stay, register_form
from handlers.incoming import too_far_reply
from handlers.keyboards import first_page, in_rows, turn_rows
from locales import N_, Translator, translator
from reports import task_requests as stage_words
from reports import tasks as words
from reports.words import listed
from storage import calendar, members
from storage import tasks as queries
from storage.models import Member, Task, TaskAssignment

LIST_PAGE = 8
ASSIGNEE_PAGE = 20
PICK_PAGE = 10
INVALID = N_("This button is not valid any more.")
_NONE_WORDS = frozenset({"none", "no", "skip", "-", "无", "没有", "不用", "跳过", "暂无"})

MOVE_PROBLEMS = {
    MoveProblem.ALREADY_CLOSED: N_("This task is already closed (销账); nothing was changed."),
    MoveProblem.ALREADY_REPORTED: N_("This has already been reported done and awaits the office; nothing was "
                                     "changed."),
    MoveProblem.NOT_REPORTED: N_("This has not been reported done (or was returned meanwhile); nothing was "
                                 "changed."),
    MoveProblem.NEEDS_NOTE: N_("Please type a note of what was done."),
    MoveProblem.NEEDS_REASON: N_("Please type the reason for returning it."),
    MoveProblem.CANCELLED: N_("This task was cancelled (撤销); nothing was changed."),
}
CANCEL_PROBLEMS = {
    CancelProblem.ALREADY_CANCELLED: N_("This task was cancelled (撤销); nothing was changed."),
    CancelProblem.ALL_CLOSED: N_("Every assignee of this task is closed already; it was not cancelled."),
}
CANCEL_TASK, YES_CANCEL, KEEP = N_("🚫 Cancel task"), N_("Yes, cancel it"), N_("Keep it")
VIEW, CLOSE, RETURN = N_("View"), N_("✅ Close (销账)"), N_("↩️ Return")
AUDIENCE_LABELS = {"all": N_("Everyone"), "admins": N_("The office (admins)"), "members": N_("Members"),
                   "pick": N_("Pick members…")}


def _tz(member: Member) -> ZoneInfo:
    return ZoneInfo(member.team.timezone)


# --- /task: a new task ------------------------------------------------------------------------------


@dataclass(frozen=True)
class TaskDraft:
    """A `/task` being drafted: title, details, due, whom it is for (and the ticks), the attachment, and
    the roster for the buttons."""

    title: str | None = None
    detail: str | None = None  # "": none
    due: datetime | None = None
    audience: str | None = None  # all | admins | members | pick
    picked: list[int] = field(default_factory=list)  # member ids, when picked
    picking: bool = False  # the ticks are shown
    page: int = 0
    attachment_kind: str | None = None  # "": none; photo | document
    attachment_file_id: str | None = None
    roster: list[list[Any]] = field(default_factory=list)  # [id, name, role] of the team's active members, for the buttons
    no_such_day: bool = False  # the message named a day the calendar has not (2月30日前): said, and the due asked


class TaskForm(Form[TaskDraft]):
    kind = "task"
    command = "task"
    admin_only = True
    draft_type = TaskDraft
    fields = (
        Field("title", N_("Task"), N_("What is the task? Type its title (up to 200 characters).")),
        Field("detail", N_("Details"), N_("Any details or requirements? Type them, or press “No details”."),
              choices=(Choice("none", N_("No details")),)),
        Field("due", N_("Due"), N_("When is it due? For example 下周五下午5点 or next Friday 5pm (a day without "
                                   "a time means 18:00).")),
        Field("audience", N_("Assignees"), N_("Who is it for?")),
        Field("attachment", N_("Attachment"), N_("Send a photo or a document to go with it, or press “No "
                                                 "attachment”."), choices=(Choice("none", N_("No attachment")),)),
    )

    def prepare(self, session: Session, draft: TaskDraft, ctx: FormContext) -> TaskDraft:
        people, _ = queries.pickable(session, ctx.member.team_id, offset=0, limit=10_000)
        return replace(draft, roster=[[m.id, m.display_name, m.role.value] for m in people])

    def parse_message(self, text: str, ctx: FormContext) -> TaskDraft:
        """`/task 报送三季度安全生产情况 下周五下午5点`: the due date found in the text, the rest the title."""
        title, due, no_such_day = rules.parse_task(text, now=ctx.now, tz=ZoneInfo(ctx.member.team.timezone))
        return TaskDraft(title=title, due=due, no_such_day=no_such_day)

    def problems(self, draft: TaskDraft, ctx: FormContext) -> tuple[TaskDraft, list[str]]:
        reasons = []
        if draft.title is not None and rules.text_problem(draft.title, rules.MAX_TITLE) is not None:
            draft, reasons = replace(draft, title=None), [_text_reason(ctx.t, TaskProblem.TOO_LONG, rules.MAX_TITLE)]
        if draft.no_such_day:
            draft = replace(draft, no_such_day=False)
            reasons.append(_due_reason(ctx.t, TaskProblem.NO_SUCH_DAY))
        due_problem = rules.due_problem(draft.due, now=ctx.now) if draft.due is not None else None
        if due_problem is not None:
            draft = replace(draft, due=None)
            reasons.append(_due_reason(ctx.t, due_problem))
        return draft, reasons

    def missing(self, draft: TaskDraft) -> list[str]:
        order = (("title", draft.title), ("detail", draft.detail), ("due", draft.due), ("audience", draft.audience),
                 ("attachment", draft.attachment_kind))
        return [name for name, value in order if value is None]

    def read_field(self, name: str, text: str, draft: TaskDraft, ctx: FormContext) -> TaskDraft | Rejected:
        t = ctx.t
        if name == "title":
            problem = rules.text_problem(text, rules.MAX_TITLE)
            if problem:
                return Rejected(_text_reason(t, problem, rules.MAX_TITLE))
            return replace(draft, title=squeeze(text))
        if name == "detail":
            if text.lower() in _NONE_WORDS:
                return replace(draft, detail="")
            problem = rules.text_problem(text, rules.MAX_DETAIL)
            if problem:
                return Rejected(_text_reason(t, problem, rules.MAX_DETAIL))
            return replace(draft, detail=text.strip())
        if name == "due":
            parsed = parse_date(text, now=ctx.now, prefer="future")
            due = rules.due_instant(parsed, ZoneInfo(ctx.member.team.timezone)) if parsed is not None else None
            problem = rules.due_problem(due, now=ctx.now)
            if problem is TaskProblem.UNREADABLE_DATE:
                return Rejected(t("I could not read that as a date. Try for example 下周五下午5点, 11月30日 or "
                                  "next Friday 5pm."))
            if problem is not None:
                return Rejected(_due_reason(t, problem))
            return replace(draft, due=due)
        if name == "attachment":
            if text.lower() in _NONE_WORDS:
                return replace(draft, attachment_kind="", attachment_file_id=None)
            return Rejected(t("Send a photo or a document, or press “No attachment”."))
        return Rejected(t("Please choose with the buttons."))

    def read_file(self, name: str, kind: str, file_id: str, draft: TaskDraft, ctx: FormContext) -> TaskDraft | Rejected:
        if name != "attachment":
            return super().read_file(name, kind, file_id, draft, ctx)
        return replace(draft, attachment_kind=kind, attachment_file_id=file_id)

    def prompt(self, name: str, draft: TaskDraft, ctx: FormContext) -> str:
        if name == "audience" and draft.picking:
            pages = max(1, -(-len(draft.roster) // PICK_PAGE))
            return ctx.t("Tick the assignees ({n} ticked; page {page} of {pages}), then press Done.").format(
                n=len(draft.picked), page=min(draft.page, pages - 1) + 1, pages=pages)
        return super().prompt(name, draft, ctx)

    def choices(self, name: str, draft: TaskDraft, ctx: FormContext) -> tuple[Choice, ...]:
        if name != "audience":
            return super().choices(name, draft, ctx)
        if not draft.picking:
            return tuple(Choice(value, label) for value, label in AUDIENCE_LABELS.items())
        t = ctx.t
        pages = max(1, -(-len(draft.roster) // PICK_PAGE))
        page = min(draft.page, pages - 1)
        shown = draft.roster[page * PICK_PAGE : (page + 1) * PICK_PAGE]
        buttons = [Choice(f"t:{mid}", ("✅ " if mid in draft.picked else "▫️ ") + name_, literal=True)
                   for mid, name_, _ in shown]
        if page > 0:
            buttons.append(Choice(f"p:{page - 1}", N_("‹ Previous")))
        if page < pages - 1:
            buttons.append(Choice(f"p:{page + 1}", N_("Next ›")))
        buttons.append(Choice("done", t("Done ({n})").format(n=len(draft.picked)), literal=True))
        buttons.append(Choice("back", N_("‹ Back")))
        return tuple(buttons)

    def choose(self, name: str, value: str, draft: TaskDraft,
               ctx: FormContext) -> TaskDraft | Rejected | Stay[TaskDraft]:
        if name in ("detail", "attachment") and value == "none":
            return replace(draft, detail="") if name == "detail" else replace(draft, attachment_kind="",
                                                                            attachment_file_id=None)
        if name != "audience":
            return self.read_field(name, value, draft, ctx)
        if value in ("all", "admins", "members"):
            if not _audience_ids(draft, value, ctx.member.id):
                return Rejected(ctx.t("Nobody in the team fits that choice yet; choose another."))
            return replace(draft, audience=value, picking=False)
        if value == "pick":
            return Stay(replace(draft, picking=True, page=0))
        if value == "back":
            return Stay(replace(draft, picking=False))
        if value.startswith("p:"):
            return Stay(replace(draft, page=int(value[2:])))
        if value.startswith("t:"):
            mid = int(value[2:])
            picked = [m for m in draft.picked if m != mid] if mid in draft.picked else [*draft.picked, mid]
            return Stay(replace(draft, picked=picked))
        if not draft.picked:  # done
            return Rejected(ctx.t("Tick at least one member first."))
        return replace(draft, audience="pick", picking=False)

    def card(self, draft: TaskDraft, ctx: FormContext) -> str:
        assert draft.title is not None and draft.due is not None
        return words.draft_card(ctx.t, title=draft.title, detail=draft.detail or "", due=draft.due,
                                tz=ZoneInfo(ctx.member.team.timezone),
                                assignees=_audience_words(ctx.t, draft, ctx.member.id),
                                attachment_kind=draft.attachment_kind or None)

    def is_duplicate(self, session: Session, draft: TaskDraft, ctx: FormContext, *,
                     excluding: int | None = None) -> bool:
        return False

    def save(self, session: Session, draft: TaskDraft, ctx: FormContext) -> str | Rejected:
        t = ctx.t
        creator = members.by_id(session, ctx.member.id)
        if creator is None or creator.status is not MemberStatus.ACTIVE or not creator.role.is_admin:
            return Rejected(t(ADMINS_ONLY))
        assert draft.title is not None and draft.due is not None and draft.audience is not None
        assignees = queries.audience(session, creator.team_id, draft.audience, list(draft.picked),
                                     creator_id=creator.id)
        if not assignees:
            return Rejected(t("Nobody is left to assign it to; nothing was saved."))
        task = queries.create(session, creator=creator, title=draft.title, detail=draft.detail or None,
                              due_at=draft.due, assignees=assignees, attachment_file_id=draft.attachment_file_id,
                              attachment_kind=draft.attachment_kind or None, now=ctx.now)
        by_member = {a.member_id: a for a in task.assignments}
        tz = ZoneInfo(creator.team.timezone)
        for member in assignees:
            payloads = words.assigned_payloads(translator(member.language.value), task, by_member[member.id],
                                               creator=creator.display_name, tz=tz)
            for file, payload in zip((False, True), payloads, strict=False):  # the text, then any attachment
                queries.notify(session, key=outbox_keys.build(TaskKey(task.id, TaskEvent.ASSIGNED, member.id, file)),
                               member=member, payload=payload, now=ctx.now)
        return t.ngettext("Assigned to {n} person; each is told in their own chat. /tasks shows the progress.",
                          "Assigned to {n} people; each is told in their own chat. /tasks shows the progress.",
                          len(assignees)).format(n=len(assignees))


def _due_reason(t: Translator, problem: TaskProblem) -> str:
    if problem is TaskProblem.DUE_TOO_FAR:
        return too_far_reply(t)
    if problem is TaskProblem.NO_SUCH_DAY:
        return t("There is no such day as the one in that due date (such as 30 February).")
    return t("That time has already passed: the due time must be in the future.")


def _text_reason(t: Translator, problem: TaskProblem | None, limit: int) -> str:
    if problem is TaskProblem.EMPTY:
        return t("That is empty; please type some words.")
    return t("That is too long: at most {n} characters, please.").format(n=limit)


def _audience_ids(draft: TaskDraft, audience: str, creator_id: int) -> list[int]:
    if audience == "pick":
        return list(draft.picked)
    roles = {"all": None, "admins": {Role.OWNER.value, Role.ADMIN.value}, "members": {Role.MEMBER.value}}[audience]
    return [mid for mid, _, role in draft.roster if mid != creator_id and (roles is None or role in roles)]


def _audience_words(t: Translator, draft: TaskDraft, creator_id: int) -> str:
    assert draft.audience is not None
    ids = _audience_ids(draft, draft.audience, creator_id)
    names = {mid: name for mid, name, _ in draft.roster}
    shown = [names.get(mid, "?") for mid in ids[:12]]
    said = listed(t, shown) + (" …" if len(ids) > len(shown) else "")
    group = t(AUDIENCE_LABELS[draft.audience]) if draft.audience != "pick" else t("Picked")
    return t.ngettext("{group}, {n} person: {names}", "{group}, {n} people: {names}", len(ids)).format(
        group=group, n=len(ids), names=said)


# --- report done -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AssignmentStep:
    """A step on one assignment (reporting it done, returning it), whose card names the task."""

    assignment_id: int | None = None
    title: str | None = None


@dataclass(frozen=True)
class ReportDraft(AssignmentStep):
    """An assignment reported done: the note, and the evidence (a photo or a document) or none."""

    note: str | None = None
    evidence_kind: str | None = None  # "": none
    evidence_file_id: str | None = None


class ReportForm(Form[ReportDraft]):
    kind = "taskdone"
    command = None  # opened from /done, the task's message or its nudge (fs:taskdone:<assignment>)
    draft_type = ReportDraft
    fields = (
        Field("note", N_("Note"), N_("What was done? Type a short note.")),
        Field("evidence", N_("Evidence"), N_("Send a photo or a document as evidence, or press “No evidence”."),
              choices=(Choice("none", N_("No evidence")),)),
    )

    def start_from(self, session: Session, argument: str, ctx: FormContext) -> ReportDraft | Rejected | None:
        found = queries.own(session, int(argument), ctx.member, with_cancelled=True) if argument.isdigit() else None
        if found is None:
            return None
        problem = rules.check_move(found.assignment.status, Move.REPORT, text="-",
                                   cancelled=found.task.cancelled_at is not None)
        if problem is not None:  # already reported or closed, or the task cancelled: say so
            return Rejected(ctx.t(MOVE_PROBLEMS[problem]))
        return ReportDraft(assignment_id=found.assignment.id, title=found.task.title)

    def parse_message(self, text: str, ctx: FormContext) -> ReportDraft:
        return ReportDraft()

    def problems(self, draft: ReportDraft, ctx: FormContext) -> tuple[ReportDraft, list[str]]:
        return draft, []

    def missing(self, draft: ReportDraft) -> list[str]:
        return [name for name, value in (("note", draft.note), ("evidence", draft.evidence_kind)) if value is None]

    def read_field(self, name: str, text: str, draft: ReportDraft, ctx: FormContext) -> ReportDraft | Rejected:
        if name == "note":
            problem = rules.text_problem(text, rules.MAX_NOTE)
            if problem:
                return Rejected(_text_reason(ctx.t, problem, rules.MAX_NOTE))
            return replace(draft, note=text.strip())
        if text.lower() in _NONE_WORDS:
            return replace(draft, evidence_kind="", evidence_file_id=None)
        return Rejected(ctx.t("Send a photo or a document, or press “No evidence”."))

    def choose(self, name: str, value: str, draft: ReportDraft, ctx: FormContext) -> ReportDraft | Rejected:
        return replace(draft, evidence_kind="", evidence_file_id=None) if value == "none" else Rejected(ctx.t(INVALID))

    def read_file(self, name: str, kind: str, file_id: str, draft: ReportDraft,
                  ctx: FormContext) -> ReportDraft | Rejected:
        if name != "evidence":
            return super().read_file(name, kind, file_id, draft, ctx)
        return replace(draft, evidence_kind=kind, evidence_file_id=file_id)

    def card(self, draft: ReportDraft, ctx: FormContext) -> str:
        t = ctx.t
        return "\n".join([t("Report done: “{title}”").format(title=draft.title or ""),
                          t("Note: {note}").format(note=draft.note or ""),
                          t("Evidence: {what}").format(what=words.attachment_words(t, draft.evidence_kind or None))])

    def is_duplicate(self, session: Session, draft: ReportDraft, ctx: FormContext, *,
                     excluding: int | None = None) -> bool:
        return False

    def save(self, session: Session, draft: ReportDraft, ctx: FormContext) -> str | Rejected:
        t = ctx.t
        found = queries.own(session, draft.assignment_id or 0, ctx.member, with_cancelled=True)
        if found is None:
            return Rejected(t(INVALID))
        problem = queries.move(session, found, Move.REPORT, actor=found.assignee, now=ctx.now, text=draft.note,
                               evidence_file_id=draft.evidence_file_id, evidence_kind=draft.evidence_kind or None)
        if problem is not None:
            return Rejected(t(MOVE_PROBLEMS[problem]))
        creator = queries.office_of(session, found)  # the creator, or the owner once they are no admin
        if creator is not None:
            reader = translator(creator.language.value)
            aid = found.assignment.id
            text = words.reported_text(reader, found.task, found.assignment, assignee=found.assignee.display_name)
            payload = {"text": text, "parse_mode": None,
                       "buttons": [[[reader(VIEW), callbacks.build(Press(Action.ASSIGNMENT, aid))],
                                    [reader(CLOSE), callbacks.build(Press(Action.CLOSE, aid))],
                                    [reader(RETURN), form_start.build(form_start.Press(Start.TASK_RETURN, aid))]]]}
            nth = queries.times(session, aid, Move.REPORT)
            queries.notify(session, key=outbox_keys.build(TaskKey(found.task.id, TaskEvent.REPORTED, found.assignee.id,
                                                                  nth=nth)),
                           member=creator, payload=payload, now=ctx.now)
        return t("Reported to the office; they will close it or return it to you.")


# --- return with a reason ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReturnDraft(AssignmentStep):
    """A reported assignment returned: whose it is, and the reason they will see."""

    assignee: str | None = None
    reason: str | None = None


class ReturnForm(Form[ReturnDraft]):
    kind = "taskreturn"
    command = None  # from an assignee's card or the report's message (fs:taskreturn:<assignment>)
    admin_only = True
    draft_type = ReturnDraft
    fields = (Field("reason", N_("Reason"), N_("Why is it returned? Type the reason; the assignee will see it.")),)

    def start_from(self, session: Session, argument: str, ctx: FormContext) -> ReturnDraft | Rejected | None:
        found = (queries.in_team(session, int(argument), ctx.member.team_id, with_cancelled=True)
                 if argument.isdigit() else None)
        if found is None:
            return None
        problem = rules.check_move(found.assignment.status, Move.RETURN, text="-",
                                   cancelled=found.task.cancelled_at is not None)
        if problem is not None:  # closed, or not reported (returned already), or the task cancelled
            return Rejected(ctx.t(MOVE_PROBLEMS[problem]))
        return ReturnDraft(assignment_id=found.assignment.id, title=found.task.title,
                           assignee=found.assignee.display_name)

    def parse_message(self, text: str, ctx: FormContext) -> ReturnDraft:
        return ReturnDraft()

    def problems(self, draft: ReturnDraft, ctx: FormContext) -> tuple[ReturnDraft, list[str]]:
        return draft, []

    def missing(self, draft: ReturnDraft) -> list[str]:
        return ["reason"] if draft.reason is None else []

    def read_field(self, name: str, text: str, draft: ReturnDraft, ctx: FormContext) -> ReturnDraft | Rejected:
        problem = rules.text_problem(text, rules.MAX_REASON)
        if problem:
            return Rejected(_text_reason(ctx.t, problem, rules.MAX_REASON))
        return replace(draft, reason=text.strip())

    def card(self, draft: ReturnDraft, ctx: FormContext) -> str:
        t = ctx.t
        return "\n".join([t("Return “{title}” to {name}").format(title=draft.title or "", name=draft.assignee or ""),
                          t("Reason: {reason}").format(reason=draft.reason or "")])

    def is_duplicate(self, session: Session, draft: ReturnDraft, ctx: FormContext, *,
                     excluding: int | None = None) -> bool:
        return False

    def save(self, session: Session, draft: ReturnDraft, ctx: FormContext) -> str | Rejected:
        t = ctx.t
        admin = members.by_id(session, ctx.member.id)
        found = queries.in_team(session, draft.assignment_id or 0, ctx.member.team_id, with_cancelled=True)
        if admin is None or not admin.role.is_admin or admin.status is not MemberStatus.ACTIVE or found is None:
            return Rejected(t(INVALID))
        problem = queries.move(session, found, Move.RETURN, actor=admin, now=ctx.now, text=draft.reason)
        if problem is not None:
            return Rejected(t(MOVE_PROBLEMS[problem]))
        reader = translator(found.assignee.language.value)
        text = words.returned_text(reader, found.task, reason=draft.reason or "", by=admin.display_name)
        buttons = [[[reader(words.REPORT_DONE),
                     form_start.build(form_start.Press(Start.TASK_DONE, found.assignment.id))]]]
        payload = {"text": text, "parse_mode": None, "buttons": buttons}
        nth = queries.times(session, found.assignment.id, Move.RETURN)
        queries.notify(session, key=outbox_keys.build(TaskKey(found.task.id, TaskEvent.RETURNED, found.assignee.id,
                                                              nth=nth)),
                       member=found.assignee, payload=payload, now=ctx.now)
        return t("Returned to {name}; they are told the reason.").format(name=found.assignee.display_name)


register_form(TaskForm())
register_form(ReportForm())
register_form(ReturnForm())


# --- /done -----------------------------------------------------------------------------------------------


@members_only
async def show_done(update: Update, context: SaimaContext) -> None:
    """The member's tasks still to report, oldest due first; pressing one starts the report."""
    member = context.member()
    assert member is not None and update.effective_message is not None
    t, now, tz = context.t, context.now(), _tz(member)
    with context.db.session() as session:
        mine = queries.open_for(session, member.id, include_reported=True)
        lit = _lights(session, context, member, mine)
        to_report = [(a, task) for a, task in mine if a.status is AssignmentStatus.ASSIGNED]
        lines = [words.own_line(t, task, a, now=now, tz=tz, light=lit.get(a.id)) for a, task in mine]
        buttons = [[InlineKeyboardButton(words.own_line(t, task, a, now=now, tz=tz, light=lit.get(a.id))[:60],
                                         callback_data=form_start.build(form_start.Press(Start.TASK_DONE, a.id)))]
                   for a, task in to_report]
    if not mine:
        await update.effective_message.reply_text(t("You have no open supervised tasks."))
        return
    head = t("Your supervised tasks:") + "\n" + t(words.LIGHTS_LEGEND)
    tail = t("Press a task to report it done.") if to_report else t("Nothing left to report.")
    await update.effective_message.reply_text("\n".join([head, *lines, "", tail]),
                                              reply_markup=InlineKeyboardMarkup(buttons) if buttons else None)


# --- /tasks and the admins' buttons -----------------------------------------------------------------------


def _list(context: SaimaContext, admin: Member, page: int) -> tuple[str, InlineKeyboardMarkup | None]:
    t, now, tz = context.t, context.now(), _tz(admin)
    with context.db.session() as session:
        found = queries.team_open(session, admin.team_id)
        lit = _lights(session, context, admin, [(a, task) for task, assignments in found for a in assignments])
    if not found:
        return t("No open supervised tasks. Send /task to assign one."), None
    page, pages = paging.clamp(page, total=len(found), size=LIST_PAGE)
    shown = found[page * LIST_PAGE : (page + 1) * LIST_PAGE]
    lines = [t("Open supervised tasks (page {page} of {pages}):").format(page=page + 1, pages=pages)]
    rows = []
    for i, (task, assignments) in enumerate(shown, start=page * LIST_PAGE + 1):
        progress = _progress(task, assignments, now)
        lines.append(words.task_line(t, i, task, progress, now=now, tz=tz,
                                     light=worst(lit[a.id] for a in assignments)))
        rows.append([InlineKeyboardButton(f"{i}. {words.clip(task.title, 40)}",
                                          callback_data=callbacks.build(Press(Action.TASK, task.id, 0)))])
    rows += turn_rows(t, page, pages, lambda to: callbacks.build(Press(Action.LIST, to)))
    lines.append(t(words.LIGHTS_LEGEND))
    lines.append(t("📥 reported, awaiting you · ✅ closed. Press a task to see each assignee."))
    return "\n".join(lines), InlineKeyboardMarkup(rows)


def _task(context: SaimaContext, admin: Member, task_id: int, page: int) -> tuple[str, InlineKeyboardMarkup] | None:
    t, now, tz = context.t, context.now(), _tz(admin)
    found = _open_task(context, admin, task_id, now)
    if found is None:
        return None
    task, rows_, progress = found
    with context.db.session() as session:
        lit = _lights(session, context, admin, [(a, task) for a, _ in rows_])
    page, pages = paging.clamp(page, total=len(rows_), size=ASSIGNEE_PAGE)
    shown = rows_[page * ASSIGNEE_PAGE : (page + 1) * ASSIGNEE_PAGE]
    lines = [f"《{task.title}》", t("Due: {due}").format(due=words.due_words(t, task.due_at, tz)),
             words.progress_words(t, progress), ""]
    buttons = []
    for i, (a, member) in enumerate(shown, start=page * ASSIGNEE_PAGE + 1):
        lines.append(words.assignee_line(t, i, member.display_name, a, task, now=now, tz=tz, light=lit.get(a.id),
                                         stage=_stage_words(t, a)))
        buttons.append(InlineKeyboardButton(f"{i}. {member.display_name}",
                                            callback_data=callbacks.build(Press(Action.ASSIGNMENT, a.id))))
    keyboard = in_rows(buttons, 2) + turn_rows(t, page, pages,
                                               lambda to: callbacks.build(Press(Action.TASK, task.id, to)))
    keyboard.append([InlineKeyboardButton(t(CANCEL_TASK), callback_data=callbacks.build(Press(Action.ASK_CANCEL,
                                                                                                 task.id)))])
    keyboard.append([InlineKeyboardButton(t("‹ Back to the list"), callback_data=callbacks.build(Press(Action.LIST,
                                                                                                     0)))])
    return "\n".join(lines), InlineKeyboardMarkup(keyboard)


def _open_task(context: SaimaContext, admin: Member, task_id: int,
               now: datetime) -> tuple[Task, list[tuple[TaskAssignment, Member]], rules.Progress] | None:
    """The admin's team's task (not cancelled), its assignments with their assignees, and its progress."""
    with context.db.session() as session:
        found = queries.task_in_team(session, task_id, admin.team_id)
    if found is None:
        return None
    task, rows = found
    return task, rows, _progress(task, [a for a, _ in rows], now)


def _progress(task: Task, assignments: Iterable[TaskAssignment], now: datetime) -> rules.Progress:
    """The task at a glance, each assignment judged by its deadline in force."""
    return rules.progress([(a.status, rules.deadline_in_force(a.due_at, task.due_at)) for a in assignments],
                          now=now)


def _assignment(context: SaimaContext, admin: Member, assignment_id: int,
                note: str = "") -> tuple[str, InlineKeyboardMarkup] | None:
    t, now, tz = context.t, context.now(), _tz(admin)
    with context.db.session() as session:
        found = queries.in_team(session, assignment_id, admin.team_id)
        if found is None:
            return None
        lit = _lights(session, context, admin, [(found.assignment, found.task)])
        history = [stage_words.history_line(t, r, tz) for r in queries.requests_of(session, [assignment_id])[assignment_id]]
    a = found.assignment
    text = words.assignment_card(t, found.task, a, name=found.assignee.display_name, tz=tz, now=now,
                                 light=lit.get(a.id), stage=_stage_words(t, a), history=history)
    rows = []
    if a.evidence_file_id and a.status is not AssignmentStatus.ASSIGNED:
        rows.append([InlineKeyboardButton(t("📎 Show the evidence"),
                                          callback_data=callbacks.build(Press(Action.EVIDENCE, a.id)))])
    if a.status is AssignmentStatus.REPORTED:
        rows.append([InlineKeyboardButton(t(CLOSE), callback_data=callbacks.build(Press(Action.CLOSE, a.id))),
                     InlineKeyboardButton(t(RETURN), callback_data=form_start.build(form_start.Press(
                         Start.TASK_RETURN, a.id)))])
    rows.append([InlineKeyboardButton(t("‹ Back to the task"),
                                      callback_data=callbacks.build(Press(Action.TASK, found.task.id, 0)))])
    return (f"{note}\n{text}" if note else text), InlineKeyboardMarkup(rows)


def _lights(session: Session, context: SaimaContext, member: Member,
            rows: list[tuple[TaskAssignment, Task]]) -> dict[int, Light]:
    """The warning lights (core.task_lights) of these assignments now, on the team's working days."""
    return queries.lights(session, rows, team_id=member.team_id, timezone=member.team.timezone, now=context.now(),
                          base=calendar.national(context.config))


def _stage_words(t: Translator, a: TaskAssignment) -> str:
    return stage_words.stage_words(t, rules.stage(a.status, signed=a.signed_at is not None,
                                                  planned=a.planned_at is not None))


show_tasks = admins_only(first_page(_list, dashboard=True))  # the team's open tasks, each with its progress at a glance


async def press(update: Update, context: SaimaContext) -> None:
    """Every tk: button; refused unless the presser is an active admin of the task's team."""
    pressed = await admin_press(update, context, callbacks.parse)
    if pressed is None:
        return
    query, t = pressed.query, context.t
    admin, action, number = pressed.admin, pressed.press.action, pressed.press.number
    shown: tuple[str, InlineKeyboardMarkup | None] | None
    if action is Action.LIST:
        shown = _list(context, admin, number)
    elif action is Action.TASK:
        shown = _task(context, admin, number, pressed.press.page or 0)
    elif action is Action.ASSIGNMENT:
        shown = _assignment(context, admin, number)
    elif action is Action.EVIDENCE:
        await _evidence(update, context, admin, number)
        return
    elif action is Action.ASK_CANCEL:
        shown = _ask_cancel(context, admin, number)
    elif action is Action.CANCEL:
        shown = await _cancel(update, context, admin, number)
        if shown is None:
            return
    else:
        shown = await _close(update, context, admin, number)
        if shown is None:
            return
    if shown is None:
        await query.answer(t(_gone(context, admin, action, number)), show_alert=True)
        return
    await query.answer()
    await edit_card(query, shown[0], reply_markup=shown[1])


def _gone(context: SaimaContext, admin: Member, action: Action, number: int) -> str:
    """Why a press found nothing: its task was cancelled (撤销), or the button is not valid (another team's,
    a forged id)."""
    with context.db.session() as session:
        if action in (Action.TASK, Action.ASK_CANCEL):
            cancelled = queries.cancelled_in_team(session, number, admin.team_id)
        else:
            found = queries.in_team(session, number, admin.team_id, with_cancelled=True) if action is Action.ASSIGNMENT else None
            cancelled = found is not None and found.task.cancelled_at is not None
    return MOVE_PROBLEMS[MoveProblem.CANCELLED] if cancelled else INVALID


def _ask_cancel(context: SaimaContext, admin: Member, task_id: int) -> tuple[str, InlineKeyboardMarkup] | None:
    """Asks first: cancel the task (its progress and who will be told), Yes, cancel it / Keep it."""
    t = context.t
    found = _open_task(context, admin, task_id, context.now())
    if found is None:
        return None
    task, _, progress = found
    keyboard = [[InlineKeyboardButton(t(YES_CANCEL), callback_data=callbacks.build(Press(Action.CANCEL, task.id))),
                 InlineKeyboardButton(t(KEEP), callback_data=callbacks.build(Press(Action.TASK, task.id, 0)))]]
    return words.cancel_question(t, task, progress), InlineKeyboardMarkup(keyboard)


async def _cancel(update: Update, context: SaimaContext, admin: Member,
                  task_id: int) -> tuple[str, InlineKeyboardMarkup] | None:
    """Cancels (撤销) the task if it is still open; each assignee not closed is told. None: answered."""
    query = update.callback_query
    assert query is not None
    t, now = context.t, context.now()
    told, task_title = 0, ""
    with context.db.session() as session:
        actor = members.by_id(session, admin.id)
        allowed = actor is not None and actor.status is MemberStatus.ACTIVE and actor.role.is_admin
        result = queries.cancel(session, task_id, actor.team_id, actor=actor, now=now) \
            if actor is not None and allowed else None
        if isinstance(result, list) and actor is not None:
            for assignment, member in result:
                task_title = assignment.task.title
                if member.status is not MemberStatus.ACTIVE:
                    continue  # removed from the team: no longer told about its work
                told += 1
                reader = translator(member.language.value)
                queries.notify(session, key=outbox_keys.build(TaskKey(task_id, TaskEvent.CANCELLED, member.id)),
                               member=member,
                               payload={"text": words.cancelled_text(reader, assignment.task, by=actor.display_name),
                                        "parse_mode": None, "buttons": []}, now=now)
    if not allowed:
        await query.answer(t(ADMINS_ONLY), show_alert=True)
        return None
    if result is None:
        await query.answer(t(INVALID), show_alert=True)
        return None
    if not isinstance(result, list):
        await query.answer(t(CANCEL_PROBLEMS[result]), show_alert=True)
        return None
    note = t.ngettext("🚫 Cancelled (撤销) “{title}”; the {n} assignee not closed is told.",
                      "🚫 Cancelled (撤销) “{title}”; the {n} assignees not closed are told.",
                      told).format(title=words.clip(task_title, 60), n=told)
    return note, InlineKeyboardMarkup([[InlineKeyboardButton(t("‹ Back to the list"),
                                                             callback_data=callbacks.build(Press(Action.LIST, 0)))]])


async def _evidence(update: Update, context: SaimaContext, admin: Member, assignment_id: int) -> None:
    """Sends the assignee's evidence again, by its file_id."""
    query = update.callback_query
    assert query is not None and query.message is not None
    with context.db.session() as session:
        found = queries.in_team(session, assignment_id, admin.team_id)
    if found is None or not found.assignment.evidence_file_id:
        await query.answer(context.t(INVALID), show_alert=True)
        return
    await query.answer()
    caption = context.t("Evidence from {name}: “{title}”").format(name=found.assignee.display_name,
                                                                  title=words.clip(found.task.title, 60))
    chat_id = query.message.chat.id
    if found.assignment.evidence_kind == "photo":
        await context.bot.send_photo(chat_id, photo=found.assignment.evidence_file_id, caption=caption)
    else:
        await context.bot.send_document(chat_id, document=found.assignment.evidence_file_id, caption=caption)


async def _close(update: Update, context: SaimaContext, admin: Member,
                 assignment_id: int) -> tuple[str, InlineKeyboardMarkup] | None:
    """Confirms closure (销账) if the assignment is still reported; the assignee is told. None: answered."""
    query = update.callback_query
    assert query is not None
    t, now = context.t, context.now()
    with context.db.session() as session:
        found = queries.in_team(session, assignment_id, admin.team_id, with_cancelled=True)
        actor = members.by_id(session, admin.id)
        problem = queries.move(session, found, Move.CLOSE, actor=actor, now=now) \
            if found is not None and actor is not None else None
        if found is not None and actor is not None and problem is None:
            reader = translator(found.assignee.language.value)
            closes = queries.times(session, assignment_id, Move.CLOSE)  # a 回头看 can reopen it: closed again
            key = TaskKey(found.task.id, TaskEvent.CLOSED, found.assignee.id, nth=None if closes == 1 else closes)
            queries.notify(session, key=outbox_keys.build(key),
                           member=found.assignee, payload={"text": words.closed_text(reader, found.task,
                                                                                     by=actor.display_name),
                                                           "parse_mode": None, "buttons": []}, now=now)
    if found is None or actor is None:
        await query.answer(t(INVALID), show_alert=True)
        return None
    if problem is not None:
        await query.answer(t(MOVE_PROBLEMS[problem]), show_alert=True)
        return None
    return _assignment(context, admin, assignment_id, note=t("✅ Closed (销账). {name} is told.").format(
        name=found.assignee.display_name))


def handlers() -> list[BaseHandler]:  # type: ignore[type-arg]
    private = filters.ChatType.PRIVATE
    return [CommandHandler("done", show_done, filters=private),
            CommandHandler("tasks", show_tasks, filters=private),
            CallbackQueryHandler(press, pattern=callbacks.PATTERN)]

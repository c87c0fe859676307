"""督办's stages in words, in the reader's language: the stage names, the assignee's next steps after
signing (签收), what the office is told of a question, plan or extension request (延期申请), and what the
assignee is told of the office's answer, approval or refusal; each request as a line of a history."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from core.callbacks import form_start, task_stages
from core.tasks import RequestKind, RequestState, Stage
from locales import N_, Translator
from reports.tasks import REPORT_DONE, SIGN, clip, due_words
from reports.words import day_in_words, short_day
from storage.models import Task, TaskRequest

STAGES = {Stage.RAISED: N_("Raised (提出诉求)"), Stage.CONSULTING: N_("Consulting (对接问诊)"),
          Stage.HANDLING: N_("Handling (问题办理)"), Stage.CLOSING: N_("Closing out (确认销账)")}
ASK, PLAN, EXTEND = N_("❓ Ask the office"), N_("📅 Propose a plan"), N_("⏳ Request an extension")
ANSWER, APPROVE, REFUSE = N_("💬 Answer"), N_("✅ Approve"), N_("✖️ Refuse")
REQUEST_KINDS = {RequestKind.QUESTION: N_("question"), RequestKind.PLAN: N_("plan"),
                 RequestKind.EXTENSION: N_("extension request")}
REQUEST_STATES = {RequestState.OPEN: N_("awaiting the office"), RequestState.ANSWERED: N_("answered"),
                  RequestState.APPROVED: N_("approved"), RequestState.REFUSED: N_("refused")}


def stage_words(t: Translator, stage: Stage) -> str:
    return t(STAGES[stage])


def sign_button(t: Translator, assignment_id: int) -> list[str]:
    return [t(SIGN), task_stages.build(task_stages.Press(task_stages.Action.SIGN, assignment_id))]


def next_steps(t: Translator, assignment_id: int) -> list[list[tuple[str, str]]]:
    """The assignee's buttons once signed: ask, plan, extension; report done."""
    def start(action: form_start.Action) -> str:
        return form_start.build(form_start.Press(action, assignment_id))
    return [[(t(ASK), start(form_start.Action.TASK_ASK)), (t(PLAN), start(form_start.Action.TASK_PLAN))],
            [(t(EXTEND), start(form_start.Action.TASK_EXTEND))],
            [(t(REPORT_DONE), start(form_start.Action.TASK_DONE))]]


def signed_text(t: Translator, task: Task) -> str:
    return t("✍️ Signed for “{title}” (签收); the office sees it. You may ask the office a question, propose a "
             "plan, request an extension (延期申请) or report it done:").format(title=clip(task.title, 60))


def request_text(t: Translator, task: Task, request: TaskRequest, *, assignee: str, due: datetime,
                 tz: ZoneInfo) -> str:
    """What the office is told of a new request."""
    title = clip(task.title, 60)
    if request.kind == RequestKind.QUESTION:
        head = t("❓ {name} asks about “{title}”:").format(name=assignee, title=title)
    elif request.kind == RequestKind.PLAN:
        assert request.proposed_date is not None
        head = t("📅 {name} proposes a plan for “{title}”, done by {day}:").format(
            name=assignee, title=title, day=day_in_words(t, request.proposed_date))
    else:
        assert request.proposed_date is not None
        head = t("⏳ {name} requests an extension (延期申请) of “{title}” from {old} to {new}. Reason:").format(
            name=assignee, title=title, old=due_words(t, due, tz), new=day_in_words(t, request.proposed_date))
    return f"{head}\n{request.text}"


def request_buttons(t: Translator, request: TaskRequest) -> list[list[list[str]]]:
    if request.kind == RequestKind.EXTENSION:
        return [[[t(APPROVE), task_stages.build(task_stages.Press(task_stages.Action.APPROVE, request.id))],
                 [t(REFUSE), form_start.build(form_start.Press(form_start.Action.TASK_REFUSE, request.id))]]]
    return [[[t(ANSWER), form_start.build(form_start.Press(form_start.Action.TASK_ANSWER, request.id))]]]


def answer_text(t: Translator, task: Task, request: TaskRequest, *, by: str, due: datetime, tz: ZoneInfo) -> str:
    """What the assignee is told of the office's answer, approval or refusal."""
    title = clip(task.title, 60)
    if request.state == RequestState.APPROVED:
        return t("✅ {by} approved your extension of “{title}”: the new deadline is {due}.").format(
            by=by, title=title, due=due_words(t, due, tz))
    if request.state == RequestState.REFUSED:
        return t("✖️ {by} refused your extension of “{title}”; the deadline stays {due}.\nReason: {reason}").format(
            by=by, title=title, due=due_words(t, due, tz), reason=request.answer or "")
    return t("💬 {by} answered your {what} about “{title}”:\n{answer}").format(
        by=by, what=t(REQUEST_KINDS[RequestKind(request.kind)]), title=title, answer=request.answer or "")


def history_line(t: Translator, request: TaskRequest, tz: ZoneInfo) -> str:
    """`11月24日 咨询“…”（已答复：…）` / `24 Nov Question “…” (answered: …)`: one request in the assignee's card."""
    asked = request.created_at.astimezone(tz).date()
    what = t(REQUEST_KINDS[RequestKind(request.kind)])
    if request.proposed_date is not None:
        proposed = request.proposed_date
        what += " → " + (short_day(t, proposed) if proposed.year == asked.year else day_in_words(t, proposed))
    state = t(REQUEST_STATES[RequestState(request.state)])
    if request.answer:
        state = t("{state}: {answer}").format(state=state, answer=request.answer)
    return t("{day} {what} “{text}” ({state})").format(day=short_day(t, asked), what=what,
                                                        text=clip(request.text, 40), state=state)


def payload(text: str, buttons: list[list[list[str]]] | None = None) -> dict[str, Any]:
    return {"text": text, "parse_mode": None, "buttons": buttons or []}

"""Supervised tasks (督办事项) in words, in the reader's language: the draft card, the messages to
assignees and to the task's creator, `/tasks` (progress at a glance), one task's assignees, and the
lines `/done` and `/me` show."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from core.aging import MARK
from core.callbacks import form_start, task_stages
from core.domain import AssignmentStatus
from core.task_lights import Light
from core.tasks import Progress, deadline_in_force, task_age
from locales import N_, Translator
from reports.words import day_in_words, field_line
from storage.models import Task, TaskAssignment

STATUS_LABELS = {
    AssignmentStatus.ASSIGNED: N_("to do"),
    AssignmentStatus.REPORTED: N_("reported done, awaiting confirmation"),
    AssignmentStatus.CLOSED: N_("closed"),
}
ATTACHMENT_LABELS = {"photo": N_("a photo"), "document": N_("a document")}
REPORT_DONE = N_("✅ Report done")
LIGHTS_LEGEND = N_("🔴 overdue · 🟡 behind its plan, or not signed for (签收) within 2 working days · 🔵 due "
                   "within 3 days · 🟢 closed")
SIGN = N_("✍️ Sign for it (签收)")


def due_words(t: Translator, due: datetime, tz: ZoneInfo) -> str:
    """2026年11月27日（星期五）17:00 / Fri 27 Nov 2026, 17:00."""
    local = due.astimezone(tz)
    day = day_in_words(t, local.date())
    return f"{day}{local:%H:%M}" if t.lang == "zh" else f"{day}, {local:%H:%M}"


def short_due(t: Translator, due: datetime, tz: ZoneInfo) -> str:
    """11月27日 17:00 / 27 Nov 17:00."""
    local = due.astimezone(tz)
    return f"{local.month}月{local.day}日 {local:%H:%M}" if t.lang == "zh" else f"{local:%-d %b %H:%M}"


def clip(text: str, limit: int = 30) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def attachment_words(t: Translator, kind: str | None) -> str:
    return t(ATTACHMENT_LABELS[kind]) if kind in ATTACHMENT_LABELS else t("none")


def draft_card(t: Translator, *, title: str, detail: str, due: datetime, tz: ZoneInfo, assignees: str,
               attachment_kind: str | None) -> str:
    return "\n".join([
        t("📌 New supervised task"),
        field_line(t, t("Task"), title),
        field_line(t, t("Details"), detail or t("none")),
        field_line(t, t("Due"), due_words(t, due, tz)),
        field_line(t, t("Assignees"), assignees),
        field_line(t, t("Attachment"), attachment_words(t, attachment_kind)),
    ])


def assigned_text(t: Translator, task: Task, *, creator: str, tz: ZoneInfo, limit: int | None = None) -> str:
    """To an assignee: the task, its due time and how to report it done."""
    lines = [t("📌 Supervised task from {name}").format(name=creator), f"《{task.title}》"]
    if task.detail:
        lines.append(task.detail if limit is None else clip(task.detail, limit))
    lines.append(field_line(t, t("Due"), due_words(t, task.due_at, tz)))
    lines.append(t("When it is done, press “Report done” (or send /done) with a short note."))
    return "\n".join(lines)


def assigned_payloads(t: Translator, task: Task, assignment: TaskAssignment, *, creator: str,
                      tz: ZoneInfo) -> list[dict[str, Any]]:
    """The outbox payloads telling one assignee: the task with Sign for it (签收) and Report done buttons, the attachment
    sent again by its file_id (as the same message when the words fit in a caption)."""
    buttons = [[[t(SIGN), task_stages.build(task_stages.Press(task_stages.Action.SIGN, assignment.id))],
                [t(REPORT_DONE), form_start.build(form_start.Press(form_start.Action.TASK_DONE, assignment.id))]]]
    text = assigned_text(t, task, creator=creator, tz=tz)
    if not task.attachment_file_id:
        return [{"text": text, "parse_mode": None, "buttons": buttons}]
    file = {"file_id": task.attachment_file_id, "file_kind": task.attachment_kind or "document"}
    if len(text) <= 1024:
        return [{"text": text, "parse_mode": None, "buttons": buttons, **file}]
    return [{"text": text, "parse_mode": None, "buttons": buttons},
            {"text": t("Attachment to “{title}”").format(title=clip(task.title, 60)), "parse_mode": None,
             "buttons": [], **file}]


def reported_text(t: Translator, task: Task, assignment: TaskAssignment, *, assignee: str) -> str:
    """To the task's creator: an assignee reported done."""
    lines = [t("📥 {name} reported “{title}” done.").format(name=assignee, title=clip(task.title, 60)),
             field_line(t, t("Note"), assignment.report_note or "")]
    if assignment.evidence_kind:
        lines.append(field_line(t, t("Evidence"), attachment_words(t, assignment.evidence_kind)))
    lines.append(t("Close it (销账) or return it with a reason."))
    return "\n".join(lines)


def returned_text(t: Translator, task: Task, *, reason: str, by: str) -> str:
    return "\n".join([t("↩️ {name} returned your report on “{title}”.").format(name=by, title=clip(task.title, 60)),
                      field_line(t, t("Reason"), reason),
                      t("Please finish it and report it done again.")])


def closed_text(t: Translator, task: Task, *, by: str) -> str:
    return t("✅ {name} confirmed “{title}” closed (销账). Thank you.").format(name=by, title=clip(task.title, 60))


def cancelled_text(t: Translator, task: Task, *, by: str) -> str:
    """To an assignee not closed yet: the task was cancelled (撤销)."""
    return t("🚫 {name} cancelled the supervised task “{title}”. Nothing more is needed from you on it.").format(
        name=by, title=clip(task.title, 60))


def cancel_question(t: Translator, task: Task, progress: Progress) -> str:
    """To the admin, before cancelling: the task, where it stands, and who will be told."""
    told = progress.total - progress.closed
    return "\n".join([t("Cancel (撤销) the supervised task “{title}”?").format(title=clip(task.title, 60)),
                      progress_words(t, progress),
                      t.ngettext("It leaves /tasks, /done, /me and the nudges; the {n} assignee not closed is told.",
                                 "It leaves /tasks, /done, /me and the nudges; the {n} assignees not closed are "
                                 "told.", told).format(n=told)])


def progress_words(t: Translator, progress: Progress) -> str:
    """3/8 closed · 2 reported · 3 open, 1 overdue."""
    parts = [t("{closed}/{total} closed").format(closed=progress.closed, total=progress.total),
             t("{n} reported").format(n=progress.reported)]
    still = t.ngettext("{n} open", "{n} open", progress.open).format(n=progress.open)
    if progress.overdue:
        still += t(", {n} overdue").format(n=progress.overdue)
    parts.append(still)
    return " · ".join(parts)


def task_line(t: Translator, index: int, task: Task, progress: Progress, *, now: datetime, tz: ZoneInfo,
              light: Light | None = None) -> str:
    """1. 🟡 《…》 · due 11月27日 17:00 · 3/8 closed · 2 reported · 3 open, 1 overdue (the mark: the task's
    warning light, core.task_lights.worst, when given)."""
    mark = MARK[task_age(task.due_at, now=now, tz=tz)] if progress.open else "⏳"
    if light is not None:
        mark = light.value if progress.open or light is Light.GREEN else "⏳"
    return t("{i}. {mark} {title} · due {due} · {progress}").format(
        i=index, mark=mark, title=clip(task.title), due=short_due(t, task.due_at, tz),
        progress=progress_words(t, progress))


def assignee_line(t: Translator, index: int, name: str, assignment: TaskAssignment, task: Task, *,
                  now: datetime, tz: ZoneInfo, light: Light | None = None, stage: str | None = None) -> str:
    if assignment.status is AssignmentStatus.CLOSED:
        mark = "✅"
    elif assignment.status is AssignmentStatus.REPORTED:
        mark = "📥"
    else:
        due = deadline_in_force(assignment.due_at, task.due_at)
        mark = light.value if light is not None else MARK[task_age(due, now=now, tz=tz)]
    line = f"{index}. {mark} {name} · {t(STATUS_LABELS[assignment.status])}"
    if stage is not None and assignment.status is AssignmentStatus.ASSIGNED:
        line += f" · {stage}"
    if assignment.due_at is not None and assignment.status is AssignmentStatus.ASSIGNED:
        line += " · " + t("deadline moved to {due}").format(due=short_due(t, assignment.due_at, tz))
    if assignment.status is not AssignmentStatus.ASSIGNED and assignment.report_note:
        line += f" · “{clip(assignment.report_note, 40)}”"
        if assignment.evidence_kind:
            line += " 📎"
    elif assignment.returned_reason:
        line += " · " + t("returned: {reason}").format(reason=clip(assignment.returned_reason, 40))
    return line


def assignment_card(t: Translator, task: Task, assignment: TaskAssignment, *, name: str, tz: ZoneInfo,
                    now: datetime, light: Light | None = None, stage: str | None = None,
                    history: list[str] | None = None) -> str:
    """One assignee's card; with its 督办 stage, warning light, signing, plan, own deadline and requests
    when given."""
    lines = [f"《{task.title}》", field_line(t, t("Due"), due_words(t, task.due_at, tz)),
             field_line(t, t("Assignee"), name), field_line(t, t("Status"), t(STATUS_LABELS[assignment.status]))]
    if stage is not None:
        lines.append(field_line(t, t("Stage"), f"{light.value} {stage}" if light is not None else stage))
    if assignment.due_at is not None:
        lines.append(field_line(t, t("Deadline now"), due_words(t, assignment.due_at, tz)))
    if assignment.signed_at is not None:
        lines.append(field_line(t, t("Signed for (签收)"), short_due(t, assignment.signed_at, tz)))
    if assignment.plan_date is not None:
        lines.append(field_line(t, t("Planned to finish by"), day_in_words(t, assignment.plan_date)))
    if history:
        lines.append(t("Requests:"))
        lines.extend(f"  {line}" for line in history)
    if assignment.reported_at is not None and assignment.report_note:
        lines.append(field_line(t, t("Reported"), short_due(t, assignment.reported_at, tz)))
        lines.append(field_line(t, t("Note"), assignment.report_note))
        lines.append(field_line(t, t("Evidence"), attachment_words(t, assignment.evidence_kind)))
    if assignment.returned_reason:
        lines.append(field_line(t, t("Last returned"), assignment.returned_reason))
    if assignment.closed_at is not None:
        lines.append(field_line(t, t("Closed"), short_due(t, assignment.closed_at, tz)))
    return "\n".join(lines)


def own_line(t: Translator, task: Task, assignment: TaskAssignment, *, now: datetime, tz: ZoneInfo,
             light: Light | None = None) -> str:
    """A member's own task, for /done and /me: 🔴 《…》 · due 11月20日 18:00 (overdue). The mark is its
    warning light (core.task_lights) when given; the due time the assignee's own once an extension or 回头看 moved it."""
    if assignment.status is AssignmentStatus.REPORTED:
        return t("📥 {title} · reported, awaiting confirmation").format(title=clip(task.title))
    due = deadline_in_force(assignment.due_at, task.due_at)
    age = task_age(due, now=now, tz=tz)
    when = t("due {due}").format(due=short_due(t, due, tz))
    if due <= now:
        when += t(" (overdue)")
    return f"{light.value if light is not None else MARK[age]} {clip(task.title)} · {when}"

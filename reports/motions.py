"""Suggestions and proposals in words: kinds, numbers, states, result classes, feedback, and their cards."""

from __future__ import annotations

from datetime import date
from typing import Any

from core.domain import MotionKind, MotionStatus, ResultClass, Satisfaction
from locales import N_, Translator
from reports.words import day_in_words, field_line, short_day
from storage.models import Motion

KIND_LABELS = {
    MotionKind.SUGGESTION: N_("NPC suggestion"),
    MotionKind.PROPOSAL: N_("CPPCC proposal"),
}
SHORT_KIND_LABELS = {  # in one-line summaries (/mine)
    MotionKind.SUGGESTION: N_("Suggestion"),
    MotionKind.PROPOSAL: N_("Proposal"),
}
STATUS_LABELS = {
    MotionStatus.ASSIGNED: N_("assigned"),
    MotionStatus.HANDLING: N_("being handled"),
    MotionStatus.REPLIED: N_("replied, awaiting feedback"),
    MotionStatus.CLOSED: N_("closed"),
}
RESULT_LABELS = {
    ResultClass.A: N_("A (solved or adopted)"),
    ResultClass.B: N_("B (planned)"),
    ResultClass.C: N_("C (explained)"),
}
SATISFACTION_LABELS = {
    Satisfaction.SATISFIED: N_("satisfied"),
    Satisfaction.BASICALLY: N_("basically satisfied"),
    Satisfaction.UNSATISFIED: N_("not satisfied"),
}


def kind_label(t: Translator, kind: MotionKind) -> str:
    return t(KIND_LABELS[kind])


def number_label(t: Translator, number: str) -> str:
    """第123号 / No. 123."""
    return t("No. {number}").format(number=number)


def key_label(t: Translator, is_key: bool) -> str:
    return t("key") if is_key else t("regular")


def due_rule(t: Translator, due: date, months: int) -> str:
    """2027年2月21日（星期日）（交办后 3 个月） / Sun 21 Feb 2027 (3 months after assignment)."""
    return t.ngettext("{day} ({n} month after assignment)", "{day} ({n} months after assignment)",
                      months).format(day=day_in_words(t, due), n=months)


def overdue_words(t: Translator, due: date, today: date) -> str:
    days = (today - due).days
    return t.ngettext("overdue by {n} day", "overdue by {n} days", days).format(n=days)


def headline(t: Translator, kind: MotionKind, number: str, is_key: bool) -> str:
    """人大建议 第123号 · 重点 / NPC suggestion No. 123 · key."""
    text = f"{kind_label(t, kind)} {number_label(t, number)}"
    return f"{text} · {t('key')}" if is_key else text


def draft_lines(t: Translator, *, kind: MotionKind, number: str, title: str, is_key: bool, lead: str,
                assigned_on: date, reply_due: date, months: int, due_kept: bool = False) -> list[str]:
    """The lines of a motion about to be logged (or corrected), as the member confirms them; `due_kept`:
    a correction keeps the deadline as it is rather than the rule's."""
    due = (t("{day} (kept as it is)").format(day=day_in_words(t, reply_due)) if due_kept
           else due_rule(t, reply_due, months))
    return [
        field_line(t, t("Kind"), kind_label(t, kind)),
        field_line(t, t("Number"), number_label(t, number)),
        field_line(t, t("Subject"), title),
        field_line(t, t("Key or regular"), key_label(t, is_key)),
        field_line(t, t("Led by"), lead),
        field_line(t, t("Assigned on"), day_in_words(t, assigned_on)),
        field_line(t, t("Reply due"), due),
    ]


def card_lines(t: Translator, *, kind: MotionKind, number: str, title: str, is_key: bool, lead: str,
               status: MotionStatus, assigned_on: date, reply_due: date, replied_on: date | None,
               result_class: ResultClass | None, satisfaction: Satisfaction | None, reopened: int,
               today: date) -> list[str]:
    """A logged motion where it stands now: what it is, its state, its dates and results."""
    due = day_in_words(t, reply_due)
    if status in (MotionStatus.ASSIGNED, MotionStatus.HANDLING) and today > reply_due:
        due += " ⚠️ " + overdue_words(t, reply_due, today)
    lines = [
        headline(t, kind, number, is_key),
        field_line(t, t("Subject"), title),
        field_line(t, t("Led by"), lead),
        field_line(t, t("Status"), t(STATUS_LABELS[status])),
        field_line(t, t("Assigned on"), day_in_words(t, assigned_on)),
        field_line(t, t("Reply due"), due),
    ]
    if replied_on is not None:
        late = " ⚠️ " + t("after the deadline") if replied_on > reply_due else ""
        lines.append(field_line(t, t("Replied on"), day_in_words(t, replied_on) + late))
    if result_class is not None:
        lines.append(field_line(t, t("Result"), t(RESULT_LABELS[result_class])))
    if satisfaction is not None:
        lines.append(field_line(t, t("Feedback"), t(SATISFACTION_LABELS[satisfaction])))
    if reopened:
        lines.append(t.ngettext("Handled again {n} time (the deputy not satisfied, or a look-back that found it "
                                "not carried out).",
                                "Handled again {n} times (the deputy not satisfied, or a look-back that found it "
                                "not carried out).", reopened).format(n=reopened))
    return lines


def list_line(t: Translator, index: int, *, kind: MotionKind, number: str, title: str, is_key: bool,
              status: MotionStatus, reply_due: date, today: date, lead: str | None = None) -> str:
    """1. 人大建议 第123号 · 重点
        关于加快山区公路建设的建议
        办理中 · 2月21日前答复 ⚠️ 已逾期 3 天"""
    first = f"{index}. {headline(t, kind, number, is_key)}\n    {title}"
    second = [t(STATUS_LABELS[status])]
    if lead is not None:
        second.insert(0, lead)
    if status in (MotionStatus.ASSIGNED, MotionStatus.HANDLING):
        day = short_day(t, reply_due) if reply_due.year == today.year else day_in_words(t, reply_due)
        due = t("reply due {day}").format(day=day)
        if today > reply_due:
            due += " ⚠️ " + overdue_words(t, reply_due, today)
        second.append(due)
    return first + "\n    " + " · ".join(second)


def dashboard_row(t: Translator, motion: Motion, *, lead: str, light: str) -> dict[str, Any]:
    """One motion on the office's dashboard (建议提案): its figures, and their words in the reader's language
    (the labels the ledger's motions sheet uses)."""
    return {"id": motion.id, "number": motion.number, "number_words": number_label(t, motion.number),
            "kind": motion.kind.value, "kind_words": t(KIND_LABELS[motion.kind]), "title": motion.title,
            "key": motion.is_key, "lead_id": motion.lead_member_id, "lead": lead,
            "assigned_on": motion.assigned_on.isoformat(), "reply_due": motion.reply_due.isoformat(),
            "light": light, "status": motion.status.value, "status_words": t(STATUS_LABELS[motion.status]),
            "result_class": motion.result_class.value if motion.result_class else None,
            "result_words": t(RESULT_LABELS[motion.result_class]) if motion.result_class else "",
            "satisfaction_words": t(SATISFACTION_LABELS[motion.satisfaction]) if motion.satisfaction else "",
            "reopened": motion.reopened or 0}

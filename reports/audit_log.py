"""The change log's lines (`/audit`), in the reader's language: who did what to which record, and when.

Every action and record kind the storage layer audits has a label here (tests/reports/test_audit_log.py
reads the code for them); one a later change forgets still reads as "changed", never as its code word.
Some actions read differently by record: a suggestion closed by the deputy's satisfaction is the
deputy's feedback recorded, not the office's 销账 of a supervised task.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from core.domain import Duty
from locales import N_, Translator
from reports.progress_card import DUTY_NAMES
from reports.tasks import clip
from reports.words import day_in_words, short_day
from storage.models import AuditEntry

_DUTIES = {d.value for d in Duty}
ACTIONS = {
    "create": N_("created"), "update": N_("changed"), "delete": N_("deleted"), "promote": N_("made admin"),
    "demote": N_("made member"), "remove": N_("removed"), "set_target": N_("set a target"),
    "join": N_("joined"), "activate": N_("joined"), "attend": N_("ticked attendance"),
    "set_language": N_("changed language"), "extend_due": N_("extended the deadline"),
    "report": N_("reported done"), "close": N_("closed (销账)"), "return": N_("returned"),
    "cancel": N_("cancelled"),
    "link_group": N_("linked the race track group"), "unlink_group": N_("unlinked the race track group"),
    "move_group": N_("followed the race track group to its supergroup"),
    "race_names": N_("switched the group board between names and ranks"),
    "start_handling": N_("started handling"), "reply": N_("recorded the reply"),
    "reopen": N_("recorded 不满意: handled again"), "unattend": N_("unticked attendance"),
    "merge": N_("merged into the team's session"), "unmerge": N_("separated from the team's session"),
    "restore": N_("restored"), "office_dates": N_("set the dates in office"),
    "races": N_("changed whether the member races"),
    "follow_up_assigned": N_("assigned to the department"), "follow_up_handled": N_("marked handled"),
    "follow_up_fed_back": N_("recorded the feedback"), "follow_up_closed": N_("closed the follow-up item"),
    "follow_up_raised": N_("raised again"), "confirm_targets": N_("confirmed the year's targets"),
    "sign": N_("signed for the task (签收)"), "request_question": N_("asked the office a question"),
    "request_plan": N_("proposed a plan"), "request_extension": N_("requested an extension (延期申请)"),
    "question_answered": N_("answered the question"), "plan_answered": N_("answered the plan"),
    "extension_approved": N_("approved the extension"), "extension_refused": N_("refused the extension"),
    "topic_stage": N_("moved the key topic to its next stage"),
    "topic_counting_stage": N_("chose the stage at which key topics count"),
    "lookback_answer": N_("answered the look-back"), "lookback_note": N_("added a note to the look-back"),
    "lookback_reopen": N_("reopened: the look-back found it did not hold"),
    "lookback_months": N_("set after how many months closed items come back"),
    "evaluation_grade": N_("recorded the grade"), "evaluation_comment": N_("recorded the comment"),
    "evaluation_publish": N_("published the year-end evaluation"),
    "retire": N_("retired"),
}
#: Where an action reads differently for one kind of record.
BY_ENTITY = {
    ("motion", "close"): N_("recorded the deputy's satisfaction: closed"),
    ("task_assignment", "reopen"): N_("reopened: the look-back found it did not hold"),
}
CHANGED = N_("changed")  # an action without a label of its own
ENTITIES = {
    "member": N_("member"), "invite": N_("invite link"), "leave_period": N_("leave period"), "target": N_("target"),
    "research_trip": N_("research trip"), "research_topic": N_("key research topic"),
    "follow_up_item": N_("follow-up item"), "study_session": N_("study session"),
    "motion": N_("suggestion or proposal"), "team": N_("team"),
    "task": N_("supervised task"), "task_assignment": N_("supervised task assignment"),
    "team_calendar_day": N_("the team's day off or working day"),
    "broadcast": N_("broadcast"), "evaluation": N_("evaluation"),
    "lookback": N_("look-back"),
    "team_duty": N_("the team's own duty"), "team_duty_entry": N_("entry on the team's own duty"),
}
RECORD = N_("record")  # a kind of record without a label of its own


def _day(t: Translator, iso: str) -> str:
    """A day an audit entry keeps as 2026-12-31, in words (as stored when it is no date)."""
    try:
        return day_in_words(t, date.fromisoformat(iso))
    except ValueError:
        return iso


def describe(t: Translator, entry: AuditEntry, names: dict[int, str], zone: ZoneInfo) -> str:
    """11月21日 10:30 · 李主任 · 设为管理员 · 张三 / 21 Nov 10:30 · 李主任 · made admin · 张三"""
    local = entry.at.astimezone(zone)
    when = f"{short_day(t, local.date())} {local:%H:%M}"
    actor = names.get(entry.actor_member_id or 0) or (str(entry.actor_telegram_id) if entry.actor_telegram_id
                                                       else t("the system"))
    action = t(BY_ENTITY.get((entry.entity, entry.action)) or ACTIONS.get(entry.action) or CHANGED)
    what = t(ENTITIES.get(entry.entity, RECORD))
    after: dict[str, Any] = entry.after or {}
    if entry.entity == "member" and entry.entity_id in names:
        what = names[entry.entity_id]
    elif entry.entity == "target" and after.get("duty") in _DUTIES:
        whom = names.get(after.get("member_id") or 0, t("the whole team"))
        value = after.get("value")
        shown = value.get("$decimal") if isinstance(value, dict) else value
        what = f"{t(DUTY_NAMES[Duty(after['duty'])])} · {whom} → {shown}"
    elif entry.entity == "team_calendar_day":
        day = after.get("day") or (entry.before or {}).get("day")
        what = f"{what} {_day(t, day)}" if isinstance(day, str) else what
    elif entry.entity in ("team_duty", "team_duty_entry"):
        before: dict[str, Any] = entry.before or {}
        name = after.get("name") or after.get("duty") or before.get("name") or before.get("duty")
        what = t("{what} “{name}”").format(what=what, name=name) if isinstance(name, str) else what
    elif entry.entity_id is not None:
        what = f"{what} #{entry.entity_id}"
    if entry.entity == "task" and isinstance(after.get("title"), str):
        what += f" 《{clip(after['title'], 40)}》"
    if entry.entity != "target" and isinstance(after.get("member_id"), int) and after["member_id"] in names:
        what += f" · {names[after['member_id']]}"
    return f"{when} · {actor} · {action} · {what}"



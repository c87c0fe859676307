"""The ledger (台账): one team's year as an .xlsx workbook (or CSV files), with fixed, documented columns.

Sheets, in order (README "The ledger" lists every column):
progress · trips · follow_ups · study · attendance · motions · tasks · topics.
Headers are in the reader's language (Chinese by default); dates are real Excel dates; every sheet has
its header row frozen, column widths set, and prints landscape, one page wide.
"""

from __future__ import annotations

import csv
import enum
import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from core.domain import (
    AssignmentStatus,
    Duty,
    FollowUpStatus,
    Role,
    Satisfaction,
    StudyKind,
)
from core.ledger import (
    Event,
    HistoryStep,
    MotionHistory,
    Step,
    credited_days,
    follow_up_steps,
    motion_rounds,
    overdue_days,
    task_steps,
)
from core.pace import PaceStatus
from core.task_lights import Light
from core.tasks import RequestKind, RequestState, deadline_in_force, stage
from locales import N_, Translator
from reports import lookback as lookback_words
from reports import task_requests as stage_words
from reports.evaluation import months_text, topic_words
from reports.motions import KIND_LABELS, SATISFACTION_LABELS, STATUS_LABELS
from reports.progress_card import DUTY_NAMES
from reports.topics import stage_label
from reports.words import listed
from storage.ledger import YearLedger
from storage.models import FollowUpItem, Motion, Task, TaskAssignment, TaskRequest, Team

LEDGER = N_("ledger")

#: What a spreadsheet takes for the start of a formula when it opens a CSV file (OWASP's "CSV injection"): a
#: cell of members' text beginning with one of these gets a leading apostrophe there. In the workbook only "=" makes
#: a formula (openpyxl's reading of a string), and such a cell is written as text instead.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class Cell(enum.Enum):
    """What a column holds, and so how it is written: an office's whole numbers, one decimal, percentages."""

    TEXT = "@"
    COUNT = "0"  # whole days and counts
    NUMBER = "General"  # a target or an hour count: rounded to one decimal, shown without trailing zeros
    PERCENT = "0.0%"  # a rate, one decimal
    DATE = "yyyy-mm-dd"  # a real Excel date


@dataclass(frozen=True)
class Column:
    """One column of a ledger sheet: its header, its width and how its cells are shown."""

    header: str  # a message id (or a team duty's own name, in the 考评 sheet)
    width: int
    cell: Cell = Cell.TEXT


@dataclass(frozen=True)
class Sheet:
    """One sheet of the ledger (one CSV file): its key, its title, its columns and its rows."""

    key: str  # also the CSV file's name
    title: str  # a message id; Excel allows 31 characters
    columns: tuple[Column, ...]
    rows: list[list[Any]]


ROLE_LABELS = {Role.OWNER: N_("owner"), Role.ADMIN: N_("admin"), Role.MEMBER: N_("member")}
PACE_LABELS = {PaceStatus.ON_PACE: N_("on pace"), PaceStatus.BEHIND: N_("behind"),
               PaceStatus.LAGGING: N_("lagging")}
FOLLOW_UP_LABELS = {
    FollowUpStatus.RAISED: N_("raised, not yet assigned"),
    FollowUpStatus.ASSIGNED: N_("assigned to the department"),
    FollowUpStatus.HANDLED: N_("handled"),
    FollowUpStatus.FED_BACK: N_("result fed back"),
    FollowUpStatus.CLOSED: N_("closed"),
}
STUDY_LABELS = {StudyKind.COLLECTIVE: N_("collective study"), StudyKind.LAW: N_("law study"),
                StudyKind.THEORY_GROUP: N_("theory study group"), StudyKind.SELF_STUDY: N_("self-study")}
TASK_STATUS_LABELS = {AssignmentStatus.ASSIGNED: N_("assigned"), AssignmentStatus.REPORTED: N_("reported done"),
                      AssignmentStatus.CLOSED: N_("closed")}
RETURNED = N_("returned, to be handled again")  # assigned again after the office sent the report back (退回)
CANCELLED = N_("cancelled")  # an assignee not closed when the task was cancelled (撤销)
TOTAL = N_("Total for the year")

C, D, N, P = Cell.COUNT, Cell.DATE, Cell.NUMBER, Cell.PERCENT
PROGRESS = (Column(N_("Member"), 14), Column(N_("Role"), 10), Column(N_("Duty"), 22), Column(N_("Done"), 10, N),
            Column(N_("Yearly target"), 12, N), Column(N_("Expected by now"), 14, N),
            Column(N_("Completion rate"), 10, P), Column(N_("Pace"), 10))
TRIPS = (Column(N_("Member"), 14), Column(N_("Start date"), 12, D), Column(N_("End date"), 12, D),
         Column(N_("Days"), 8, C), Column(N_("Days credited"), 10, C), Column(N_("Places"), 28),
         Column(N_("Topic"), 36), Column(N_("Key research topic"), 28), Column(N_("Findings"), 10, C),
         Column(N_("Remarks"), 30))
FOLLOW_UPS = (Column(N_("Number"), 8), Column(N_("Member"), 14), Column(N_("Trip date"), 12, D),
              Column(N_("Source"), 20), Column(N_("Finding"), 44),
              Column(N_("Department"), 16), Column(N_("Status"), 16), Column(N_("Feedback due"), 12, D),
              Column(N_("Assigned on"), 12, D), Column(N_("Handled on"), 12, D),
              Column(N_("Fed back on"), 12, D), Column(N_("Closed on"), 12, D), Column(N_("Days overdue"), 10, C),
              Column(N_("Result"), 30))
STUDY = (Column(N_("Date"), 12, D), Column(N_("Kind"), 16), Column(N_("Hours"), 8, N), Column(N_("Topic"), 40),
         Column(N_("Recorded by"), 14), Column(N_("Attendees"), 10, C), Column(N_("Attended"), 40))
ATTENDANCE = (Column(N_("Date"), 12, D), Column(N_("Kind"), 16), Column(N_("Topic"), 40),
              Column(N_("Member"), 14))
MOTIONS = (Column(N_("Number"), 12), Column(N_("Kind"), 14), Column(N_("Subject"), 40), Column(N_("Key"), 8),
           Column(N_("Led by"), 14), Column(N_("Assigned on"), 12, D), Column(N_("First reply due"), 12, D),
           Column(N_("Reply due now"), 12, D), Column(N_("Status"), 16), Column(N_("First replied on"), 12, D),
           Column(N_("Replied on"), 12, D), Column(N_("Result class"), 10), Column(N_("Deputy's feedback"), 14),
           Column(N_("On time"), 8), Column(N_("Times sent back"), 10, C), Column(N_("Days overdue"), 10, C),
           Column(N_("History"), 60))
TOPICS = (Column(N_("Number"), 8), Column(N_("Topic title"), 36), Column(N_("Lead"), 14), Column(N_("Stage"), 12),
          Column(N_("Registered on"), 12, D), Column(N_("Research began"), 12, D), Column(N_("Research report"), 30),
          Column(N_("Report finished on"), 12, D), Column(N_("Outcome"), 36), Column(N_("Applied on"), 12, D),
          Column(N_("Counted on"), 12, D))
TASKS = (Column(N_("Number"), 8), Column(N_("Task"), 36), Column(N_("Requirements"), 36),
         Column(N_("Assigned by"), 14), Column(N_("Assigned on"), 12, D), Column(N_("Assignee"), 14),
         Column(N_("Due"), 12, D), Column(N_("Status"), 14), Column(N_("Reported on"), 12, D),
         Column(N_("Closed on"), 12, D), Column(N_("Days overdue"), 10, C), Column(N_("Report"), 36),
         Column(N_("Reason returned"), 30), Column(N_("History"), 60),
         Column(N_("Stage"), 12), Column(N_("Warning light"), 8))
LOOKBACK = Column(N_("Look-back"), 40)  # the last column of the follow-ups', motions' and tasks' sheets


def _lookback(t: Translator, data: YearLedger, kind: str, item_id: int) -> str:
    """Each 回头看 round of the item: its day and result, its note (or that it is due, not answered)."""
    return t("; ").join(
        lookback_words.history_line(t, row.round, row.result, _day(row.answered_at, data.zone), row.note,
                                    _day(row.due_at, data.zone))
        for row in data.lookbacks.get((kind, item_id), []) if row.due_at is not None)


OWN_DUTIES = (Column(N_("Member"), 14), Column(N_("Duty"), 16), Column(N_("Date"), 12, D),
              Column(N_("Amount"), 8, N), Column(N_("Unit"), 6), Column(N_("Remarks"), 40))


def _own_duty_rows(data: YearLedger, t: Translator) -> list[list[Any]]:
    """Each member's entries on the team's own duties, duty by duty and oldest first, each duty's followed by
    the member's total for the year (in the duty's unit: amounts of different units are not added)."""
    rows: list[list[Any]] = []
    total, current = Decimal(0), None
    for entry, duty in data.own_duty_entries:
        key = (entry.member_id, duty.id)
        if current is not None and key != current[0]:
            rows.append([current[1], current[2], None, _num(total), current[3], t(TOTAL)])
            total = Decimal(0)
        name = data.names.get(entry.member_id, "")
        current, total = (key, name, duty.name, duty.unit), total + entry.amount
        rows.append([name, duty.name, entry.day, _num(entry.amount), duty.unit, entry.note or ""])
    if current is not None:
        rows.append([current[1], current[2], None, _num(total), current[3], t(TOTAL)])
    return rows


def _num(value: Decimal) -> int | float:
    """One decimal at most, and a whole number as one (60, not 60.0; 4.6, not 4.602739726027397)."""
    rounded = value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return int(rounded) if rounded == int(rounded) else float(rounded)


def _rate(done: Decimal, target: Decimal) -> float | None:
    """done ÷ target as a fraction with three places (shown as a percentage with one decimal)."""
    if target <= 0:
        return None
    return float((done / target).quantize(Decimal("0.001"), rounding=ROUND_HALF_UP))


def _day(value: datetime | None, zone: ZoneInfo) -> date | None:
    return value.astimezone(zone).date() if value is not None else None


def _history(t: Translator, steps: Iterable[HistoryStep]) -> str:
    """An item's history as one cell: each step with its day, in order, in the reader's language."""
    lines = []
    for step in steps:
        day = step.day.isoformat()
        if step.step is Step.ASSIGNED:
            line = t("{day} assigned, due {due}").format(day=day, due=step.due.isoformat() if step.due else "")
        elif step.step is Step.EXTENDED:
            line = t("{day} deadline moved from {old} to {new}").format(
                day=day, old=step.old_due.isoformat() if step.old_due else "",
                new=step.due.isoformat() if step.due else "")
        elif step.step is Step.REPLIED:
            line = (t("{day} replied, class {result}").format(day=day, result=step.result_class)
                    if step.result_class else t("{day} replied").format(day=day))
        elif step.step is Step.FEEDBACK:
            label = SATISFACTION_LABELS.get(Satisfaction(step.satisfaction)) if step.satisfaction else None
            line = t("{day} deputy's feedback: {feedback}").format(day=day, feedback=t(label) if label else "")
        elif step.step is Step.REOPENED:
            line = t("{day} not satisfied: handled again, due {due}").format(
                day=day, due=step.due.isoformat() if step.due else "")
        elif step.step is Step.LOOKBACK_REOPENED:
            line = t("{day} look-back found it not carried out: handled again, due {due}").format(
                day=day, due=step.due.isoformat() if step.due else "")
        elif step.step is Step.REPORTED:
            line = t("{day} reported done: {note}").format(day=day, note=step.note)
        elif step.step is Step.RETURNED:
            line = t("{day} returned: {reason}").format(day=day, reason=step.note)
        elif step.step is Step.CLOSED:
            line = t("{day} closed").format(day=day)
        elif step.step is Step.RAISED:
            line = (t("{day} raised, feedback due {due}").format(day=day, due=step.due.isoformat()) if step.due
                    else t("{day} raised").format(day=day))
        elif step.step is Step.TO_DEPARTMENT:
            line = t("{day} assigned to {department}").format(day=day, department=step.note)
        elif step.step is Step.HANDLED:
            line = t("{day} handled").format(day=day)
        elif step.step is Step.FED_BACK:
            line = t("{day} result fed back: {note}").format(day=day, note=step.note)
        elif step.step is Step.CONCLUDED:
            line = t("{day} finding closed").format(day=day)
        else:
            line = t("{day} cancelled").format(day=day)
        lines.append(line)
    return t("; ").join(lines)


def _progress_rows(data: YearLedger, t: Translator) -> list[list[Any]]:
    rows = []
    for member, result in data.progress:
        for duty_pace in result.duties:
            rows.append([member.display_name, t(ROLE_LABELS[member.role]), t(DUTY_NAMES[duty_pace.duty]),
                         _num(duty_pace.done), _num(duty_pace.target), _num(duty_pace.expected_now),
                         _rate(duty_pace.done, duty_pace.target), t(PACE_LABELS[duty_pace.status])])
        for own in result.team_duties:  # the team's own duties, after the six
            rows.append([member.display_name, t(ROLE_LABELS[member.role]), own.name, _num(own.done),
                         _num(own.target), _num(own.expected_now), _rate(own.done, own.target),
                         t(PACE_LABELS[own.status])])
    return rows


def _trip_rows(data: YearLedger, t: Translator, findings_per_trip: dict[int, int]) -> list[list[Any]]:
    """Each member's trips, oldest first, with the days the race credits each (a day two trips share counts
    once), then the member's totals row: its credited days are the research days `/me` shows."""
    year = data.as_of.year
    within = (date(year, 1, 1), date(year, 12, 31))
    by_member: dict[int, list[Any]] = {}
    for trip, topic_title in data.trips:
        by_member.setdefault(trip.member_id, []).append((trip, topic_title))
    rows: list[list[Any]] = []
    for member_id, trips in by_member.items():
        name = data.names.get(member_id, "")
        credited = credited_days([(trip.start_date, trip.end_date) for trip, _ in trips], within=within)
        spans = [(trip.end_date - trip.start_date).days + 1 for trip, _ in trips]
        for (trip, topic_title), days, counted in zip(trips, spans, credited, strict=True):
            inside = (min(trip.end_date, within[1]) - max(trip.start_date, within[0])).days + 1
            remarks = []
            if inside < days:
                remarks.append(t("{days} day(s) outside the year").format(days=days - inside))
            if counted < inside:
                remarks.append(t("{days} day(s) shared with another trip, counted once").format(days=inside - counted))
            rows.append([name, trip.start_date, trip.end_date, days, counted, trip.places, trip.topic,
                         topic_title or "", findings_per_trip.get(trip.id, 0), t("; ").join(remarks)])
        rows.append([name, None, None, sum(spans), sum(credited), "", t(TOTAL), "",
                     sum(findings_per_trip.get(trip.id, 0) for trip, _ in trips), ""])
    return rows


def motion_history(motion: Motion, events: Iterable[Event]) -> MotionHistory:
    """A motion's reply rounds from its audit entries and its row (core.ledger.motion_rounds): what the
    motions sheet writes, and what the dashboard shows when the motion is tapped."""
    return motion_rounds(events, assigned_on=motion.assigned_on, reply_due=motion.reply_due,
                         replied_on=motion.replied_on,
                         result_class=motion.result_class.value if motion.result_class else None,
                         satisfaction=motion.satisfaction.value if motion.satisfaction else None,
                         reopened=motion.reopened or 0)


def follow_up_history(item: FollowUpItem, zone: ZoneInfo) -> tuple[HistoryStep, ...]:
    """A finding's steps on the days (in team time) the follow-up sheet's date columns show."""
    return follow_up_steps(item.created_at.astimezone(zone).date(), feedback_due=item.feedback_due,
                           assigned_on=_day(item.assigned_at, zone), department=item.department, handled_on=_day(item.handled_at, zone),
                           fed_back_on=_day(item.fed_back_at, zone), result=item.result_note,
                           closed_on=_day(item.closed_at, zone))


def _motion_rows(data: YearLedger, t: Translator) -> list[list[Any]]:
    yes, no = t("yes"), t("no")
    rows = []
    for motion in data.motions:
        history = motion_history(motion, data.motion_events.get(motion.id, []))
        replies = [step for step in history.steps if step.step is Step.REPLIED]
        feedback = [step for step in history.steps if step.step in (Step.FEEDBACK, Step.REOPENED)]
        last_feedback = feedback[-1].satisfaction if feedback else None
        on_time = history.on_time
        rows.append([
            motion.number, t(KIND_LABELS[motion.kind]), motion.title, yes if motion.is_key else no,
            data.names.get(motion.lead_member_id, ""), motion.assigned_on, history.first_due, motion.reply_due,
            t(STATUS_LABELS[motion.status]), history.first_reply, replies[-1].day if replies else None,
            (replies[-1].result_class or "") if replies else "",
            t(SATISFACTION_LABELS[Satisfaction(last_feedback)]) if last_feedback else "",
            "" if on_time is None and data.as_of <= history.first_due
            else (yes if on_time else no),
            history.reopened,
            overdue_days(history.first_due, done_on=history.first_reply, as_of=data.as_of),
            _history(t, history.steps), _lookback(t, data, "motion", motion.id)])
    return rows


def _task_rows(data: YearLedger, t: Translator) -> list[list[Any]]:
    zone, names = data.zone, data.names
    rows = []
    for task, a in data.task_assignments:
        due = _day(deadline_in_force(a.due_at, task.due_at), zone)
        assert due is not None  # the task's due_at is NOT NULL
        cancelled = task.cancelled_at is not None and a.status is not AssignmentStatus.CLOSED
        returned = a.status is AssignmentStatus.ASSIGNED and a.returned_at is not None
        reported = _day(a.reported_at, zone) if a.status is not AssignmentStatus.ASSIGNED else None
        if cancelled:
            status = t(CANCELLED)
        elif returned:
            status = t(RETURNED)
        else:
            status = t(TASK_STATUS_LABELS[a.status])
        rows.append([task.id, task.title, task.detail or "", names.get(task.created_by_member_id, ""),
                     _day(task.created_at, zone), names.get(a.member_id, ""), due, status, reported,
                     _day(a.closed_at, zone) if a.status is AssignmentStatus.CLOSED else None,
                     None if cancelled else overdue_days(due, done_on=reported, as_of=data.as_of),
                     a.report_note or "" if reported else "", a.returned_reason or "",
                     assignment_history(t, task, a, data.assignment_events.get(a.id, []),
                                        data.task_requests.get(a.id, []), zone),
                     stage_words.stage_words(t, stage(a.status, signed=a.signed_at is not None,
                                                      planned=a.planned_at is not None)),
                     "" if cancelled else data.task_lights.get(a.id, Light.NONE).value,
                     _lookback(t, data, "task", a.id)])
    return rows


def assignment_history(t: Translator, task: Task, a: TaskAssignment, events: Iterable[Event],
                       requests: Iterable[TaskRequest], zone: ZoneInfo) -> str:
    """One assignee's 办理过程 (the 督办 sheet's cell and the dashboard's item detail), in the order it
    happened: assigned with the task's deadline; then the signing (签收), each question, plan and extension
    request with the office's answer, each report, return and the closure, by their instants; the
    withdrawal of a cancelled task last."""
    due = _day(task.due_at, zone)
    assert due is not None  # the task's due_at is NOT NULL
    cancelled = task.cancelled_at is not None and a.status is not AssignmentStatus.CLOSED
    assigned, *steps = task_steps(_day(task.created_at, zone) or due, due, events,
                                  cancelled_on=_day(task.cancelled_at, zone) if cancelled else None, zone=zone)
    last = [steps.pop()] if steps and steps[-1].step is Step.CANCELLED else []
    timed = [(step.at or datetime.combine(step.day, time.max, zone), _history(t, [step])) for step in steps]
    timed.extend(_request_lines(t, a, requests, zone))
    timed.sort(key=lambda line: line[0])  # stable: a step before a request of the same instant
    return t("; ").join([_history(t, [assigned]), *(line for _, line in timed), *([_history(t, last)] if last else [])])


def _request_lines(t: Translator, a: TaskAssignment, requests: Iterable[TaskRequest],
                   zone: ZoneInfo) -> list[tuple[datetime, str]]:
    """督办's stages, each at its instant: the signing (签收), and each question, plan and extension request
    with the office's answer (an approved extension with its old and new deadline)."""
    lines = []
    if a.signed_at is not None:
        lines.append((a.signed_at, t("{day} signed for (签收)").format(day=_day(a.signed_at, zone))))
    for request in requests:
        kind = t(stage_words.REQUEST_KINDS[RequestKind(request.kind)])
        line = t("{day} {kind}: {text}").format(day=_day(request.created_at, zone), kind=kind, text=request.text)
        if request.proposed_date is not None:
            line += f" → {request.proposed_date.isoformat()}"
        state = t(stage_words.REQUEST_STATES[RequestState(request.state)])
        if request.answered_at is not None:
            state = f"{_day(request.answered_at, zone)} {state}"
        if request.old_due_at is not None:
            state = t("{state}, deadline moved from {old}").format(state=state, old=_day(request.old_due_at, zone))
        if request.answer:
            state = t("{state}: {answer}").format(state=state, answer=request.answer)
        lines.append((request.created_at, t("{request} ({state})").format(request=line, state=state)))
    return lines


def build(data: YearLedger, *, t: Translator) -> list[Sheet]:
    """Every sheet's rows for the team's year (storage.ledger.year_ledger reads it)."""
    zone, names = data.zone, data.names

    findings_per_trip: dict[int, int] = {}
    follow_rows = []
    for item, trip_start, places in data.follow_ups:
        findings_per_trip[item.trip_id] = findings_per_trip.get(item.trip_id, 0) + 1
        fed_back = _day(item.fed_back_at, zone)
        follow_rows.append([item.id, names.get(item.member_id, ""), trip_start,
                            t("Grassroots research ({places})").format(places=places), item.content,
                            item.department or "",
                            t(FOLLOW_UP_LABELS[item.status]), item.feedback_due, _day(item.assigned_at, zone),
                            _day(item.handled_at, zone), fed_back, _day(item.closed_at, zone),
                            overdue_days(item.feedback_due, done_on=fed_back, as_of=data.as_of)
                            if item.feedback_due else None,
                            item.result_note or "", _lookback(t, data, "followup", item.id)])

    attended: dict[int, list[str]] = {}
    for session_id, member_id in data.attendance:
        attended.setdefault(session_id, []).append(names.get(member_id, ""))
    study_rows, attendance_rows = [], []
    for study in data.study_sessions:
        who = attended.get(study.id, [])
        study_rows.append([study.held_on, t(STUDY_LABELS[study.kind]), _num(study.hours), study.topic,
                           names.get(study.recorded_by_member_id, ""), len(who), listed(t, who)])
        attendance_rows += [[study.held_on, t(STUDY_LABELS[study.kind]), study.topic, name] for name in who]

    return [
        Sheet("progress", N_("Progress"), PROGRESS, _progress_rows(data, t)),
        Sheet("trips", N_("Research trips"), TRIPS, _trip_rows(data, t, findings_per_trip)),
        Sheet("follow_ups", N_("Follow-up items"), (*FOLLOW_UPS, LOOKBACK), follow_rows),
        Sheet("study", N_("Study sessions"), STUDY, study_rows),
        Sheet("attendance", N_("Attendance"), ATTENDANCE, attendance_rows),
        Sheet("motions", N_("Suggestions and proposals"), (*MOTIONS, LOOKBACK), _motion_rows(data, t)),
        Sheet("tasks", N_("Supervised tasks"), (*TASKS, LOOKBACK), _task_rows(data, t)),
        Sheet("topics", N_("Key research topics"), TOPICS, _topic_rows(data, t)),
        _evaluation_sheet(data, t),
        # only for a team that added duties of its own
        *([Sheet("own_duties", N_("Team's own duties"), OWN_DUTIES, _own_duty_rows(data, t))]
          if data.own_duties else []),
    ]


def _topic_rows(data: YearLedger, t: Translator) -> list[list[Any]]:
    """Each key research topic with its stage and the day it reached each (立项 … 成果转化), and the day it
    counts towards the year's target (empty while it does not)."""
    rows = []
    for number, topic in enumerate(data.key_topics, start=1):
        report = topic.report_title or (t("a document") if topic.report_file_id else "")
        if topic.report_title and topic.report_file_id:
            report += " · " + t("a document")
        rows.append([number, topic.title, data.names.get(topic.lead_member_id, ""), stage_label(t, topic.stage),
                     _day(topic.created_at, data.zone), topic.research_started_on, report, topic.report_on,
                     topic.outcome or "", topic.outcome_on, topic.counts_on])
    return rows


def workbook(sheets: list[Sheet], t: Translator, *, title: str = "") -> bytes:
    """The .xlsx file's bytes: headers bold on grey, frozen; dates as dates; landscape, one page wide.

    Written in openpyxl's write-only mode (rows streamed once), which is several times faster for a
    large team; dates get Excel's `yyyy-mm-dd` format from their type. openpyxl is imported here, on
    the first export, not when the bot starts.
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    def text_cell(sheet: Any, value: str) -> WriteOnlyCell:
        """A string kept as text where openpyxl would read it as a formula ("=…": a member's title, a team's own
        duty's name in a header)."""
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"
        return cell

    book = Workbook(write_only=True)
    header_font, header_fill = Font(bold=True), PatternFill("solid", fgColor="DDDDDD")
    for spec in sheets:
        sheet = book.create_sheet(t(spec.title)[:31])
        for index, column in enumerate(spec.columns, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = column.width
        sheet.freeze_panes = "A2"
        sheet.print_title_rows = "1:1"
        sheet.page_setup.orientation = "landscape"
        sheet.page_setup.paperSize = "9"  # A4
        sheet.page_setup.fitToWidth = 1
        sheet.page_setup.fitToHeight = 0
        sheet.sheet_properties.pageSetUpPr.fitToPage = True
        if title:
            sheet.oddHeader.center.text = title
        headers = []
        for column in spec.columns:
            cell = text_cell(sheet, t(column.header))
            cell.font, cell.fill = header_font, header_fill
            cell.alignment = Alignment(vertical="center", wrap_text=True)
            headers.append(cell)
        sheet.append(headers)
        percent = [i for i, column in enumerate(spec.columns) if column.cell is Cell.PERCENT]
        for row in spec.rows:
            for i in percent:
                if row[i] is not None:
                    cell = WriteOnlyCell(sheet, value=row[i])
                    cell.number_format = Cell.PERCENT.value
                    row = [*row[:i], cell, *row[i + 1:]]
            if any(isinstance(value, str) and value.startswith("=") for value in row):
                row = [text_cell(sheet, value) if isinstance(value, str) and value.startswith("=") else value
                       for value in row]
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def write_csv(sheets: list[Sheet], t: Translator, folder: Path) -> list[Path]:
    """One UTF-8 file with a BOM per sheet (`progress.csv`, …), so Excel opens Chinese correctly."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for spec in sheets:
        path = folder / f"{spec.key}.csv"
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow([_csv_text(t(c.header)) for c in spec.columns])
            writer.writerows([[_csv_value(v, c.cell) for v, c in zip(row, spec.columns, strict=True)]
                              for row in spec.rows])
        written.append(path)
    return written


def _csv_value(value: Any, cell: Cell) -> Any:
    """A CSV cell as the workbook shows it: ISO dates, percentages with one decimal, nothing for None."""
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if cell is Cell.PERCENT:
        return f"{value * 100:.1f}%"
    if isinstance(value, str):
        return _csv_text(value)
    return value


def _csv_text(text: str) -> str:
    """Text a spreadsheet would run as a formula ("=HYPERLINK(…)", "+1", "@SUM(…)") with a leading apostrophe,
    which it shows as text."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def file_name(team: Team, year: int, t: Translator) -> str:
    """台账-省政府党组-2026.xlsx / ledger-…-2026.xlsx"""
    safe = "".join(c for c in team.name if c not in '\\/:*?"<>|').strip() or str(team.id)
    return f"{t(LEDGER)}-{safe}-{year}.xlsx"


def history(t: Translator, steps: Iterable[HistoryStep]) -> str:
    """An item's history as the ledger writes it (办理过程), for the dashboard's item detail too."""
    return _history(t, steps)


# --------------------------------------------------------------------------- the 考评 sheet (年末有考评)

EVALUATION = (Column(N_("Member"), 14), Column(N_("Rank"), 8, C), Column(N_("Score"), 8, N),
              *(Column(DUTY_NAMES[duty], 12, P) for duty in Duty),
              Column(N_("On-time rate"), 10, P), Column(N_("Overdue items"), 10, C), Column(N_("Key topic"), 16),
              Column(N_("Months led"), 16), Column(N_("Grade"), 10), Column(N_("Comment"), 40),
              Column(N_("Published on"), 12, D))


def _share(percent: Decimal | None) -> float | None:
    """A percentage with one decimal (core.evaluation) as the fraction a PERCENT cell shows."""
    return None if percent is None else float(percent / 100)


_SIX_DUTIES_END = 3 + len(Duty)  # the 考评 sheet's columns up to the six duties'


def _evaluation_sheet(data: YearLedger, t: Translator) -> Sheet:
    """One row per racing member: the year's figures (core.evaluation) and the office's grade and comment. A team
    duty of its own (core/team_duties.py) is a column after the six; its header is the duty's own name, which
    no catalogue holds, so it reads as the office wrote it in every language."""
    found = data.evaluation
    own: list[str] = []
    for entry in found.entries if found is not None else []:
        own += [extra.name for extra in entry.figures.extras if extra.name not in own]
    columns = (*EVALUATION[:_SIX_DUTIES_END], *(Column(name, 12, P) for name in own),
               *EVALUATION[_SIX_DUTIES_END:])
    return Sheet("evaluation", N_("Evaluation"), columns, _evaluation_rows(data, t, own))


def _evaluation_rows(data: YearLedger, t: Translator, own: list[str]) -> list[list[Any]]:
    found = data.evaluation
    if found is None:
        return []
    rows = []
    for entry in found.entries:
        figures = entry.figures
        extras = {extra.name: extra.completion for extra in figures.extras}
        rows.append([entry.name, figures.rank, _num(figures.score),
                     *(_share(line.completion) for line in figures.duties),
                     *(_share(extras.get(name)) for name in own), _share(figures.on_time_rate),
                     figures.overdue, topic_words(t, figures),
                     months_text(t, found.year, figures.months_led) if figures.months_led else "",
                     entry.grade or "", entry.comment or "",
                     _day(entry.published_at, data.zone)])
    return rows

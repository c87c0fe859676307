"""The ledger (台账): one team's year as an .xlsx workbook (or CSV files), with fixed, documented columns.

Sheets, in order (README "The ledger" lists every column):
progress · trips · follow_ups · study · attendance · motions · tasks.
Headers are in the reader's language (Chinese by default); dates are real Excel dates; every sheet has
its header row frozen, column widths set, and prints landscape, one page wide.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from core.domain import (
    FollowUpStatus,
    MotionKind,
    MotionStatus,
    Role,
    Satisfaction,
    StudyKind,
)
from core.pace import PaceStatus
from locales import N_, Translator
from reports.progress_card import DUTY_NAMES
from storage.ledger import YearLedger
from storage.models import Team

LEDGER = N_("ledger")


@dataclass(frozen=True)
class Column:
    header: str  # a message id
    width: int
    is_date: bool = False  # documents the column; openpyxl formats date values as yyyy-mm-dd itself


@dataclass(frozen=True)
class Sheet:
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
MOTION_KIND_LABELS = {MotionKind.SUGGESTION: N_("NPC suggestion"), MotionKind.PROPOSAL: N_("CPPCC proposal")}
MOTION_STATUS_LABELS = {MotionStatus.ASSIGNED: N_("assigned"), MotionStatus.HANDLING: N_("being handled"),
                        MotionStatus.REPLIED: N_("replied, awaiting feedback"), MotionStatus.CLOSED: N_("closed")}
SATISFACTION_LABELS = {Satisfaction.SATISFIED: N_("satisfied"), Satisfaction.BASICALLY: N_("basically satisfied"),
                       Satisfaction.UNSATISFIED: N_("not satisfied")}

PROGRESS = (Column(N_("Member"), 14), Column(N_("Role"), 10), Column(N_("Duty"), 22), Column(N_("Done"), 10),
            Column(N_("Yearly target"), 12), Column(N_("Expected by now"), 14), Column(N_("Pace"), 10))
TRIPS = (Column(N_("Member"), 14), Column(N_("Start date"), 12, True), Column(N_("End date"), 12, True),
         Column(N_("Days"), 8), Column(N_("Places"), 28), Column(N_("Topic"), 36),
         Column(N_("Key research topic"), 28), Column(N_("Findings"), 10))
FOLLOW_UPS = (Column(N_("Member"), 14), Column(N_("Trip date"), 12, True), Column(N_("Finding"), 44),
              Column(N_("Department"), 16), Column(N_("Status"), 16), Column(N_("Feedback due"), 12, True),
              Column(N_("Assigned on"), 12, True), Column(N_("Handled on"), 12, True),
              Column(N_("Fed back on"), 12, True), Column(N_("Closed on"), 12, True), Column(N_("Result"), 30))
STUDY = (Column(N_("Date"), 12, True), Column(N_("Kind"), 16), Column(N_("Hours"), 8), Column(N_("Topic"), 40),
         Column(N_("Recorded by"), 14), Column(N_("Attendees"), 10), Column(N_("Attended"), 40))
ATTENDANCE = (Column(N_("Date"), 12, True), Column(N_("Kind"), 16), Column(N_("Topic"), 40),
              Column(N_("Member"), 14))
MOTIONS = (Column(N_("Kind"), 14), Column(N_("Number"), 12), Column(N_("Title"), 40), Column(N_("Key"), 8),
           Column(N_("Led by"), 14), Column(N_("Assigned on"), 12, True), Column(N_("Reply due"), 12, True),
           Column(N_("Status"), 16), Column(N_("Replied on"), 12, True), Column(N_("Result class"), 10),
           Column(N_("Deputy's feedback"), 14), Column(N_("On time"), 8))
TASKS = (Column(N_("Task"), 36), Column(N_("Assignee"), 14), Column(N_("Due"), 12, True), Column(N_("Status"), 14),
         Column(N_("Reported on"), 12, True), Column(N_("Closed on"), 12, True), Column(N_("Report"), 36))
TASK_STATUS_LABELS = {"assigned": N_("assigned"), "reported": N_("reported done"), "closed": N_("closed")}
CANCELLED = N_("cancelled")  # an assignee not closed when the task was cancelled (撤销)


def _num(value: Decimal) -> int | float:
    return int(value) if value == int(value) else float(value)


def _day(value: datetime | None, zone: ZoneInfo) -> date | None:
    return value.astimezone(zone).date() if value is not None else None


def build(data: YearLedger, *, t: Translator) -> list[Sheet]:
    """Every sheet's rows for the team's year (storage.ledger.year_ledger reads it)."""
    zone, names = data.zone, data.names
    yes, no = t("yes"), t("no")

    progress = []
    for member, result in data.progress:
        for duty_pace in result.duties:
            progress.append([member.display_name, t(ROLE_LABELS[member.role]), t(DUTY_NAMES[duty_pace.duty]),
                             _num(duty_pace.done), _num(duty_pace.target), _num(duty_pace.expected_now.quantize(Decimal('0.1'))),
                             t(PACE_LABELS[duty_pace.status])])

    trip_rows = []
    findings_per_trip: dict[int, int] = {}
    follow_rows = []
    for item, trip_start in data.follow_ups:
        findings_per_trip[item.trip_id] = findings_per_trip.get(item.trip_id, 0) + 1
        follow_rows.append([names.get(item.member_id, ""), trip_start, item.content, item.department or "",
                            t(FOLLOW_UP_LABELS[item.status]), item.feedback_due, _day(item.assigned_at, zone),
                            _day(item.handled_at, zone), _day(item.fed_back_at, zone), _day(item.closed_at, zone),
                            item.result_note or ""])
    for trip, topic_title in data.trips:
        trip_rows.append([names.get(trip.member_id, ""), trip.start_date, trip.end_date,
                          (trip.end_date - trip.start_date).days + 1, trip.places, trip.topic, topic_title or "",
                          findings_per_trip.get(trip.id, 0)])

    attended: dict[int, list[str]] = {}
    for session_id, member_id in data.attendance:
        attended.setdefault(session_id, []).append(names.get(member_id, ""))
    study_rows, attendance_rows = [], []
    for study in data.study_sessions:
        who = attended.get(study.id, [])
        study_rows.append([study.held_on, t(STUDY_LABELS[study.kind]), _num(study.hours), study.topic,
                           names.get(study.recorded_by_member_id, ""), len(who), "、".join(who)])
        attendance_rows += [[study.held_on, t(STUDY_LABELS[study.kind]), study.topic, name] for name in who]

    motion_rows = []
    for motion in data.motions:
        on_time = "" if motion.replied_on is None else (yes if motion.replied_on <= motion.reply_due else no)
        motion_rows.append([t(MOTION_KIND_LABELS[motion.kind]), motion.number, motion.title,
                            yes if motion.is_key else no, names.get(motion.lead_member_id, ""), motion.assigned_on,
                            motion.reply_due, t(MOTION_STATUS_LABELS[motion.status]), motion.replied_on,
                            motion.result_class.value if motion.result_class else "",
                            t(SATISFACTION_LABELS[motion.satisfaction]) if motion.satisfaction else "", on_time])

    task_rows = [[task.title, names.get(a.member_id, ""), _day(task.due_at, zone),
                  t(CANCELLED) if task.cancelled_at is not None and a.status.value != "closed"
                  else t(TASK_STATUS_LABELS.get(a.status.value, a.status.value)), _day(a.reported_at, zone),
                  _day(a.closed_at, zone), a.report_note or ""]
                 for task, a in data.task_assignments]

    return [
        Sheet("progress", N_("Progress"), PROGRESS, progress),
        Sheet("trips", N_("Research trips"), TRIPS, trip_rows),
        Sheet("follow_ups", N_("Follow-up items"), FOLLOW_UPS, follow_rows),
        Sheet("study", N_("Study sessions"), STUDY, study_rows),
        Sheet("attendance", N_("Attendance"), ATTENDANCE, attendance_rows),
        Sheet("motions", N_("Suggestions and proposals"), MOTIONS, motion_rows),
        Sheet("tasks", N_("Supervised tasks"), TASKS, task_rows),
    ]


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
            cell = WriteOnlyCell(sheet, value=t(column.header))
            cell.font, cell.fill = header_font, header_fill
            cell.alignment = Alignment(vertical="center", wrap_text=True)
            headers.append(cell)
        sheet.append(headers)
        for row in spec.rows:
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
            writer.writerow([t(c.header) for c in spec.columns])
            writer.writerows([[v.isoformat() if isinstance(v, date) else ("" if v is None else v) for v in row]
                              for row in spec.rows])
        written.append(path)
    return written


def file_name(team: Team, year: int, t: Translator) -> str:
    """台账-省政府党组-2026.xlsx / ledger-…-2026.xlsx"""
    safe = "".join(c for c in team.name if c not in '\\/:*?"<>|').strip() or str(team.id)
    return f"{t(LEDGER)}-{safe}-{year}.xlsx"

"""The dashboard's JSON API. Every call carries the Mini App's raw initData as `Authorization: tma
<initData>` (core/init_data.py): missing, forged or stale → 401; a user in no team → 403; a member asking
for the office's data (/api/grid, /api/ledger, /api/ledger.xlsx) → 403. Everything is read for the
caller's own team, through storage/ and reports/, with the rules and totals /me, /rank and /export use,
in a worker thread (Database.off_loop), so the bot's event loop never waits for a big team's board.

Read-only, except the ledger download (the same workbook /export sends).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from aiohttp import web
from sqlalchemy.orm import Session

from config import Config
from core import callbacks
from core import findings as finding_rules
from core import motions as motion_rules
from core.clock import Clock
from core.domain import AssignmentStatus, Duty, MotionKind
from core.init_data import InitDataError, validate
from core.pace import DutyPace
from core.race import Period, PeriodKind
from core.task_lights import Light
from core.tasks import deadline_in_force
from core.team_duties import TeamDutyPace
from locales import N_, Translator, translator
from reports import ledger, race_board
from reports import motions as motion_words
from reports.progress_card import duty_name, shown, unit, whole
from reports.words import hours_in_words
from storage import calendar, leave, members, race, teams
from storage import ledger as ledger_storage
from storage import motions as motion_storage
from storage import study as study_storage
from storage import tasks as task_storage
from storage import trips as trips_storage
from storage.db import Database
from storage.models import Member, Task, TaskAssignment
from storage.progress import year_progress

AUTH_SCHEME = "tma"

#: What the page says, in the viewer's language (the page holds no words of its own but its error line).
PAGE_WORDS = {
    "title": N_("Dashboard"),
    "me": N_("My year"),
    "board": N_("Race board"),
    "tasks": N_("Supervised tasks"),
    "grid": N_("Members"),
    "ledger": N_("Ledger"),
    "month": N_("Month"),
    "quarter": N_("Quarter"),
    "year": N_("Year"),
    "done": N_("Done"),
    "target": N_("Target"),
    "expected": N_("By now on the year's pace"),
    "quarter_target": N_("Quarter target"),
    "open_items": N_("Open items"),
    "none": N_("None — well done."),
    "rank": N_("Rank"),
    "score": N_("Score"),
    "name": N_("Name"),
    "movement": N_("Movement"),
    "due": N_("Due"),
    "moved_to": N_("Deadline moved to"),
    "status": N_("Status"),
    "assignees": N_("Assignees"),
    "all": N_("All"),
    "download": N_("Download .xlsx"),
    "loading": N_("Loading…"),
    "took_office": N_("Took office"),
    "on_leave": N_("On leave"),
    "office_note": N_("📋 You are not in the race (office): not ranked, no pace reminders."),
    "light_red": N_("Overdue"),
    "light_yellow": N_("Behind plan"),
    "light_blue": N_("Due within 3 days"),
    "light_green": N_("Closed out"),
    "light_none": N_("In hand"),
    "not_ranked": N_("Not on this board yet."),
    "trips": N_("Research trips"),
    "motions": N_("Suggestions and proposals"),
    "number": N_("Number"),
    "kind": N_("Kind"),
    "subject": N_("Subject"),
    "led_by": N_("Led by"),
    "reply_due": N_("Reply due"),
    "result": N_("Result class"),
    "feedback": N_("Deputy's feedback"),
    "stage": N_("Status"),
    "study": N_("Study sessions"),
}
STATUS_WORDS = {
    AssignmentStatus.ASSIGNED: N_("assigned"),
    AssignmentStatus.REPORTED: N_("reported done"),
    AssignmentStatus.CLOSED: N_("closed"),
}
UNAUTHORISED = {
    "missing": N_("Open the dashboard from the bot in Telegram: this page was opened without Telegram's sign-in."),
    "malformed": N_("The sign-in Telegram gave this page could not be read. Open the dashboard from the bot again."),
    "forged": N_("The sign-in of this page is not valid. Open the dashboard from the bot again."),
    "stale": N_("This page's sign-in has expired. Close it and open the dashboard from the bot again."),
}
NOT_A_MEMBER = N_("This is for members of a team. Open the invite link from your team's office, or send /join <code>.")
OFFICE_ONLY = N_("Only your team's office (admins) can use this.")
BAD_PERIOD = N_("Ask for the board of month, quarter or year.")
BAD_YEAR = N_("Ask for a year from 2000 to {year}.")
NO_SUCH_ITEM = N_("This item is not yours to see, or no longer exists.")


HISTORY_KINDS = ("assignment", "motion", "follow_up")  # /api/history?<kind>=<id>: the items with a history
_LIGHT_NAMES = {Light.GREEN: "green", Light.RED: "red", Light.YELLOW: "yellow", Light.BLUE: "blue", Light.NONE: ""}


def assignment_lights(session: Session, rows: list[tuple[TaskAssignment, Task]], *, member: Member, now: datetime,
                      config: Config) -> dict[int, str]:
    """The 督办 light of each assignment, by id, named for the page's CSS: the same core.task_lights rule, on the
    same working-day calendar, as /tasks, the nudges and the ledger (蓝 within 3 days, 黄 behind plan or not
    signed for, 红 overdue, 绿 closed)."""
    found = task_storage.lights(session, rows, team_id=member.team_id, timezone=member.team.timezone, now=now,
                                base=calendar.national(config))
    return {assignment_id: _LIGHT_NAMES[each] for assignment_id, each in found.items()}


@dataclass(frozen=True)
class Viewer:
    member: Member
    t: Translator

    @property
    def office(self) -> bool:
        return self.member.role.is_admin


#: A year as a query parameter may give it, matched before int() (Python refuses a 5,000-digit number); an item's
#: id is read as buttons' ids are (core.callbacks.number: ASCII digits within PostgreSQL's INTEGER).
_YEAR = re.compile(r"[0-9]{4}")


def _error(status: int, message: str, reason: str, **values: object) -> web.HTTPException:
    """A JSON error in Chinese and English (the caller's language is not known before sign-in); ``values`` fill in
    the message's fields once it is translated."""
    body = {"error": reason, "message": translator("zh")(message).format(**values),
            "message_en": translator("en")(message).format(**values)}
    cls = {401: web.HTTPUnauthorized, 403: web.HTTPForbidden, 400: web.HTTPBadRequest, 404: web.HTTPNotFound}[status]
    return cls(text=web.json_response(body).text, content_type="application/json")


def _number(value: Decimal) -> float:
    return float(value)


class Api:
    """The routes under /api/, for one bot token, database and clock."""

    def __init__(self, config: Config, db: Database, clock: Clock) -> None:
        self.config = config
        self.db = db
        self.clock = clock

    def add_routes(self, app: web.Application) -> None:
        app.router.add_get("/api/me", self.me)
        app.router.add_get("/api/board", self.board)
        app.router.add_get("/api/tasks", self.tasks)
        app.router.add_get("/api/history", self.history)
        app.router.add_get("/api/motions", self.motions)
        app.router.add_get("/api/grid", self.grid)
        app.router.add_get("/api/ledger", self.ledger)
        app.router.add_get("/api/ledger.xlsx", self.ledger_xlsx)

    # --- who asks --------------------------------------------------------------------------------

    async def viewer(self, request: web.Request, *, office: bool = False) -> Viewer:
        scheme, _, init_data = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != AUTH_SCHEME or not init_data.strip():
            raise _error(401, UNAUTHORISED["missing"], "missing")
        try:
            user = validate(init_data.strip(), self.config.telegram.token, now=self.clock.now(),
                            max_age_seconds=self.config.webapp.max_age)
        except InitDataError as error:
            raise _error(401, UNAUTHORISED[error.reason], error.reason) from None
        member = await self.db.off_loop(lambda session: members.acting(session, user.id))
        if member is None:
            raise _error(403, NOT_A_MEMBER, "not_a_member")
        viewer = Viewer(member, translator(member.language.value))
        if office and not viewer.office:
            raise _error(403, OFFICE_ONLY, "office_only")
        return viewer

    def _today(self, member: Member) -> date:
        return self.clock.now().astimezone(ZoneInfo(member.team.timezone)).date()

    async def _read(self, gather: Callable[[Session], Any]) -> Any:
        return await self.db.off_loop(gather)

    # --- routes ------------------------------------------------------------------------------------

    async def me(self, request: web.Request) -> web.Response:
        """The member's year: every duty as /me shows it, open items with their light, this month's rank."""
        viewer = await self.viewer(request)
        member, t = viewer.member, viewer.t
        today, now, tz = self._today(member), self.clock.now(), ZoneInfo(member.team.timezone)

        def gather(session: Session) -> dict[str, Any]:
            progress = year_progress(session, member, today=today, config=self.config)
            period = Period.containing(PeriodKind.MONTH, today)
            board = race.board(session, teams.one(session, member.team_id), period, as_of=today,
                               config=self.config, with_movement=False) if member.races else None
            standing = None
            if board is not None and (entry := board.entry_of(member.id)) is not None:
                standing = {"rank": entry.rank, "of": len(board.ranked), "total": race_board.points(entry.score.total),
                            "explain": race_board.explain(t, member.display_name, entry, entry.score,
                                                          size=len(board.ranked))}
            lights = assignment_lights(session, list(progress.tasks), member=member, now=now, config=self.config)
            items: list[dict[str, Any]] = [
                {"kind": "task", "id": a.id, "title": task.title,
                 "due": _local(deadline_in_force(a.due_at, task.due_at), tz).isoformat(),
                      "status": t(STATUS_WORDS[a.status]), "light": lights[a.id]}
                     for a, task in progress.tasks]
            for motion in progress.motions:
                kind = t("Suggestion") if motion.kind is MotionKind.SUGGESTION else t("Proposal")
                items.append({"kind": "motion", "id": motion.id,
                              "title": t("{kind} No. {number} reply").format(kind=kind, number=motion.number),
                              "due": motion.reply_due.isoformat(), "status": "",
                              "light": _LIGHT_NAMES[motion_rules.light(motion_storage.state_of(motion), today=today)]})
            for item in progress.follow_ups:
                if item.feedback_due is not None:
                    items.append({"kind": "follow_up", "id": item.id,
                                  "title": t("Feedback on “{text}”").format(text=item.content[:40]),
                                  "due": item.feedback_due.isoformat(), "status": "",
                                  "light": _LIGHT_NAMES[finding_rules.light(item.status, item.feedback_due,
                                                                      today=today)]})
            items.sort(key=lambda item: item["due"][:10])
            trips = sorted((trip for trip in trips_storage.own_trips(session, member.id)
                            if trip.start_date.year <= today.year <= trip.end_date.year),
                           key=lambda trip: (trip.start_date, trip.id))
            studied = study_storage.attended_in(session, member.id, start=date(today.year, 1, 1),
                                                end=date(today.year, 12, 31))
            return {
                "name": member.display_name, "team": member.team.name, "office": viewer.office,
                "races": member.races, "year": progress.year, "today": today.isoformat(),
                "duties": [_duty(d.duty.value, duty_name(t, d.duty), unit(t, d.duty, d.target), d)
                           for d in progress.duties]
                + [_duty("own", own.name, own.unit, own) for own in progress.team_duties],  # then the team's own
                "items": items, "standing": standing,
                "trips": [{"start": trip.start_date.isoformat(), "end": trip.end_date.isoformat(),
                           "places": trip.places, "topic": trip.topic} for trip in trips],
                "study": [{"day": study.held_on.isoformat(), "kind": study.kind.value,
                           "kind_words": t(ledger.STUDY_LABELS[study.kind]), "hours": hours_in_words(t, study.hours),
                           "topic": study.topic} for study in studied],
            }

        data = await self._read(gather)
        data["lang"] = t.lang
        data["words"] = {key: t(word) for key, word in PAGE_WORDS.items()}
        return web.json_response(data)

    async def board(self, request: web.Request) -> web.Response:
        """The team's board for this month, quarter or year, in /rank's order, named as /rank names."""
        viewer = await self.viewer(request)
        member, t = viewer.member, viewer.t
        try:
            kind = PeriodKind(request.query.get("period", "month"))
        except ValueError:
            raise _error(400, BAD_PERIOD, "bad_period") from None
        if kind not in (PeriodKind.MONTH, PeriodKind.QUARTER, PeriodKind.YEAR):
            raise _error(400, BAD_PERIOD, "bad_period")
        today = self._today(member)
        period = Period.containing(kind, today)

        def gather(session: Session) -> dict[str, Any]:
            team = teams.one(session, member.team_id)
            board = race.board(session, team, period, as_of=min(today, period.end), config=self.config)
            names = viewer.office or team.show_names_in_race
            rows = []
            for line in race_board.lines_for(t, board, viewer_id=member.id, names=names):
                score = line.entry.score
                rows.append({"rank": line.entry.rank, "name": line.label, "own": line.own,
                             "total": race_board.points(score.total), "total_value": _number(score.total),
                             "movement": race_board.movement(t, line.entry),
                             "duties": [{"duty": term.duty.value, "name": duty_name(t, term.duty),
                                         "points": _number(term.points), "weight": _number(term.weight)}
                                        for term in score.duties]
                             + [{"duty": "own", "name": term.name, "points": _number(term.points),
                                 "weight": _number(term.weight)} for term in score.extras]})
            return {"period": kind.value, "label": race_board.period_in_words(t, period),
                    "day": board.day.isoformat(), "rows": rows, "unranked": board.unranked}

        return web.json_response(await self._read(gather))

    async def tasks(self, request: web.Request) -> web.Response:
        """Supervised tasks (督办) with each assignee's light: the office sees the team's open tasks, a member
        their own."""
        viewer = await self.viewer(request)
        member, t = viewer.member, viewer.t
        now, tz = self.clock.now(), ZoneInfo(member.team.timezone)

        def gather(session: Session) -> list[dict[str, Any]]:
            if viewer.office:
                found = task_storage.team_open(session, member.team_id)
            else:
                own = task_storage.open_for(session, member.id, include_reported=True)
                found = [(task, [a]) for a, task in own]
            names = task_storage.names(session, sorted({a.member_id for _, group in found for a in group}))
            lights = assignment_lights(session, [(a, task) for task, group in found for a in group], member=member,
                                       now=now, config=self.config)
            return [{"id": task.id, "title": task.title, "due": _local(task.due_at, tz).isoformat(),
                     "assignees": [{"assignment": a.id, "member_id": a.member_id, "name": names.get(a.member_id, ""),
                                    "status": a.status.value, "status_words": t(STATUS_WORDS[a.status]),
                                    "light": lights[a.id],
                                    # this assignee's own deadline once an extension or 回头看 moved it
                                    "moved_to": _local(a.due_at, tz).isoformat() if a.due_at else None}
                                   for a in group]}
                    for task, group in found]

        return web.json_response({"tasks": await self._read(gather)})

    async def history(self, request: web.Request) -> web.Response:
        """One item's history as the ledger writes it (办理过程): a task assignment (`?assignment=`: assigned,
        reported, returned, closed …), a suggestion or proposal (`?motion=`: each reply round, its class, the
        deputy's feedback, each reopening and extension) or a finding's follow-up (`?follow_up=`: assigned to
        a department, handled, fed back, closed). A member's own, or for the office any of its team's."""
        viewer = await self.viewer(request)
        member, t = viewer.member, viewer.t
        asked = [(kind, request.query[kind]) for kind in HISTORY_KINDS if kind in request.query]
        found_id = callbacks.number(asked[0][1]) if len(asked) == 1 else None
        if found_id is None:
            raise _error(404, NO_SUCH_ITEM, "not_found")
        kind, item_id, zone = asked[0][0], found_id, ZoneInfo(member.team.timezone)

        def assignment(session: Session) -> dict[str, Any] | None:
            found = (task_storage.in_team(session, item_id, member.team_id, with_cancelled=True) if viewer.office
                     else task_storage.own(session, item_id, member, with_cancelled=True))
            if found is None:
                return None
            task, a = found.task, found.assignment
            events = ledger_storage.events(session, member.team_id, "task_assignment", [a.id], zone)
            requests = task_storage.requests_of(session, [a.id])
            return {"assignment": a.id, "title": task.title,
                    "history": ledger.assignment_history(t, task, a, events.get(a.id, []), requests[a.id], zone)}

        def motion(session: Session) -> dict[str, Any] | None:
            found = motion_storage.visible(session, member, item_id)
            if found is None:
                return None
            events = ledger_storage.events(session, member.team_id, "motion", [found.id], zone)
            rounds = ledger.motion_history(found, events.get(found.id, []))
            return {"motion": found.id, "title": found.title, "history": ledger.history(t, rounds.steps)}

        def follow_up(session: Session) -> dict[str, Any] | None:
            found = trips_storage.visible_item(session, member, item_id)
            if found is None:
                return None
            return {"follow_up": found.id, "title": found.content,
                    "history": ledger.history(t, ledger.follow_up_history(found, zone))}

        gather = {"assignment": assignment, "motion": motion, "follow_up": follow_up}[kind]
        found = await self._read(gather)
        if found is None:
            raise _error(404, NO_SUCH_ITEM, "not_found")
        return web.json_response(found)

    async def grid(self, request: web.Request) -> web.Response:
        """The office's member grid: each active member × each duty, coloured by pace, with 任职 and leave."""
        viewer = await self.viewer(request, office=True)
        member, t = viewer.member, viewer.t
        today = self._today(member)

        def gather(session: Session) -> dict[str, Any]:
            team = teams.one(session, member.team_id)
            paces = race.year_paces(session, team, today=today, config=self.config)
            people = [someone for someone in members.active_in(session, team.id) if someone.id in paces]
            away = leave.spans_of(session, [someone.id for someone in people], first=date(today.year, 1, 1),
                                  last=date(today.year, 12, 31))
            rows = []
            for someone in people:
                spans = sorted(away.get(someone.id, []))
                rows.append({"member_id": someone.id, "name": someone.display_name,
                             "took_office_on": someone.took_office_on.isoformat() if someone.took_office_on else None,
                             "left_office_on": someone.left_office_on.isoformat() if someone.left_office_on else None,
                             "leave": [[start.isoformat(), end.isoformat()] for start, end in spans],
                             "on_leave": any(start <= today <= end for start, end in spans),
                             "duties": [{"duty": d.duty.value, "done": shown(d.done), "target": whole(d.target),
                                         "status": d.status.value} for d in paces[someone.id]]})
            return {"duties": [{"duty": duty.value, "name": duty_name(t, duty)} for duty in Duty], "rows": rows}

        return web.json_response(await self._read(gather))

    def _year(self, request: web.Request, viewer: Viewer) -> int:
        today = self._today(viewer.member)
        text = request.query.get("year", str(today.year))
        if not (_YEAR.fullmatch(text) and 2000 <= int(text) <= today.year):
            raise _error(400, BAD_YEAR, "bad_year", year=today.year)
        return int(text)

    def _sheets(self, session: Session, viewer: Viewer, year: int) -> tuple[list[ledger.Sheet], str, str]:
        """What /export gathers (handlers/export.py): the year's sheets, the workbook's title, its file name."""
        team = teams.one(session, viewer.member.team_id)
        data = ledger_storage.year_ledger(session, team, year, today=self._today(viewer.member), config=self.config)
        return ledger.build(data, t=viewer.t), f"{team.name} {year}", ledger.file_name(team, year, viewer.t)

    async def motions(self, request: web.Request) -> web.Response:
        """The office's suggestions and proposals (建议提案) assigned in the year (`?year=`, this one by default),
        and in this year those of earlier years still in their loop (the office follows them, as its chat list
        does): each with its number, kind, subject, lead member, reply deadline, light (core.motions.light),
        stage, result class and the deputy's feedback, as the ledger's motions sheet has them; tapping one asks
        /api/history?motion= for its reply rounds."""
        viewer = await self.viewer(request, office=True)
        member, t = viewer.member, viewer.t
        year, today = self._year(request, viewer), self._today(member)

        def gather(session: Session) -> list[dict[str, Any]]:
            found = ledger_storage.motions(session, member.team_id, year)
            if year == today.year:
                found += [motion for motion, _lead in motion_storage.unclosed_for_team(
                    session, member.team_id, assigned_before=date(year, 1, 1))]
            names = ledger_storage.names(session, member.team_id)
            rows = [motion_words.dashboard_row(t, motion, lead=names.get(motion.lead_member_id, ""),
                                               light=_LIGHT_NAMES[motion_rules.light(motion_storage.state_of(motion),
                                                                                    today=today)])
                    for motion in found]
            return sorted(rows, key=lambda row: (row["light"] == "green", row["reply_due"], row["id"]))  # open first

        rows = await self._read(gather)
        return web.json_response({"year": year, "motions": rows, "stages": [
            {"status": status.value, "words": t(word)} for status, word in motion_words.STATUS_LABELS.items()]})

    async def ledger(self, request: web.Request) -> web.Response:
        """The year's ledger as tables (the sheets /export writes)."""
        viewer = await self.viewer(request, office=True)
        year, t = self._year(request, viewer), viewer.t
        sheets, _title, _name = await self._read(lambda session: self._sheets(session, viewer, year))
        return web.json_response({"year": year, "sheets": [
            {"key": sheet.key, "title": t(sheet.title), "headers": [t(column.header) for column in sheet.columns],
             "rows": [[_cell(value) for value in row] for row in sheet.rows]} for sheet in sheets]})

    async def ledger_xlsx(self, request: web.Request) -> web.Response:
        """The workbook /export sends for that year, built the same way."""
        viewer = await self.viewer(request, office=True)
        year, t = self._year(request, viewer), viewer.t

        def build(gathered: tuple[list[ledger.Sheet], str, str]) -> tuple[bytes, str]:
            sheets, title, name = gathered
            return ledger.workbook(sheets, t, title=title), name

        content, name = await self.db.off_loop(lambda session: self._sheets(session, viewer, year), build)
        return web.Response(body=content, content_type=XLSX, headers={
            "Content-Disposition": f"attachment; filename*=UTF-8''{_quoted(name)}"})


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _duty(key: str, name: str, unit_words: str, pace: DutyPace | TeamDutyPace) -> dict[str, Any]:
    """A duty on 我的年度 as /me shows it: one of the six or one of the team's own."""
    return {"duty": key, "name": name, "done": shown(pace.done), "target": whole(pace.target), "unit": unit_words,
            "expected": whole(pace.expected_now), "quarter_target": whole(pace.quarter_target),
            "status": pace.status.value, "done_value": _number(pace.done), "target_value": _number(pace.target),
            "expected_value": _number(pace.expected_now)}


def _quoted(name: str) -> str:
    from urllib.parse import quote

    return quote(name, safe="")


def _local(moment: datetime, tz: ZoneInfo) -> datetime:
    """A stored instant in the team's time (stored without a zone: UTC)."""
    return (moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)).astimezone(tz)


def _cell(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    return value

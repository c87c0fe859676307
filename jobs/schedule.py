"""The scheduling tick: one repeating JobQueue job (`schedule.tick_seconds`) that runs every idempotent
enqueue step on each team's working days (storage/calendar.py): deadline nudges and 约谈提醒, pace nudges,
race boards, the weekly summary, the 年度清单 (jobs/year_list.py), 回头看 (jobs/lookback.py), the year-end evaluation to the office
(jobs/evaluation.py: it shares the year's board moment), broadcasts' due occurrences; the delivery tick (jobs/delivery.py) sends what
they put in the outbox. `install` also adds the job that keeps broadcasts' delivery reports current
(jobs/broadcasts.py).

A tick costs what is due, not what is open. Each item with a deadline carries the instant the tick next looks
at it and each team the instant of its next day-granular work, both indexed and kept by storage/next_nudge.py
(earlier than necessary only costs a look; every change to an item, its snooze, task, owner's leave or the
team's calendar makes it "now"). A tick asks whether any item's instant has come (each table's earliest
instant, the first entry of its index) and reads the teams whose instant has come (an index range scan): a tick
with nothing due is those two statements; otherwise, one transaction for every team with something due:
it locks those rows (`FOR UPDATE SKIP LOCKED` on PostgreSQL; on SQLite BEGIN IMMEDIATE and the `<= now`
re-check), re-derives each item's stage (core.nudge_schedule.stage_due), enqueues the team's nudges and 约谈提醒
in one INSERT, and moves each instant on (core.nudge_schedule.next_look; in quiet hours or on a day off to the
next allowed moment, during leave or for an inactive member to the next day at the latest). A team's
day-granular work (pace once a day, boards, the weekly summary, the 年度清单, 回头看, broadcasts) runs when its instant
comes: the next midnight, the allowed moment, the board's and the summary's moments (the year's list shares
January's board moment), its broadcasts' next times.

Nothing about what is due lives only in the scheduler: each message has a unique outbox key and every instant
is in the database, so a tick run twice, by two processes, or after a restart enqueues nothing twice and loses
nothing. Each team is one transaction; a team whose step fails is logged, its instants roll back with it and it
is tried again on the next tick, the others go on. A clock that goes back (only tests do that) makes every
later instant "now" once.
"""
from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session
from telegram.ext import Application

from config import Config
from core import quiet
from core.boards import boards_due, summary_day
from core.clock import Clock
from core.nudge_schedule import next_midnight
from core.quiet import parse_hhmm
from jobs import broadcasts as broadcast_reports
from jobs import ticks
from jobs.boards import BoardReport, Boards
from jobs.broadcasts import BroadcastReport, Broadcasts
from jobs.evaluation import EvaluationReport, Evaluations
from jobs.lookback import LookbackReport, Lookbacks
from jobs.nudges import NudgeReport, Nudges
from jobs.year_list import YearListReport, YearLists
from storage import broadcasts as broadcast_store
from storage import calendar, leave, members, next_nudge, outbox, teams
from storage import lookback as lookback_store
from storage import tasks as task_store
from storage.db import Database, collection_paused
from storage.models import Broadcast, Team

log = logging.getLogger(__name__)

JOB_NAME = "scheduled messages"
BATCH = 50_000  # due rows a tick takes at most (the rest stay due for the next)
CHECK_LEASE = timedelta(hours=1)
# A clock set back further than this makes every later instant "now" once (only tests move a clock by hours;
# a real one is slewed, and a step of seconds delays nothing by more than that).
CLOCK_BACK = timedelta(minutes=1)  # a team's work claimed by a tick that then failed is retried after this


@dataclass
class ScheduleReport:
    """What one scheduling tick did: messages enqueued, by kind, and the teams whose work failed."""

    nudges: NudgeReport = field(default_factory=NudgeReport)
    boards: BoardReport = field(default_factory=BoardReport)
    broadcasts: BroadcastReport = field(default_factory=BroadcastReport)
    year_lists: YearListReport = field(default_factory=YearListReport)
    lookbacks: LookbackReport = field(default_factory=LookbackReport)
    evaluations: EvaluationReport = field(default_factory=EvaluationReport)
    failed_teams: list[int] = field(default_factory=list)


class Scheduler:
    def __init__(self, *, db: Database, clock: Clock, config: Config,
                 is_workday: Callable[[date], bool] | None = None) -> None:
        self.db = db
        self.clock = clock
        self.config = config
        self.national = is_workday or calendar.national(config)  # each team's corrections go on top
        self.nudges = Nudges(config, self.national)
        self.boards = Boards(config, self.national)
        self.broadcasts = Broadcasts(config)
        self.year_lists = YearLists(config, self.national)
        self.lookbacks = Lookbacks(config)
        self.evaluations = Evaluations(config, self.national)
        self._lock = asyncio.Lock()
        self._latest: datetime | None = None  # the latest clock reading this scheduler saw
        self.batch = BATCH

    def run_once(self) -> ScheduleReport:
        """One pass over what has come due (synchronous: call it from a thread in the event loop).

        Reads only rows whose instant has come (storage/next_nudge.py): items whose next nudge or 约谈提醒
        may be due and teams whose day-granular work (pace, boards, summary, broadcasts) may be, in one
        index range scan each; then one transaction per such team. A tick with nothing due costs those two
        statements, however much is open."""
        with collection_paused():
            return self._run_once()

    def _run_once(self) -> ScheduleReport:
        report = ScheduleReport()
        now = self.clock.now()
        if self._latest is not None and now < self._latest - CLOCK_BACK:  # instants from a later clock may be late
            with self.db.session() as session:
                next_nudge.recheck_later_than(session, now)
        self._latest = now if self._latest is None else max(now, self._latest)
        with self.db.reading() as session:
            anything = next_nudge.any_due(session, now)
            checks = set(next_nudge.teams_due(session, now))
        if anything:
            try:  # every team's due items in one transaction …
                with self.db.session() as session:
                    self._items(session, now=now, report=report.nudges)
            except Exception:  # noqa: BLE001 — … and when that fails, team by team: one's trouble must not hold the others
                with self.db.reading() as session:
                    due_teams = sorted({row.team_id for row in next_nudge.due(session, now, limit=self.batch)})
                log.warning("scheduled nudges for %d teams at once failed; team by team", len(due_teams),
                            exc_info=True)
                report.nudges = NudgeReport()
                for team_id in due_teams:
                    try:
                        with self.db.session() as session:
                            self._items(session, now=now, report=report.nudges, team_id=team_id)
                    except Exception:  # noqa: BLE001
                        log.exception("scheduled messages for team %s failed", team_id)
                        report.failed_teams.append(team_id)
        if checks:
            scanned = dict(self.nudges._pace_scanned)  # noqa: SLF001 — rolled back with the transaction below
            kept = dict(self.boards.kept_on)
            try:  # every due team's day-granular work in one transaction …
                with self.db.session() as session:
                    self._days(session, checks, now=now, report=report)
            except Exception:  # noqa: BLE001 — … and when that fails, team by team
                log.warning("scheduled day's work for %d teams at once failed; team by team", len(checks),
                            exc_info=True)
                self.nudges._pace_scanned = scanned  # noqa: SLF001
                self.boards.kept_on = kept
                report.boards, report.broadcasts = BoardReport(), BroadcastReport()
                report.year_lists = YearListReport()
                report.lookbacks = LookbackReport()
                report.evaluations = EvaluationReport()
                report.nudges.pace = report.nudges.lagging = 0
                for team_id in sorted(checks):
                    try:
                        with self.db.session() as session:
                            self._days(session, {team_id}, now=now, report=report)
                    except Exception:  # noqa: BLE001
                        log.exception("scheduled messages for team %s failed", team_id)
                        if team_id not in report.failed_teams:
                            report.failed_teams.append(team_id)
        return report

    def _days(self, session: Session, team_ids: set[int], *, now: datetime, report: ScheduleReport) -> None:
        """The day-granular work of these teams (those still due: claimed by a compare-and-set), in this
        transaction: pace, boards, the weekly summary, broadcasts; then each team's next check."""
        claimed = next_nudge.claim_teams(session, team_ids, now, until=now + CHECK_LEASE)
        if not claimed:
            return
        by_id = {team.id: team for team in teams.by_ids(session, claimed)}
        workdays = calendar.workdays(session, by_id, base=self.national)
        scheduled: dict[int, list[Broadcast]] = {}
        for broadcast in broadcast_store.scheduled(session):
            scheduled.setdefault(broadcast.team_id, []).append(broadcast)
        lookbacks = lookback_store.due_of_teams(session, by_id, now)
        unsaved = self.boards.unsaved(session, by_id, now=now)
        checks: dict[int, datetime] = {}
        for team_id, team in by_id.items():
            workday = workdays[team_id]
            self.nudges.pace(session, team, now=now, report=report.nudges, is_workday=workday)
            self.boards.run(session, team, now=now, report=report.boards, is_workday=workday,
                            unsaved=unsaved.get(team_id))
            mine = scheduled.get(team_id, [])
            self.broadcasts.run(session, team, now=now, report=report.broadcasts, scheduled=mine)
            self.year_lists.run(session, team, now=now, report=report.year_lists, is_workday=workday)
            self.lookbacks.run(session, team, now=now, report=report.lookbacks, is_workday=workday,
                               due=lookbacks.get(team_id, []))
            self.evaluations.run(session, team, now=now, report=report.evaluations, is_workday=workday)
            checks[team_id] = self._next_check(team, now, workday, mine)
        next_nudge.set_team_checks(session, checks)

    def _items(self, session: Session, *, now: datetime, report: NudgeReport, team_id: int | None = None) -> None:
        """The due items of every team (or of one), in this transaction: claimed, their messages enqueued in
        one statement, their instants moved on. Every read is one query for all these teams."""
        looked = next_nudge.claim(session, now, limit=self.batch, team_id=team_id)
        if not looked:
            return
        by_id = {team.id: team for team in teams.by_ids(session, {row.team_id for row in looked})}
        zones = {team_id: ZoneInfo(team.timezone) for team_id, team in by_id.items()}
        looked = [row for row in looked if row.team_id in by_id]
        workdays = calendar.workdays(session, by_id, base=self.national)
        owners = {row.member_id for row in looked}
        people = members.contacts(session, by_id, owners)
        days = {team_id: now.astimezone(zones[team_id]).date() for team_id in by_id}
        spans = leave.spans_of(session, owners, first=min(days.values()), last=max(days.values()))
        by_team: dict[int, list[next_nudge.Looked]] = {}
        for row in looked:
            by_team.setdefault(row.team_id, []).append(row)
        contacts: dict[int, dict[int, members.Contact]] = {}
        for person in people:
            contacts.setdefault(person.team_id, {})[person.id] = person
        lights = task_store.lights_of_teams(
            session, {team_id: [row.item.ref_id for row in mine if row.item is not None and row.item.kind == "task"]
                      for team_id, mine in by_team.items()}, now=now, zones=zones, workdays=workdays)
        pending: list[outbox.Pending] = []
        instants: list[tuple[str, int, datetime | None]] = []
        for team_id, mine in by_team.items():
            team = by_id[team_id]
            today = days[team_id]
            away = {member_id for member_id, periods in spans.items()
                    if any(start <= today <= end for start, end in periods)}
            made, moved = self.nudges.deadlines(
                session, team, mine, people=contacts.get(team_id, {}), away=away, now=now,
                report=report, is_workday=workdays[team_id], lights=lights.get(team_id, {}))
            pending += made
            instants += moved
        if pending:
            self.nudges.enqueue(session, pending, now=now, report=report)
        next_nudge.advance(session, instants)

    def _next_check(self, team: Team, now: datetime, workday: Callable[[date], bool],
                    scheduled: list[Broadcast]) -> datetime:
        """When the team's day-granular work may next have something to do: the next day, the allowed moment
        today (pace waits for it), today's board and summary moments, its broadcasts' next times."""
        tz = ZoneInfo(team.timezone)
        today = now.astimezone(tz).date()
        schedule = self.config.schedule
        candidates = [next_midnight(now, tz), quiet.allowed_moment(schedule, now, tz, workday)]
        first, _periods = boards_due(today, workday)
        candidates.append(datetime.combine(first, parse_hhmm(schedule.race_board_time), tzinfo=tz))
        day = summary_day(today, schedule.weekly_summary_day)
        candidates.append(datetime.combine(day, parse_hhmm(schedule.weekly_summary_time), tzinfo=tz))
        candidates.extend(self.broadcasts.next_times(team, scheduled, now=now))
        return min(at for at in candidates if at > now)

    async def tick(self) -> ScheduleReport:
        async with self._lock:
            return await asyncio.to_thread(self.run_once)


def install(application: Application, *, db: Database, clock: Clock, config: Config) -> Scheduler:  # type: ignore[type-arg]  # PTB's Application: six type parameters, any here
    """Adds the repeating scheduling job to the Application's JobQueue."""
    scheduler = Scheduler(db=db, clock=clock, config=config)
    application.scheduler = scheduler  # type: ignore[attr-defined]  # our jobs and services hang on the Application
    ticks.run_repeating(application, scheduler.tick, seconds=config.schedule.tick_seconds, name=JOB_NAME)
    broadcast_reports.install(application, db=db, clock=clock)
    return scheduler

"""The scheduling tick: one repeating JobQueue job (`schedule.tick_seconds`) that runs every idempotent
enqueue step for every team on that team's working days (storage/calendar.py): deadline nudges and
约谈提醒, pace nudges, race boards, the weekly summary, the 年度清单 (jobs/year_list.py), broadcasts' due
occurrences; the delivery tick (jobs/delivery.py) sends what they put in the
outbox. `install` also adds the job that keeps broadcasts' delivery reports current (jobs/broadcasts.py).

Nothing about what is due lives in the scheduler: each step derives it from the database and the
clock, and each message has a unique outbox key, so a tick run twice, by two processes, or after a
restart enqueues nothing twice and loses nothing. Each team is one transaction; a team whose step
fails is logged and retried on the next tick, the others go on.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from telegram.ext import Application

from config import Config
from core.clock import Clock
from jobs import broadcasts as broadcast_reports
from jobs import ticks
from jobs.boards import BoardReport, Boards
from jobs.broadcasts import BroadcastReport, Broadcasts
from jobs.nudges import NudgeReport, Nudges
from jobs.year_list import YearListReport, YearLists
from storage import calendar, teams
from storage.db import Database

log = logging.getLogger(__name__)

JOB_NAME = "scheduled messages"


@dataclass
class ScheduleReport:
    nudges: NudgeReport = field(default_factory=NudgeReport)
    boards: BoardReport = field(default_factory=BoardReport)
    broadcasts: BroadcastReport = field(default_factory=BroadcastReport)
    year_lists: YearListReport = field(default_factory=YearListReport)
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
        self._lock = asyncio.Lock()

    def run_once(self) -> ScheduleReport:
        """One pass over every team (synchronous: call it from a thread in the event loop)."""
        report = ScheduleReport()
        now = self.clock.now()
        with self.db.session() as session:
            team_ids = [team.id for team in teams.all_teams(session)]
        for team_id in team_ids:
            try:
                with self.db.session() as session:
                    team = teams.by_id(session, team_id)
                    if team is None:
                        continue
                    workday = calendar.workday(session, team.id, base=self.national)
                    self.nudges.run(session, team, now=now, report=report.nudges, is_workday=workday)
                    self.boards.run(session, team, now=now, report=report.boards, is_workday=workday)
                    self.broadcasts.run(session, team, now=now, report=report.broadcasts)
                    self.year_lists.run(session, team, now=now, report=report.year_lists, is_workday=workday)
            except Exception:  # noqa: BLE001 — one team's trouble must not hold the others
                log.exception("scheduled messages for team %s failed", team_id)
                report.failed_teams.append(team_id)
        return report

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

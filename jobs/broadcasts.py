"""Broadcasts' timing: the scheduling tick's step that makes due occurrences (a one-off at its time, a
weekly one at each slot), and the report job that reads delivery results back from the outbox into the
receipts and edits each sender's report in place when its counts change.

Both derive everything from the database: an occurrence is a unique row (broadcast, occurrence number)
made with its outbox rows in one transaction, so a tick run twice, by two processes or after a restart
makes it once, and the outbox sends each message once (broadcasts are at-least-once only when a send's
outcome is unknown, README "Exactly once"). A weekly broadcast's missed slots (downtime) collapse into
the latest one. Broadcasts are urgent rows: the admin chose their time, so quiet hours and days off do
not hold them.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session
from telegram import Bot
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import Application

from config import Config
from core.broadcasts import Weekly
from core.clock import Clock
from jobs import ticks
from jobs.delivery import _markup
from locales import translator
from reports import broadcasts as words
from storage import broadcasts, members
from storage.db import Database
from storage.models import Broadcast, BroadcastOccurrence, BroadcastStatus, Team

log = logging.getLogger(__name__)

JOB_NAME = "broadcast reports"
REPORT_SECONDS = 3.0  # how often reports are looked at; each is edited only when its counts changed
REPORT_WINDOW = timedelta(days=14)  # reports of occurrences older than this are left as they are


@dataclass
class BroadcastReport:
    """What the broadcasts step of a tick did: occurrences made, each `broadcast:<id>:<occurrence>`."""

    occurrences: int = 0
    made: list[str] = field(default_factory=list)  # "broadcast:<id>:<occurrence>"


class Broadcasts:
    """The scheduling tick's step for one team (synchronous, inside the team's transaction)."""

    def __init__(self, config: Config) -> None:
        self.config = config

    def run(self, session: Session, team: Team, *, now: datetime, report: BroadcastReport,
            scheduled: list[Broadcast] | None = None) -> None:
        """``scheduled``: the team's scheduled broadcasts when the caller read them already (for many teams at
        once, storage.broadcasts.scheduled)."""
        tz = ZoneInfo(team.timezone)
        for broadcast in broadcasts.scheduled(session, team.id) if scheduled is None else scheduled:
            if broadcast.recurrence:
                latest = Weekly.decode(broadcast.recurrence).latest(now, first_after=broadcast.created_at, tz=tz)
                if latest is None:
                    continue
                number, due_at = latest
            elif broadcast.send_at is not None and broadcast.send_at <= now:
                number, due_at = 0, broadcast.send_at
            else:
                continue
            made = broadcasts.start(session, broadcast, number, due_at=due_at, now=now, config=self.config,
                                    renderer=words.renderer)
            if made is not None:
                self._report(session, broadcast, made, tz=tz, now=now)
                report.occurrences += 1
                report.made.append(f"broadcast:{broadcast.id}:{number}")
            if not broadcast.recurrence:
                broadcasts.finish(session, broadcast.id)

    @staticmethod
    def next_times(team: Team, scheduled: list[Broadcast], *, now: datetime) -> list[datetime]:
        """When the team's scheduled broadcasts next fall due after ``now`` (the scheduling tick looks at the
        team's day-granular work then; a broadcast scheduled or changed meanwhile makes it look at once)."""
        tz = ZoneInfo(team.timezone)
        times: list[datetime] = []
        for broadcast in scheduled:
            if broadcast.status != BroadcastStatus.SCHEDULED:
                continue
            if broadcast.recurrence:
                times.append(Weekly.decode(broadcast.recurrence).first(now + timedelta(microseconds=1), tz))
            elif broadcast.send_at is not None:
                times.append(broadcast.send_at)
        return times

    def _report(self, session: Session, broadcast: Broadcast, made: BroadcastOccurrence, *, tz: ZoneInfo,
                now: datetime) -> None:
        sender = broadcasts.reader_of(session, broadcast)
        if sender is None:  # no active admin left to read it
            return
        t = translator(sender.language)
        counts = broadcasts.counts(session, made)
        text = words.report(t, text=broadcast.text, counts=counts, when=made.due_at, tz=tz,
                            occurrence=made.occurrence, recurring=bool(broadcast.recurrence))
        buttons = words.report_buttons(t, occurrence_id=made.id, renudges=made.renudges, counts=counts)
        broadcasts.enqueue_report(session, broadcast, made.occurrence, chat_id=sender.telegram_user_id,
                                  payload={"text": text, "parse_mode": None, "buttons": buttons}, now=now)
        broadcasts.set_report(session, made.id, shown=counts.key())


@dataclass(frozen=True)
class _Edit:
    """A sender's delivery report to edit in place: its message, the new text and buttons, and the
    counts they show."""

    occurrence_id: int
    chat_id: int
    message_id: int
    text: str
    buttons: list[list[list[str]]]
    shown: str


class Reports:
    """Keeps each sender's delivery report current (the job every REPORT_SECONDS)."""

    def __init__(self, *, bot: Bot, db: Database, clock: Clock) -> None:
        self.bot = bot
        self.db = db
        self.clock = clock
        self._lock = asyncio.Lock()

    async def tick(self) -> int:
        """Settles receipts from the outbox and edits the reports whose counts changed; returns edits made."""
        async with self._lock:
            edits = await asyncio.to_thread(self._due_edits)
            done = 0
            for edit in edits:
                try:
                    await self.bot.edit_message_text(edit.text, chat_id=edit.chat_id, message_id=edit.message_id,
                                                     reply_markup=_markup(edit.buttons))
                except (BadRequest, Forbidden) as error:
                    if "not modified" not in str(error).lower():  # gone, or the sender blocked the bot:
                        log.warning("broadcast report %s not edited: %s", edit.occurrence_id, error)
                        # not tried again until its counts change
                except TelegramError as error:  # tried again on the next tick
                    log.warning("broadcast report %s not edited: %s", edit.occurrence_id, error)
                    continue
                await asyncio.to_thread(self._shown, edit)
                done += 1
            return done

    def _shown(self, edit: _Edit) -> None:
        with self.db.session() as session:
            broadcasts.set_report(session, edit.occurrence_id, shown=edit.shown)

    def _due_edits(self) -> list[_Edit]:
        now = self.clock.now()
        edits: list[_Edit] = []
        with self.db.session() as session:
            rows = broadcasts.reports_to_refresh(session, since=now - REPORT_WINDOW)
            broadcasts.settle_receipts(session, [occ.id for occ, _ in rows])
            for occ, broadcast in rows:
                if occ.report_message_id is None:
                    sent = broadcasts.report_row(session, broadcast.id, occ.occurrence)
                    if sent is None or sent.telegram_message_id is None:
                        continue
                    broadcasts.set_report(session, occ.id, message_id=sent.telegram_message_id)
                    occ.report_message_id = sent.telegram_message_id
                counts = broadcasts.counts(session, occ)
                if counts.key() == occ.report_shown or broadcast.report_chat_id is None:
                    continue
                sender = members.one(session, broadcast.created_by_member_id)
                t = translator(sender.language)
                tz = ZoneInfo(sender.team.timezone)
                edits.append(_Edit(
                    occurrence_id=occ.id, chat_id=broadcast.report_chat_id, message_id=occ.report_message_id,
                    text=words.report(t, text=broadcast.text, counts=counts, when=occ.due_at, tz=tz,
                                      occurrence=occ.occurrence, recurring=bool(broadcast.recurrence)),
                    buttons=words.report_buttons(t, occurrence_id=occ.id, renudges=occ.renudges, counts=counts),
                    shown=counts.key()))
        return edits


def install(application: Application, *, db: Database, clock: Clock) -> Reports:  # type: ignore[type-arg]  # PTB's Application: six type parameters, any here
    """Adds the repeating report job (the occurrences themselves are made by the scheduling tick)."""
    reports = Reports(bot=application.bot, db=db, clock=clock)
    application.broadcast_reports = reports  # type: ignore[attr-defined]  # our jobs and services hang on the Application
    ticks.run_repeating(application, reports.tick, seconds=REPORT_SECONDS, name=JOB_NAME)
    return reports


"""回头看: a step of the team's day-granular work in the scheduling tick (jobs/schedule.py).

Each check reads only the team's rows whose instant (`next_at`) has come: one range of an index on
(team, next_at), so the cost is what is due. A row just made (the item closed) gets the day it comes back
(`after_months` later, the team's own or the configuration's) at midnight team time; on that day the owner is
asked once, privately (`lookback:<id>:ask`, not before the team's allowed moment: quiet hours and days off
respected; an owner on leave that day is asked the day they are back), with three buttons 落实 / 部分落实 / 未落实
(handlers/lookback.py). Unanswered, one reminder (`lookback:<id>:remind`) after `remind_workdays` working days,
then a note to each admin (`lookback:<id>:office:<admin>`) after as many again. Each stage is stamped with, and
the next counted from, the moment its message may go out, not the tick that enqueued it: an item that comes back
on a Sunday is asked on Monday, reminded three working days after Monday, and the office told it was asked on
Monday. An item no longer closed when its day comes (reopened meanwhile) is not asked about.

Every step moves the row's `next_at` by a compare-and-set in the transaction that enqueues its message, and
every message has its own outbox key: a check run twice, by two processes, or after a restart asks nothing twice.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from config import Config
from core import lookback as rules
from core import outbox_keys, quiet
from core.domain import MemberStatus
from core.outbox_keys import LookbackEvent, LookbackKey
from locales import translator
from reports import lookback as words
from storage import leave, members, outbox
from storage import lookback as queries
from storage.models import Lookback, Team

KIND = "lookback"  # the outbox rows' kind


@dataclass
class LookbackReport:
    """What the 回头看 step of a tick did: owners asked and reminded, admins told, rows dropped."""

    asked: int = 0
    reminded: int = 0
    office: int = 0
    dropped: int = 0


class Lookbacks:
    def __init__(self, config: Config) -> None:
        self.config = config

    def run(self, session: Session, team: Team, *, now: datetime, report: LookbackReport,
            is_workday: Callable[[date], bool], due: list[Lookback] | None = None) -> None:
        """The team's 回头看 rows whose instant has come (``due``: read already, storage.lookback.due_of_teams)."""
        rows = queries.due(session, team.id, now) if due is None else due
        if not rows:
            return
        tz = ZoneInfo(team.timezone)
        months = queries.months_of(team, self.config.lookback.after_months)
        away_on: dict[date, set[int]] = {}

        def away(day: date) -> set[int]:
            if day not in away_on:
                away_on[day] = leave.on_leave(session, team_id=team.id, day=day)
            return away_on[day]

        for row in rows:
            self._step(session, team, row, now=now, tz=tz, months=months, report=report, is_workday=is_workday,
                       away=away)

    def _step(self, session: Session, team: Team, row: Lookback, *, now: datetime, tz: ZoneInfo, months: int,
              report: LookbackReport, is_workday: Callable[[date], bool], away: Callable[[date], set[int]]) -> None:
        stage = rules.next_stage(rules.Progress(row.due_at, row.asked_at, row.reminded_at, row.escalated_at,
                                                row.answered_at))
        expected = row.next_at
        if stage is rules.Stage.DONE:
            queries.move_on(session, row, expected=expected, next_at=None)
            return
        if stage is rules.Stage.SCHEDULE:
            due_at = rules.midnight(rules.comes_back_on(row.closed_at, months=months, tz=tz), tz)
            if not queries.move_on(session, row, expected=expected, due_at=due_at, next_at=due_at) or due_at > now:
                return
            expected, stage = due_at, rules.Stage.ASK
        item = queries.item_of(session, row)
        owner = members.by_id(session, row.owner_member_id)
        if stage is rules.Stage.ASK and (item is None or not item.still_closed or owner is None
                                         or owner.status is not MemberStatus.ACTIVE):
            report.dropped += queries.move_on(session, row, expected=expected, next_at=None, dropped=True)
            return
        if item is None or owner is None:  # gone since it was asked: nothing more to say
            queries.move_on(session, row, expected=expected, next_at=None)
            return
        # The owner reads it, and the working days are counted, from the moment it may go out (a Sunday's ask
        # goes out on Monday at 08:00), not from the tick that enqueues it.
        not_before = quiet.allowed_moment(self.config.schedule, now, tz, is_workday)
        sent_on = not_before.astimezone(tz).date()
        if stage in (rules.Stage.ASK, rules.Stage.REMIND) and owner.id in away(sent_on):  # on leave: asked when back
            queries.move_on(session, row, expected=expected, next_at=rules.midnight(sent_on + timedelta(days=1), tz))
            return
        if stage in (rules.Stage.ASK, rules.Stage.REMIND):
            remind = stage is rules.Stage.REMIND
            later = rules.midnight(rules.nth_workday_after(sent_on, self.config.lookback.remind_workdays, is_workday),
                                   tz)
            stamp = {"reminded_at": not_before} if remind else {"asked_at": not_before}
            if not queries.move_on(session, row, expected=expected, next_at=later, **stamp):
                return
            t = translator(owner.language.value)
            event = LookbackEvent.REMIND if remind else LookbackEvent.ASK
            made = outbox.enqueue(session, key=outbox_keys.build(LookbackKey(row.id, event)),
                                  chat_id=owner.telegram_user_id, kind=KIND,
                                  payload=words.ask(t, row.id, item, closed_at=row.closed_at, tz=tz, reminder=remind),
                                  not_before=not_before, team_id=team.id, member_id=owner.id, now=now)
            if remind:
                report.reminded += made
            else:
                report.asked += made
            return
        if not queries.move_on(session, row, expected=expected, next_at=None, escalated_at=not_before):
            return
        asked_on = (row.asked_at or not_before).astimezone(tz).date()
        for admin in members.admins_of(session, team.id):
            t = translator(admin.language.value)
            report.office += outbox.enqueue(
                session, key=outbox_keys.build(LookbackKey(row.id, LookbackEvent.OFFICE, admin.id)),
                chat_id=admin.telegram_user_id, kind=KIND,
                payload={"text": words.office_unanswered(t, item, owner=owner.display_name, asked_on=asked_on),
                         "parse_mode": None, "buttons": []},
                not_before=not_before, team_id=team.id, member_id=admin.id, now=now)

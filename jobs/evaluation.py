"""The year-end evaluation to the office (年末有考评): an idempotent step of the scheduling tick (jobs/schedule.py).

After the team's last working day of the year (core/evaluation.py `moment`: the next working day, the next year's
first, at `schedule.race_board_time` team time, beside the year's race board),
each active admin gets the team's evaluation (reports/evaluation.py: each racing member's rank, score and grade so
far) with a button that opens it to grade, comment and publish (handlers/evaluation.py). Nothing is made on a day
off or in quiet hours (it goes out at the next moment a scheduled message may); key `evaluation:<team>:<year>:admin:<admin>`,
so exactly once per team, year and admin, across ticks, restarts and instances. Like a board, a moment missed by
more than LATE_BOARD (downtime) is stale and not sent; a team created after it gets none that year.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from config import Config
from core import evaluation as rules
from core import outbox_keys, quiet
from core.boards import board_window_open
from core.callbacks import evaluation as buttons
from core.outbox_keys import EvaluationKey
from core.quiet import parse_hhmm
from locales import translator
from reports import evaluation as words
from storage import evaluation as queries
from storage import members, outbox
from storage.models import Team

KIND = "evaluation"  # the outbox rows' kind (as handlers/evaluation.py's)


@dataclass
class EvaluationReport:
    """What the evaluation step of a tick did: admins sent the team's evaluation."""

    admins: int = 0


class Evaluations:
    def __init__(self, config: Config, is_workday: Callable[[date], bool]) -> None:
        self.config = config
        self.is_workday = is_workday

    def run(self, session: Session, team: Team, *, now: datetime, report: EvaluationReport,
            is_workday: Callable[[date], bool] | None = None) -> None:
        workday = is_workday or self.is_workday
        tz = ZoneInfo(team.timezone)
        this_year = now.astimezone(tz).year
        for year in (this_year - 1, this_year):
            due_at = rules.moment(year, parse_hhmm(self.config.schedule.race_board_time), tz, workday)
            if board_window_open(due_at, now, team_created_at=team.created_at):
                self._send(session, team, year, due_at, now=now, report=report, workday=workday)

    def _send(self, session: Session, team: Team, year: int, due_at: datetime, *, now: datetime,
              report: EvaluationReport, workday: Callable[[date], bool]) -> None:
        made = set(outbox.keys_since(session, team.id, KIND, since=due_at))
        office = [admin for admin in members.admins_of(session, team.id)
                  if outbox_keys.build(EvaluationKey(team.id, year, admin.id, office=True)) not in made]
        if not office:
            return
        tz = ZoneInfo(team.timezone)
        found = queries.team_evaluation(session, team, year, today=now.astimezone(tz).date(), config=self.config)
        not_before = quiet.allowed_moment(self.config.schedule, now, tz, workday)
        for admin in office:
            t = translator(admin.language)
            press = buttons.build(buttons.Press(buttons.Action.TEAM, year))
            report.admins += int(outbox.enqueue(
                session, key=outbox_keys.build(EvaluationKey(team.id, year, admin.id, office=True)),
                chat_id=admin.telegram_user_id, kind=KIND,
                payload={"text": words.render_team(t, found), "parse_mode": None,
                         "buttons": [[[t("Grade and publish"), press]]]},
                not_before=not_before, team_id=team.id, member_id=admin.id, now=now))

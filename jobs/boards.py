"""The race boards and the weekly summary: idempotent steps of the scheduling tick (jobs/schedule.py).

Race board: on the first working day of each month (the team's calendar, storage/calendar.py) at
`schedule.race_board_time` team time, the previous month's board goes to the team's group (`Team.group_chat_id`) as text and as
a chart photo, and its ranks are saved as the month's snapshot (the next board's movement; a team with no
group gets no board but its ranks are saved all the same, once at or after the board's time); on the first
working day of a quarter and of a year, the previous quarter's and year's boards too. Keys:
`board:<team>:2026-10` (text) and `board:<team>:2026-10:chart`.

Closed periods' ranks: on each team's first tick of a day, the month, quarter and year that ended last
(core.boards.closed_periods) are saved as their snapshots where none is (the days between a period's end and its
board's time, a board missed by downtime, an upgrade), so that a board's movement is read, not computed again for
the previous period at every /rank; the board at its time saves them again (the ranks as then).

Weekly summary: on `schedule.weekly_summary_day` at `schedule.weekly_summary_time` team time, the
previous Monday–Sunday's summary to the group (`summary:<team>:2026-W48:group`) and to each admin
(`summary:<team>:2026-W48:admin:<member>`, with who is behind pace).

After downtime, a board whose moment passed less than a week ago, or a summary whose moment passed
this week, is posted once on start; older ones are not (stale news). A team created after a
moment gets nothing for it, nor boards of periods that ended before it was created.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from config import Config
from core import outbox_keys, quiet
from core.boards import (
    board_window_open,
    boards_due,
    closed_periods,
    first_workday,  # noqa: F401  (read from here by tests/jobs)
    periods_lived,
    summary_day,
    summary_due,
)
from core.outbox_keys import BoardKey, SummaryKey
from core.quiet import parse_hhmm
from core.race import Period
from locales import translator
from reports import race_board, summary
from storage import members, outbox
from storage import race as race_storage
from storage import summary as summary_storage
from storage.models import Member, Team


@dataclass
class BoardReport:
    """What the boards step of a tick did: race boards and weekly summaries enqueued."""

    boards: int = 0
    summaries: int = 0
    snapshots: int = 0  # members whose ranks were saved with no board posted (no group; a closed period's)


class Boards:
    def __init__(self, config: Config, is_workday: Callable[[date], bool]) -> None:
        self.config = config
        self.is_workday = is_workday
        self.kept_on: dict[int, date] = {}  # team → the day its closed periods' snapshots were looked for

    def _allowed(self, now: datetime, tz: ZoneInfo, is_workday: Callable[[date], bool]) -> datetime:
        return quiet.allowed_moment(self.config.schedule, now, tz, is_workday)

    def unsaved(self, session: Session, teams: Mapping[int, Team], *, now: datetime) -> dict[int, list[Period]]:
        """The closed periods (core.boards.closed_periods) with no saved snapshot of the teams not looked at yet
        today (one statement for them all), for :meth:`run`."""
        wanted: dict[int, list[Period]] = {}
        for team_id, team in teams.items():
            tz = ZoneInfo(team.timezone)
            today = now.astimezone(tz).date()
            if self.kept_on.get(team_id) != today:
                wanted[team_id] = closed_periods(today, team.created_at.astimezone(tz).date())
        saved = race_storage.saved_periods(session, wanted)
        return {team_id: [period for period in periods if (team_id, period.key) not in saved]
                for team_id, periods in wanted.items()}

    def run(self, session: Session, team: Team, *, now: datetime, report: BoardReport,
            is_workday: Callable[[date], bool] | None = None, unsaved: Sequence[Period] | None = None) -> None:
        """`is_workday`: the team's own working days (default: the national calendar). `unsaved`: the team's closed
        periods with no snapshot (:meth:`unsaved`; None: not looked for in this tick)."""
        workday = is_workday or self.is_workday
        tz = ZoneInfo(team.timezone)
        today = now.astimezone(tz).date()
        schedule = self.config.schedule
        first, periods = boards_due(today, workday)
        moment = datetime.combine(first, parse_hhmm(schedule.race_board_time), tzinfo=tz)
        posted: list[Period] = []
        if board_window_open(moment, now, team_created_at=team.created_at):
            posted = periods_lived(periods, team.created_at.astimezone(tz).date())
            for period in posted:
                if team.group_chat_id is not None:
                    report.boards += self.post_board(session, team, period, now=now, tz=tz, is_workday=workday)
                else:
                    report.snapshots += self.keep_ranks(session, team, period, now=now, since=moment)
        if unsaved is not None:
            for period in unsaved:
                if period not in posted:  # else saved just above
                    report.snapshots += self._save_ranks(session, team, period, now=now)
            self.kept_on[team.id] = today
        day = summary_day(today, schedule.weekly_summary_day)
        moment = datetime.combine(day, parse_hhmm(schedule.weekly_summary_time), tzinfo=tz)
        if summary_due(moment, now, team_created_at=team.created_at):
            report.summaries += self.post_summary(session, team, day, now=now, tz=tz, is_workday=workday)

    def post_board(self, session: Session, team: Team, period: Period, *, now: datetime, tz: ZoneInfo,
                   is_workday: Callable[[date], bool] | None = None) -> int:
        key = outbox_keys.build(BoardKey(team.id, period.key))
        if outbox.by_key(session, key) is not None or team.group_chat_id is None:
            return 0
        board = race_storage.board(session, team, period, as_of=period.end, config=self.config)
        race_storage.save_snapshot(session, team.id, period, board.ranked, now=now)
        t = translator(team.language)
        names = team.show_names_in_race
        text = race_board.render_board(t, board, viewer_id=None, names=names)
        not_before = self._allowed(now, tz, is_workday or self.is_workday)
        sent = int(outbox.enqueue(session, key=key, chat_id=team.group_chat_id, kind="board",
                                  payload={"text": text, "parse_mode": None, "buttons": []},
                                  not_before=not_before, team_id=team.id, now=now))
        if board.ranked:
            chart = race_board.render_chart(t, board, viewer_id=None, names=names)
            caption = race_board.chart_caption(t, period, chart)
            outbox.enqueue(session, key=outbox_keys.build(BoardKey(team.id, period.key, chart=True)),
                           chat_id=team.group_chat_id, kind="board",
                           payload={"text": caption, "parse_mode": None, "buttons": [],
                                    "photo_b64": base64.b64encode(chart.png).decode()},
                           not_before=not_before, team_id=team.id, now=now)
        return sent

    def keep_ranks(self, session: Session, team: Team, period: Period, *, now: datetime, since: datetime) -> int:
        """For a team with no group to post the board to: the closed period's ranks, saved once at or after the
        board's time (``since``), as a posted board saves them (the next board's movement). Returns the members
        saved (0: already saved since)."""
        saved = race_storage.saved_at(session, team.id, period)
        if saved is not None and saved >= since:
            return 0
        return self._save_ranks(session, team, period, now=now)

    def _save_ranks(self, session: Session, team: Team, period: Period, *, now: datetime) -> int:
        board = race_storage.board(session, team, period, as_of=period.end, config=self.config, with_movement=False)
        return race_storage.save_snapshot(session, team.id, period, board.ranked, now=now)

    def post_summary(self, session: Session, team: Team, day: date, *, now: datetime, tz: ZoneInfo,
                     is_workday: Callable[[date], bool] | None = None) -> int:
        week = outbox_keys.iso_week(day)
        admins = members.admins_of(session, team.id)
        wanted: list[tuple[str, Member | None]]
        wanted = ([(outbox_keys.build(SummaryKey(team.id, week)), None)] if team.group_chat_id is not None else []) + [
            (outbox_keys.build(SummaryKey(team.id, week, m.id)), m) for m in admins]
        wanted = [(key, m) for key, m in wanted if outbox.by_key(session, key) is None]
        if not wanted:
            return 0
        start, end = summary.last_week(day)
        data = summary_storage.gather(session, team, start=start, end=end, today=now.astimezone(tz).date(),
                                      config=self.config)
        not_before = self._allowed(now, tz, is_workday or self.is_workday)
        made = 0
        for key, admin in wanted:
            t = translator(admin.language if admin is not None else team.language)
            text = summary.render(t, data, names=team.show_names_in_race, for_admins=admin is not None)
            chat_id = admin.telegram_user_id if admin is not None else team.group_chat_id
            assert chat_id is not None
            made += int(outbox.enqueue(session, key=key, chat_id=chat_id, kind="summary",
                                       payload={"text": text, "parse_mode": None, "buttons": []},
                                       not_before=not_before, team_id=team.id,
                                       member_id=admin.id if admin is not None else None, now=now))
        return made

"""The race boards and the weekly summary: idempotent steps of the scheduling tick (jobs/schedule.py).

Race board: on the first working day of each month (the team's calendar, storage/calendar.py) at
`schedule.race_board_time` team time, the previous month's board goes to the team's group (`Team.group_chat_id`) as text and as
a chart photo, and its ranks are saved as the month's snapshot (the next board's movement); on the
first working day of a quarter and of a year, the previous quarter's and year's boards too. Keys:
`board:<team>:2026-10` (text) and `board:<team>:2026-10:chart`.

Weekly summary: on `schedule.weekly_summary_day` at `schedule.weekly_summary_time` team time, the
previous Monday–Sunday's summary to the group (`summary:<team>:2026-W48:group`) and to each admin
(`summary:<team>:2026-W48:admin:<member>`, with who is behind pace).

After downtime, a board whose moment passed less than a week ago, or a summary whose moment passed
this week, is posted once on start; older ones are not (stale news). A team created after a
moment gets nothing for it, nor boards of periods that ended before it was created.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from config import Config
from core.domain import MemberStatus
from core.quiet import next_allowed, parse_hhmm
from core.race import Period, PeriodKind
from locales import translator
from reports import race_board, summary
from storage import outbox
from storage import race as race_storage
from storage.models import Member, Team

LATE_BOARD = timedelta(days=7)  # a board missed longer (downtime) is stale news: not posted
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def first_workday(year: int, month: int, is_workday: Callable[[date], bool]) -> date:
    day = date(year, month, 1)
    for _ in range(62):
        if is_workday(day):
            return day
        day += timedelta(days=1)
    return date(year, month, 1)


def boards_due(today: date, is_workday: Callable[[date], bool]) -> tuple[date, list[Period]]:
    """This month's first working day and the periods whose boards are posted on it."""
    first = first_workday(today.year, today.month, is_workday)
    last_month = Period.containing(PeriodKind.MONTH, date(today.year, today.month, 1) - timedelta(days=1))
    periods = [last_month]
    if today.month in (1, 4, 7, 10):
        periods.append(Period.containing(PeriodKind.QUARTER, last_month.end))
    if today.month == 1:
        periods.append(Period(PeriodKind.YEAR, today.year - 1))
    return first, periods


@dataclass
class BoardReport:
    boards: int = 0
    summaries: int = 0


class Boards:
    def __init__(self, config: Config, is_workday: Callable[[date], bool]) -> None:
        self.config = config
        self.is_workday = is_workday

    def _allowed(self, now: datetime, tz: ZoneInfo, is_workday: Callable[[date], bool]) -> datetime:
        s = self.config.schedule
        return next_allowed(now, tz=tz, quiet_start=s.quiet_hours_start, quiet_end=s.quiet_hours_end,
                            is_workday=is_workday)

    def run(self, session: Session, team: Team, *, now: datetime, report: BoardReport,
            is_workday: Callable[[date], bool] | None = None) -> None:
        """`is_workday`: the team's own working days (default: the national calendar)."""
        workday = is_workday or self.is_workday
        tz = ZoneInfo(team.timezone)
        today = now.astimezone(tz).date()
        schedule = self.config.schedule
        if team.group_chat_id is not None:
            first, periods = boards_due(today, workday)
            moment = datetime.combine(first, parse_hhmm(schedule.race_board_time), tzinfo=tz)
            if moment <= now < moment + LATE_BOARD and team.created_at < moment:
                born = team.created_at.astimezone(tz).date()
                for period in (p for p in periods if p.end >= born):  # only periods the team lived in
                    report.boards += self.post_board(session, team, period, now=now, tz=tz,
                                                     is_workday=workday)
        weekday = WEEKDAYS.index(schedule.weekly_summary_day.lower())
        day = today - timedelta(days=today.weekday()) + timedelta(days=weekday)
        moment = datetime.combine(day, parse_hhmm(schedule.weekly_summary_time), tzinfo=tz)
        if now >= moment and team.created_at < moment:
            report.summaries += self.post_summary(session, team, day, now=now, tz=tz, is_workday=workday)

    def post_board(self, session: Session, team: Team, period: Period, *, now: datetime, tz: ZoneInfo,
                   is_workday: Callable[[date], bool] | None = None) -> int:
        key = f"board:{team.id}:{period.key}"
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
            caption = race_board.period_in_words(t, period)
            if chart.fallback:
                caption += "\n" + t("The chart is labelled in English and by rank: no Chinese font is installed "
                                    "on the server.")
            outbox.enqueue(session, key=f"{key}:chart", chat_id=team.group_chat_id, kind="board",
                           payload={"text": caption, "parse_mode": None, "buttons": [],
                                    "photo_b64": base64.b64encode(chart.png).decode()},
                           not_before=not_before, team_id=team.id, now=now)
        return sent

    def post_summary(self, session: Session, team: Team, day: date, *, now: datetime, tz: ZoneInfo,
                     is_workday: Callable[[date], bool] | None = None) -> int:
        week = "{}-W{:02d}".format(*day.isocalendar())
        base = f"summary:{team.id}:{week}"
        admins = list(session.scalars(select(Member).where(
            Member.team_id == team.id, Member.status == MemberStatus.ACTIVE).order_by(Member.id)))
        admins = [m for m in admins if m.role.is_admin]
        wanted: list[tuple[str, Member | None]]
        wanted = ([(f"{base}:group", None)] if team.group_chat_id is not None else []) + [
            (f"{base}:admin:{m.id}", m) for m in admins]
        wanted = [(key, m) for key, m in wanted if outbox.by_key(session, key) is None]
        if not wanted:
            return 0
        start, end = summary.last_week(day)
        data = summary.gather(session, team, start=start, end=end, today=now.astimezone(tz).date(),
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

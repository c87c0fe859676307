"""Each team's working days: China's calendar (core/holidays.py), corrected for every team by the
config's `[holidays]` section and for one team by its office (`/holiday`, table `team_calendar_days`),
the team's own corrections winning."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from config import Config
from core import holidays
from core.holidays import Workday
from storage.db import among
from storage.models import TeamCalendarDay


def national(config: Config) -> Workday:
    """The calendar every team starts from: China's (or every day, with `delivery.holidays = false`),
    with the config's `[holidays]` days."""
    base = holidays.is_workday if config.delivery.holidays else holidays.every_day
    return holidays.corrected(base, config.holidays.corrections())


def unarranged_years(session: Session, team_id: int, config: Config, *, today: date) -> list[int]:
    """The years the team's calendar is missing the State Council's arrangement for (core/holidays.py
    `has_arrangement`): this year, and from December the next, when the installed calendar does not have it
    and neither config.toml's `[holidays]` nor the office has entered a make-up working weekend in it. None with
    `delivery.holidays = false` (no holiday is kept then)."""
    if not config.delivery.holidays:
        return []
    wanted = [year for year in (today.year, today.year + 1) if (year == today.year or today.month == 12)
              and not holidays.has_arrangement(year)]
    if not wanted:
        return []
    entered = [*config.holidays.corrections().items(), *corrections(session, [team_id]).get(team_id, {}).items()]
    made_up = {day.year for day, workday in entered if workday and day.weekday() >= holidays.SATURDAY}
    return [year for year in wanted if year not in made_up]


def corrections(session: Session, team_ids: Iterable[int]) -> dict[int, dict[date, bool]]:
    """Team → its office's corrections (day → whether it is a working day)."""
    ids = sorted(set(team_ids))
    found: dict[int, dict[date, bool]] = defaultdict(dict)
    if ids:
        for team_id, day, workday in session.execute(select(
                TeamCalendarDay.team_id, TeamCalendarDay.day, TeamCalendarDay.workday).where(
                among(session, TeamCalendarDay.team_id, ids))):
            found[team_id][day] = workday
    return dict(found)


def workdays(session: Session, team_ids: Iterable[int], *, base: Workday) -> dict[int, Workday]:
    """Team → its working-day function (one query for all of them)."""
    ids = set(team_ids)
    days = corrections(session, ids)
    return {team_id: holidays.corrected(base, days.get(team_id, {})) for team_id in ids}


def workday(session: Session, team_id: int, *, base: Workday) -> Workday:
    return workdays(session, [team_id], base=base)[team_id]


def listing(session: Session, team_id: int, *, since: date) -> list[TeamCalendarDay]:
    """The team's corrections from `since` on, by day."""
    return list(session.scalars(select(TeamCalendarDay).where(
        TeamCalendarDay.team_id == team_id, TeamCalendarDay.day >= since).order_by(TeamCalendarDay.day)))


def by_day(session: Session, team_id: int, day: date) -> TeamCalendarDay | None:
    return session.scalar(select(TeamCalendarDay).where(TeamCalendarDay.team_id == team_id,
                                                        TeamCalendarDay.day == day))


def set_day(session: Session, *, team_id: int, day: date, workday: bool, note: str | None,
            now: datetime) -> TeamCalendarDay:
    """Records (or replaces) the team's correction for `day`."""
    row = by_day(session, team_id, day)
    if row is None:
        row = TeamCalendarDay(team_id=team_id, day=day, workday=workday, note=note, created_at=now)
        session.add(row)
    else:
        row.workday, row.note, row.created_at = workday, note, now
    session.flush()
    return row


def remove_day(session: Session, *, team_id: int, day: date) -> TeamCalendarDay | None:
    """Removes the team's correction for `day`; the removed row, or None when there was none."""
    row = by_day(session, team_id, day)
    if row is not None:
        session.delete(row)
        session.flush()
    return row

"""What the weekly summary (周报) reads: last week's logs by duty, the year's progress against what the
targets ask for by now, who moved up in the year's ranking, upcoming deadlines and overdue items, and
(for the admins' version) who is behind pace. `gather` reads it in a bounded number of team-wide queries
(the year once, for the week's end and the day before it: `storage.race.gather_days`), whatever the team's
size; reports/summary.py words it."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from config import Config
from core import pace, race
from core.domain import Duty, MemberStatus, MotionKind, StudyKind
from storage import calendar, deadlines, progress
from storage import race as race_storage
from storage.models import Member, Motion, ResearchTopic, ResearchTrip, StudySession, Team

UPCOMING_DAYS = 7


@dataclass(frozen=True)
class Summary:
    """What one team's weekly summary reads: last week's logs, the year against the targets, who moved
    up, deadlines, and who is behind."""

    team_name: str
    start: date  # the week's first day
    end: date  # its last day
    today: date
    logged: dict[Duty, Decimal]  # last week's logs by duty
    trips: int
    year_done: dict[Duty, Decimal]  # the team's totals this year
    year_expected: dict[Duty, Decimal]  # what the targets ask for by now, summed
    moved_up: list[tuple[str, int, int]]  # name, from rank, to rank
    upcoming: list[tuple[str, deadlines.Item]]  # owner's name, item
    overdue: list[tuple[str, deadlines.Item]]
    behind: list[tuple[str, list[Duty]]] = field(default_factory=list)  # admins only
    unarranged: list[int] = field(default_factory=list)  # admins only: storage.calendar.unarranged_years


def trip_spans(session: Session, team_id: int, *, start: date, end: date) -> dict[int, list[tuple[date, date]]]:
    """Each member's trips touching start–end, as (first day, last day), by member id."""
    spans: dict[int, list[tuple[date, date]]] = defaultdict(list)
    for member_id, first, last in session.execute(select(
            ResearchTrip.member_id, ResearchTrip.start_date, ResearchTrip.end_date).where(
            ResearchTrip.team_id == team_id, ResearchTrip.deleted_at.is_(None),
            ResearchTrip.start_date <= end, ResearchTrip.end_date >= start)):
        spans[member_id].append((first, last))
    return spans


def study_counts(session: Session, team_id: int, *, start: date, end: date) -> dict[StudyKind, int]:
    """How many study sessions of each kind were held start–end."""
    return {kind: n for kind, n in session.execute(select(StudySession.kind, func.count()).where(
        StudySession.team_id == team_id, StudySession.deleted_at.is_(None),
        StudySession.held_on.between(start, end)).group_by(StudySession.kind))}


def key_topics_counted(session: Session, team_id: int, *, start: date, end: date) -> int:
    """How many key research topics came to count start–end: on ``counts_on``, the day a topic reached the
    team's counting stage, as the race, /me and the month totals count it (not the day it was registered)."""
    return session.scalar(select(func.count()).select_from(ResearchTopic).where(
        ResearchTopic.team_id == team_id, ResearchTopic.deleted_at.is_(None),
        ResearchTopic.counts_on.between(start, end))) or 0


def key_motions_assigned(session: Session, team_id: int, *, start: date, end: date) -> dict[MotionKind, int]:
    """How many key motions of each kind were assigned start–end."""
    return {kind: n for kind, n in session.execute(select(Motion.kind, func.count()).where(
        Motion.team_id == team_id, Motion.deleted_at.is_(None), Motion.is_key.is_(True),
        Motion.assigned_on.between(start, end)).group_by(Motion.kind))}


def active_names(session: Session, team_id: int) -> dict[int, str]:
    """The team's active members' names by id, in id order (columns only: 2,000 members as ORM objects with
    their relationships cost the summary ~50 ms)."""
    rows = session.execute(select(Member.id, Member.display_name).where(
        Member.team_id == team_id, Member.status == MemberStatus.ACTIVE).order_by(Member.id))
    return {member_id: name for member_id, name in rows}


def gather(session: Session, team: Team, *, start: date, end: date, today: date, config: Config,
           from_totals: bool = True) -> Summary:
    """The summary of start–end as of ``today``: the year's race read once for two days (as of the week's end
    and the day before it, for who moved up; `storage.race.gather_days`), from the month totals unless
    ``from_totals`` is False."""
    tz = ZoneInfo(team.timezone)
    people = active_names(session, team.id)
    logged: dict[Duty, Decimal] = {duty: Decimal(0) for duty in Duty}
    spans = trip_spans(session, team.id, start=start, end=end)
    logged[Duty.RESEARCH_DAYS] = Decimal(sum(pace.days_covered(s, within=(start, end)) for s in spans.values()))
    trips = sum(len(s) for s in spans.values())
    for kind, n in study_counts(session, team.id, start=start, end=end).items():
        duty = Duty.LAW_STUDY if kind == StudyKind.LAW else Duty.COLLECTIVE_STUDY
        if kind in progress.STUDY_KINDS_FOR[duty]:
            logged[duty] += n
    logged[Duty.KEY_RESEARCH_TOPICS] = Decimal(key_topics_counted(session, team.id, start=start, end=end))
    for motion_kind, n in key_motions_assigned(session, team.id, start=start, end=end).items():
        logged[race_storage.KEY_MOTION_DUTY[motion_kind]] += n

    # The week's year, as of its last day: the year holding most of its days (for a Monday–Sunday week, its
    # ISO year), so 21–27 Dec reports 2026, and so does 28 Dec – 3 Jan (as of 31 Dec), not 2027's first days.
    middle = start + timedelta(days=(end - start).days // 2)
    as_of = min(end, today, date(middle.year, 12, 31))
    year = race.Period(race.PeriodKind.YEAR, as_of.year)
    weights = race_storage.weights_from(config.race)
    before = start - timedelta(days=1)  # who moved up: the year's ranks then and now
    compared = before.year == as_of.year and as_of >= year.start
    read = race_storage.gather_days(session, team.id, year, days=(as_of, before) if compared else (as_of,),
                                    defaults=config.team_defaults.targets, tz=tz, from_totals=from_totals)
    now_inputs = read[0]
    now_scores = race.score_all(now_inputs, year, as_of=as_of, weights=weights)
    year_done = {duty: Decimal(0) for duty in Duty}
    year_expected = {duty: Decimal(0) for duty in Duty}
    for score in now_scores:
        for term in score.duties:
            year_done[term.duty] += term.done
            year_expected[term.duty] += term.target

    moved_up: list[tuple[str, int, int]] = []
    if compared:
        now_ranks = {e.member_id: e.rank for e in race.rank(now_scores)}
        then_ranks = {e.member_id: e.rank for e in race.rank(race.score_all(read[1], year, as_of=before,
                                                                              weights=weights))}
        for member_id, rank in sorted(now_ranks.items(), key=lambda pair: pair[1]):
            earlier = then_ranks.get(member_id)
            if earlier is not None and rank < earlier and member_id in people:
                moved_up.append((people[member_id], earlier, rank))

    upcoming, overdue = [], []
    for item in deadlines.open_items(session, team):
        owner = people.get(item.member_id)
        if owner is None:
            continue
        if item.due < today:
            overdue.append((owner, item))
        elif item.due <= today + timedelta(days=UPCOMING_DAYS):
            upcoming.append((owner, item))

    behind = []
    paces = race_storage.paces_of(now_inputs, today=as_of, config=config)
    on_pace = pace.PaceStatus.ON_PACE  # read once: 12,000 paces for 2,000 members
    gone = {inputs.member_id for inputs in now_inputs if pace.out_of_office(inputs.availability.until_day, today)}
    for member_id, name in people.items():
        if member_id in gone:  # their term ended: their year stands, they are not behind
            continue
        duties = [d.duty for d in paces.get(member_id, ()) if d.status is not on_pace]
        if duties:
            behind.append((name, duties))
    return Summary(team.name, start, end, today, logged, trips, year_done, year_expected, moved_up, upcoming,
                   overdue, behind, calendar.unarranged_years(session, team.id, config, today=today))

"""What the ledger (台账) exports for one team and year: members, trips, follow-ups, study, motions, tasks,
and the audit log's entries about the motions and task assignments (their history: each reply round,
each return with its reason, each extension; core/ledger.py reads it). `year_ledger` reads all of it;
reports/ledger.py lays it out in sheets.

Deleted records are left out; removed members' records stay (removal ends access, not history).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from config import Config
from core.ledger import Event
from core.task_lights import Light
from storage import calendar, tasks, team_duties
from storage.evaluation import TeamEvaluation, team_evaluation
from storage.models import (
    AuditEntry,
    FollowUpItem,
    Lookback,
    Member,
    MemberStatus,
    Motion,
    ResearchTopic,
    ResearchTrip,
    StudyAttendance,
    StudySession,
    Task,
    TaskAssignment,
    TaskRequest,
    Team,
    TeamDuty,
    TeamDutyEntry,
)
from storage.persistence import decode
from storage.progress import YearProgress, year_progress


@dataclass(frozen=True)
class YearLedger:
    """Everything the ledger's sheets show for one team and year, read in one transaction."""

    zone: ZoneInfo  # the team's: instants are shown as days there
    as_of: date  # the day the ledger judges open items on (overdue days): today, or the year's last day
    names: dict[int, str]  # every member's display name, removed ones included
    progress: list[tuple[Member, YearProgress]]  # the progress sheet's members, each with their year's pace
    trips: list[Any]  # (trip, key research topic's title or None)
    follow_ups: list[Any]  # (finding, its trip's first day, its trip's places)
    study_sessions: list[StudySession]
    attendance: list[Any]  # (session id, member id)
    motions: list[Motion]
    task_assignments: list[Any]  # (task, assignment)
    motion_events: dict[int, list[Event]]  # motion id → its audit entries, oldest first
    assignment_events: dict[int, list[Event]]  # task assignment id → its audit entries, oldest first
    task_lights: dict[int, Light] = field(default_factory=dict)  # task assignment id → its light at as_of's start
    task_requests: dict[int, list[TaskRequest]] = field(default_factory=dict)  # assignment id → its requests
    key_topics: list[ResearchTopic] = field(default_factory=list)  # the year's, by lead then registration
    lookbacks: dict[tuple[str, int], list[Lookback]] = field(default_factory=dict)  # (kind, item id) → 回头看 rounds
    evaluation: TeamEvaluation | None = None  # the year-end evaluation (the 考评 sheet); None for a year to come
    own_duties: list[TeamDuty] = field(default_factory=list)  # the team's own duties, retired ones too
    own_duty_entries: list[tuple[TeamDutyEntry, TeamDuty]] = field(default_factory=list)  # the year's, by member


def year_ledger(session: Session, team: Team, year: int, *, today: date, config: Config) -> YearLedger:
    """The team's year; `today` decides the pace (the year's last day once it is over)."""
    as_of = min(today, date(year, 12, 31)) if today.year >= year else date(year, 1, 1)
    zone = ZoneInfo(team.timezone)
    motion_rows = motions(session, team.id, year)
    assignment_rows = task_assignments(session, team.id, year, zone)
    return YearLedger(
        zone=zone,
        as_of=as_of,
        names=names(session, team.id),
        progress=[(member, year_progress(session, member, today=as_of, config=config))
                  for member in roster(session, team.id)],
        trips=trips(session, team.id, year),
        follow_ups=follow_ups(session, team.id, year),
        study_sessions=study_sessions(session, team.id, year),
        attendance=attendance(session, team.id, year),
        motions=motion_rows,
        task_assignments=assignment_rows,
        motion_events=events(session, team.id, "motion", [m.id for m in motion_rows], zone),
        assignment_events=events(session, team.id, "task_assignment", [a.id for _, a in assignment_rows], zone),
        task_lights=tasks.lights(session, [(a, task) for task, a in assignment_rows], team_id=team.id,
                                 timezone=team.timezone, now=datetime.combine(as_of, time(0), tzinfo=zone),
                                 base=calendar.national(config)),
        task_requests=tasks.requests_of(session, [a.id for _, a in assignment_rows]),
        key_topics=key_topics(session, team.id, year),
        lookbacks=lookbacks(session, team.id),
        evaluation=team_evaluation(session, team, year, today=today, config=config) if today.year >= year else None,
        own_duties=team_duties.every(session, team.id),
        own_duty_entries=team_duties.entries(session, team.id, first=date(year, 1, 1), last=date(year, 12, 31)),
    )


def key_topics(session: Session, team_id: int, year: int) -> list[ResearchTopic]:
    """The team's key research topics of the year (not deleted), each lead's in the order registered."""
    return list(session.scalars(select(ResearchTopic).where(
        ResearchTopic.team_id == team_id, ResearchTopic.year == year, ResearchTopic.deleted_at.is_(None))
        .order_by(ResearchTopic.lead_member_id, ResearchTopic.id)))


def lookbacks(session: Session, team_id: int) -> dict[tuple[str, int], list[Lookback]]:
    """The team's 回头看 rounds per item (kind, id), in order: the ledger's 回头看 column."""
    found: dict[tuple[str, int], list[Lookback]] = {}
    for row in session.scalars(select(Lookback).where(Lookback.team_id == team_id, Lookback.dropped.is_(False))
                               .order_by(Lookback.item_kind, Lookback.item_id, Lookback.round)):
        found.setdefault((row.item_kind, row.item_id), []).append(row)
    return found


def _year(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)


def _trips_of(year: int) -> list[ColumnElement[bool]]:
    """The trips the ledger counts in the year: not deleted, and touching it."""
    first, last = _year(year)
    return [ResearchTrip.deleted_at.is_(None), ResearchTrip.start_date <= last,
            ResearchTrip.end_date >= first]


def _sessions_of(team_id: int, year: int) -> list[ColumnElement[bool]]:
    """The team's study sessions held in the year, not deleted."""
    first, last = _year(year)
    return [StudySession.team_id == team_id, StudySession.deleted_at.is_(None),
            StudySession.held_on.between(first, last)]


def names(session: Session, team_id: int) -> dict[int, str]:
    """Every member's display name, removed ones included (their records stay in the ledger)."""
    return dict(session.execute(select(Member.id, Member.display_name).where(Member.team_id == team_id)).all())


def roster(session: Session, team_id: int) -> list[Member]:
    """Members the progress sheet lists, in the order they joined: those who owe the duties, as the race, the
    dashboard's grid and /me count them (active, in the race); not the office, nor anyone not joined yet."""
    return list(session.scalars(select(Member).where(
        Member.team_id == team_id, Member.status == MemberStatus.ACTIVE, Member.races.is_(True)).order_by(Member.id)))


def trips(session: Session, team_id: int, year: int) -> list[Any]:
    """Trips that touch the year, oldest first, with their key research topic's title."""
    return list(session.execute(
        select(ResearchTrip, ResearchTopic.title)
        .outerjoin(ResearchTopic, ResearchTopic.id == ResearchTrip.research_topic_id)
        .where(ResearchTrip.team_id == team_id, *_trips_of(year))
        .order_by(ResearchTrip.start_date, ResearchTrip.id)
    ).all())


def follow_ups(session: Session, team_id: int, year: int) -> list[Any]:
    """Findings of the year's trips, with the trip's first day and places (where the opinion was heard)."""
    return list(session.execute(
        select(FollowUpItem, ResearchTrip.start_date, ResearchTrip.places)
        .join(ResearchTrip, ResearchTrip.id == FollowUpItem.trip_id)
        .where(FollowUpItem.team_id == team_id, FollowUpItem.deleted_at.is_(None), *_trips_of(year))
        .order_by(ResearchTrip.start_date, FollowUpItem.id)
    ).all())


def study_sessions(session: Session, team_id: int, year: int) -> list[StudySession]:
    return list(session.scalars(
        select(StudySession).where(*_sessions_of(team_id, year))
        .order_by(StudySession.held_on, StudySession.id)))


def attendance(session: Session, team_id: int, year: int) -> list[Any]:
    """(session id, member id) for every attendance at the year's sessions."""
    return list(session.execute(
        select(StudyAttendance.session_id, StudyAttendance.member_id)
        .join(StudySession, StudySession.id == StudyAttendance.session_id)
        .where(*_sessions_of(team_id, year))
        .order_by(StudySession.held_on, StudySession.id, StudyAttendance.member_id)
    ).all())


def motions(session: Session, team_id: int, year: int) -> list[Motion]:
    first, last = _year(year)
    return list(session.scalars(
        select(Motion).where(Motion.team_id == team_id, Motion.deleted_at.is_(None),
                             Motion.assigned_on.between(first, last))
        .order_by(Motion.kind, Motion.assigned_on, Motion.id)))


def task_assignments(session: Session, team_id: int, year: int, zone: ZoneInfo) -> list[Any]:
    """Each assignee's side of the tasks due in the year of the team's calendar, cancelled ones too (the ledger
    shows them so). A task is filed by its own deadline: it stays in the year it was set for whatever an extension
    or a 回头看 reopening later does to an assignee's (their row shows the deadline in force, the 回头看 column what
    became of it), as a motion stays in the year of its 交办."""
    first = datetime.combine(date(year, 1, 1), time(), tzinfo=zone)
    last = datetime.combine(date(year + 1, 1, 1), time(), tzinfo=zone)
    return list(session.execute(
        select(Task, TaskAssignment).join(TaskAssignment, TaskAssignment.task_id == Task.id)
        .where(Task.team_id == team_id, Task.due_at >= first, Task.due_at < last)
        .order_by(Task.due_at, Task.id, TaskAssignment.member_id)
    ).all())


def events(session: Session, team_id: int, entity: str, ids: list[int], zone: ZoneInfo) -> dict[int, list[Event]]:
    """The audit log's entries about these records of the team, per record, oldest first, dated in team time."""
    found: dict[int, list[Event]] = {}
    wanted = set(ids)
    if not wanted:
        return found
    for entity_id, action, before, after, at in session.execute(
            select(AuditEntry.entity_id, AuditEntry.action, AuditEntry.before, AuditEntry.after, AuditEntry.at)
            .where(AuditEntry.team_id == team_id, AuditEntry.entity == entity)  # no IN list: a year's tasks
            .order_by(AuditEntry.at, AuditEntry.id)):  # can pass SQLite's limit on bound parameters
        if entity_id not in wanted:
            continue
        found.setdefault(int(entity_id), []).append(
            Event(at.astimezone(zone).date(), action, decode(before or {}), decode(after or {}), at))
    return found

"""Models: instants come back as aware UTC, days as dates, enums as enums, on both backends."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy.exc import IntegrityError

from config import Config
from core.clock import ManualClock
from storage import onboarding
from storage.db import Database
from storage.models import (
    AssignmentStatus,
    Duty,
    Member,
    MemberStatus,
    Motion,
    MotionKind,
    OutboxMessage,
    ResearchTrip,
    Role,
    StudyAttendance,
    StudyKind,
    StudySession,
    Target,
    Task,
    TaskAssignment,
)
from tests.conftest import SHANGHAI


def _team(db: Database, clock: ManualClock) -> tuple[int, int]:
    with db.session() as session:
        new = onboarding.create_team(session, name="省政府党组", admin_telegram_id=1, group_chat_id=-100,
                                     config=Config(), now=clock.now())
        return new.team.id, new.owner.id


def test_times_are_stored_in_utc_and_read_back_aware(db: Database, clock: ManualClock) -> None:
    team_id, owner_id = _team(db, clock)
    due = datetime(2026, 11, 27, 17, 0, tzinfo=SHANGHAI)
    with db.session() as session:
        task = Task(team_id=team_id, title="报送材料", due_at=due, created_by_member_id=owner_id,
                    created_at=clock.now())
        session.add(task)
        session.flush()
        task_id = task.id
    with db.session() as session:
        stored = session.get(Task, task_id)
        assert stored is not None
        assert stored.due_at == due
        assert stored.due_at.utcoffset() == timedelta(0)
        assert stored.due_at.hour == 9  # 17:00 in Shanghai is 09:00 UTC


def test_a_naive_datetime_is_refused_rather_than_guessed(db: Database, clock: ManualClock) -> None:
    team_id, owner_id = _team(db, clock)
    with pytest.raises(Exception, match="naive datetime"):
        with db.session() as session:
            session.add(Task(team_id=team_id, title="x", due_at=datetime(2026, 11, 27, 17, 0),
                             created_by_member_id=owner_id, created_at=clock.now()))


def test_the_whole_domain_round_trips(db: Database, clock: ManualClock) -> None:
    team_id, owner_id = _team(db, clock)
    now = clock.now()
    with db.session() as session:
        trip = ResearchTrip(team_id=team_id, member_id=owner_id, start_date=date(2026, 11, 5),
                            end_date=date(2026, 11, 8), places="淳安县", topic="山区共富调研", created_at=now)
        study = StudySession(team_id=team_id, kind=StudyKind.LAW, held_on=date(2026, 11, 20), hours=Decimal("2.5"),
                             topic="优化营商环境条例", recorded_by_member_id=owner_id, created_at=now)
        motion = Motion(team_id=team_id, kind=MotionKind.SUGGESTION, number="123", title="关于加快山区公路建设的建议",
                        is_key=True, lead_member_id=owner_id, assigned_on=date(2026, 3, 1),
                        reply_due=date(2026, 6, 1), created_at=now)
        target = Target(team_id=team_id, member_id=None, year=2026, duty=Duty.RESEARCH_DAYS, value=Decimal(60))
        session.add_all([trip, study, motion, target])
        session.flush()
        session.add(StudyAttendance(session_id=study.id, member_id=owner_id, created_at=now))
        task = Task(team_id=team_id, title="督办", due_at=now, created_by_member_id=owner_id, created_at=now)
        session.add(task)
        session.flush()
        session.add(TaskAssignment(task_id=task.id, member_id=owner_id))
        ids = trip.id, study.id, motion.id
    with db.session() as session:
        trip, study, motion = (session.get_one(ResearchTrip, ids[0]), session.get_one(StudySession, ids[1]),
                               session.get_one(Motion, ids[2]))
        assert (trip.start_date, trip.end_date, trip.places) == (date(2026, 11, 5), date(2026, 11, 8), "淳安县")
        assert study.kind is StudyKind.LAW and study.hours == Decimal("2.50")
        assert [a.member_id for a in study.attendance] == [owner_id]
        assert motion.kind is MotionKind.SUGGESTION and motion.is_key
        assert session.query(TaskAssignment).one().status is AssignmentStatus.ASSIGNED


def test_a_telegram_user_is_in_a_team_at_most_once(db: Database, clock: ManualClock) -> None:
    team_id, _ = _team(db, clock)
    with pytest.raises(IntegrityError):
        with db.session() as session:
            session.add(Member(team_id=team_id, telegram_user_id=1, display_name="dup", role=Role.MEMBER,
                               status=MemberStatus.ACTIVE, created_at=clock.now()))


def test_an_outbox_key_is_unique(db: Database, clock: ManualClock) -> None:
    def row() -> OutboxMessage:
        return OutboxMessage(key="nudge:task:41:member:7:T-1", chat_id=7, kind="nudge",
                             not_before=clock.now(), created_at=clock.now())

    with db.session() as session:
        session.add(row())
    with pytest.raises(IntegrityError):
        with db.session() as session:
            session.add(row())


def test_timestamps_are_utc_aware() -> None:
    assert ManualClock(datetime(2026, 1, 1, tzinfo=SHANGHAI)).now().tzinfo is UTC

"""回头看 rows: made in the transaction that closes an item (a follow-up item closed, a task closed by the office,
a suggestion answered B-class), one round each time it closes; answered once; 未落实 reopens each kind of item
with a deadline still ahead, audited."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from config import Config
from core import holidays
from core import motions as motion_rules
from core.domain import (
    AssignmentStatus,
    FollowUpStatus,
    MemberStatus,
    MotionKind,
    MotionStatus,
    ResultClass,
    Role,
)
from core.lookback import Result
from core.tasks import Move
from storage import lookback, members, motions, onboarding, tasks, trips
from storage.db import Database
from storage.models import AuditEntry, FollowUpItem, Lookback, Member, Motion, Task, TaskAssignment
from tests.conftest import ManualClock

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 23, 10, tzinfo=TZ)


@pytest.fixture
def people(db: Database) -> tuple[Member, Member]:
    """The office's owner and 张三."""
    with db.session() as session:
        new = onboarding.create_team(session, name="省政府党组", admin_telegram_id=900, group_chat_id=None,
                                     config=Config(), now=NOW)
        new.owner.status = MemberStatus.ACTIVE
        zhang = members.add(session, team=new.team, telegram_user_id=1001, display_name="张三", username=None,
                            role=Role.MEMBER, status=MemberStatus.ACTIVE, now=NOW, joined_on=date(2026, 1, 1))
        return new.owner, zhang


def _rows(db: Database) -> list[Lookback]:
    with db.session() as session:
        return list(session.scalars(select(Lookback).order_by(Lookback.id)))


def _task(db: Database, owner: Member, zhang: Member) -> int:
    with db.session() as session:
        task = tasks.create(session, creator=session.get_one(Member, owner.id), title="安全生产大检查", detail=None,
                            due_at=datetime(2026, 11, 27, 18, tzinfo=TZ), assignees=[session.get_one(Member, zhang.id)],
                            attachment_file_id=None, attachment_kind=None, now=datetime(2026, 11, 16, 9, tzinfo=TZ))
        (assignment,) = session.scalars(select(TaskAssignment).where(TaskAssignment.task_id == task.id))
        return assignment.id


def _close_task(db: Database, owner: Member, assignment_id: int, now: datetime) -> None:
    with db.session() as session:
        found = tasks.find(session, assignment_id)
        assert found is not None
        assert tasks.move(session, found, Move.REPORT, actor=found.assignee, now=now, text="已整改") is None
        assert tasks.move(session, found, Move.CLOSE, actor=session.get_one(Member, owner.id), now=now) is None


def test_closing_a_task_makes_its_first_round_in_the_same_transaction(db: Database,
                                                                     people: tuple[Member, Member]) -> None:
    owner, zhang = people
    assignment = _task(db, owner, zhang)
    with db.session() as session:  # a close that fails (reported, not yet) makes nothing
        found = tasks.find(session, assignment)
        assert found is not None
        assert tasks.move(session, found, Move.CLOSE, actor=session.get_one(Member, owner.id), now=NOW) is not None
    assert _rows(db) == []
    _close_task(db, owner, assignment, NOW)
    (row,) = _rows(db)
    assert (row.item_kind, row.item_id, row.owner_member_id, row.round, row.closed_at) == (
        "task", assignment, zhang.id, 1, NOW)
    assert row.next_at == NOW and row.due_at is None  # the next check works out its day


def test_a_follow_up_item_closing_makes_a_round_and_a_suggestion_only_when_answered_b_class(
        db: Database, people: tuple[Member, Member], clock: ManualClock) -> None:
    _owner, zhang = people
    with db.session() as session:
        me = session.get_one(Member, zhang.id)
        trip = trips.log_trip(session, member=me, start=date(2026, 11, 2), end=date(2026, 11, 3), places="淳安县",
                              topic="山区共富", research_topic_id=None, now=NOW)
        item = trips.add_finding(session, member=me, trip=trip, content="村道需要拓宽", department="交通局",
                                 feedback_due=date(2026, 12, 3), now=NOW)
        for step in (FollowUpStatus.HANDLED, FollowUpStatus.FED_BACK, FollowUpStatus.CLOSED):
            assert trips.advance(session, item=item, target=step, actor=me, now=NOW, note="已反馈") is None
        made = []
        for number, result in (("12", ResultClass.A), ("13", ResultClass.B), ("14", ResultClass.C)):
            motion = motions.create(session, lead=me, kind=MotionKind.SUGGESTION, number=number, title="山区道路建设",
                                    is_key=True, assigned_on=date(2026, 9, 1), reply_due_months=3, now=NOW)
            new = motion_rules.reply(motions.state_of(motion), replied_on=date(2026, 11, 20), result_class=result,
                                     today=date(2026, 11, 23))
            motions.apply(session, motion, new, action="reply", actor=me, now=NOW)
            made.append(motion.id)
        item_id = item.id
    assert [(row.item_kind, row.item_id) for row in _rows(db)] == [("followup", item_id), ("motion", made[1])]


def test_an_answer_is_recorded_once_and_audited(db: Database, people: tuple[Member, Member]) -> None:
    owner, zhang = people
    _close_task(db, owner, _task(db, owner, zhang), NOW)
    later = NOW + timedelta(days=92)
    with db.session() as session:
        row = session.get_one(Lookback, _rows(db)[0].id)
        me = session.get_one(Member, zhang.id)
        assert lookback.answer(session, row, result=Result.PARTLY, actor=me, now=later)
        assert not lookback.answer(session, row, result=Result.HELD, actor=me, now=later)
        assert lookback.add_note(session, row, note=" 仍有两处未整改 ", actor=me, now=later)
        assert not lookback.add_note(session, row, note="再说一次", actor=me, now=later)
    (row,) = _rows(db)
    assert (row.result, row.note, row.answered_at, row.next_at) == (Result.PARTLY, "仍有两处未整改", later, None)
    with db.session() as session:
        actions = list(session.scalars(select(AuditEntry.action).where(AuditEntry.entity == "lookback")))
    assert actions == ["lookback_answer", "lookback_note"]


def test_not_held_reopens_a_task_for_its_assignee_with_a_deadline_ahead_and_a_second_round_when_closed_again(
        db: Database, people: tuple[Member, Member]) -> None:
    owner, zhang = people
    assignment = _task(db, owner, zhang)
    _close_task(db, owner, assignment, NOW)
    later = datetime(2027, 2, 23, 10, tzinfo=TZ)
    with db.session() as session:
        row = session.get_one(Lookback, _rows(db)[0].id)
        me = session.get_one(Member, zhang.id)
        assert lookback.answer(session, row, result=Result.NOT_HELD, actor=me, now=later)
        due = lookback.reopen(session, row, actor=me, now=later, tz=TZ, is_workday=holidays.is_workday,
                              reopen_months=1)
        assert lookback.reopen(session, row, actor=me, now=later, tz=TZ, is_workday=holidays.is_workday,
                               reopen_months=1) is None  # a second reopen finds it open: nothing changes
    # the task ran 16 → 27 November: 9 working days; from Tuesday 23 February 2027, the ninth is 8 March
    assert due == datetime(2027, 3, 8, 18, tzinfo=TZ)
    with db.session() as session:
        again = session.get_one(TaskAssignment, assignment)
        assert again.status is AssignmentStatus.ASSIGNED and again.due_at == due and again.closed_at is None
        assert again.next_nudge_at is not None  # nudged again, against its own deadline
        task = session.get_one(Task, again.task_id)
        assert task.due_at == datetime(2026, 11, 27, 18, tzinfo=TZ)  # the others' deadline stays
        assert session.scalar(select(AuditEntry.action).where(AuditEntry.entity == "task_assignment")
                              .order_by(AuditEntry.id.desc())) == "reopen"
    _close_task(db, owner, assignment, datetime(2027, 3, 5, 10, tzinfo=TZ))
    assert [row.round for row in _rows(db)] == [1, 2]


def test_not_held_reopens_a_follow_up_item_and_a_suggestion(db: Database, people: tuple[Member, Member]) -> None:
    _owner, zhang = people
    later = datetime(2027, 2, 23, 10, tzinfo=TZ)
    with db.session() as session:
        me = session.get_one(Member, zhang.id)
        trip = trips.log_trip(session, member=me, start=date(2026, 11, 2), end=date(2026, 11, 3), places="淳安县",
                              topic="山区共富", research_topic_id=None, now=NOW)
        item = trips.add_finding(session, member=me, trip=trip, content="村道需要拓宽", department="交通局",
                                 feedback_due=date(2026, 12, 3), now=NOW)
        for step in (FollowUpStatus.HANDLED, FollowUpStatus.FED_BACK, FollowUpStatus.CLOSED):
            trips.advance(session, item=item, target=step, actor=me, now=NOW, note="已反馈")
        motion = motions.create(session, lead=me, kind=MotionKind.SUGGESTION, number="13", title="山区道路建设",
                                is_key=True, assigned_on=date(2026, 9, 1), reply_due_months=3, now=NOW)
        replied = motion_rules.reply(motions.state_of(motion), replied_on=date(2026, 11, 20),
                                     result_class=ResultClass.B, today=date(2026, 11, 23))
        motions.apply(session, motion, replied, action="reply", actor=me, now=NOW)
        closed = motion_rules.record_satisfaction(replied, satisfaction=motion_rules.Satisfaction.SATISFIED,
                                                  today=date(2026, 11, 24))
        motions.apply(session, motion, closed, action="close", actor=me, now=NOW)
        for row in session.scalars(select(Lookback)):
            assert lookback.answer(session, row, result=Result.NOT_HELD, actor=me, now=later)
            assert lookback.reopen(session, row, actor=me, now=later, tz=TZ, is_workday=holidays.is_workday,
                                   reopen_months=1) is not None
        item_id, motion_id = item.id, motion.id
    with db.session() as session:
        item = session.get_one(FollowUpItem, item_id)
        assert (item.status, item.feedback_due, item.closed_at) == (FollowUpStatus.ASSIGNED, date(2027, 3, 25), None)
        motion = session.get_one(Motion, motion_id)
        assert (motion.status, motion.reply_due, motion.reopened, motion.result_class) == (
            MotionStatus.HANDLING, date(2027, 3, 23), 1, None)
        assert item.next_nudge_at is not None and motion.next_nudge_at is not None

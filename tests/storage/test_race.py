"""The race's inputs from the database on both backends: what counts in a period, in a fixed number of
queries whatever the team's size; the board with movement; snapshots saved once per member."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from config import Config
from core.clock import ManualClock
from core.domain import (
    AssignmentStatus,
    Duty,
    FollowUpStatus,
    LeaveKind,
    MemberStatus,
    MotionKind,
    MotionStatus,
    ResultClass,
    Role,
    StudyKind,
    TopicStage,
)
from core.pace import Availability, PaceStatus
from core.race import Deadline, DeadlineKind, MemberInputs, Period, PeriodKind, tally_deadlines
from storage import members, motions, onboarding, progress, race, study, tasks, trips
from storage import topics as topic_queries
from storage.db import Database
from storage.models import LeavePeriod, Member, RaceSnapshot, Target, TaskAssignment, Team

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOV = Period(PeriodKind.MONTH, 2026, 11)
TODAY = date(2026, 11, 21)


def d(month: int, day: int, year: int = 2026) -> date:
    return date(year, month, day)


def at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 10, tzinfo=SHANGHAI)


@pytest.fixture
def team(db: Database, clock: ManualClock) -> dict[str, Member]:
    """张三, 李四 and 王五 (took office 16 November; opened the bot that day too); the owner and 赵六 never
    opened the bot (pending)."""
    with db.session() as session:
        new = onboarding.create_team(session, name="省政府党组", admin_telegram_id=900, group_chat_id=None,
                                     config=Config(), now=clock.now())
        people = {"owner": new.owner}
        for uid, name, joined, status in ((1001, "张三", d(1, 1), MemberStatus.ACTIVE),
                                          (1002, "李四", d(1, 1), MemberStatus.ACTIVE),
                                          (1003, "王五", d(11, 16), MemberStatus.ACTIVE),
                                          (1004, "赵六", None, MemberStatus.PENDING)):
            people[name] = members.add(session, team=new.team, telegram_user_id=uid, display_name=name,
                                       username=None, role=Role.MEMBER, status=status, now=clock.now(),
                                       joined_on=joined)
        people["王五"].took_office_on = d(11, 16)
        return people


def _motion(session: Session, lead: Member, number: str, assigned: date, *, key: bool = False,
            replied: date | None = None) -> None:
    motion = motions.create(session, lead=lead, kind=MotionKind.SUGGESTION, number=number, title="山区道路建设",
                            is_key=key, assigned_on=assigned, reply_due_months=3, now=at(assigned))
    if replied is not None:
        motion.status, motion.replied_on, motion.result_class = MotionStatus.REPLIED, replied, ResultClass.A


def _records(db: Database, people: dict[str, Member]) -> None:
    zhang, li, wang = people["张三"], people["李四"], people["王五"]
    with db.session() as session:
        trips.log_trip(session, member=zhang, start=d(11, 5), end=d(11, 8), places="淳安县", topic="共富",
                       research_topic_id=None, now=at(d(11, 8)))
        trips.log_trip(session, member=zhang, start=d(11, 7), end=d(11, 9), places="开化县", topic="共富",
                       research_topic_id=None, now=at(d(11, 9)))  # overlaps: 5 days in all
        trips.log_trip(session, member=zhang, start=d(10, 30), end=d(11, 1), places="建德市", topic="共富",
                       research_topic_id=None, now=at(d(11, 1)))  # one day of it in November
        trips.log_trip(session, member=zhang, start=d(11, 25), end=d(11, 26), places="桐庐县", topic="共富",
                       research_topic_id=None, now=at(d(11, 20)))  # after the board day
        trip = trips.log_trip(session, member=li, start=d(9, 1), end=d(9, 3), places="临安区", topic="共富",
                              research_topic_id=None, now=at(d(9, 3)))
        trips.add_finding(session, member=li, trip=trip, content="道路破损", department="交通局",
                          feedback_due=d(10, 3), now=at(d(9, 3)))  # overdue since October
        done = trips.add_finding(session, member=li, trip=trip, content="饮水", department="水利局",
                                 feedback_due=d(11, 10), now=at(d(9, 3)))
        done.status, done.fed_back_at = FollowUpStatus.FED_BACK, at(d(11, 12))  # late
        topic_queries.set_counting_stage(session, session.get_one(Team, zhang.team_id), TopicStage.REGISTERED,
                                         actor=None, now=at(d(1, 5)))  # topics count from 立项 in this team
        trips.add_key_topic(session, member=zhang, year=2026, title="山区共富", now=at(d(11, 2)))
        trips.add_key_topic(session, member=li, year=2026, title="数字政府", now=at(d(3, 2)))  # March
        study.log_own(session, member=zhang, kind=StudyKind.COLLECTIVE, held_on=d(11, 10), starts_at=None,
                      hours=Decimal(2), topic="条例", now=at(d(11, 10)))
        study.log_own(session, member=zhang, kind=StudyKind.THEORY_GROUP, held_on=d(11, 12), starts_at=None,
                      hours=Decimal(2), topic="全会", now=at(d(11, 12)))
        study.log_own(session, member=zhang, kind=StudyKind.SELF_STUDY, held_on=d(11, 12), starts_at=None,
                      hours=Decimal(2), topic="自学", now=at(d(11, 12)))  # self-study is no duty
        study.log_own(session, member=wang, kind=StudyKind.LAW, held_on=d(11, 18), starts_at=None,
                      hours=Decimal(2), topic="民法典", now=at(d(11, 18)))
        _motion(session, zhang, "1", d(11, 3), key=True)
        _motion(session, zhang, "2", d(8, 10), replied=d(11, 9))  # due 10 November, on time
        _motion(session, li, "3", d(5, 4))  # due 4 August: overdue
        session.add(LeavePeriod(member_id=li.id, kind=LeaveKind.ABROAD, start_date=d(11, 1),
                                end_date=d(11, 10), created_at=at(d(10, 20))))


def _gathered(session: Session, team_id: int, period: Period, as_of: date) -> dict[int, MemberInputs]:
    """Each member's inputs read from scratch, their deadlines row by row; the same read from the totals has the
    deadlines counted by the database, and the counts are what the rows make."""
    defaults = Config().team_defaults.targets
    scratch = {i.member_id: i for i in race.gather(session, team_id, period, as_of=as_of, defaults=defaults,
                                                   tz=SHANGHAI, from_totals=False)}
    kept = {i.member_id: i for i in race.gather(session, team_id, period, as_of=as_of, defaults=defaults,
                                                tz=SHANGHAI)}
    assert {member_id: tuple(i.tallies or ()) for member_id, i in kept.items()} == \
        {member_id: tally_deadlines(i.deadlines, period, as_of) for member_id, i in scratch.items()}
    return scratch


def test_what_counts_in_a_period(db: Database, team: dict[str, Member]) -> None:
    _records(db, team)
    with db.session() as session:
        gathered = _gathered(session, team["owner"].team_id, NOV, TODAY)
    assert set(gathered) == {team[n].id for n in ("张三", "李四", "王五")}  # not the pending ones
    zhang, li, wang = gathered[team["张三"].id], gathered[team["李四"].id], gathered[team["王五"].id]
    assert zhang.done == {Duty.RESEARCH_DAYS: 6, Duty.KEY_RESEARCH_TOPICS: 1, Duty.COLLECTIVE_STUDY: 2,
                          Duty.KEY_SUGGESTIONS: 1}
    assert zhang.deadlines == (Deadline(d(11, 10), d(11, 9)),)
    assert li.done == {}  # the trip and the topic were before November
    assert sorted(li.deadlines, key=lambda x: x.due) == [
        Deadline(d(8, 4)), Deadline(d(10, 3), kind=DeadlineKind.FEEDBACK),
        Deadline(d(11, 10), d(11, 12), DeadlineKind.FEEDBACK)]
    assert li.availability.leave == ((d(11, 1), d(11, 10)),)
    assert wang.done == {Duty.LAW_STUDY: 1} and wang.availability.from_day == d(11, 16)
    assert zhang.yearly_targets[Duty.RESEARCH_DAYS] == 60


def test_the_office_is_not_in_the_race_and_opening_the_bot_late_does_not_pro_rate(
        db: Database, team: dict[str, Member], clock: ManualClock) -> None:
    """The owner (team create --admin) is active but does not race; an admin put in the race does; a member
    who first opened the bot on 4 December without a 任职日期 is judged on the whole year."""
    _records(db, team)
    with db.session() as session:
        owner = session.get_one(Member, team["owner"].id)
        owner.status = MemberStatus.ACTIVE
        leader = members.add(session, team=owner.team, telegram_user_id=1005, display_name="钱七", username=None,
                             role=Role.ADMIN, status=MemberStatus.ACTIVE, now=clock.now(), joined_on=d(12, 4))
        leader_id, owner_id = leader.id, owner.id
    with db.session() as session:
        year = race.gather(session, team["owner"].team_id, Period(PeriodKind.YEAR, 2026), as_of=d(12, 4),
                           defaults=Config().team_defaults.targets, tz=SHANGHAI)
        people = {c.member_id for c in race.contenders(session, team["owner"].team_id)}
    gathered = {i.member_id: i for i in year}
    assert owner_id not in gathered and owner_id not in people
    assert leader_id in gathered and leader_id in people
    assert gathered[leader_id].availability == Availability(2026)  # the whole year, 4 December or not

def _task(session: Session, owner: Member, assignee: Member, due: datetime, *, reported: datetime | None = None,
          closed: datetime | None = None, returned: datetime | None = None, cancelled: datetime | None = None) -> None:
    task = tasks.create(session, creator=owner, title="整改", detail=None, due_at=due, assignees=[assignee],
                        attachment_file_id=None, attachment_kind=None, now=due - timedelta(days=10))
    assignment = task.assignments[0]
    assignment.reported_at, assignment.closed_at, assignment.returned_at = reported, closed, returned
    assignment.status = (AssignmentStatus.CLOSED if closed else AssignmentStatus.REPORTED if reported
                         else AssignmentStatus.ASSIGNED)
    task.cancelled_at = cancelled


def test_supervised_tasks_count_as_deadlines_to_the_minute(db: Database, team: dict[str, Member]) -> None:
    owner, zhang = team["owner"], team["张三"]
    due = datetime(2026, 11, 8, 18, tzinfo=SHANGHAI)
    with db.session() as session:
        _task(session, owner, zhang, due)  # still assigned: 13 days overdue on the 21st
        _task(session, owner, zhang, due, reported=due - timedelta(minutes=5), closed=due + timedelta(days=2))
        _task(session, owner, zhang, due, reported=due + timedelta(minutes=1), closed=due + timedelta(days=1))
        _task(session, owner, zhang, due, reported=due - timedelta(days=1))  # reported, never closed
        _task(session, owner, zhang, due, returned=due - timedelta(days=1))  # returned, not reported again
        _task(session, owner, zhang, due, cancelled=due - timedelta(days=1))  # cancelled: nothing
        _task(session, owner, zhang, datetime(2026, 9, 1, 18, tzinfo=SHANGHAI))  # old and open: overdue
        _task(session, owner, zhang, datetime(2026, 9, 1, 18, tzinfo=SHANGHAI),
              reported=datetime(2026, 8, 30, tzinfo=SHANGHAI), closed=datetime(2026, 9, 2, tzinfo=SHANGHAI))
        _task(session, owner, zhang, datetime(2026, 11, 21, 9, tzinfo=SHANGHAI))  # due today: waits
    with db.session() as session:
        gathered = _gathered(session, owner.team_id, NOV, TODAY)
        board = race.board(session, session.get_one(Team, owner.team_id), NOV, as_of=TODAY, config=Config())
    found = gathered[zhang.id].deadlines
    assert all(item.kind is DeadlineKind.TASK for item in found) and len(found) == 7  # not the cancelled one
    assert all(item.due_at is not None and item.due_at.utcoffset() is not None for item in found)
    score = board.scores[zhang.id]
    # judged in November: the open one, on time, a minute late, reported-not-closed, returned → 1 of 5 on time
    assert (score.judged, score.on_time, score.overdue) == (5, 1, 4)
    assert [(t.kind, t.judged, t.on_time, t.overdue) for t in score.tallies] == [(DeadlineKind.TASK, 5, 1, 4)]


def test_an_extended_assignment_is_judged_in_the_month_of_its_own_deadline(db: Database,
                                                                           team: dict[str, Member]) -> None:
    """Due 20 October, extended (延期) to 5 November and done on 3 November: on time in November, where its
    deadline in force falls; nothing in October, whose board it left."""
    owner, zhang = team["owner"], team["张三"]
    with db.session() as session:
        _task(session, owner, zhang, datetime(2026, 10, 20, 18, tzinfo=SHANGHAI),
              reported=datetime(2026, 11, 3, 10, tzinfo=SHANGHAI), closed=datetime(2026, 11, 3, 16, tzinfo=SHANGHAI))
        session.flush()
        (assignment,) = session.scalars(select(TaskAssignment).where(TaskAssignment.member_id == zhang.id))
        assignment.due_at = datetime(2026, 11, 5, 18, tzinfo=SHANGHAI)
    with db.session() as session:
        the_team = session.get_one(Team, owner.team_id)
        october = race.board(session, the_team, Period(PeriodKind.MONTH, 2026, 10), as_of=d(10, 31), config=Config())
        november = race.board(session, the_team, NOV, as_of=TODAY, config=Config())
    assert (october.scores[zhang.id].judged, october.scores[zhang.id].overdue) == (0, 0)
    found = november.scores[zhang.id]
    assert (found.judged, found.on_time, found.overdue) == (1, 1, 0)


def test_the_board_ranks_with_every_term(db: Database, team: dict[str, Member]) -> None:
    _records(db, team)
    with db.session() as session:
        board = race.board(session, session.get_one(Team, team["owner"].team_id), NOV, as_of=TODAY,
                           config=Config())
    by_name = {board.contenders[e.member_id].name: e for e in board.ranked}
    assert [board.contenders[e.member_id].name for e in board.ranked][0] == "张三"
    zhang, li = by_name["张三"].score, by_name["李四"].score
    assert (zhang.judged, zhang.on_time, zhang.overdue) == (1, 1, 0)
    assert (li.judged, li.on_time, li.overdue) == (1, 0, 2)
    assert li.active_days == 11  # 21 days less ten abroad
    # No snapshot of October: its ranks are computed now. 王五 joined in November: new.
    assert [by_name[n].is_new for n in ("张三", "李四", "王五")] == [False, False, True]
    assert by_name["张三"].previous_rank is not None and by_name["张三"].movement is not None
    assert board.day == TODAY and board.unranked == 0 and not board.previous_saved


def test_movement_comes_from_the_saved_snapshot(db: Database, team: dict[str, Member],
                                                clock: ManualClock) -> None:
    _records(db, team)
    team_id = team["owner"].team_id
    with db.session() as session:
        october = race.board(session, session.get_one(Team, team_id), NOV.previous, as_of=TODAY,
                             config=Config())
        assert race.save_snapshot(session, team_id, NOV.previous, october.ranked, now=clock.now()) == 2
        assert race.save_snapshot(session, team_id, NOV.previous, october.ranked, now=clock.now()) == 2
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(RaceSnapshot)) == 2  # saved once per member
        saved = race.previous_ranks(session, team_id, NOV.previous)
        assert saved == {e.member_id: e.rank for e in october.ranked}
        assert race.previous_ranks(session, team_id, NOV) is None
        november = race.board(session, session.get_one(Team, team_id), NOV, as_of=TODAY, config=Config())
    assert november.previous_saved
    zhang = next(e for e in november.ranked if e.member_id == team["张三"].id)
    assert zhang.previous_rank == saved[team["张三"].id]
    wang = next(e for e in november.ranked if e.member_id == team["王五"].id)
    assert wang.is_new  # joined in November: not on October's board


def test_a_snapshot_saved_again_takes_the_new_rank(db: Database, team: dict[str, Member],
                                                  clock: ManualClock) -> None:
    team_id = team["owner"].team_id
    with db.session() as session:
        board = race.board(session, session.get_one(Team, team_id), NOV, as_of=TODAY, config=Config())
        race.save_snapshot(session, team_id, NOV, board.ranked, now=clock.now())
        changed = [type(e)(rank=e.rank + 1, score=e.score, previous_rank=None) for e in board.ranked]
        race.save_snapshot(session, team_id, NOV, changed, now=clock.now())
    with db.session() as session:
        assert race.previous_ranks(session, team_id, NOV) == {e.member_id: e.rank + 1 for e in board.ranked}


def test_a_snapshot_saved_again_is_the_new_board_whole(db: Database, team: dict[str, Member],
                                                      clock: ManualClock) -> None:
    """Saved again (the board at its time after the ranks saved the night the period ended), a period's snapshot
    is the later board: a member no longer on it is not left with the earlier rank, and it is dated anew."""
    _records(db, team)
    team_id = team["owner"].team_id
    with db.session() as session:
        board = race.board(session, session.get_one(Team, team_id), NOV, as_of=TODAY, config=Config())
        race.save_snapshot(session, team_id, NOV, board.ranked, now=clock.now())
        assert race.saved_at(session, team_id, NOV) == clock.now()
    clock.advance(timedelta(hours=9))
    gone = board.ranked[0].member_id
    with db.session() as session:
        race.save_snapshot(session, team_id, NOV, [e for e in board.ranked if e.member_id != gone], now=clock.now())
    with db.session() as session:
        assert race.previous_ranks(session, team_id, NOV) == {e.member_id: e.rank for e in board.ranked
                                                              if e.member_id != gone}
        assert race.saved_at(session, team_id, NOV) == clock.now()
        assert race.saved_periods(session, {team_id: [NOV, NOV.previous]}) == {(team_id, NOV.key)}


def test_the_number_of_queries_does_not_grow_with_the_team(db: Database, team: dict[str, Member],
                                                           clock: ManualClock) -> None:
    _records(db, team)
    team_id = team["owner"].team_id
    with db.session() as session:
        team_row = session.get_one(Team, team_id)
        for n in range(30):
            member = members.add(session, team=team_row, telegram_user_id=5000 + n, display_name=f"成员{n}",
                                 username=None, role=Role.MEMBER, status=MemberStatus.ACTIVE, now=clock.now(),
                                 joined_on=d(1, 1))
            trips.log_trip(session, member=member, start=d(11, 1) + timedelta(days=n % 10), end=d(11, 12),
                           places="某县", topic="调研", research_topic_id=None, now=clock.now())
    statements: list[str] = []

    def count(*args: object) -> None:
        statements.append(str(args[2]))

    with db.session() as session:
        event.listen(db.engine, "before_cursor_execute", count)
        try:
            gathered = race.gather(session, team_id, NOV, as_of=TODAY,
                                   defaults=Config().team_defaults.targets, tz=SHANGHAI)
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
    assert len(gathered) == 33
    # with the team's own duties (and whether any changed after the board day); the deadlines in one
    assert len([s for s in statements if s.lstrip().upper().startswith("SELECT")]) == 10


@pytest.mark.parametrize("today", [date(2026, 11, 30), date(2026, 12, 30)])
def test_the_teams_paces_at_once_are_each_members_own(db: Database, team: dict[str, Member], today: date) -> None:
    """The weekly summary's who-is-behind list reads everyone at once; /me reads one member: they agree.
    (On days after every record: the team-wide read counts up to today, /me the whole year, which is
    the same thing because the bot refuses logs in the future; `_records` stores one by hand.)"""
    _records(db, team)
    config = Config()
    with db.session() as session:
        team_row = session.get_one(Team, team["owner"].team_id)
        session.add(Target(team_id=team_row.id, member_id=team["李四"].id, year=2026, duty=Duty.RESEARCH_DAYS,
                           value=Decimal(12)))
        session.flush()
        everyone = race.year_paces(session, team_row, today=today, config=config)
        active = session.scalars(select(Member).where(Member.team_id == team_row.id,
                                                      Member.status == MemberStatus.ACTIVE)).all()
        assert set(everyone) == {m.id for m in active}
        for member in active:
            own = progress.year_progress(session, member, today=today, config=config).duties
            assert everyone[member.id] == own, member.display_name
        assert any(p.status is not PaceStatus.ON_PACE for p in everyone[team["李四"].id])

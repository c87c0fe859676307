"""回头看 in the scheduling tick: a closed item's owner is asked once, on the day it comes back, at an allowed
moment; reminded once; the office told once; never twice across a restart, a second scheduler or a clock
that moves on."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select, update

from config import Config, LookbackSettings
from core import holidays
from core.domain import AssignmentStatus, FollowUpStatus, LeaveKind
from core.lookback import Result
from core.tasks import Move
from jobs.schedule import Scheduler
from storage import deadlines, lookback, members, roster, tasks, teams, trips
from storage.db import Database
from storage.models import FollowUpItem, Lookback, TaskAssignment
from tests.jobs.test_scheduled import SHANGHAI, Team, at, make_team


def _closed_task(team: Team, *, closed: datetime) -> int:
    """A task of 张三's, reported and closed by the office at ``closed``: its assignment's id."""
    _task, assignment_id = team.task(team.zhang, closed + timedelta(days=3))
    team.clock.set(closed)
    with team.db.session() as session:
        found = tasks.find(session, assignment_id)
        assert found is not None
        admin = session.get_one(members.Member, team.admin)
        assert tasks.move(session, found, Move.REPORT, actor=found.assignee, now=closed, text="已整改") is None
        assert tasks.move(session, found, Move.CLOSE, actor=admin, now=closed) is None
    return assignment_id


def _row(team: Team) -> Lookback:
    with team.db.session() as session:
        (row,) = session.scalars(select(Lookback))
        return row


def test_the_owner_is_asked_once_on_the_day_it_comes_back_at_the_first_allowed_moment(db: Database) -> None:
    team = make_team(db, at(date(2026, 11, 23), 9))
    assignment = _closed_task(team, closed=at(date(2026, 11, 23), 10))  # Monday
    team.run()  # the next check works out the day: 23 February 2027
    row = _row(team)
    assert (row.item_kind, row.item_id, row.owner_member_id, row.round) == ("task", assignment, team.zhang, 1)
    team.clock.set(at(date(2027, 2, 22), 20))
    team.walk(at(date(2027, 2, 23), 7, 30), step=timedelta(minutes=30))
    assert _row(team).due_at == at(date(2027, 2, 23), 0)
    (ask,) = team.rows("lookback:")
    assert ask.key == f"lookback:{row.id}:ask" and ask.chat_id == 1001
    assert ask.not_before == at(date(2027, 2, 23), 8)  # quiet hours end at 08:00
    assert ask.payload["text"].startswith("🔁 回头看：督办事项“安全生产大检查”已于2026年11月23日")
    assert [label for label, _ in ask.payload["buttons"][0]] == ["落实", "部分落实", "未落实"]
    assert [data for _, data in ask.payload["buttons"][0]] == [
        f"lb:a:{row.id}:held", f"lb:a:{row.id}:partly", f"lb:a:{row.id}:not_held"]
    team.walk(at(date(2027, 2, 25), 18), step=timedelta(hours=1))  # two more working days: still only the ask
    assert team.keys("lookback:") == [f"lookback:{row.id}:ask"]


def test_a_restart_or_a_second_scheduler_asks_nothing_twice(db: Database) -> None:
    team = make_team(db, at(date(2026, 11, 23), 9))
    _closed_task(team, closed=at(date(2026, 11, 23), 10))
    team.run()
    team.clock.set(at(date(2027, 2, 23), 0, 30))
    team.run()
    assert len(team.rows("lookback:")) == 1
    for _ in range(2):  # a restarted process, then another instance beside it: new schedulers, same database
        again = Scheduler(db=db, clock=team.clock, config=Config())
        again.run_once()
        team.clock.advance(timedelta(hours=1))
    with db.session() as session:  # even a row whose instant is made due again finds its ask already sent
        session.execute(update(Lookback).values(next_at=team.clock.now(), asked_at=None))
    team.run()
    assert team.keys("lookback:") == [f"lookback:{_row(team).id}:ask"]


def test_a_day_off_moves_the_question_to_the_next_working_day(db: Database) -> None:
    team = make_team(db, at(date(2026, 11, 21), 9))
    _closed_task(team, closed=at(date(2026, 11, 21), 10))  # Saturday: back on Sunday 21 February 2027
    team.run()
    team.clock.set(at(date(2027, 2, 20), 22))
    team.walk(at(date(2027, 2, 22), 12), step=timedelta(hours=1))
    (ask,) = team.rows("lookback:")
    assert ask.created_at == at(date(2027, 2, 21), 0) and ask.not_before == at(date(2027, 2, 22), 8)


def test_an_item_back_on_a_day_off_is_reminded_three_working_days_after_the_monday_it_was_asked(db: Database) -> None:
    """Back on Sunday 21 February 2027, asked on Monday the 22nd at 08:00: the reminder comes three working days
    after Monday (Thursday), as for an item back on a working day, and the office is told 张三 was asked on Monday,
    not on the Sunday on which nothing was sent."""
    team = make_team(db, at(date(2026, 11, 21), 9))
    _closed_task(team, closed=at(date(2026, 11, 21), 10))  # Saturday: back on Sunday 21 February 2027
    team.run()
    team.clock.set(at(date(2027, 2, 20), 22))
    team.walk(at(date(2027, 3, 10), 12), step=timedelta(hours=2))
    row = _row(team)
    assert [(r.key, r.not_before) for r in team.rows("lookback:")] == [
        (f"lookback:{row.id}:ask", at(date(2027, 2, 22), 8)),
        (f"lookback:{row.id}:remind", at(date(2027, 2, 25), 8)),  # Mon + 3 working days: Thursday
        (f"lookback:{row.id}:office:{team.admin}", at(date(2027, 3, 2), 8)),  # Thu + 3: Tuesday
    ]
    assert (row.asked_at, row.reminded_at) == (at(date(2027, 2, 22), 8), at(date(2027, 2, 25), 8))
    office = team.rows(f"lookback:{row.id}:office")[0].payload["text"]
    assert "（2027年2月22日（星期一）已询问）" in office, office


def test_an_owner_on_leave_the_monday_a_sunday_s_item_would_be_asked_is_asked_when_back(db: Database) -> None:
    """Back on Sunday 21 February 2027, when 张三 is not on leave; but the ask could go out only on Monday, and he
    is away Monday to Wednesday: he is asked on Thursday, the day he is back."""
    team = make_team(db, at(date(2026, 11, 21), 9))
    _closed_task(team, closed=at(date(2026, 11, 21), 10))
    with db.session() as session:
        roster.record_leave(session, session.get_one(members.Member, team.zhang), kind=LeaveKind.ABROAD,
                            start=date(2027, 2, 22), end=date(2027, 2, 24),
                            actor=session.get_one(members.Member, team.admin), now=team.clock.now())
    team.run()
    team.clock.set(at(date(2027, 2, 20), 22))
    team.walk(at(date(2027, 2, 26), 12), step=timedelta(hours=2))
    (ask,) = team.rows("lookback:")
    assert ask.key.endswith(":ask") and ask.not_before == at(date(2027, 2, 25), 8)


def test_unanswered_one_reminder_after_three_working_days_then_the_office_once(db: Database) -> None:
    team = make_team(db, at(date(2026, 11, 23), 9))
    _closed_task(team, closed=at(date(2026, 11, 23), 10))
    team.run()
    team.clock.set(at(date(2027, 2, 22), 23))
    team.walk(at(date(2027, 3, 12), 12), step=timedelta(hours=2))
    row = _row(team)
    assert [(r.key, r.not_before) for r in team.rows("lookback:")] == [
        (f"lookback:{row.id}:ask", at(date(2027, 2, 23), 8)),
        (f"lookback:{row.id}:remind", at(date(2027, 2, 26), 8)),  # Tue + 3 working days: Friday
        (f"lookback:{row.id}:office:{team.admin}", at(date(2027, 3, 3), 8)),  # Fri + 3: Wednesday
    ]
    assert "提醒" in team.rows(f"lookback:{row.id}:remind")[0].payload["text"]
    assert "张三尚未答复" in team.rows(f"lookback:{row.id}:office")[0].payload["text"]
    assert row.next_at is None and row.escalated_at is not None


def test_an_answer_stops_the_reminder(db: Database) -> None:
    team = make_team(db, at(date(2026, 11, 23), 9))
    _closed_task(team, closed=at(date(2026, 11, 23), 10))
    team.run()
    team.clock.set(at(date(2027, 2, 23), 9))
    team.run()
    with db.session() as session:
        row = session.get_one(Lookback, _row(team).id)
        zhang = session.get_one(members.Member, team.zhang)
        assert lookback.answer(session, row, result=Result.HELD, actor=zhang, now=team.clock.now())
        assert not lookback.answer(session, row, result=Result.NOT_HELD, actor=zhang, now=team.clock.now())
    team.walk(at(date(2027, 3, 12), 12), step=timedelta(hours=3))
    assert team.keys("lookback:") == [f"lookback:{_row(team).id}:ask"]
    assert _row(team).result is Result.HELD


def test_an_item_reopened_before_its_day_is_not_asked_about(db: Database) -> None:
    team = make_team(db, at(date(2026, 11, 23), 9))
    assignment = _closed_task(team, closed=at(date(2026, 11, 23), 10))
    team.run()
    with db.session() as session:  # reopened meanwhile (as an earlier round's 未落实 would)
        session.execute(update(TaskAssignment).where(TaskAssignment.id == assignment)
                        .values(status=AssignmentStatus.ASSIGNED))
    team.clock.set(at(date(2027, 2, 23), 9))
    team.run()
    assert team.rows("lookback:") == []
    assert _row(team).dropped and _row(team).next_at is None


def test_the_teams_own_interval_and_the_configs_default(db: Database) -> None:
    team = make_team(db, at(date(2026, 11, 23), 9))
    team.scheduler = Scheduler(db=db, clock=team.clock, config=Config(lookback=LookbackSettings(after_months=6)))
    _closed_task(team, closed=at(date(2026, 11, 23), 10))
    team.run()
    assert _row(team).due_at == at(date(2027, 5, 23), 0)
    with db.session() as session:
        assert lookback.set_months(session, teams.one(session, team.team_id), 1, now=team.clock.now()) == 1
    team.run()
    assert _row(team).due_at == at(date(2026, 12, 23), 0)


def test_an_owner_on_leave_is_asked_the_day_after_it_ends(db: Database) -> None:
    team = make_team(db, at(date(2026, 11, 23), 9))
    _closed_task(team, closed=at(date(2026, 11, 23), 10))
    with db.session() as session:
        roster.record_leave(session, session.get_one(members.Member, team.zhang), kind=LeaveKind.ABROAD,
                            start=date(2027, 2, 22), end=date(2027, 2, 24),
                            actor=session.get_one(members.Member, team.admin), now=team.clock.now())
    team.run()
    team.clock.set(at(date(2027, 2, 22), 23))
    team.walk(at(date(2027, 2, 26), 12), step=timedelta(hours=2))
    (ask,) = team.rows("lookback:")
    assert ask.key.endswith(":ask") and ask.not_before == at(date(2027, 2, 25), 8)


def test_a_finding_or_task_reopened_by_not_held_is_not_reminded_by_a_snooze_from_before_it_closed(
        db: Database) -> None:
    """张三 snoozes a finding's and a task's nudges for 3 days and closes both inside the snooze; three months
    on, 回头看 finds neither held and reopens them. Each is nudged for its new deadline as any open item is:
    no 'reminder' of the old snooze comes at the next tick."""
    team = make_team(db, at(date(2026, 11, 2), 9))  # both given three weeks and more
    _task, assignment_id = team.task(team.zhang, at(date(2026, 11, 25), 18))
    with db.session() as session:
        zhang = session.get_one(members.Member, team.zhang)
        trip = trips.log_trip(session, member=zhang, start=date(2026, 11, 2), end=date(2026, 11, 3), places="淳安县",
                              topic="山区共富", research_topic_id=None, now=team.clock.now())
        finding_id = trips.add_finding(session, member=zhang, trip=trip, content="村道狭窄", department="交通局",
                                       feedback_due=date(2026, 11, 25), now=team.clock.now()).id
    team.clock.set(at(date(2026, 11, 24), 10))  # T-1 of both
    team.run()
    assert len(team.keys("nudge:")) == 2
    with db.session() as session:
        deadlines.snooze(session, "f", finding_id, until=team.clock.now() + timedelta(days=3))
        deadlines.snooze(session, "t", assignment_id, until=team.clock.now() + timedelta(days=3))
    team.clock.set(at(date(2026, 11, 25), 10))  # both closed inside the snooze
    with db.session() as session:
        item = session.get_one(FollowUpItem, finding_id)
        zhang, admin = session.get_one(members.Member, team.zhang), session.get_one(members.Member, team.admin)
        for step in (FollowUpStatus.HANDLED, FollowUpStatus.FED_BACK, FollowUpStatus.CLOSED):
            assert trips.advance(session, item=item, target=step, actor=zhang, now=team.clock.now(),
                                 note="已拓宽") is None
        found = tasks.find(session, assignment_id)
        assert found is not None
        assert tasks.move(session, found, Move.REPORT, actor=zhang, now=team.clock.now(), text="已整改") is None
        assert tasks.move(session, found, Move.CLOSE, actor=admin, now=team.clock.now()) is None
    team.run()
    team.clock.set(at(date(2027, 2, 25), 10))  # 回头看: 未落实, both reopened
    with db.session() as session:
        zhang = session.get_one(members.Member, team.zhang)
        for row in session.scalars(select(Lookback)):
            assert lookback.reopen(session, row, actor=zhang, now=team.clock.now(), tz=SHANGHAI,
                                   is_workday=holidays.is_workday, reopen_months=3) is not None
    team.walk(at(date(2027, 2, 25), 16), step=timedelta(minutes=30))
    assert [key for key in team.keys("nudge:") if ":snoozed:" in key] == []

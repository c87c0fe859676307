"""The items' next-nudge instants (storage/next_nudge.py): set in the transaction of every change that can move a
nudge (to RECHECK: the next tick looks, then stores the precise instant), NULL and withdrawn at close, and a tick
that reads only what has come due."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import event, select, update

from core.domain import LeaveKind, MotionStatus, OutboxStatus
from storage import deadlines, members, next_nudge, roster
from storage.db import Database
from storage.models import LeavePeriod, Motion, OutboxMessage, Task, TaskAssignment
from storage.next_nudge import RECHECK
from tests.jobs.test_scheduled import Team, at, logged_a_week_ago, make_team

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _instant(team: Team, model: type[Motion] | type[TaskAssignment], row_id: int) -> datetime | None:
    with team.db.session() as session:
        return session.scalar(select(model.next_nudge_at).where(model.id == row_id))


def _midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=SHANGHAI).astimezone(UTC)


def _looked_at(team: Team, motion_id: int) -> datetime | None:
    """A tick runs; the motion's instant after it."""
    team.run()
    return _instant(team, Motion, motion_id)


def _friday(db: Database) -> Team:
    """The team of tests/jobs/test_scheduled.py made on Friday 20 November 2026, the clock on Tuesday the 24th."""
    return make_team(db, at(date(2026, 11, 20), 10, 30))


TUESDAY = at(date(2026, 11, 24), 10, 30)


def test_a_new_item_is_looked_at_on_the_next_tick_which_stores_its_next_stage(db: Database) -> None:
    team = _friday(db)
    motion_id = team.motion(team.zhang, date(2026, 12, 10))
    assert _instant(team, Motion, motion_id) == RECHECK
    team.clock.set(TUESDAY)
    assert _looked_at(team, motion_id) == _midnight(date(2026, 12, 3))  # T-7


def test_editing_the_due_day_makes_the_item_due_again_and_moves_its_instant(db: Database) -> None:
    team = _friday(db)
    motion_id = team.motion(team.zhang, date(2026, 12, 10))
    team.clock.set(TUESDAY)
    team.run()
    assert team.keys("nudge:") == []
    with team.db.session() as session:
        session.get_one(Motion, motion_id).reply_due = date(2026, 11, 27)
        session.flush()
        assert session.scalar(select(Motion.next_nudge_at).where(Motion.id == motion_id)) == RECHECK
    assert _looked_at(team, motion_id) == _midnight(date(2026, 11, 26))  # T-1 of 27 November, after …
    assert team.keys("nudge:") == [f"nudge:motion:{motion_id}:member:{team.zhang}:T-3:due:2026-11-27"]  # … T-3 today


def test_a_snooze_withdraws_the_queued_nudge_in_its_transaction_and_its_end_is_the_next_look(db: Database) -> None:
    team = _friday(db)
    motion_id = team.motion(team.zhang, date(2026, 11, 27))
    team.clock.set(TUESDAY)
    team.run()
    (queued,) = team.keys("nudge:")
    until = team.clock.now() + timedelta(days=1)
    with team.db.session() as session:
        deadlines.snooze(session, "m", motion_id, until=until)
        session.flush()
        assert session.scalar(select(Motion.next_nudge_at).where(Motion.id == motion_id)) == RECHECK
        assert session.scalar(select(OutboxMessage.status).where(OutboxMessage.key == queued)) == OutboxStatus.CANCELLED
    assert _looked_at(team, motion_id) == until.astimezone(UTC)


def test_leave_added_or_shortened_rechecks_the_members_items(db: Database) -> None:
    team = _friday(db)
    motion_id = team.motion(team.zhang, date(2026, 11, 27))
    other = team.motion(team.lily, date(2026, 11, 27), number="13")
    team.run()
    with team.db.session() as session:
        period = roster.record_leave(session, session.get_one(members.Member, team.zhang), kind=LeaveKind.LEAVE,
                                     start=date(2026, 11, 24), end=date(2026, 11, 30),
                                     actor=session.get_one(members.Member, team.admin), now=team.clock.now())
        period_id = period.id
    assert _instant(team, Motion, motion_id) == RECHECK and _instant(team, Motion, other) != RECHECK
    team.clock.set(at(date(2026, 11, 25)))
    assert _looked_at(team, motion_id) == _midnight(date(2026, 11, 26))  # on leave: looked at again tomorrow
    assert team.keys(f"nudge:motion:{motion_id}:") == []
    with team.db.session() as session:
        session.get_one(LeavePeriod, period_id).end_date = date(2026, 11, 24)  # back today after all
    assert _instant(team, Motion, motion_id) == RECHECK
    team.run()
    assert team.keys(f"nudge:motion:{motion_id}:") == [
        f"nudge:motion:{motion_id}:member:{team.zhang}:T-3:due:2026-11-27"]


def test_closing_an_item_withdraws_its_nudges_and_escalations_at_close_and_reopening_brings_it_back(
        db: Database) -> None:
    team = make_team(db, at(date(2026, 11, 23), 10))
    motion_id = team.motion(team.zhang, date(2026, 11, 6))  # overdue long enough to escalate
    logged_a_week_ago(team, motion_id)
    team.run()
    assert len(team.keys("nudge:")) == 1 and len(team.keys("escalate:")) == 1
    with team.db.session() as session:
        session.get_one(Motion, motion_id).deleted_at = team.clock.now()
        session.flush()  # the close's own transaction, before any tick
        assert session.scalar(select(Motion.next_nudge_at).where(Motion.id == motion_id)) is None
        assert {status for key, status in session.execute(select(OutboxMessage.key, OutboxMessage.status))
                if key.startswith(("nudge:", "escalate:"))} == {OutboxStatus.CANCELLED}
    with team.db.session() as session:
        session.get_one(Motion, motion_id).deleted_at = None  # restored
    assert _instant(team, Motion, motion_id) == RECHECK


def test_a_bulk_update_is_rechecked_and_the_tick_withdraws_what_a_closed_item_had_queued(db: Database) -> None:
    team = make_team(db, at(date(2026, 11, 23), 10))
    motion_id = team.motion(team.zhang, date(2026, 11, 6))
    logged_a_week_ago(team, motion_id)
    team.run()
    with team.db.session() as session:  # not through the ORM's flush
        session.execute(update(Motion).where(Motion.id == motion_id).values(deleted_at=team.clock.now()))
    assert _instant(team, Motion, motion_id) == RECHECK
    assert _looked_at(team, motion_id) is None
    assert {row.status for row in team.rows("nudge:") + team.rows("escalate:")} == {OutboxStatus.CANCELLED}


def _snoozed(team: Team, model: type[Motion] | type[TaskAssignment], row_id: int) -> datetime | None:
    with team.db.session() as session:
        return session.scalar(select(model.snoozed_until).where(model.id == row_id))


@pytest.mark.parametrize("bulk", [False, True], ids=["flush", "bulk update"])
def test_a_snooze_lasts_while_the_item_stays_open_and_goes_when_it_closes_or_opens_again(
        db: Database, bulk: bool) -> None:
    """Moving on while open (办理中) keeps the member's snooze; replying or deleting drops it, and so does opening
    again an item that was closed with one (a row from before the rule): a reopened item starts its nudges afresh."""
    team = make_team(db, at(date(2026, 11, 23), 10))
    motion_id = team.motion(team.zhang, date(2026, 11, 27))
    until = team.clock.now() + timedelta(days=3)

    def move(**values: object) -> None:
        with team.db.session() as session:
            if bulk:
                session.execute(update(Motion).where(Motion.id == motion_id).values(**values))
            else:
                row = session.get_one(Motion, motion_id)
                for key, value in values.items():
                    setattr(row, key, value)

    def snooze() -> None:
        with team.db.session() as session:
            deadlines.snooze(session, "m", motion_id, until=until)

    snooze()
    move(status=MotionStatus.HANDLING)
    assert _snoozed(team, Motion, motion_id) == until
    move(status=MotionStatus.REPLIED)
    assert _snoozed(team, Motion, motion_id) is None
    move(status=MotionStatus.HANDLING)
    snooze()
    move(deleted_at=team.clock.now())
    assert _snoozed(team, Motion, motion_id) is None
    with team.db.session() as session:  # closed with its snooze, bypassing both events
        session.execute(update(Motion).where(Motion.id == motion_id).values(snoozed_until=until),
                        execution_options={next_nudge.OWN: True})
    move(deleted_at=None)
    assert _snoozed(team, Motion, motion_id) is None


def test_a_tasks_due_time_and_cancellation_reach_its_assignments(db: Database) -> None:
    team = _friday(db)
    task_id, assignment_id = team.task(team.lily, at(date(2026, 12, 20), 18))
    team.clock.set(TUESDAY)
    team.run()
    assert _instant(team, TaskAssignment, assignment_id) == _midnight(date(2026, 12, 13))
    with team.db.session() as session:
        session.get_one(Task, task_id).due_at = at(date(2026, 11, 25), 18)
    assert _instant(team, TaskAssignment, assignment_id) == RECHECK
    team.run()
    assert _instant(team, TaskAssignment, assignment_id) == _midnight(date(2026, 11, 25))  # T-0, after T-1 today
    assert team.keys("nudge:task:") == [f"nudge:task:{task_id}:member:{team.lily}:T-1:due:2026-11-25"]
    with team.db.session() as session:
        session.get_one(Task, task_id).cancelled_at = team.clock.now()
    assert _instant(team, TaskAssignment, assignment_id) is None


def test_a_tick_with_nothing_due_issues_only_the_range_scans(db: Database) -> None:
    team = make_team(db, TUESDAY)
    for n in range(5):
        team.motion(team.zhang, date(2026, 12, 20) + timedelta(days=n), number=str(20 + n))
    team.run()  # every item and the team's day looked at once
    team.clock.advance(timedelta(minutes=5))
    statements: list[str] = []

    def seen(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", seen)
    try:
        report = team.scheduler.run_once()
    finally:
        event.remove(db.engine, "before_cursor_execute", seen)
    assert report.failed_teams == [] and report.nudges.nudges == 0
    queries = [s for s in statements if not s.startswith("BEGIN")]
    assert len(queries) == 2, statements  # items due (each table's earliest instant against now), teams due
    assert "min(motions.next_nudge_at)" in queries[0] and "next_check_at <=" in queries[1]
    assert len(statements) <= 3


def _tick_statements(team: Team) -> tuple[int, int]:
    """The next tick's statements and the nudges it made."""
    statements: list[str] = []

    def seen(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        statements.append(statement)

    event.listen(team.db.engine, "before_cursor_execute", seen)
    try:
        report = team.scheduler.run_once()
    finally:
        event.remove(team.db.engine, "before_cursor_execute", seen)
    assert report.failed_teams == []
    return len(statements), report.nudges.nudges


def test_a_tick_s_statements_do_not_grow_with_the_task_nudges_it_makes(db: Database) -> None:
    """Each task nudge carries its assignment's light (蓝/黄/红): read for all of them at once, not one assignment
    and its task at a time (1,450 task nudges cost 2,900 lazy loads, half the day's first tick)."""
    team = _friday(db)
    team.run()  # the day's work done
    counted = []
    for tasks_due in (2, 8):
        for _ in range(tasks_due):
            task_id, _ = team.task(team.lily, at(date(2026, 11, 27), 18))  # T-7 since midnight
            with team.db.session() as session:  # assigned the day before: today's T-7 is its first nudge
                session.get_one(Task, task_id).created_at = at(date(2026, 11, 19), 10)
        team.clock.advance(timedelta(minutes=1))
        counted.append(_tick_statements(team))
    (few, few_made), (many, many_made) = counted
    assert (few_made, many_made) == (2, 8)
    assert many == few


def test_the_clock_going_back_rechecks_later_instants(db: Database) -> None:
    team = _friday(db)
    motion_id = team.motion(team.zhang, date(2026, 11, 30))
    team.clock.set(TUESDAY)
    team.run()
    assert _instant(team, Motion, motion_id) == _midnight(date(2026, 11, 27))  # T-3, after T-7 today
    team.clock.set(at(date(2026, 11, 20), 23))  # back to Friday night: quiet hours
    team.run()
    assert _instant(team, Motion, motion_id) == at(date(2026, 11, 23), 8)  # looked at: waits for Monday 08:00
    assert next_nudge.RECHECK < team.clock.now()


def test_instants_are_stored_in_chunks_of_ids(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    """SQLite takes at most 32,766 parameters a statement: a tick in quiet hours moves every due row to the
    same allowed moment, so one instant's ids go in chunks."""
    team = _friday(db)
    ids = [team.motion(team.zhang, date(2026, 12, 10) + timedelta(days=n), number=str(30 + n)) for n in range(5)]
    monkeypatch.setattr(next_nudge, "CHUNK", 2)
    later = at(date(2026, 11, 23), 8)
    with team.db.session() as session:
        next_nudge.advance(session, [("motion", motion_id, later) for motion_id in ids])
    assert [_instant(team, Motion, motion_id) for motion_id in ids] == [later.astimezone(UTC)] * 5

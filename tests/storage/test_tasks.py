"""Supervised tasks in the database: who a task goes to, creating it, each assignee's moves as
compare-and-set (a second close changes nothing), what /tasks, /done and /me read, and the ledger's sheet;
cancelling a task (撤销), once, while someone still works on it."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import func, select, text

from config import Config
from core.clock import ManualClock
from core.domain import AssignmentStatus, MemberStatus, Role
from core.tasks import CancelProblem, Move, MoveProblem
from locales import translator
from reports import ledger
from reports.audit_log import describe
from storage import deadlines, members, onboarding, roster, tasks
from storage import ledger as ledger_storage
from storage.db import Database
from storage.models import AuditEntry, Member, Team
from tests.conftest import SHANGHAI

DUE = datetime(2026, 11, 30, 18, 0, tzinfo=SHANGHAI)


def _team(db: Database, clock: ManualClock) -> dict[str, int]:
    """Ids of an admin (李主任), two members, one not joined yet and one removed; and another team's member."""
    ids = {}
    with db.session() as session:
        team = onboarding.create_team(session, name="省政府党组", admin_telegram_id=1, group_chat_id=None,
                                      config=Config(), now=clock.now()).team
        other = onboarding.create_team(session, name="市政府党组", admin_telegram_id=2, group_chat_id=None,
                                       config=Config(), now=clock.now()).team
        for key, tg, name, role, status, where in (
                ("li", 10, "李主任", Role.ADMIN, MemberStatus.ACTIVE, team),
                ("zhang", 11, "张三", Role.MEMBER, MemberStatus.ACTIVE, team),
                ("wang", 12, "王五", Role.MEMBER, MemberStatus.ACTIVE, team),
                ("pending", 13, "赵六", Role.MEMBER, MemberStatus.PENDING, team),
                ("gone", 14, "钱七", Role.MEMBER, MemberStatus.ACTIVE, team),
                ("stranger", 15, "孙八", Role.MEMBER, MemberStatus.ACTIVE, other)):
            ids[key] = members.add(session, team=where, telegram_user_id=tg, display_name=name, username=None,
                                   role=role, status=status, now=clock.now(), joined_on=date(2026, 1, 1)).id
        ids["team"] = team.id
        li, gone = session.get_one(Member, ids["li"]), session.get_one(Member, ids["gone"])
        roster.remove(session, gone, actor=li, now=clock.now())
    return ids


def _names(found: list[Member]) -> list[str]:
    return [m.display_name for m in found]


def test_a_task_goes_only_to_active_members_of_the_team(db: Database, clock: ManualClock) -> None:
    ids = _team(db, clock)
    with db.session() as session:
        team, li = ids["team"], ids["li"]
        assert _names(tasks.audience(session, team, "all", [], creator_id=li)) == ["张三", "王五"]
        assert _names(tasks.audience(session, team, "members", [], creator_id=li)) == ["张三", "王五"]
        assert _names(tasks.audience(session, team, "admins", [], creator_id=li)) == []
        picked = [ids["wang"], ids["stranger"], ids["gone"], ids["pending"], ids["li"]]  # forged ids are dropped
        assert _names(tasks.audience(session, team, "pick", picked, creator_id=li)) == ["李主任", "王五"]
        assert tasks.audience(session, team, "somebody", [], creator_id=li) == []
        page, total = tasks.pickable(session, team, offset=0, limit=2)
        assert (_names(page), total) == (["李主任", "张三"], 3)


def _create(db: Database, clock: ManualClock, ids: dict[str, int]) -> tuple[int, dict[str, int]]:
    with db.session() as session:
        creator = session.get_one(Member, ids["li"])
        people = tasks.audience(session, ids["team"], "members", [], creator_id=creator.id)
        task = tasks.create(session, creator=creator, title="报送三季度安全生产情况", detail=None, due_at=DUE,
                            assignees=people, attachment_file_id="AgAC-1", attachment_kind="photo", now=clock.now())
        return task.id, {m.display_name: a.id for m, a in zip(people, task.assignments, strict=True)}


def _move(db: Database, clock: ManualClock, assignment_id: int, move: Move, actor_id: int,
          text: str | None = None) -> MoveProblem | None:
    with db.session() as session:
        found = tasks.find(session, assignment_id)
        assert found is not None
        return tasks.move(session, found, move, actor=session.get_one(Member, actor_id), now=clock.now(), text=text,
                          evidence_file_id="AgAC-2" if move is Move.REPORT else None,
                          evidence_kind="photo" if move is Move.REPORT else None)


def test_the_loop_is_audited_and_a_second_press_changes_nothing(db: Database, clock: ManualClock) -> None:
    ids = _team(db, clock)
    task_id, by_name = _create(db, clock, ids)
    zhang = by_name["张三"]
    assert _move(db, clock, zhang, Move.CLOSE, ids["li"]) is MoveProblem.NOT_REPORTED
    assert _move(db, clock, zhang, Move.REPORT, ids["zhang"], "已报送") is None
    assert _move(db, clock, zhang, Move.REPORT, ids["zhang"], "again") is MoveProblem.ALREADY_REPORTED
    assert _move(db, clock, zhang, Move.RETURN, ids["li"], "缺附表") is None
    assert _move(db, clock, zhang, Move.REPORT, ids["zhang"], "已补充") is None

    with db.session() as session:  # two admins press Close on the same report: the first one wins
        seen = tasks.find(session, zhang)  # as the second admin's press read it: still reported
        assert seen is not None and seen.assignment.status is AssignmentStatus.REPORTED
        session.execute(text("UPDATE task_assignments SET status = 'closed' WHERE id = :id"), {"id": zhang})
        assert tasks.move(session, seen, Move.CLOSE, actor=session.get_one(Member, ids["li"]),
                          now=clock.now()) is MoveProblem.ALREADY_CLOSED
    assert _move(db, clock, zhang, Move.CLOSE, ids["li"]) is MoveProblem.ALREADY_CLOSED
    with db.session() as session:
        session.execute(text("UPDATE task_assignments SET status = 'reported' WHERE id = :id"), {"id": zhang})
    assert _move(db, clock, zhang, Move.CLOSE, ids["li"]) is None
    with db.session() as session:
        found = tasks.find(session, zhang)
        assert found is not None and found.assignment.status is AssignmentStatus.CLOSED
        assert found.assignment.report_note == "已补充" and found.assignment.returned_reason == "缺附表"
        assert found.assignment.closed_by_member_id == ids["li"]
        assert (tasks.times(session, zhang, Move.REPORT), tasks.times(session, zhang, Move.RETURN)) == (2, 1)
        actions = list(session.scalars(select(AuditEntry.action).where(
            AuditEntry.entity.in_(["task", "task_assignment"])).order_by(AuditEntry.id)))
        assert actions == ["create", "report", "return", "report", "close"]
        assert task_id


def test_what_tasks_done_and_me_read(db: Database, clock: ManualClock) -> None:
    ids = _team(db, clock)
    task_id, by_name = _create(db, clock, ids)
    _move(db, clock, by_name["张三"], Move.REPORT, ids["zhang"], "已报送")
    with db.session() as session:
        zhang = session.get_one(Member, ids["zhang"])
        assert tasks.open_for(session, ids["zhang"]) == []
        assert [a.status for a, _ in tasks.open_for(session, ids["zhang"], include_reported=True)] == [
            AssignmentStatus.REPORTED]
        assert tasks.own(session, by_name["王五"], zhang) is None  # not his
        assert tasks.in_team(session, by_name["王五"], ids["team"] + 1) is None  # another team's admin
        (task, assignments), = tasks.team_open(session, ids["team"])
        assert task.id == task_id and [a.status.value for a in assignments] == ["reported", "assigned"]
    _move(db, clock, by_name["张三"], Move.CLOSE, ids["li"])
    with db.session() as session:
        session.get_one(Member, ids["li"])
        found = tasks.find(session, by_name["王五"])
        assert found is not None
        tasks.move(session, found, Move.REPORT, actor=found.assignee, now=clock.now(), text="已完成")
    _move(db, clock, by_name["王五"], Move.CLOSE, ids["li"])
    with db.session() as session:
        assert tasks.team_open(session, ids["team"]) == []  # every assignee closed: off the list


def test_the_ledgers_sheet_reads_the_statuses_written(db: Database, clock: ManualClock) -> None:
    ids = _team(db, clock)
    _, by_name = _create(db, clock, ids)
    _move(db, clock, by_name["张三"], Move.REPORT, ids["zhang"], "已报送")
    _move(db, clock, by_name["张三"], Move.CLOSE, ids["li"])
    _move(db, clock, by_name["王五"], Move.REPORT, ids["wang"], "已完成")
    with db.session() as session:
        team = session.get_one(Team, ids["team"])
        sheets = ledger.build(ledger_storage.year_ledger(session, team, 2026, today=date(2026, 11, 21), config=Config()),
                              t=translator("zh"))
    (sheet,) = [s for s in sheets if s.key == "tasks"]
    assert [[row[1], row[5], row[6], row[7]] for row in sheet.rows] == [["报送三季度安全生产情况", "张三", date(2026, 11, 30), "已办结"],
                                                ["报送三季度安全生产情况", "王五", date(2026, 11, 30), "已报结"]]
    assert [row[11] for row in sheet.rows] == ["已报送", "已完成"]


def test_cancelling_a_task_is_a_compare_and_set_and_the_ledger_keeps_it(db: Database, clock: ManualClock) -> None:
    ids = _team(db, clock)
    task_id, by_name = _create(db, clock, ids)
    _move(db, clock, by_name["张三"], Move.REPORT, ids["zhang"], "已报送")
    with db.session() as session:  # another team's admin: not found, nothing changes
        assert tasks.cancel(session, task_id, ids["team"] + 1, actor=session.get_one(Member, ids["stranger"]),
                            now=clock.now()) is None
    with db.session() as session:
        li = session.get_one(Member, ids["li"])
        told = tasks.cancel(session, task_id, ids["team"], actor=li, now=clock.now())
        assert isinstance(told, list) and [m.display_name for _, m in told] == ["张三", "王五"]
    with db.session() as session:  # a second confirmation, as another admin's press read it: nothing changes
        li = session.get_one(Member, ids["li"])
        assert tasks.cancel(session, task_id, ids["team"], actor=li,
                            now=clock.now()) is CancelProblem.ALREADY_CANCELLED
        assert tasks.cancelled_in_team(session, task_id, ids["team"])
        assert not tasks.cancelled_in_team(session, task_id, ids["team"] + 1)
        assert tasks.team_open(session, ids["team"]) == [] and tasks.task_in_team(session, task_id, ids["team"]) is None
        assert tasks.open_for(session, ids["wang"], include_reported=True) == []
        assert tasks.open_for(session, ids["zhang"], include_reported=True) == []
        assert tasks.find(session, by_name["王五"]) is None
        found = tasks.find(session, by_name["王五"], with_cancelled=True)
        assert found is not None  # a press on it can say it was cancelled; no move is made on it
        assert tasks.move(session, found, Move.REPORT, actor=found.assignee, now=clock.now(),
                          text="已完成") is MoveProblem.CANCELLED
        team = session.get_one(Team, ids["team"])
        assert [i.kind for i in deadlines.open_items(session, team)] == []  # no nudges, pending ones withdrawn
        entries = list(session.scalars(select(AuditEntry).where(AuditEntry.action == "cancel")))
        assert [(e.entity, e.entity_id, e.actor_member_id) for e in entries] == [("task", task_id, ids["li"])]
        assert describe(translator("zh"), entries[0], {ids["li"]: "李主任"}, SHANGHAI).endswith(
            f"李主任 · 已撤销 · 督办事项 #{task_id} 《报送三季度安全生产情况》")
        sheets = ledger.build(ledger_storage.year_ledger(session, team, 2026, today=date(2026, 11, 21), config=Config()),
                              t=translator("zh"))
    (sheet,) = [s for s in sheets if s.key == "tasks"]
    assert [[row[1], row[5], row[6], row[7]] for row in sheet.rows] == [["报送三季度安全生产情况", "张三", date(2026, 11, 30), "已撤销"],
                                                ["报送三季度安全生产情况", "王五", date(2026, 11, 30), "已撤销"]]


def test_a_move_racing_a_cancel_changes_nothing(db: Database, clock: ManualClock) -> None:
    ids = _team(db, clock)
    task_id, by_name = _create(db, clock, ids)
    with db.session() as session:
        seen = tasks.find(session, by_name["张三"])  # as 张三's Confirm read it, just before the cancel
        assert seen is not None
        session.execute(text("UPDATE tasks SET cancelled_at = created_at WHERE id = :id"), {"id": task_id})
        assert tasks.move(session, seen, Move.REPORT, actor=seen.assignee, now=clock.now(),
                          text="已报送") is MoveProblem.CANCELLED
        assert seen.assignment.status is AssignmentStatus.ASSIGNED


def test_a_task_every_assignee_closed_is_not_cancelled(db: Database, clock: ManualClock) -> None:
    ids = _team(db, clock)
    task_id, by_name = _create(db, clock, ids)
    for name, key in (("张三", "zhang"), ("王五", "wang")):
        _move(db, clock, by_name[name], Move.REPORT, ids[key], "已完成")
        _move(db, clock, by_name[name], Move.CLOSE, ids["li"])
    with db.session() as session:
        assert tasks.cancel(session, task_id, ids["team"], actor=session.get_one(Member, ids["li"]),
                            now=clock.now()) is CancelProblem.ALL_CLOSED
        assert not tasks.cancelled_in_team(session, task_id, ids["team"])
        assert session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "cancel")) == 0

"""The scheduling tick on both backends, driven by a ManualClock over simulated weeks (no sleeping, no
Telegram): every deadline nudge once at an allowed time in the reader's language, collapsed after
downtime, snoozes, 约谈提醒 once, pace nudges not repeated, a lagging member noted to the other admins
once, the monthly/quarterly boards and the weekly summary once each."""

from __future__ import annotations

import dataclasses
import gc
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select, update

from config import Config, HolidaySettings
from core import holidays, pace
from core import motions as motion_rules
from core import tasks as task_rules
from core.clock import ManualClock
from core.domain import (
    Duty,
    FollowUpStatus,
    Language,
    LeaveKind,
    MemberStatus,
    MotionKind,
    OutboxStatus,
    ResultClass,
    Role,
)
from core.quiet import is_allowed
from jobs.boards import first_workday
from jobs.schedule import Scheduler
from locales import translator
from reports import summary
from reports.progress_card import duty_name
from storage import broadcasts as broadcast_store
from storage import calendar, deadlines, members, motions, onboarding, roster, tasks, trips
from storage.db import Database
from storage.models import FollowUpItem, Motion, OutboxMessage, RaceSnapshot, Task, TaskAssignment
from storage.models import Team as TeamRow

SHANGHAI = ZoneInfo("Asia/Shanghai")
GROUP = -100777


def at(day: date, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI)


@dataclass
class Team:
    db: Database
    clock: ManualClock
    scheduler: Scheduler
    team_id: int
    admin: int
    zhang: int
    lily: int

    def run(self) -> None:
        report = self.scheduler.run_once()
        assert report.failed_teams == []

    def walk(self, until: datetime, step: timedelta = timedelta(hours=1)) -> None:
        while self.clock.now() < until:
            self.clock.advance(step)
            self.run()

    def rows(self, prefix: str = "") -> list[OutboxMessage]:
        with self.db.session() as session:
            return list(session.scalars(select(OutboxMessage).where(OutboxMessage.key.startswith(prefix))
                                        .order_by(OutboxMessage.id)))

    def keys(self, prefix: str) -> list[str]:
        return [row.key for row in self.rows(prefix)]

    def motion(self, lead: int, due: date, number: str = "12") -> int:
        with self.db.session() as session:
            member = session.get_one(members.Member, lead)
            motion = motions.create(session, lead=member, kind=MotionKind.SUGGESTION, number=number,
                                    title="山区道路建设", is_key=True, assigned_on=date(2026, 9, 1),
                                    reply_due_months=3, now=self.clock.now())
            motion.reply_due = due
            return motion.id

    def task(self, assignee: int, due_at: datetime) -> tuple[int, int]:
        """A supervised task the office assigns to one member: (task id, assignment id)."""
        with self.db.session() as session:
            task = Task(team_id=self.team_id, title="安全生产大检查", due_at=due_at, created_by_member_id=self.admin,
                        created_at=self.clock.now())
            session.add(task)
            session.flush()
            assignment = TaskAssignment(task_id=task.id, member_id=assignee)
            session.add(assignment)
            session.flush()
            return task.id, assignment.id


def make_team(db: Database, start: datetime) -> Team:
    clock = ManualClock(start)
    with db.session() as session:
        new = onboarding.create_team(session, name="省政府党组", admin_telegram_id=900, group_chat_id=GROUP,
                                     config=Config(), now=clock.now())
        new.owner.status = MemberStatus.ACTIVE
        ids = []
        for uid, name, language in ((1001, "张三", Language.ZH), (1002, "Lily", Language.EN)):
            member = members.add(session, team=new.team, telegram_user_id=uid, display_name=name, username=None,
                                 role=Role.MEMBER, status=MemberStatus.ACTIVE, now=clock.now(),
                                 joined_on=date(2026, 1, 1))
            member.language = language
            ids.append(member.id)
        session.flush()
        team_id, admin = new.team.id, new.owner.id
    return Team(db, clock, Scheduler(db=db, clock=clock, config=Config()), team_id, admin, *ids)


@pytest.fixture
def team(db: Database) -> Iterator[Team]:
    yield make_team(db, at(date(2026, 11, 21), 10, 30))


def allowed(instant: datetime) -> bool:
    return is_allowed(instant, tz=SHANGHAI, is_workday=holidays.is_workday)


def test_each_deadline_nudge_once_at_an_allowed_time_in_the_readers_language(team: Team) -> None:
    zhang_motion = team.motion(team.zhang, date(2026, 12, 4))
    lily_motion = team.motion(team.lily, date(2026, 12, 4), number="13")
    team.walk(at(date(2026, 12, 11), 12), step=timedelta(hours=2))

    ident = f"nudge:motion:{zhang_motion}:member:{team.zhang}:"
    assert [key.removeprefix(ident) for key in team.keys(ident)] == [
        "T-7:due:2026-12-04", "T-3:due:2026-12-04", "T-1:due:2026-12-04",
        "T-0:due:2026-12-04",  # Fri 27 Nov, Tue 1, Thu 3, Fri 4 Dec
        "overdue:2026-12-07", "overdue:2026-12-08", "overdue:2026-12-09", "overdue:2026-12-10",
        "overdue:2026-12-11",  # the weekend of 5–6 December is skipped, not piled up for Monday
    ]
    rows = team.rows(ident)
    assert all(allowed(row.not_before) and row.not_before == row.created_at for row in rows)
    assert rows[0].not_before == at(date(2026, 11, 27), 8, 30)  # the first tick in T-7's allowed hours
    assert rows[0].chat_id == 1001 and rows[0].member_id == team.zhang
    assert "🟢" in rows[0].payload["text"] and "人大建议" in rows[0].payload["text"]
    assert "🟡" in rows[1].payload["text"] and "🔴" in rows[4].payload["text"]
    buttons = rows[0].payload["buttons"]
    assert buttons[0][0][1] == f"mo:{zhang_motion}:v"
    assert [data for _, data in buttons[1]] == [f"nz:m:{zhang_motion}:1", f"nz:m:{zhang_motion}:3"]
    lily = team.rows(f"nudge:motion:{lily_motion}:member:{team.lily}:T-1:due:2026-12-04")
    assert "due tomorrow" in lily[0].payload["text"] and "NPC suggestion" in lily[0].payload["text"]

    escalations = team.rows(f"escalate:motion:{zhang_motion}:")
    assert [(row.key.split(":admin:")[1], row.chat_id) for row in escalations] == [(f"{team.admin}:due:2026-12-04", 900)]
    assert escalations[0].created_at.astimezone(SHANGHAI).date() == date(2026, 12, 11)  # 7 days overdue
    assert "约谈提醒" in escalations[0].payload["text"] and "张三" in escalations[0].payload["text"]


def test_an_admins_own_overdue_item_is_escalated_to_the_other_admins_not_to_them(team: Team) -> None:
    """Lily, made an admin, lets a suggestion go seven days overdue: the 约谈提醒 goes to the owner only (it used to
    summon her about herself); her own nudges are hers as before."""
    with team.db.session() as session:
        session.get_one(members.Member, team.lily).role = Role.ADMIN
    motion = team.motion(team.lily, date(2026, 12, 4))
    team.walk(at(date(2026, 12, 11), 12), step=timedelta(hours=2))
    assert team.keys(f"escalate:motion:{motion}:") == [
        f"escalate:motion:{motion}:member:{team.lily}:admin:{team.admin}:due:2026-12-04"]
    assert team.keys(f"nudge:motion:{motion}:member:{team.lily}:overdue:2026-12-11")


def test_an_item_given_a_new_deadline_and_overdue_again_is_escalated_again(team: Team) -> None:
    """张三's suggestion and Lily's task, seven days overdue on 11 December, are escalated to the office; given until
    18 December (a new deadline: the deputy not satisfied, an extension approved) and seven days overdue again on 25
    December, they are escalated again (the office used to be told once per item for good)."""
    motion = team.motion(team.zhang, date(2026, 12, 4))
    task_id, assignment_id = team.task(team.lily, at(date(2026, 12, 4), 18))
    team.walk(at(date(2026, 12, 11), 12), step=timedelta(hours=2))
    assert len(team.keys(f"escalate:motion:{motion}:")) == len(team.keys(f"escalate:task:{task_id}:")) == 1
    with team.db.session() as session:
        session.get_one(Motion, motion).reply_due = date(2026, 12, 18)
        session.get_one(TaskAssignment, assignment_id).due_at = at(date(2026, 12, 18), 18)
    team.walk(at(date(2026, 12, 28), 12), step=timedelta(hours=2))
    for item, owner in ((f"motion:{motion}", team.zhang), (f"task:{task_id}", team.lily)):
        rows = team.rows(f"escalate:{item}:")
        assert [row.key for row in rows] == [f"escalate:{item}:member:{owner}:admin:{team.admin}:due:2026-12-{day}"
                                             for day in ("04", "18")]
        assert [row.created_at.astimezone(SHANGHAI).date() for row in rows] == [date(2026, 12, 11),
                                                                                date(2026, 12, 25)]


def test_an_item_logged_long_overdue_is_taken_to_the_office_a_day_on_if_still_open(team: Team) -> None:
    """张三 logs a suggestion after the fact on Monday at 10:00, due back in June: the office's 约谈提醒 does not go
    while he may be recording its reply (his own overdue nudge does, as for any overdue item); on Tuesday at
    10:00, still open, the office is told."""
    team.clock.set(at(date(2026, 11, 23)))
    motion = team.motion(team.zhang, date(2026, 6, 1))
    ident = f"motion:{motion}:member:{team.zhang}:"
    team.walk(at(date(2026, 11, 24), 9, 50), step=timedelta(minutes=10))
    assert team.keys("escalate:") == [] and team.keys(f"nudge:{ident}")
    team.walk(at(date(2026, 11, 24), 10, 10), step=timedelta(minutes=10))
    assert [row.created_at for row in team.rows(f"escalate:{ident}")] == [at(date(2026, 11, 24))]


def test_after_downtime_only_the_latest_nudge_is_enqueued(team: Team) -> None:
    motion = team.motion(team.zhang, date(2026, 12, 4))
    team.run()
    assert team.keys("nudge:") == []
    team.clock.set(at(date(2026, 12, 9), 9, 15))  # the bot was down for 18 days
    team.run()
    team.run()
    assert team.keys("nudge:") == [f"nudge:motion:{motion}:member:{team.zhang}:overdue:2026-12-09"]


def test_nothing_is_enqueued_in_quiet_hours_and_a_closed_item_is_withdrawn(team: Team) -> None:
    motion = team.motion(team.zhang, date(2026, 12, 1))
    team.clock.set(at(date(2026, 11, 30), 23))  # T-1, 23:00: quiet
    team.run()
    assert team.keys("nudge:") == []
    team.clock.set(at(date(2026, 11, 30), 21))
    team.run()
    assert team.keys("nudge:") == [f"nudge:motion:{motion}:member:{team.zhang}:T-1:due:2026-12-01"]
    with team.db.session() as session:
        session.get_one(Motion, motion).deleted_at = team.clock.now()
    team.run()
    assert [row.status.value for row in team.rows("nudge:")] == ["cancelled"]


def test_an_extended_reply_date_gets_its_own_due_soon_nudges_once(team: Team) -> None:
    """extend_due moves reply_due: the T-3 of the new day is a new nudge, not swallowed by the old day's T-3."""
    motion = team.motion(team.zhang, date(2026, 12, 4))
    team.walk(at(date(2026, 12, 1), 12))
    with team.db.session() as session:
        row, lead = session.get_one(Motion, motion), session.get_one(members.Member, team.zhang)
        handling = motion_rules.start_handling(motions.state_of(row), today=date(2026, 12, 1))
        motions.apply(session, row, handling, action="start_handling", actor=lead, now=team.clock.now())
        extended = motion_rules.extend_due(handling, new_due=date(2026, 12, 11), today=date(2026, 12, 1))
        motions.apply(session, row, extended, action="extend_due", actor=lead, now=team.clock.now())
    team.walk(at(date(2026, 12, 9), 12))
    ident = f"nudge:motion:{motion}:member:{team.zhang}:"
    assert [key.removeprefix(ident) for key in team.keys(ident)] == [
        "T-7:due:2026-12-04", "T-3:due:2026-12-04", "T-7:due:2026-12-11", "T-3:due:2026-12-11"]


def test_a_snoozed_item_waits_then_gets_one_reminder(team: Team) -> None:
    motion = team.motion(team.zhang, date(2026, 12, 4))
    team.clock.set(at(date(2026, 12, 1)))
    team.run()
    with team.db.session() as session:
        deadlines.snooze(session, "m", motion, until=team.clock.now() + timedelta(days=3))
    team.walk(at(date(2026, 12, 4), 9))
    ident = f"nudge:motion:{motion}:member:{team.zhang}:"
    assert team.keys(ident) == [ident + "T-3:due:2026-12-04"]  # T-1 fell due while snoozed
    team.walk(at(date(2026, 12, 7), 12))
    assert [key.removeprefix(ident) for key in team.keys(ident)] == [
        "T-3:due:2026-12-04", "snoozed:202612040200", "overdue:2026-12-07"]


def test_task_assignments_are_nudged_too(team: Team) -> None:
    task_id, assignment_id = team.task(team.lily, at(date(2026, 11, 26), 18))
    with team.db.session() as session:
        items = deadlines.open_items(session, session.get_one(onboarding.Team, team.team_id))
        assert [(i.kind, i.item_id, i.ref_id, i.due) for i in items] == [
            ("task", task_id, assignment_id, date(2026, 11, 26))]
    team.clock.set(at(date(2026, 11, 25)))
    team.run()
    (row,) = team.rows("nudge:task:")
    assert row.key == f"nudge:task:{task_id}:member:{team.lily}:T-1:due:2026-11-26"
    assert row.payload["buttons"] == [[["Done? Report it", f"fs:taskdone:{assignment_id}"]],
                                      [["⏳ Request an extension", f"fs:taskextend:{assignment_id}"]],
                                      [["Remind me in 1 day", f"nz:t:{assignment_id}:1"],
                                       ["Remind me in 3 days", f"nz:t:{assignment_id}:3"]]]


def test_pace_nudges_once_per_duty_until_renudge_days_pass(team: Team) -> None:
    with team.db.session() as session:
        member = session.get_one(members.Member, team.zhang)
        trips.log_trip(session, member=member, start=date(2026, 3, 1), end=date(2026, 3, 30), places="A",
                       topic="t", research_topic_id=None, now=team.clock.now())
    team.clock.set(at(date(2026, 11, 23)))
    team.run()
    (zhang,) = team.rows(f"pace:{team.zhang}:")
    assert zhang.key == f"pace:{team.zhang}:2026-W48:research_days,key_research_topics,collective_study,law_study," \
                        "key_suggestions,key_proposals"  # one message, a line per duty behind
    lines = zhang.payload["text"].splitlines()
    assert lines[0].startswith("📈 还差 30 天下基层调研，季末") and len(lines) == 6
    # Lily owes 60 days with 39 left in the quarter, which is the year's last: neither can be caught up, and she
    # is not asked for 60 days in 39 (she was: "the year still needs 60 days")
    assert team.rows(f"pace:{team.lily}:")[0].payload["text"].splitlines()[0] == (
        "📈 Grassroots research: the year's target can no longer be reached in the days left; it is 60 days short.")
    team.walk(at(date(2026, 11, 27), 18))
    assert len(team.rows("pace:")) == 2  # 张三 and Lily, not again within renudge_after_days
    assert team.rows(f"pace:{team.admin}:") == []  # the owner is the office: it owes no quota
    with team.db.session() as session:  # 张三 catches up on research days
        member = session.get_one(members.Member, team.zhang)
        trips.log_trip(session, member=member, start=date(2026, 4, 1), end=date(2026, 4, 30), places="B",
                       topic="t", research_topic_id=None, now=team.clock.now())
    team.walk(at(date(2026, 11, 30), 12))
    again = team.rows(f"pace:{team.zhang}:2026-W49")
    assert [row.key.rsplit(":", 1)[1] for row in again] == [
        "key_research_topics,collective_study,law_study,key_suggestions,key_proposals"]


def test_a_member_far_behind_is_noted_to_each_other_admin_once_until_renudge_days_pass(team: Team) -> None:
    with team.db.session() as session:
        member = session.get_one(members.Member, team.zhang)
        trips.log_trip(session, member=member, start=date(2026, 3, 1), end=date(2026, 4, 14), places="A",
                       topic="t", research_topic_id=None, now=team.clock.now())  # 45 days: behind, not lagging
        second = members.add(session, team=session.get_one(onboarding.Team, team.team_id), telegram_user_id=901,
                             display_name="Mary", username=None, role=Role.ADMIN, status=MemberStatus.ACTIVE,
                             now=team.clock.now(), joined_on=date(2026, 1, 1))
        second.language = Language.EN
        session.flush()
        mary = second.id
    team.run()  # Saturday: a day off
    team.clock.set(at(date(2026, 11, 23), 7, 30))  # Monday, quiet hours
    team.run()
    assert team.keys("lagging:") == []
    team.clock.set(at(date(2026, 11, 23), 8, 30))
    team.run()

    everything = "research_days,key_research_topics,collective_study,law_study,key_suggestions,key_proposals"
    others = everything.removeprefix("research_days,")
    notes = {row.key: row for row in team.rows("lagging:")}
    assert sorted(notes) == sorted([
        f"lagging:{team.zhang}:2026-W48:{others}:admin:{team.admin}",
        f"lagging:{team.zhang}:2026-W48:{others}:admin:{mary}",
        f"lagging:{team.lily}:2026-W48:{everything}:admin:{team.admin}",
        f"lagging:{team.lily}:2026-W48:{everything}:admin:{mary}",
        f"lagging:{mary}:2026-W48:{everything}:admin:{team.admin}",  # a leader-admin races: the owner is told,
    ])  # no admin is told about themselves, and nobody about the owner (the office does not race)
    to_owner = notes[f"lagging:{team.zhang}:2026-W48:{others}:admin:{team.admin}"]
    assert to_owner.chat_id == 900 and to_owner.kind == "lagging" and to_owner.member_id == team.admin
    assert allowed(to_owner.not_before) and to_owner.not_before == at(date(2026, 11, 23), 8, 30)
    lines = to_owner.payload["text"].splitlines()
    assert lines[0] == "❗ 张三进度严重落后："
    topic = duty_name(translator("zh"), Duty.KEY_RESEARCH_TOPICS)
    assert lines[1] == f"• {topic}：已完成 0，按进度应达 1；季末2026年12月31日（星期四）前再完成 1 项可回到进度。"
    assert len(lines) == 6 and duty_name(translator("zh"), Duty.RESEARCH_DAYS) not in to_owner.payload["text"]
    to_mary = notes[f"lagging:{team.lily}:2026-W48:{everything}:admin:{mary}"].payload["text"].splitlines()
    assert to_mary[0] == "❗ Lily is far behind pace:"
    research = duty_name(translator("en"), Duty.RESEARCH_DAYS)
    assert to_mary[1] == (f"• {research}: 0 done, 54 expected by now; the year's target can no longer be reached, "
                          "60 days short.")  # 60 days owed, 39 left in the quarter and the year

    team.walk(at(date(2026, 11, 29), 20), step=timedelta(hours=3))
    assert len(team.rows("lagging:")) == 5  # not again within renudge_after_days
    with team.db.session() as session:  # Lily catches up on research days
        member = session.get_one(members.Member, team.lily)
        trips.log_trip(session, member=member, start=date(2026, 3, 1), end=date(2026, 4, 29), places="B",
                       topic="t", research_topic_id=None, now=team.clock.now())
    team.walk(at(date(2026, 11, 30), 12))
    assert sorted(team.keys(f"lagging:{team.lily}:2026-W49:")) == sorted([  # research days left out
        f"lagging:{team.lily}:2026-W49:{others}:admin:{team.admin}", f"lagging:{team.lily}:2026-W49:{others}:admin:{mary}"])
    assert all(allowed(row.created_at) for row in team.rows("lagging:"))


def test_the_monthly_board_lands_in_the_group_once_with_its_chart(team: Team) -> None:
    first = first_workday(2026, 12, holidays.is_workday)
    assert first == date(2026, 12, 1)
    team.clock.set(at(first, 8, 59))
    team.run()
    assert team.keys("board:") == []
    team.walk(at(date(2026, 12, 3)))
    rows = team.rows("board:")
    assert [row.key for row in rows] == [f"board:{team.team_id}:2026-11", f"board:{team.team_id}:2026-11:chart"]
    assert all(row.chat_id == GROUP for row in rows)
    assert rows[0].created_at == at(first, 9, 59)  # the first tick after 09:00
    assert "2026年11月" in rows[0].payload["text"] and rows[1].payload.get("photo_b64")
    with team.db.session() as session:
        periods = set(session.scalars(select(RaceSnapshot.period)))
    assert periods == {"2026-11"}


def test_quarter_boards_on_the_quarters_first_working_day(db: Database) -> None:
    team = make_team(db, at(date(2026, 9, 20)))
    first = first_workday(2026, 10, holidays.is_workday)
    assert first > date(2026, 10, 7)  # after the National Day holiday
    team.clock.set(at(first, 9, 30))
    team.run()
    assert [key.split(":", 2)[2] for key in team.keys("board:")] == ["2026-09", "2026-09:chart", "2026-Q3",
                                                                    "2026-Q3:chart"]


def test_the_weekly_summary_once_a_week_to_the_group_and_admins(team: Team) -> None:
    team.motion(team.zhang, date(2026, 11, 27))
    team.walk(at(date(2026, 12, 7), 12), step=timedelta(hours=2))
    keys = team.keys("summary:")
    assert keys == [f"summary:{team.team_id}:2026-W48:group", f"summary:{team.team_id}:2026-W48:admin:{team.admin}",
                    f"summary:{team.team_id}:2026-W49:group", f"summary:{team.team_id}:2026-W49:admin:{team.admin}",
                    f"summary:{team.team_id}:2026-W50:group", f"summary:{team.team_id}:2026-W50:admin:{team.admin}"]
    rows = team.rows("summary:")
    assert rows[0].created_at == at(date(2026, 11, 23), 10, 30)  # the first tick after 09:00
    group, admin = rows[0].payload["text"], rows[1].payload["text"]
    assert "11月16日" in group and "11月22日" in group
    assert "进度落后" not in group and "进度落后" in admin
    assert "张三" in admin



def test_in_december_the_admins_summary_warns_that_next_years_holiday_arrangement_is_missing(db: Database) -> None:
    """The installed calendar has no State Council notice for 2027: from December the admins' weekly summary says
    so first (the group's does not), until the office enters one of 2027's make-up working days itself."""
    team = make_team(db, at(date(2026, 11, 21), 10, 30))
    team.walk(at(date(2026, 12, 7), 12), step=timedelta(hours=2))
    november = team.rows(f"summary:{team.team_id}:2026-W49:admin:{team.admin}")[0].payload["text"]  # 30 Nov
    december = team.rows(f"summary:{team.team_id}:2026-W50:admin:{team.admin}")[0].payload["text"]  # 7 Dec
    group = team.rows(f"summary:{team.team_id}:2026-W50:group")[0].payload["text"]
    assert "节假日安排" not in november  # 30 November: 2026's own arrangement is known
    assert december.splitlines()[2].startswith("⚠️ 本机日历尚未收录国务院办公厅2027年节假日安排：")
    assert "/holiday" in december.splitlines()[2]
    assert "节假日安排" not in group
    with team.db.session() as session:
        calendar.set_day(session, team_id=team.team_id, day=date(2027, 2, 20), workday=True, note="调休",
                         now=team.clock.now())
    team.walk(at(date(2026, 12, 14), 12), step=timedelta(hours=2))
    assert "节假日安排" not in team.rows(f"summary:{team.team_id}:2026-W51:admin:{team.admin}")[0].payload["text"]
    with team.db.session() as session:
        assert calendar.unarranged_years(session, team.team_id, Config(), today=date(2027, 3, 1)) == []
        calendar.remove_day(session, team_id=team.team_id, day=date(2027, 2, 20))
        assert calendar.unarranged_years(session, team.team_id, Config(), today=date(2027, 3, 1)) == [2027]
        # config.toml's make-up working day counts as the office's does; a deployment keeping no holidays misses none
        made_up = Config(holidays=HolidaySettings(working_days=["2027-02-20"]))
        assert calendar.unarranged_years(session, team.team_id, made_up, today=date(2027, 3, 1)) == []
        no_holidays = Config(delivery=dataclasses.replace(Config().delivery, holidays=False))
        assert calendar.unarranged_years(session, team.team_id, no_holidays, today=date(2027, 3, 1)) == []


def test_a_member_whose_term_ended_is_not_nudged_noted_or_listed_as_behind(db: Database) -> None:
    """张三's 离任日期 was 30 September and he did nothing: his year stands as it was. From then on he gets no pace
    nudge, the office no lagging note about him, and he is not 进度落后 in the summary nor in a broadcast to those
    behind pace; Lily, still in office and as far behind, is."""
    team = make_team(db, at(date(2026, 11, 22), 20))
    with db.session() as session:
        session.get_one(members.Member, team.zhang).left_office_on = date(2026, 9, 30)
    team.walk(at(date(2026, 11, 23), 12), step=timedelta(hours=1))
    assert team.rows(f"pace:{team.zhang}:") == [] and team.rows(f"lagging:{team.zhang}:") == []
    assert len(team.rows(f"pace:{team.lily}:")) == 1 and len(team.rows(f"lagging:{team.lily}:")) == 1
    admin = team.rows(f"summary:{team.team_id}:2026-W48:admin:{team.admin}")[0].payload["text"]
    assert admin.split("进度落后：\n")[1].splitlines() == [
        "  Lily：下基层调研、重点调研课题、集体学习、集体学法、领办重点建议、领办重点提案"]
    with db.session() as session:
        behind = broadcast_store.audience_members(session, session.get_one(TeamRow, team.team_id), {"kind": "behind"},
                                                  sender_id=team.admin, today=date(2026, 11, 23), config=Config())
    assert [m.id for m in behind] == [team.lily]


def test_the_weekly_summary_leaves_the_office_out_of_progress_and_behind_pace(team: Team) -> None:
    """The owner (the office) owes no quota: the summary's year progress sums the two runners' targets only,
    and its behind-pace list names only them."""
    with team.db.session() as session:
        data = summary.gather(session, session.get_one(TeamRow, team.team_id), start=date(2026, 11, 16),
                              end=date(2026, 11, 22), today=date(2026, 11, 23), config=Config())
    assert [name for name, _ in data.behind] == ["张三", "Lily"]
    each = pace.expected_by(Decimal(60), pace.Availability(2026), on=date(2026, 11, 22))  # the week's last day
    assert data.year_expected[Duty.RESEARCH_DAYS] == each + each


def test_leave_pauses_pace_and_deadline_nudges_and_the_office_still_hears_of_overdue_items(team: Team) -> None:
    motion = team.motion(team.zhang, date(2026, 11, 27))
    with team.db.session() as session:
        roster.record_leave(session, session.get_one(members.Member, team.zhang), kind=LeaveKind.ABROAD,
                            start=date(2026, 11, 21), end=date(2026, 12, 4),
                            actor=session.get_one(members.Member, team.admin), now=team.clock.now())
    team.walk(at(date(2026, 12, 4), 20), step=timedelta(hours=2))
    nudges = f"nudge:motion:{motion}:member:{team.zhang}:"
    assert team.keys(nudges) == []  # T-3, T-1, T-0 and the overdue days all wait for the leave to end
    assert team.keys(f"pace:{team.zhang}:") == [] and team.keys(f"lagging:{team.zhang}:") == []
    assert team.keys(f"pace:{team.lily}:") and team.keys(f"lagging:{team.lily}:")  # Lily is not on leave
    assert team.keys(f"escalate:motion:{motion}:") == [
        f"escalate:motion:{motion}:member:{team.zhang}:admin:{team.admin}:due:2026-11-27"]
    team.walk(at(date(2026, 12, 7), 12), step=timedelta(hours=2))  # back on Monday
    assert [key.removeprefix(nudges) for key in team.keys(nudges)] == ["overdue:2026-12-07"]  # one, not a pile
    assert len(team.keys(f"pace:{team.zhang}:")) == 1 and team.keys(f"lagging:{team.zhang}:")


def test_two_schedulers_at_once_enqueue_each_message_once(db: Database) -> None:
    team = make_team(db, at(date(2026, 11, 30), 9, 30))
    team.motion(team.zhang, date(2026, 12, 1))
    team.clock.set(at(date(2026, 12, 1), 9, 30))  # T-0, the monthly board, pace nudges
    other = Scheduler(db=db, clock=team.clock, config=Config())
    with ThreadPoolExecutor(4) as pool:
        reports = list(pool.map(lambda s: s.run_once(), [team.scheduler, other, team.scheduler, other]))
    assert all(r.failed_teams == [] for r in reports)
    keys = [row.key for row in team.rows("")]
    assert len(keys) == len(set(keys))
    assert sum(r.nudges.nudges for r in reports) == 1 and sum(r.boards.boards for r in reports) == 1
    assert {k.split(":")[0] for k in keys} == {"nudge", "board", "pace", "lagging"}


@pytest.mark.parametrize("collecting", [True, False])
def test_a_tick_runs_with_the_garbage_collector_paused_and_leaves_it_as_it_found_it(
        db: Database, collecting: bool) -> None:
    seen: list[bool] = []

    def workday(day: date) -> bool:  # asked while the tick works out what is due
        seen.append(gc.isenabled())
        return holidays.is_workday(day)

    team = make_team(db, at(date(2026, 11, 30), 9, 30))
    team.motion(team.zhang, date(2026, 12, 1))
    team.clock.set(at(date(2026, 12, 1), 9, 30))
    scheduler = Scheduler(db=db, clock=team.clock, config=Config(), is_workday=workday)
    was = gc.isenabled()
    (gc.enable if collecting else gc.disable)()
    try:
        report = scheduler.run_once()
        after = gc.isenabled()
    finally:
        (gc.enable if was else gc.disable)()
    assert report.nudges.nudges == 1
    assert seen and not any(seen)
    assert after is collecting


def test_a_simulated_year_sends_every_board_and_summary_once_and_nudges_only_on_working_days(db: Database) -> None:
    team = make_team(db, at(date(2026, 1, 1), 8))
    due_days = [date(2026, month, 15) for month in range(1, 13)]
    motion_ids = [team.motion(team.zhang if i % 2 else team.lily, due, number=str(i)) for i, due in enumerate(due_days)]
    day = date(2026, 1, 1)
    while day <= date(2026, 12, 31):
        team.clock.set(at(day, 10))
        team.run()
        if day.day == 17:  # each motion leaves the open list two days late (as if replied)
            with team.db.session() as session:
                session.get_one(Motion, motion_ids[day.month - 1]).deleted_at = team.clock.now()
        team.scheduler = Scheduler(db=team.db, clock=team.clock, config=Config()) if day.day == 1 else team.scheduler
        day += timedelta(days=1)  # (a restart on the 1st of each month loses nothing, repeats nothing)

    boards = [key.split(":", 2)[2] for key in team.keys("board:") if not key.endswith(":chart")]
    assert boards == ["2026-01", "2026-02", "2026-03", "2026-Q1", "2026-04", "2026-05", "2026-06", "2026-Q2",
                      "2026-07", "2026-08", "2026-09", "2026-Q3", "2026-10", "2026-11"]
    assert len(team.keys("board:")) == 2 * len(boards)
    groups = team.keys("summary:")
    assert len([k for k in groups if k.endswith(":group")]) == 52  # every Monday of 2026 after 1 January
    assert len([k for k in groups if k.endswith(f":admin:{team.admin}")]) == 52
    nudges = team.rows("nudge:")
    assert nudges and all(holidays.is_workday(row.created_at.astimezone(SHANGHAI).date()) for row in nudges)
    for motion_id in motion_ids:
        stages = [row.key.split(":", 4)[-1] for row in nudges if row.key.startswith(f"nudge:motion:{motion_id}:")]
        assert len(stages) == len(set(stages)) and len(stages) <= 6  # T-7, T-3, T-1, T-0, two days overdue
    assert team.keys("escalate:") == []  # closed before escalate_after_days_overdue


def _pending(team: Team, prefix: str) -> list[str]:
    return [row.key for row in team.rows(prefix) if row.status is OutboxStatus.PENDING]


def test_answering_an_item_withdraws_its_queued_nudges_and_escalations_at_once(team: Team) -> None:
    """Between a tick that queued a nudge and the delivery that would send it, the item is answered: the
    nudge and the admins' 约谈提醒 are withdrawn in the answer's own transaction, for every kind of item."""
    long_ago = team.clock.now() - timedelta(days=30)
    motion_id = team.motion(team.zhang, date(2026, 11, 6))  # overdue 17 days on Monday: escalated too
    with team.db.session() as session:
        zhang = session.get_one(members.Member, team.zhang)
        trip = trips.log_trip(session, member=zhang, start=date(2026, 10, 5), end=date(2026, 10, 6), places="A",
                              topic="t", research_topic_id=None, now=long_ago)
        finding = trips.add_finding(session, member=zhang, trip=trip, content="村道破损", department="交通局",
                                    feedback_due=date(2026, 11, 10), now=long_ago)
        task = Task(team_id=team.team_id, title="安全生产大检查", due_at=at(date(2026, 11, 12), 18),
                    created_by_member_id=team.admin, created_at=long_ago)
        session.add(task)
        session.flush()
        assignment = TaskAssignment(task_id=task.id, member_id=team.lily)
        session.add(assignment)
        session.flush()
        finding_id, task_id, assignment_id = finding.id, task.id, assignment.id
    team.clock.set(at(date(2026, 11, 23)))
    team.run()
    idents = {"motion": f"motion:{motion_id}:member:{team.zhang}:",
              "followup": f"followup:{finding_id}:member:{team.zhang}:",
              "task": f"task:{task_id}:member:{team.lily}:"}
    for ident in idents.values():
        assert len(_pending(team, f"nudge:{ident}")) == 1 and len(_pending(team, f"escalate:{ident}")) == 1

    now = team.clock.now()
    with team.db.session() as session:  # the reply went out on the 5th, before the due day; recorded now
        motion = session.get_one(Motion, motion_id)
        actor = session.get_one(members.Member, team.zhang)
        motions.apply(session, motion, motion_rules.reply(motions.state_of(motion), replied_on=date(2026, 11, 5),
                                                          result_class=ResultClass.A, today=now.date()),
                      action="reply", actor=actor, now=now)
    assert _pending(team, f"nudge:{idents['motion']}") == _pending(team, f"escalate:{idents['motion']}") == []
    assert len(_pending(team, f"nudge:{idents['task']}")) == 1  # the others are untouched

    with team.db.session() as session:  # fed back
        item = session.get_one(FollowUpItem, finding_id)
        actor = session.get_one(members.Member, team.zhang)
        for step in (FollowUpStatus.HANDLED, FollowUpStatus.FED_BACK):
            assert trips.advance(session, item=item, target=step, actor=actor, now=now, note="已修复") is None
    assert _pending(team, f"nudge:{idents['followup']}") == _pending(team, f"escalate:{idents['followup']}") == []

    with team.db.session() as session:  # reported done
        found = tasks.find(session, assignment_id)
        assert found is not None
        actor = session.get_one(members.Member, team.lily)
        assert tasks.move(session, found, task_rules.Move.REPORT, actor=actor, now=now, text="已完成") is None
    assert _pending(team, f"nudge:{idents['task']}") == _pending(team, f"escalate:{idents['task']}") == []
    team.run()  # and nothing comes back
    assert all(_pending(team, f"{prefix}:{ident}") == [] for prefix in ("nudge", "escalate")
               for ident in idents.values())


def test_remind_me_later_withdraws_the_queued_nudge_but_not_the_admins_note(team: Team) -> None:
    motion_id = team.motion(team.zhang, date(2026, 11, 6))
    team.clock.set(at(date(2026, 11, 23)))
    team.run()
    ident = f"motion:{motion_id}:member:{team.zhang}:"
    with team.db.session() as session:
        deadlines.snooze(session, "m", motion_id, until=team.clock.now() + timedelta(days=1))
    assert _pending(team, f"nudge:{ident}") == []
    assert len(_pending(team, f"escalate:{ident}")) == 1


def test_a_tick_withdraws_the_admins_note_on_an_item_no_longer_open(team: Team) -> None:
    motion_id = team.motion(team.zhang, date(2026, 11, 6))
    team.clock.set(at(date(2026, 11, 23)))
    team.run()
    ident = f"motion:{motion_id}:member:{team.zhang}:"
    assert len(_pending(team, f"escalate:{ident}")) == 1
    with team.db.session() as session:  # closed some other way than through storage.motions
        session.execute(update(Motion).where(Motion.id == motion_id).values(deleted_at=team.clock.now()))
    team.clock.advance(timedelta(minutes=5))
    team.run()
    assert _pending(team, f"escalate:{ident}") == [] and _pending(team, f"nudge:{ident}") == []

def _sent_on(rows: list[OutboxMessage]) -> set[date]:
    """The days (team time) these rows may go out: never before `not_before`."""
    return {row.not_before.astimezone(SHANGHAI).date() for row in rows}


def _made_on(rows: list[OutboxMessage]) -> set[date]:
    return {row.created_at.astimezone(SHANGHAI).date() for row in rows}


def logged_a_week_ago(team: Team, motion_id: int) -> None:
    """A motion logged a week before the walk starts (a due-soon nudge is spared only right after logging)."""
    with team.db.session() as session:
        session.get_one(Motion, motion_id).created_at = team.clock.now() - timedelta(days=7)


def test_nothing_on_new_years_day_2027_and_the_years_boards_on_its_first_working_day(db: Database) -> None:
    team = make_team(db, at(date(2026, 12, 31), 7))
    motion = team.motion(team.zhang, date(2027, 1, 1))
    logged_a_week_ago(team, motion)  # not just assigned: its T-1 is due on the 31st
    team.walk(at(date(2027, 1, 5), 12))

    rows = team.rows("")
    assert rows and not (_sent_on(rows) | _made_on(rows)) & {date(2027, 1, 1), date(2027, 1, 2), date(2027, 1, 3)}
    boards = team.rows("board:")
    assert [row.key.split(":", 2)[2] for row in boards] == ["2026-12", "2026-12:chart", "2026-Q4", "2026-Q4:chart",
                                                           "2026", "2026:chart"]
    assert {row.created_at for row in boards} == {at(date(2027, 1, 4), 9)}  # Monday, the first working day
    ident = f"nudge:motion:{motion}:member:{team.zhang}:"
    assert [key.removeprefix(ident) for key in team.keys(ident)] == ["T-1:due:2027-01-01", "overdue:2027-01-04",
                                                                     "overdue:2027-01-05"]
    assert team.keys(f"summary:{team.team_id}:") == [f"summary:{team.team_id}:2027-W01:group",
                                                      f"summary:{team.team_id}:2027-W01:admin:{team.admin}"]


def test_no_nudges_in_the_2027_spring_festival_holiday(db: Database) -> None:
    team = make_team(db, at(date(2027, 2, 1), 7))
    motion = team.motion(team.zhang, date(2027, 2, 8))  # a Monday in the holiday (5–10 February)
    team.walk(at(date(2027, 2, 12), 12), step=timedelta(hours=2))

    holiday = {date(2027, 2, d) for d in range(5, 11)}
    assert not _sent_on(team.rows("")) & holiday
    assert not _made_on(team.rows("nudge:") + team.rows("pace:")) & holiday
    summary = team.rows(f"summary:{team.team_id}:2027-W06:group")[0]  # due Monday 8 February, a holiday
    assert summary.not_before == at(date(2027, 2, 11), 8)
    ident = f"nudge:motion:{motion}:member:{team.zhang}:"
    assert [key.removeprefix(ident) for key in team.keys(ident)] == [
        "T-7:due:2027-02-08", "overdue:2027-02-11", "overdue:2027-02-12"]  # T-3 to T-0 fell in the holiday: nothing


def test_a_teams_own_days_off_and_working_days_move_its_boards_and_nudges(db: Database) -> None:
    team = make_team(db, at(date(2026, 12, 31), 7))
    with team.db.session() as session:
        other = onboarding.create_team(session, name="市政府党组", admin_telegram_id=901, group_chat_id=GROUP - 1,
                                       config=Config(), now=team.clock.now()).team
        session.flush()
        other_id = other.id  # the office of the first team: 4 January off, Saturday 2 January worked
        calendar.set_day(session, team_id=team.team_id, day=date(2027, 1, 4), workday=False, note="调休",
                         now=team.clock.now())
        calendar.set_day(session, team_id=team.team_id, day=date(2027, 1, 9), workday=True, note=None,
                         now=team.clock.now())
    motion = team.motion(team.zhang, date(2027, 1, 1))
    logged_a_week_ago(team, motion)
    team.walk(at(date(2027, 1, 10), 12), step=timedelta(hours=2))

    boards = {row.key.split(":")[1]: row.created_at for row in team.rows("board:") if row.key.endswith(":2026")}
    assert boards == {str(team.team_id): at(date(2027, 1, 5), 9), str(other_id): at(date(2027, 1, 4), 9)}
    ident = f"nudge:motion:{motion}:member:{team.zhang}:"
    assert [key.removeprefix(ident) for key in team.keys(ident)] == [
        "T-1:due:2027-01-01", "overdue:2027-01-05", "overdue:2027-01-06", "overdue:2027-01-07", "overdue:2027-01-08",
        "overdue:2027-01-09"]  # not on Monday 4 January (the team's day off), but on Saturday 9 (worked)


def test_the_configs_holidays_section_corrects_every_teams_calendar(db: Database) -> None:
    team = make_team(db, at(date(2026, 12, 31), 7))
    config = Config(holidays=HolidaySettings(days_off=["2027-01-04"]))
    team.scheduler = Scheduler(db=db, clock=team.clock, config=config)
    team.walk(at(date(2027, 1, 5), 12))
    assert {row.created_at for row in team.rows("board:")} == {at(date(2027, 1, 5), 9)}


def _year_line(text: str, duty: str) -> tuple[float, float]:
    """(done, asked for by now) on the summary's "this year so far" line of a duty."""
    # the only line naming the duty with a "/": last week's logs give a number and a unit
    line = next(line for line in text.splitlines() if line.strip().startswith(duty) and "/" in line)
    done, expected = line.strip()[len(duty):].split()[0].split("/")
    return float(done), float(expected)


def test_a_weekly_summary_posted_in_the_new_year_reports_the_year_of_its_week(db: Database) -> None:
    team = make_team(db, at(date(2026, 12, 27), 12))
    with team.db.session() as session:
        member = session.get_one(members.Member, team.zhang)
        trips.log_trip(session, member=member, start=date(2026, 3, 1), end=date(2026, 3, 30), places="A",
                       topic="t", research_topic_id=None, now=team.clock.now())
        session.get_one(members.Member, team.admin).language = Language.EN
    team.clock.set(at(date(2026, 12, 28), 8))
    team.run()  # the week of 21–27 December is summed up on Monday 28 at 09:00 …
    team.clock.set(at(date(2027, 1, 2), 10))
    team.run()  # … but the bot was down until 2 January 2027

    group = team.rows(f"summary:{team.team_id}:2026-W53:group")[0].payload["text"]
    admin = team.rows(f"summary:{team.team_id}:2026-W53:admin:{team.admin}")[0].payload["text"]
    assert "12月21日" in group and "12月27日" in group
    for text, lang in ((group, "zh"), (admin, "en")):
        done, expected = _year_line(text, duty_name(translator(lang), Duty.RESEARCH_DAYS))
        assert done == 30  # 2026's days, not 2027's none
        assert expected > 100  # what 2026 asked for by 27 December, not 2027's 0.3

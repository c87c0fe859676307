"""A team that starts using the bot on 4 December 2026, walked by the scheduling tick through to the first
working day of 2027 on both backends, against a table worked out by hand.

The team: the office (the owner named by `team create --admin`: not a runner), 张明 (in office all year,
back-logs 10 research days, has a supervised task left 13 days overdue by 21 December), 李华 (任职日期
1 July: asked for 184 of 365 days), 王强 (a leader who also administers, in the race: 60 research days and
the key research topic), 赵敏 (on leave 7–20 December, a suggestion reply due 1 December answered late on
21 December). Default targets (60 days, 1 topic, 6 + 4 sessions, 1 + 1 key motions) and weights (30, 10,
15, 10, 10, 10; on time 15; 2 off per overdue item).

Worked by hand (a period's target is the year's spread over the member's active days of the period;
completion capped at 100 %):

| member | 2026-12 (31 days)               | 2026-Q4 (92 days)                  | 2026 (365 days)                     |
|--------|---------------------------------|------------------------------------|-------------------------------------|
| 张明   | 10/5.096 d → 30; task late 0/1 → 0; −2 → **28.00** | 10/15.123 → 19.84; 0; −2 → **17.84** | 10/60 → 5; 0; −2 → **3.00** |
| 李华   | 2/5.096 → 11.77; +15 → **26.77** | 2/15.123 → 3.97; +15 → **18.97**  | 32/30.247 → 30; +15 → **45.00**    |
| 王强   | topic 1/0.085 → 10; +15 → **25.00** | topic → 10; +15 → **25.00**     | 60/60 → 30; topic 10; +15 → **55.00** |
| 赵敏   | 17 days: 3/2.795 → 30; reply late 0/1 → 0 → **30.00** | 78 days: 3/12.822 → 7.02; 0 → **7.02** | 351 days: 3/57.699 → 1.56; 0 → **1.56** |

Had the task not counted, 张明 would lead December with 43.00 and stand second in the year with 20.00;
had opening the bot started the job (4 December), 李华 would be asked for 60 × 28/365 = 4.6 days a year.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import select

from config import Config
from core import motions as motion_rules
from core.clock import ManualClock
from core.domain import Language, LeaveKind, MemberStatus, MotionKind, ResultClass, Role
from core.race import Period, PeriodKind
from jobs.schedule import Scheduler
from locales import translator
from reports import race_board
from storage import members, motions, onboarding, tasks, trips
from storage import race as race_storage
from storage import topics as topic_queries
from storage.db import Database
from storage.models import LeavePeriod, Member, Motion, OutboxMessage, RaceSnapshot, Team

SHANGHAI = ZoneInfo("Asia/Shanghai")
GROUP = -100999
D = Decimal


def at(day: date, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI)


def dec(day: int) -> date:
    return date(2026, 12, day)


@dataclass
class Year:
    db: Database
    clock: ManualClock
    scheduler: Scheduler
    team_id: int
    ids: dict[str, int]

    def rows(self, prefix: str = "") -> list[OutboxMessage]:
        with self.db.session() as session:
            return list(session.scalars(select(OutboxMessage).where(OutboxMessage.key.startswith(prefix))
                                        .order_by(OutboxMessage.id)))

    def snapshot(self, period: str) -> dict[str, tuple[int, Decimal]]:
        names = {member_id: name for name, member_id in self.ids.items()}
        with self.db.session() as session:
            return {names[row.member_id]: (row.rank, row.score) for row in session.scalars(
                select(RaceSnapshot).where(RaceSnapshot.team_id == self.team_id, RaceSnapshot.period == period))}

    def walk(self, until: datetime, *, step: timedelta = timedelta(hours=1),
             on_day: dict[date, object] | None = None) -> None:
        while self.clock.now() < until:
            self.clock.advance(step)
            for day, action in (on_day or {}).items():
                if self.clock.now() == at(day, 11):
                    action(self)  # type: ignore[operator]
            report = self.scheduler.run_once()
            assert report.failed_teams == []


def local_day(instant: datetime) -> date:
    return instant.astimezone(SHANGHAI).date()


def make_year(db: Database) -> Year:
    created = at(dec(4), 9)
    clock = ManualClock(created)
    ids: dict[str, int] = {}
    with db.session() as session:
        new = onboarding.create_team(session, name="县政府党组", admin_telegram_id=900, group_chat_id=GROUP,
                                     config=Config(), now=created)
        new.owner.status = MemberStatus.ACTIVE
        new.owner.display_name = "县府办"
        assert new.owner.races is False  # the office named by team create --admin supervises, it does not run
        ids["县府办"] = new.owner.id
        people = {}
        for uid, name, role in ((1001, "张明", Role.MEMBER), (1002, "李华", Role.MEMBER), (1003, "王强", Role.ADMIN),
                                (1004, "赵敏", Role.MEMBER)):
            member = members.add(session, team=new.team, telegram_user_id=uid, display_name=name, username=None,
                                 role=role, status=MemberStatus.ACTIVE, now=created, joined_on=dec(4))
            member.language = Language.ZH
            people[name] = member
            ids[name] = member.id
        people["李华"].took_office_on = date(2026, 7, 1)
        assert people["王强"].races  # a leader who also administers runs unless the owner says otherwise
        session.add(LeavePeriod(member_id=people["赵敏"].id, kind=LeaveKind.LEAVE, start_date=dec(7),
                                end_date=dec(20), recorded_by_member_id=new.owner.id, created_at=created))
        for name, first, last in (("张明", dec(1), dec(10)), ("李华", date(2026, 9, 1), date(2026, 9, 30)),
                                  ("李华", dec(14), dec(15)), ("王强", date(2026, 3, 1), date(2026, 4, 29)),
                                  ("赵敏", dec(1), dec(3))):  # back-logged on the first day, as teams do
            trips.log_trip(session, member=people[name], start=first, end=last, places="淳安县", topic="山区共富调研",
                           research_topic_id=None, now=created)
        topic = trips.add_key_topic(session, member=people["王强"], year=2026, title="山区县高质量发展",
                                    now=at(dec(5), 15))
        # researched since March (his trip), its report finished on the day he registers it: it counts then
        topic_queries.start_research(session, topic, on=date(2026, 3, 1), today=dec(5), actor=people["王强"],
                                     now=at(dec(5), 15))
        topic_queries.attach_report(session, topic, title="山区县高质量发展调研报告", file_id=None, on=dec(5),
                                    today=dec(5), actor=people["王强"], now=at(dec(5), 15))
        tasks.create(session, creator=new.owner, title="报送安全生产大检查情况", detail=None, due_at=at(dec(8), 18),
                     assignees=[people["张明"]], attachment_file_id=None, attachment_kind=None, now=created)
        motion = motions.create(session, lead=people["赵敏"], kind=MotionKind.SUGGESTION, number="7",
                                title="山区道路建设", is_key=False, assigned_on=date(2026, 9, 1), reply_due_months=3,
                                now=created)
        assert motion.reply_due == dec(1)
        team_id = new.team.id
    return Year(db, clock, Scheduler(db=db, clock=clock, config=Config()), team_id, ids)


def answer_zhao(year: Year) -> None:
    """赵敏, back from leave, records the reply that went out that day (late: it was due on 1 December)."""
    with year.db.session() as session:
        motion = session.scalars(select(Motion).where(Motion.lead_member_id == year.ids["赵敏"])).one()
        actor = session.get_one(Member, year.ids["赵敏"])
        motions.apply(session, motion, motion_rules.reply(motions.state_of(motion), replied_on=dec(21),
                                                          result_class=ResultClass.A, today=dec(21)),
                      action="reply", actor=actor, now=year.clock.now())


def test_a_team_started_on_4_december_walked_into_2027_matches_the_hand_worked_table(db: Database) -> None:
    year = make_year(db)
    year.walk(at(date(2027, 1, 5), 12), on_day={dec(21): answer_zhao})
    the_boards_match_the_hand_worked_table(year)
    the_boards_go_out_on_the_first_working_day_of_2027_not_on_new_years_day(year)
    the_explanation_counts_the_overdue_task(year)
    nudges_leave_the_office_alone_wait_out_leave_and_spare_the_first_day(year)
    the_weekly_summaries_are_about_their_weeks_and_leave_the_office_out(year)


def the_boards_match_the_hand_worked_table(year: Year) -> None:
    assert year.snapshot("2026-12") == {"赵敏": (1, D("30.00")), "张明": (2, D("28.00")), "李华": (3, D("26.77")),
                                        "王强": (4, D("25.00"))}
    assert year.snapshot("2026-Q4") == {"王强": (1, D("25.00")), "李华": (2, D("18.97")), "张明": (3, D("17.84")),
                                        "赵敏": (4, D("7.02"))}
    assert year.snapshot("2026") == {"王强": (1, D("55.00")), "李华": (2, D("45.00")), "张明": (3, D("3.00")),
                                     "赵敏": (4, D("1.56"))}  # and the office is on none of them


def the_boards_go_out_on_the_first_working_day_of_2027_not_on_new_years_day(year: Year) -> None:
    boards = year.rows(f"board:{year.team_id}:")
    assert sorted(row.key for row in boards) == sorted(
        f"board:{year.team_id}:{period}{chart}" for period in ("2026-12", "2026-Q4", "2026") for chart in ("", ":chart"))
    assert {local_day(row.created_at) for row in boards} == {date(2027, 1, 4)}
    assert all(local_day(row.created_at) not in (date(2027, 1, 1), date(2027, 1, 2), date(2027, 1, 3))
               for row in year.rows())  # 元旦 and its weekend: nothing at all
    text = next(row.payload["text"] for row in boards if row.key == f"board:{year.team_id}:2026")
    lines = text.splitlines()
    assert [name for name in ("王强", "李华", "张明", "赵敏") if any(name in line for line in lines)] == \
        ["王强", "李华", "张明", "赵敏"]
    assert "55.0" in text and "1.6" in text and "55.00" not in text  # one decimal
    assert "县府办" not in text


def the_explanation_counts_the_overdue_task(year: Year) -> None:
    t = translator("zh")
    with year.db.session() as session:
        team = session.get_one(Team, year.team_id)
        board = race_storage.board(session, team, Period(PeriodKind.YEAR, 2026), as_of=dec(31), config=Config())
    zhang = year.ids["张明"]
    text = race_board.explain(t, "张明", board.entry_of(zhang), board.scores[zhang], size=len(board.ranked))
    assert "督办" in text
    task_line = next(line for line in text.splitlines() if t("Supervised tasks") in line)
    assert "0" in task_line and "1" in task_line
    assert board.scores[zhang].overdue == 1 and board.scores[zhang].judged == 1


def nudges_leave_the_office_alone_wait_out_leave_and_spare_the_first_day(year: Year) -> None:
    office, zhang, zhao = year.ids["县府办"], year.ids["张明"], year.ids["赵敏"]
    # the office owes no quota: never paced, never the subject of a lagging note
    assert not year.rows(f"pace:{office}:") and not year.rows(f"lagging:{office}:")
    # 张明 is far behind: paced, and the office told (约谈提醒), in Chinese
    assert year.rows(f"pace:{zhang}:") and year.rows(f"lagging:{zhang}:")
    # 赵敏's leave (7–20 December) pauses her pace nudges and her deadline nudges …
    on_leave = [row for row in year.rows() if row.member_id == zhao and dec(7) <= local_day(row.created_at) <= dec(20)]
    assert on_leave == []
    zhao_nudges = [row for row in year.rows("nudge:motion:") if row.member_id == zhao]
    assert sorted({local_day(row.created_at) for row in zhao_nudges}) == [dec(4), dec(21)]  # before it, after it
    # … but the office still hears of her long-overdue reply while she is away (overdue 7 days on the 8th)
    escalations = [row for row in year.rows("escalate:motion:") if row.member_id == office]
    assert [local_day(row.created_at) for row in escalations] == [dec(8)]
    # a task assigned on 4 December gets no due-soon nudge that day; T-1 on Monday the 7th; 13 days overdue
    # by the 21st it is escalated to both admins (the office and 王强) once
    task_nudges = year.rows("nudge:task:")
    assert task_nudges and min(local_day(row.created_at) for row in task_nudges) == dec(7)
    assert {row.member_id for row in year.rows("escalate:task:")} == {office, year.ids["王强"]}


def the_weekly_summaries_are_about_their_weeks_and_leave_the_office_out(year: Year) -> None:
    summaries = year.rows(f"summary:{year.team_id}:")
    weeks = sorted({row.key.split(":")[2] for row in summaries})
    assert weeks == ["2026-W50", "2026-W51", "2026-W52", "2026-W53", "2027-W01"]
    for row in summaries:
        assert "县府办:" not in row.payload["text"]  # not in anyone's behind-pace list
    new_year = next(row.payload["text"] for row in summaries if row.key.endswith("2027-W01:group"))
    # the week of 28 Dec – 3 Jan is 2026's (its ISO year): the team's 2026 research days as of 31 December,
    # 10 + 32 + 60 + 3 done of 60 + 30.2 + 60 + 57.7 asked (the office asked nothing), not 2027's first days
    assert "下基层调研 105/208" in new_year

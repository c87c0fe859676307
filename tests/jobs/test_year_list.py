"""The 年度清单 (年初有清单): on the team's first working day of the year each racing member gets their list
privately, once, and the office the team's with the targets to confirm; hand-worked figures."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from core.domain import Duty, MotionKind
from storage import members, motions, targets, team_duties, trips
from storage.db import Database
from tests.jobs.test_scheduled import Team, at, make_team


def _setup(db: Database) -> Team:
    team = make_team(db, at(date(2026, 11, 21), 10, 30))
    with db.session() as session:
        zhang = session.get_one(members.Member, team.zhang)
        motion = motions.create(session, lead=zhang, kind=MotionKind.SUGGESTION, number="12", title="山区道路建设",
                                is_key=True, assigned_on=date(2026, 11, 2), reply_due_months=3, now=team.clock.now())
        assert motion.reply_due == date(2027, 2, 2)
        admin = session.get_one(members.Member, team.admin)
        targets.set_value(session, team_id=team.team_id, year=2027, duty=Duty.RESEARCH_DAYS, value=Decimal(50),
                          member_id=None, actor_member_id=admin.id, actor_telegram_id=admin.telegram_user_id,
                          now=team.clock.now())
        lily = session.get_one(members.Member, team.lily)
        trips.add_key_topic(session, member=lily, year=2027, title="Mountain roads", now=team.clock.now())
    return team


def test_each_racing_member_gets_their_year_s_list_once_on_the_first_working_day(db: Database) -> None:
    team = _setup(db)
    team.clock.set(at(date(2027, 1, 1), 7))
    team.walk(at(date(2027, 1, 4), 8, 30), step=timedelta(hours=1.5))  # 元旦 and the weekend: not yet
    assert team.rows("yearlist:") == []
    team.walk(at(date(2027, 1, 4), 12), step=timedelta(minutes=30))
    team.walk(at(date(2027, 1, 5), 12), step=timedelta(hours=3))
    (zhang,) = team.rows(f"yearlist:{team.team_id}:2027:member:{team.zhang}")
    assert zhang.not_before == at(date(2027, 1, 4), 9) and zhang.chat_id == 1001
    # 50 days for the year (the team's number); the first quarter's share of it, 50 × 90/365 = 12.3, whole: 13
    assert zhang.payload["text"].splitlines()[:4] == [
        "📋 2027 年度清单 · 张三", "", "本年度目标：", "• 下基层调研：50 天（一季度末应达 13）"]
    assert "尚未登记 2027 年度重点调研课题：发送 /topic 加课题名称即可登记。" in zhang.payload["text"]
    carried = zhang.payload["text"].split("结转事项（尚未办结）：\n")[1]
    assert carried == "🟢 第12号建议答复 · 2月2日到期"  # assigned in November 2026, due 2 February
    (lily,) = team.rows(f"yearlist:{team.team_id}:2027:member:{team.lily}")
    assert lily.payload["text"].startswith("📋 The year's list for 2027 · Lily")
    assert "Key research topic you lead: “Mountain roads”" in lily.payload["text"]
    (office,) = team.rows(f"yearlist:{team.team_id}:2027:admin:{team.admin}")
    text = office.payload["text"]
    assert "本年度 2 名成员参赛。" in text and "• 下基层调研：50 天（班子设定）" in text
    assert "尚未登记重点调研课题：张三" in text and "上年结转事项：张三 1" in text
    assert office.payload["buttons"] == [[["✅ 确认目标", "tg:c:2027"], ["调整目标", "tg:s:2027"]]]
    assert len(team.rows("yearlist:")) == 3  # the office owes no quota: no list of its own


def test_a_list_missed_for_more_than_a_week_is_not_sent(db: Database) -> None:
    team = _setup(db)
    team.clock.set(at(date(2027, 1, 11), 9, 30))  # the bot was down from before New Year until a week later
    team.run()
    assert team.rows("yearlist:") == []


def test_a_team_created_after_the_moment_gets_no_list_that_year(db: Database) -> None:
    team = make_team(db, datetime(2027, 1, 4, 10, tzinfo=at(date(2027, 1, 4)).tzinfo))
    team.run()
    assert team.rows("yearlist:") == []


def test_the_list_asks_for_the_team_s_own_duties_after_the_six(db: Database) -> None:
    """A team that added 接访下访 (12 days a year): the member's list gives it with the first quarter's share
    (12 × 90/365 = 3.0, whole: 3), as for the six."""
    team = _setup(db)
    with db.session() as session:
        team_duties.set_duty(session, team_id=team.team_id, name="接访下访", unit="天", yearly_target=Decimal(12),
                             weight=Decimal(5), now=team.clock.now())
    team.clock.set(at(date(2027, 1, 4), 8))
    team.walk(at(date(2027, 1, 4), 12), step=timedelta(minutes=30))
    (zhang,) = team.rows(f"yearlist:{team.team_id}:2027:member:{team.zhang}")
    targets_part = zhang.payload["text"].split("本年度目标：\n")[1].split("\n\n")[0].splitlines()
    assert targets_part[0] == "• 下基层调研：50 天（一季度末应达 13）"
    assert targets_part[-1] == "• 接访下访：12 天（一季度末应达 3）"
    assert len(targets_part) == 7


def test_no_list_for_a_member_whose_term_ended_before_the_year(db: Database) -> None:
    """Lily's 离任日期 was 15 December 2026: 2027 asks nothing of her, so she gets no list and the office's counts
    张三 alone."""
    team = _setup(db)
    with db.session() as session:
        session.get_one(members.Member, team.lily).left_office_on = date(2026, 12, 15)
    team.clock.set(at(date(2027, 1, 4), 8))
    team.walk(at(date(2027, 1, 4), 12), step=timedelta(minutes=30))
    assert team.rows(f"yearlist:{team.team_id}:2027:member:{team.lily}") == []
    assert len(team.rows(f"yearlist:{team.team_id}:2027:member:{team.zhang}")) == 1
    (office,) = team.rows(f"yearlist:{team.team_id}:2027:admin:{team.admin}")
    assert "本年度 1 名成员参赛。" in office.payload["text"] and "Lily" not in office.payload["text"]

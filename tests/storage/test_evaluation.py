"""The year-end evaluation's figures from a scripted 2026, on both backends, against hand-worked numbers: a member
in office all year with overlapping trips, a key topic, a reply on time and one overdue; a member who took office
on 1 July (her targets pro-rated on 184 of 365 days) with a late reply. Then the office's grade, comment and
publishing: once published nothing changes and a second publish publishes nothing."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import select

from config import Config
from core.domain import Duty, MemberStatus, MotionKind, MotionStatus, ResultClass, Role, TopicStage
from core.race import DeadlineKind
from storage import evaluation, members, motions, onboarding, teams, topics, trips
from storage.db import Database
from storage.models import Member, Team

SHANGHAI = ZoneInfo("Asia/Shanghai")
ZHANG, WANG = "张三", "王五"


def at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 10, tzinfo=SHANGHAI)


def scripted_year(db: Database, *, first_id: int = 1001, admin_id: int = 900) -> tuple[int, dict[str, int]]:
    """The team (created on 2 January 2026) and its year; returns the team's id and the members' ids by name."""
    with db.session() as session:
        new = onboarding.create_team(session, name="省政府党组", admin_telegram_id=admin_id, group_chat_id=None,
                                     config=Config(), now=at(date(2026, 1, 2)))
        team = new.team
        zhang = members.add(session, team=team, telegram_user_id=first_id, display_name=ZHANG, username=None,
                            role=Role.MEMBER, status=MemberStatus.ACTIVE, now=at(date(2026, 1, 2)), joined_on=date(2026, 1, 2))
        wang = members.add(session, team=team, telegram_user_id=first_id + 1, display_name=WANG, username=None,
                           role=Role.MEMBER, status=MemberStatus.ACTIVE, now=at(date(2026, 1, 2)), joined_on=date(2026, 1, 2))
        wang.took_office_on = date(2026, 7, 1)
        _year_of(session, zhang, wang)
        return team.id, {ZHANG: zhang.id, WANG: wang.id}


def _year_of(session: object, zhang: Member, wang: Member) -> None:
    from sqlalchemy.orm import Session

    assert isinstance(session, Session)
    # 张三: 2–6 and 5–8 March overlap: 7 days; a key topic registered and reported (形成报告, where it counts) in March; a key suggestion assigned on
    # 1 February (due 1 May) replied on 20 April (on time); another assigned on 1 June (due 1 September), never
    # replied: overdue on 31 December.
    trips.log_trip(session, member=zhang, start=date(2026, 3, 2), end=date(2026, 3, 6), places="淳安县",
                   topic="共富", research_topic_id=None, now=at(date(2026, 3, 6)))
    trips.log_trip(session, member=zhang, start=date(2026, 3, 5), end=date(2026, 3, 8), places="开化县",
                   topic="共富", research_topic_id=None, now=at(date(2026, 3, 8)))
    topic = trips.add_key_topic(session, member=zhang, year=2026, title="山区共同富裕路径研究", now=at(date(2026, 3, 10)))
    topics.start_research(session, topic, on=date(2026, 3, 10), today=date(2026, 3, 10), actor=zhang,
                          now=at(date(2026, 3, 10)))
    topics.attach_report(session, topic, title="山区共同富裕路径调研报告", file_id=None, on=date(2026, 3, 31),
                         today=date(2026, 3, 31), actor=zhang, now=at(date(2026, 3, 31)))
    first = motions.create(session, lead=zhang, kind=MotionKind.SUGGESTION, number="12", title="山区道路建设",
                           is_key=True, assigned_on=date(2026, 2, 1), reply_due_months=3, now=at(date(2026, 2, 1)))
    first.status, first.replied_on, first.result_class = MotionStatus.REPLIED, date(2026, 4, 20), ResultClass.A
    motions.create(session, lead=zhang, kind=MotionKind.SUGGESTION, number="13", title="乡村学校",
                   is_key=False, assigned_on=date(2026, 6, 1), reply_due_months=3, now=at(date(2026, 6, 1)))
    # 王五 (in office from 1 July): 3–12 August, 10 days; a key suggestion assigned on 1 August (due 1 November),
    # replied on 10 November (late).
    trips.log_trip(session, member=wang, start=date(2026, 8, 3), end=date(2026, 8, 12), places="德清县",
                   topic="数字经济", research_topic_id=None, now=at(date(2026, 8, 12)))
    late = motions.create(session, lead=wang, kind=MotionKind.SUGGESTION, number="21", title="数字乡村",
                          is_key=True, assigned_on=date(2026, 8, 1), reply_due_months=3, now=at(date(2026, 8, 1)))
    late.status, late.replied_on, late.result_class = MotionStatus.REPLIED, date(2026, 11, 10), ResultClass.B


def _team(db: Database, team_id: int) -> Team:
    with db.session() as session:
        team = teams.one(session, team_id)
        session.expunge(team)
        return team


def test_the_year_s_figures_are_the_hand_worked_ones(db: Database) -> None:
    team_id, ids = scripted_year(db)
    with db.session() as session:
        found = evaluation.team_evaluation(session, teams.one(session, team_id), 2026, today=date(2027, 1, 4),
                                           config=Config())
    assert found.day == date(2026, 12, 31)
    assert [entry.name for entry in found.entries] == [ZHANG, WANG]
    zhang, wang = (entry.figures for entry in found.entries)

    # 张三, 365 active days: research 7/60 (11.7 %, 3.5 points), topic 1/1 (10), suggestion 1/1 (10); replies
    # 1 of 2 on time (50.0 %, 7.5 points), 1 overdue (−2): 3.5 + 10 + 10 + 7.5 − 2 = 29.00
    assert zhang.active_days == 365
    by_duty = {line.duty: line for line in zhang.duties}
    assert (by_duty[Duty.RESEARCH_DAYS].done, by_duty[Duty.RESEARCH_DAYS].target) == (Decimal(7), Decimal(60))
    assert by_duty[Duty.RESEARCH_DAYS].completion == Decimal("11.7")
    assert by_duty[Duty.KEY_RESEARCH_TOPICS].completion == Decimal("100.0")
    assert by_duty[Duty.COLLECTIVE_STUDY].completion == Decimal("0.0")
    replies = zhang.rates[0]
    assert (replies.kind, replies.judged, replies.on_time, replies.rate, replies.overdue) == (
        DeadlineKind.REPLY, 2, 1, Decimal("50.0"), 1)
    assert [(rate.kind, rate.judged, rate.rate) for rate in zhang.rates[1:]] == [
        (DeadlineKind.FEEDBACK, 0, None), (DeadlineKind.TASK, 0, None)]
    assert (zhang.on_time_rate, zhang.overdue, zhang.topic) == (Decimal("50.0"), 1, TopicStage.REPORT)
    assert (zhang.score, zhang.rank, zhang.ranked_of) == (Decimal("29.00"), 1, 2)

    # 王五, 184 active days (1 July – 31 December): research target 60 × 184/365 = 30.25, done 10: 33.1 %,
    # 30 × 10/30.25 = 9.92 points; her key suggestion 1 against 0.50 asked: capped at 100 % (10 points); her only
    # reply late: 0 of 1 (0.0 %). 9.92 + 10 = 19.92
    assert wang.active_days == 184
    research = next(line for line in wang.duties if line.duty is Duty.RESEARCH_DAYS)
    assert research.target == Decimal(60) * 184 / 365
    assert research.completion == Decimal("33.1")
    assert (wang.rates[0].judged, wang.rates[0].on_time, wang.rates[0].rate) == (1, 0, Decimal("0.0"))
    assert (wang.overdue, wang.topic, wang.score, wang.rank) == (0, None, Decimal("19.92"), 2)

    # Months led: first on the board with work done that month. 张三: February (his key suggestion) and March (his
    # trips and key topic); 王五: August (her trip and key suggestion). Not the months 张三 was alone on the board
    # doing nothing (January, April–June), nor July's tie at 15 each (nothing done, nothing due), nor a month
    # won on the on-time points alone (September, October, December: 王五's 15 against his overdue reply).
    assert zhang.months_led == (2, 3)
    assert wang.months_led == (8,)
    assert found.entry_of(ids[WANG]) is not None


def test_grades_and_comments_until_published_then_fixed(db: Database) -> None:
    team_id, ids = scripted_year(db)
    now = at(date(2027, 1, 5))
    with db.session() as session:
        admin = session.scalars(select(Member).where(Member.team_id == team_id, Member.telegram_user_id == 900)).one()
        assert evaluation.record_grade(session, team_id=team_id, year=2026, member_id=ids[ZHANG], grade="称职",
                                       actor=admin, now=now)
        assert evaluation.record_grade(session, team_id=team_id, year=2026, member_id=ids[ZHANG], grade="优秀",
                                       actor=admin, now=now)
        assert evaluation.record_comment(session, team_id=team_id, year=2026, member_id=ids[ZHANG],
                                         comment="调研扎实", actor=admin, now=now)
        # 王五 not graded: publishing leaves her out
        assert evaluation.publish(session, team_id=team_id, year=2026, member_ids=list(ids.values()), actor=admin,
                                  now=now) == [ids[ZHANG]]
        assert evaluation.publish(session, team_id=team_id, year=2026, member_ids=list(ids.values()), actor=admin,
                                  now=now) == []
        assert not evaluation.record_grade(session, team_id=team_id, year=2026, member_id=ids[ZHANG],
                                           grade="不称职", actor=admin, now=now)
        own = evaluation.own(session, ids[ZHANG], 2026)
        assert own is not None and (own.grade, own.comment) == ("优秀", "调研扎实")
        assert evaluation.own(session, ids[WANG], 2026) is None
        found = evaluation.team_evaluation(session, teams.one(session, team_id), 2026, today=date(2027, 1, 5),
                                           config=Config())
    assert [(e.name, e.grade, e.published) for e in found.entries] == [(ZHANG, "优秀", True), (WANG, None, False)]
    assert not found.published and [e.name for e in found.ungraded] == [WANG]

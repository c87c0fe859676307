"""Trips, key research topics and follow-up items in the database: the counts /me shows, who may
act on what, and the closed loop's compare-and-set steps."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select, update

from config import Config
from core.clock import ManualClock
from core.domain import FollowUpStatus, MemberStatus, Role, TopicStage
from core.findings import StepProblem
from storage import members, onboarding, trips
from storage import topics as topic_queries
from storage.db import Database
from storage.models import AuditEntry, FollowUpItem, Member, ResearchTrip, Team


@pytest.fixture
def team(db: Database, clock: ManualClock) -> tuple[Member, Member, Member]:
    """An owner, and two members of the same team."""
    with db.session() as session:
        new = onboarding.create_team(session, name="省政府党组", admin_telegram_id=900, group_chat_id=None,
                                     config=Config(), now=clock.now())
        owner = new.owner
        zhang, li = (members.add(session, team=new.team, telegram_user_id=uid, display_name=name,
                                 username=None, role=Role.MEMBER, status=MemberStatus.ACTIVE,
                                 now=clock.now(), joined_on=date(2026, 1, 1))
                     for uid, name in ((1001, "张三"), (1002, "李四")))
        return owner, zhang, li


def d(month: int, day: int, year: int = 2026) -> date:
    return date(year, month, day)


def log(db: Database, member: Member, start: date, end: date, places: str = "淳安县",
        now: datetime | None = None) -> int:
    with db.session() as session:
        trip = trips.log_trip(session, member=member, start=start, end=end, places=places, topic="山区共富",
                              research_topic_id=None, now=now or datetime.now().astimezone())
        return trip.id


def test_grassroots_days_are_the_union_of_the_years_trips(db: Database, team: tuple[Member, ...]) -> None:
    _, zhang, li = team
    log(db, zhang, d(11, 5), d(11, 8))
    log(db, zhang, d(11, 7), d(11, 10), places="开化县")  # overlaps two days: they count once
    log(db, zhang, d(11, 11), d(11, 11))  # touching: one more day
    log(db, zhang, d(12, 30, 2025), d(1, 2))  # across New Year: two days in 2026
    log(db, li, d(3, 1), d(3, 31))  # someone else's
    deleted = log(db, zhang, d(6, 1), d(6, 30))
    with db.session() as session:
        session.get_one(ResearchTrip, deleted).deleted_at = datetime.now().astimezone()
    with db.session() as session:
        assert trips.grassroots_days(session, zhang.id, 2026) == 7 + 2
        assert trips.grassroots_days(session, zhang.id, 2025) == 2
        assert trips.grassroots_days(session, zhang.id, 2027) == 0
        assert trips.grassroots_days(session, li.id, 2026) == 31


def test_a_duplicate_is_the_same_member_overlapping_days_and_the_same_places(
        db: Database, team: tuple[Member, ...]) -> None:
    _, zhang, li = team
    first = log(db, zhang, d(11, 5), d(11, 8), places="淳安县")
    with db.session() as session:
        assert not trips.overlaps_same_places(session, member_id=zhang.id, start=d(11, 6), end=d(11, 8),
                                              places="淳安县", excluding=first)  # the trip being corrected
        assert trips.overlaps_same_places(session, member_id=zhang.id, start=d(11, 8), end=d(11, 9),
                                          places="淳安县 ")
        assert not trips.overlaps_same_places(session, member_id=zhang.id, start=d(11, 9), end=d(11, 9),
                                              places="淳安县")
        assert not trips.overlaps_same_places(session, member_id=zhang.id, start=d(11, 5), end=d(11, 8),
                                              places="开化县")
        assert not trips.overlaps_same_places(session, member_id=li.id, start=d(11, 5), end=d(11, 8),
                                              places="淳安县")


def test_key_topics_count_the_years_own_topics_not_deleted_once_reported(
        db: Database, clock: ManualClock, team: tuple[Member, ...]) -> None:
    _, zhang, li = team
    today = clock.now().date()
    with db.session() as session:
        kept = trips.add_key_topic(session, member=zhang, year=2026, title="山区26县高质量发展", now=clock.now())
        gone = trips.add_key_topic(session, member=zhang, year=2026, title="数字化改革", now=clock.now())
        last_year = trips.add_key_topic(session, member=zhang, year=2025, title="去年的课题", now=clock.now())
        trips.add_key_topic(session, member=li, year=2026, title="李四的课题", now=clock.now())  # 立项 only
        for topic in (kept, gone, last_year):
            trips.log_trip(session, member=zhang, start=today, end=today, places="淳安县", topic="课题调研",
                           research_topic_id=topic.id, now=clock.now())  # 立项 → 调研中
            assert topic.stage is TopicStage.RESEARCHING and topic.research_started_on == today
            assert topic_queries.attach_report(session, topic, title="调研报告", file_id=None, on=today, today=today,
                                               actor=zhang, now=clock.now()) is None
        gone.deleted_at = clock.now()
    with db.session() as session:
        assert trips.key_topics_count(session, zhang.id, 2026) == 1
        assert trips.key_topics_count(session, zhang.id, 2025) == 1  # counted on its year's last day
        assert trips.key_topics_count(session, li.id, 2026) == 0  # registered, not reported
        assert [t.title for t in trips.key_topics(session, zhang.id, 2026)] == ["山区26县高质量发展"]
        assert trips.leads_same_topic(session, member_id=zhang.id, year=2026, title="山区26县高质量发展")
        assert trips.own_key_topic(session, li.id, gone.id) is None
        assert session.scalar(select(AuditEntry.id).where(AuditEntry.entity == "research_topic")) is not None


def test_a_trip_serves_only_its_own_years_topics_whatever_year_it_is_logged_in(
        db: Database, clock: ManualClock, team: tuple[Member, ...]) -> None:
    """A trip of 28 Dec 2026 – 2 Jan 2027 may serve the 2026 and the 2027 topics; one of December 2026 only the
    2026 one, even when logged in January; never 2025's, nor another member's."""
    _, zhang, li = team
    with db.session() as session:
        old, of_2026, of_2027 = (trips.add_key_topic(session, member=zhang, year=year, title=title, now=clock.now())
                                 for year, title in ((2025, "去年的课题"), (2026, "山区26县"), (2027, "数字化改革")))
        others = trips.add_key_topic(session, member=li, year=2026, title="李四的课题", now=clock.now())
        ids = old.id, of_2026.id, of_2027.id, others.id

    def serves(start: date, end: date, member: Member = zhang) -> list[int]:
        with db.session() as session:
            return [topic for topic in ids
                    if trips.key_topic_for_trip(session, member.id, topic, start=start, end=end) is not None]

    assert serves(d(12, 28), d(1, 2, 2027)) == [ids[1], ids[2]]
    assert serves(d(12, 28), d(12, 30)) == [ids[1]]
    assert serves(d(1, 3, 2027), d(1, 4, 2027)) == [ids[2]]
    assert serves(d(12, 28), d(12, 30), li) == [ids[3]]
    with db.session() as session:
        assert [t.title for t in trips.key_topics_of_years(session, zhang.id, (2026, 2025))] == ["去年的课题", "山区26县"]


def _finding(db: Database, clock: ManualClock, member: Member, trip_id: int, content: str, due: date | None,
             department: str | None = None) -> int:
    with db.session() as session:
        trip = session.get_one(ResearchTrip, trip_id)
        return trips.add_finding(session, member=member, trip=trip, content=content, department=department,
                                 feedback_due=due, now=clock.now()).id  # type: ignore[arg-type]


def test_open_follow_ups_are_not_closed_nor_deleted_soonest_due_first(
        db: Database, clock: ManualClock, team: tuple[Member, ...]) -> None:
    _, zhang, li = team
    trip = log(db, zhang, d(11, 5), d(11, 8))
    later = _finding(db, clock, zhang, trip, "later", d(12, 31), "县交通局")
    sooner = _finding(db, clock, zhang, trip, "sooner", d(12, 1))
    closed = _finding(db, clock, zhang, trip, "closed", d(11, 30), "县农业农村局")
    deleted = _finding(db, clock, zhang, trip, "deleted", d(11, 25))
    _finding(db, clock, li, log(db, li, d(11, 1), d(11, 1)), "li's", d(11, 22))
    with db.session() as session:
        session.get_one(FollowUpItem, closed).status = FollowUpStatus.CLOSED
        session.get_one(FollowUpItem, deleted).deleted_at = clock.now()
    with db.session() as session:
        assert [item.id for item in trips.open_follow_ups(session, zhang.id)] == [sooner, later]
        # the one with a department was assigned as it was recorded
        assert trips.open_follow_ups(session, zhang.id)[1].status is FollowUpStatus.ASSIGNED


def test_an_item_moves_one_step_at_a_time_and_a_second_press_moves_it_once(
        db: Database, clock: ManualClock, team: tuple[Member, ...]) -> None:
    _, zhang, _ = team
    item_id = _finding(db, clock, zhang, log(db, zhang, d(11, 5), d(11, 8)), "村道狭窄", d(12, 8))
    with db.session() as session:
        item = session.get_one(FollowUpItem, item_id)
        assert trips.advance(session, item=item, target=FollowUpStatus.HANDLED, actor=zhang,
                             now=clock.now()) is StepProblem.NOT_NEXT
        assert trips.advance(session, item=item, target=FollowUpStatus.ASSIGNED, actor=zhang,
                             now=clock.now()) is StepProblem.NEEDS_DEPARTMENT
        assert trips.advance(session, item=item, target=FollowUpStatus.ASSIGNED, actor=zhang, now=clock.now(),
                             department="县交通局") is None
    with db.session() as session:
        item = session.get_one(FollowUpItem, item_id)  # read as assigned...
        # ...while another press (another instance) moves it on first:
        session.execute(update(FollowUpItem).where(FollowUpItem.id == item_id)
                        .values(status=FollowUpStatus.HANDLED).execution_options(synchronize_session=False))
        assert item.status is FollowUpStatus.ASSIGNED
        assert trips.advance(session, item=item, target=FollowUpStatus.HANDLED, actor=zhang,
                             now=clock.now()) is StepProblem.NOT_NEXT
        assert item.status is FollowUpStatus.HANDLED  # type: ignore[comparison-overlap]  # seen as it stands: advance refreshed it
    with db.session() as session:
        item = session.get_one(FollowUpItem, item_id)
        assert trips.advance(session, item=item, target=FollowUpStatus.FED_BACK, actor=zhang,
                             now=clock.now(), note=" ") is StepProblem.NEEDS_NOTE
        assert trips.advance(session, item=item, target=FollowUpStatus.FED_BACK, actor=zhang,
                             now=clock.now() + timedelta(days=1), note="已答复村民") is None
        assert (item.department, item.result_note) == ("县交通局", "已答复村民")
        assert item.assigned_at is not None and item.fed_back_at is not None
        actions = session.scalars(select(AuditEntry.action).where(AuditEntry.entity == "follow_up_item")
                                  .order_by(AuditEntry.id)).all()
        # the other press audits its own step
        assert actions == ["create", "follow_up_assigned", "follow_up_fed_back"]


def test_only_the_owner_or_an_admin_of_the_same_team_may_act_on_a_trip_or_item(
        db: Database, clock: ManualClock, team: tuple[Member, ...]) -> None:
    owner, zhang, li = team
    trip = log(db, zhang, d(11, 5), d(11, 8))
    item_id = _finding(db, clock, zhang, trip, "村道狭窄", d(12, 8))
    with db.session() as session:
        other = onboarding.create_team(session, name="市政府党组", admin_telegram_id=901, group_chat_id=None,
                                       config=Config(), now=clock.now()).owner
        assert session.get_one(Team, other.team_id).name == "市政府党组"
    with db.session() as session:
        for who, allowed in ((zhang, True), (owner, True), (li, False), (other, False)):
            assert (trips.visible_trip(session, who, trip) is not None) is allowed, who.display_name
            assert (trips.visible_item(session, who, item_id) is not None) is allowed, who.display_name

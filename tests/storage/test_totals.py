"""The month totals (storage/totals.py): after any sequence of writes, edits, deletes and attendance ticks made
through storage's functions, the stored totals equal a recount from the records, and every board read from
them equals the board read from the records alone."""

from __future__ import annotations

import dataclasses
import threading
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, text, update
from sqlalchemy.orm import Session

from config import Config
from core.domain import (
    AssignmentStatus,
    Duty,
    MemberStatus,
    MotionKind,
    MotionStatus,
    ResultClass,
    Role,
    StudyKind,
    TopicStage,
)
from core.race import Period, PeriodKind, score
from storage import members, motions, onboarding, study, summary, tasks, totals, trips
from storage import race as race_storage
from storage import topics as topic_queries
from storage.db import Database
from storage.models import Member, Motion, ResearchTopic, ResearchTrip, StudyAttendance, StudySession, Team

FIRST = date(2025, 11, 1)
DAYS = 500  # records from November 2025 to March 2027: years and a December–January crossing
LAST_DAY = FIRST + timedelta(days=DAYS)  # "today" for a topic's moves: none of the days drawn is in the future
ZONES = ("Asia/Shanghai", "America/New_York", "UTC")
KINDS = (StudyKind.COLLECTIVE, StudyKind.THEORY_GROUP, StudyKind.LAW, StudyKind.SELF_STUDY)

day = st.integers(0, DAYS).map(lambda n: FIRST + timedelta(days=n))
person = st.integers(0, 2)
pick = st.integers(0, 3)  # which earlier record (modulo how many there are; small, so records are revisited)
instant = st.tuples(day, st.integers(0, 23)).map(lambda pair: datetime.combine(pair[0], time(pair[1]), ZoneInfo("UTC")))
hours = st.integers(-60, 60)
operation = st.one_of(
    st.tuples(st.just("trip"), person, day, st.integers(0, 40)),
    st.tuples(st.just("change_trip"), pick, day, st.integers(-1, 40)),
    st.tuples(st.just("delete_trip"), pick),
    st.tuples(st.just("topic"), person, st.integers(2025, 2027), instant),
    st.tuples(st.just("delete_topic"), pick),
    st.tuples(st.just("trip_for_topic"), pick, day),
    st.tuples(st.just("research"), pick, day),
    st.tuples(st.just("report"), pick, day),
    st.tuples(st.just("outcome"), pick, day),
    st.tuples(st.just("counting"), st.sampled_from(list(TopicStage))),
    st.tuples(st.just("own_study"), person, st.sampled_from(KINDS), day),
    st.tuples(st.just("team_session"), st.sampled_from(KINDS), day),
    st.tuples(st.just("tick"), pick, person),
    st.tuples(st.just("change_study"), pick, st.sampled_from(KINDS), day),
    st.tuples(st.just("delete_study"), pick),
    st.tuples(st.just("motion"), person, st.sampled_from(list(MotionKind)), st.booleans(), day),
    st.tuples(st.just("correct_motion"), pick, st.sampled_from(list(MotionKind)), st.booleans(), day),
    st.tuples(st.just("delete_motion"), pick),
    st.tuples(st.just("timezone"), st.sampled_from(ZONES)),
    # the deadlines, which the boards read beside the totals (counted by the database, or row by row from scratch)
    st.tuples(st.just("reply"), pick, st.none() | day),
    # answers drawn in hours from the due day's midnight in UTC: around the team's midnight, on time or late
    st.tuples(st.just("finding"), person, day, st.none() | hours),
    st.tuples(st.just("task"), person, instant, st.sampled_from(list(AssignmentStatus)), hours, hours,
              st.none() | hours, st.booleans()),
)


class World:
    """One team of three racing members and the ids of what was made for it."""

    def __init__(self, db: Database, serial: int) -> None:
        self.db = db
        self.now = datetime(2027, 3, 20, 2, tzinfo=ZoneInfo("UTC"))
        with db.session() as session:
            made = onboarding.create_team(session, name=f"党组{serial}", admin_telegram_id=900_000 + serial * 10,
                                          group_chat_id=None, config=Config(), now=self.now)
            self.team_id = made.team.id
            self.owner_id = made.owner.id
            self.people = [members.add(session, team=made.team, telegram_user_id=900_000 + serial * 10 + 1 + n,
                                       display_name=f"成员{n}", username=None, role=Role.MEMBER,
                                       status=MemberStatus.ACTIVE, now=self.now, joined_on=date(2025, 1, 1)).id
                           for n in range(3)]
        self.trips: list[int] = []
        self.topics: list[int] = []
        self.studies: list[int] = []
        self.team_sessions: list[int] = []
        self.motions: list[int] = []

    @staticmethod
    def _of(ids: list[int], n: int) -> int | None:
        return ids[n % len(ids)] if ids else None

    def apply(self, session: Session, step: tuple[Any, ...]) -> None:
        kind, *args = step
        owner = session.get_one(Member, self.owner_id)
        member = session.get_one(Member, self.people[args[0]]) if kind in (
            "trip", "topic", "own_study", "motion", "finding", "task") else None
        if kind == "trip":
            assert member is not None
            self.trips.append(trips.log_trip(session, member=member, start=args[1], end=args[1] + timedelta(days=args[2]),
                                             places="淳安县", topic="调研", research_topic_id=None, now=self.now).id)
        elif kind == "change_trip" and (found := self._of(self.trips, args[0])):
            trip = session.get_one(ResearchTrip, found)
            trips.change_trip(session, trip, actor=owner, start=args[1], end=args[1] + timedelta(days=args[2]),
                              places=trip.places, topic=trip.topic, research_topic_id=None, now=self.now)
        elif kind == "delete_trip" and (found := self._of(self.trips, args[0])):
            trips.delete_trip(session, session.get_one(ResearchTrip, found), actor=owner, now=self.now)
        elif kind == "topic":
            assert member is not None
            self.topics.append(trips.add_key_topic(session, member=member, year=args[1], title="课题", now=args[2]).id)
        elif kind == "delete_topic" and (found := self._of(self.topics, args[0])):
            trips.delete_topic(session, session.get_one(ResearchTopic, found), actor=owner, now=self.now)
        elif kind == "trip_for_topic" and (found := self._of(self.topics, args[0])):
            topic = session.get_one(ResearchTopic, found)  # a trip for the topic: 立项 → 调研中 on its first day
            self.trips.append(trips.log_trip(
                session, member=session.get_one(Member, topic.lead_member_id), start=args[1], end=args[1],
                places="开化县", topic="课题调研", research_topic_id=topic.id, now=self.now).id)
        elif kind in ("research", "report", "outcome") and (found := self._of(self.topics, args[0])):
            topic = session.get_one(ResearchTopic, found)  # a move the rules refuse changes nothing
            if kind == "research":
                topic_queries.start_research(session, topic, on=args[1], today=LAST_DAY, actor=owner, now=self.now)
            elif kind == "report":
                topic_queries.attach_report(session, topic, title="调研报告", file_id=None, on=args[1], today=LAST_DAY,
                                            actor=owner, now=self.now)
            else:
                topic_queries.record_outcome(session, topic, outcome="出台政策", on=args[1], today=LAST_DAY,
                                             actor=owner, now=self.now)
        elif kind == "counting":
            topic_queries.set_counting_stage(session, session.get_one(Team, self.team_id), args[0], actor=owner,
                                             now=self.now)
        elif kind == "own_study":
            assert member is not None
            self.studies.append(study.log_own(session, member=member, kind=args[1], held_on=args[2], starts_at=None,
                                              hours=Decimal(2), topic="学习", now=self.now).id)
        elif kind == "team_session":
            made = study.record_for_team(session, admin=owner, kind=args[0], held_on=args[1], starts_at=None,
                                         hours=Decimal(2), topic="学习", now=self.now)
            self.studies.append(made.id)
            self.team_sessions.append(made.id)
        elif kind == "tick" and (found := self._of(self.team_sessions, args[0])):
            held = session.get_one(StudySession, found)
            if held.deleted_at is None:
                study.toggle_attendance(session, study=held, member_id=self.people[args[1]], admin=owner, now=self.now)
        elif kind == "change_study" and (found := self._of(self.studies, args[0])):
            held = session.get_one(StudySession, found)
            study.change(session, held, actor=owner, kind=args[1], held_on=args[2], starts_at=None, hours=held.hours,
                         topic=held.topic, now=self.now)
        elif kind == "delete_study" and (found := self._of(self.studies, args[0])):
            study.delete(session, session.get_one(StudySession, found), actor=owner, now=self.now)
        elif kind == "motion":
            assert member is not None
            self.motions.append(motions.create(
                session, lead=member, kind=args[1], number=str(len(self.motions) + 1), title="建议", is_key=args[2],
                assigned_on=args[3], reply_due_months=3, now=self.now).id)
        elif kind == "correct_motion" and (found := self._of(self.motions, args[0])):
            motion = session.get_one(Motion, found)
            motions.correct(session, motion, actor=owner, kind=args[1], number=motion.number, title=motion.title,
                            is_key=args[2], assigned_on=args[3], reply_due_months=3, now=self.now)
        elif kind == "delete_motion" and (found := self._of(self.motions, args[0])):
            motions.delete(session, session.get_one(Motion, found), actor=owner, now=self.now)
        elif kind == "timezone":
            session.get_one(Team, self.team_id).timezone = args[0]
        elif kind == "reply" and (found := self._of(self.motions, args[0])):
            motion = session.get_one(Motion, found)  # a reply as the bot stores one: status and class with it
            motion.replied_on = args[1]  # None: the reply taken back
            motion.status = MotionStatus.ASSIGNED if args[1] is None else MotionStatus.REPLIED
            motion.result_class = None if args[1] is None else ResultClass.A
        elif kind == "finding":
            assert member is not None
            trip = trips.log_trip(session, member=member, start=args[1], end=args[1], places="建德市", topic="走访",
                                  research_topic_id=None, now=self.now)
            due_day = args[1] + timedelta(days=30)
            finding = trips.add_finding(session, member=member, trip=trip, content="道路破损", department="交通局",
                                        feedback_due=due_day, now=self.now)
            finding.fed_back_at = None if args[2] is None else _hours_after(due_day, args[2])
        elif kind == "task":
            assert member is not None
            due, status, reported, closed, extended, cancelled = args[1:]
            task = tasks.create(session, creator=owner, title="整改", detail=None, due_at=due, assignees=[member],
                                attachment_file_id=None, attachment_kind=None, now=self.now)
            assignment = task.assignments[0]
            assignment.status = status
            assignment.due_at = None if extended is None else due + timedelta(hours=extended)
            if status in (AssignmentStatus.REPORTED, AssignmentStatus.CLOSED):
                assignment.reported_at = due + timedelta(hours=reported)
            if status is AssignmentStatus.CLOSED:
                assignment.closed_at = due + timedelta(hours=max(reported, closed))
            task.cancelled_at = self.now if cancelled else None

    def check(self) -> None:
        with self.db.session() as session:
            team = session.get_one(Team, self.team_id)
            connection = session.connection()
            recounted = totals.count(connection, self.team_id, ZoneInfo(team.timezone), first=date(2020, 1, 1),
                                     last=date(2030, 12, 31))
            assert totals.stored(connection, self.team_id) == recounted
            config = Config()
            for period, as_of in ((Period(PeriodKind.YEAR, 2026), date(2026, 12, 31)),
                                  (Period(PeriodKind.YEAR, 2026), date(2026, 8, 17)),
                                  (Period(PeriodKind.QUARTER, 2026, 1), date(2026, 3, 31)),
                                  (Period(PeriodKind.MONTH, 2026, 1), date(2026, 1, 20)),
                                  (Period(PeriodKind.MONTH, 2027, 1), date(2027, 1, 31))):
                kept = race_storage.board(session, team, period, as_of=as_of, config=config)
                scratch = race_storage.board(session, team, period, as_of=as_of, config=config, from_totals=False)
                assert kept.ranked == scratch.ranked, (period, as_of)
                assert kept.scores == scratch.scores, (period, as_of)
            assert race_storage.year_paces(session, team, today=date(2026, 10, 9), config=config) == \
                race_storage.year_paces(session, team, today=date(2026, 10, 9), config=config, from_totals=False)
            self.check_days(session, team, (date(2026, 8, 17), date(2026, 3, 1), date(2026, 1, 1), date(2026, 2, 28)))
            for monday in (date(2026, 11, 23), date(2027, 1, 4)):  # a week inside a month, one across a year
                start, end = monday - timedelta(days=7), monday - timedelta(days=1)
                assert summary.gather(session, team, start=start, end=end, today=monday, config=config) == \
                    summary.gather(session, team, start=start, end=end, today=monday, config=config,
                                   from_totals=False)


    def check_days(self, session: Session, team: Team, days: tuple[date, ...]) -> None:
        """The year read once for several days (`gather_days`: the totals for the latest, less what was counted
        between it and each earlier one; the deadlines of all the days together) scores every member as the
        year read from scratch for each day alone does, and counts the same done."""
        config = Config()
        year = Period(PeriodKind.YEAR, 2026)
        weights = race_storage.weights_from(config.race)
        tz = ZoneInfo(team.timezone)
        together = race_storage.gather_days(session, self.team_id, year, days=days,
                                            defaults=config.team_defaults.targets, tz=tz)
        assert len(together) == len(days)
        for each, read in zip(days, together, strict=True):
            alone = race_storage.gather(session, self.team_id, year, as_of=each, defaults=config.team_defaults.targets,
                                        tz=tz, from_totals=False)
            assert [inputs.done for inputs in read] == [inputs.done for inputs in alone], each
            assert [score(inputs, year, as_of=each, weights=weights) for inputs in read] == \
                [score(inputs, year, as_of=each, weights=weights) for inputs in alone], each


@pytest.mark.timeout(300)  # 100 examples: ~35 s a backend alone, past 120 s on a busy 2-core machine
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(operation, min_size=1, max_size=25), together=st.booleans())
@example(steps=[("motion", 0, MotionKind.SUGGESTION, True, date(2026, 2, 7)), ("reply", 0, date(2026, 3, 1)),
                ("correct_motion", 0, MotionKind.SUGGESTION, True, date(2026, 2, 8))], together=False)
def test_the_totals_equal_a_recount_after_any_writes(db: Database, steps: list[tuple[Any, ...]],
                                                      together: bool) -> None:
    """``together``: every step in one transaction (flushed as they go), else one transaction each."""
    world = World(db, serial=_serial())
    if together:
        with db.session() as session:
            for step in steps:
                world.apply(session, step)
                session.flush()
    else:
        for step in steps:
            with db.session() as session:
                world.apply(session, step)
    world.check()


def _hours_after(day: date, hours: int) -> datetime:
    return datetime.combine(day, time(), ZoneInfo("UTC")) + timedelta(hours=hours)


_SERIALS = iter(range(1, 1_000_000))


def _serial() -> int:
    return next(_SERIALS)


@pytest.mark.parametrize("bulk", ["move", "delete"])
def test_a_bulk_statement_on_a_counted_table_is_counted_too(db: Database, bulk: str) -> None:
    """A bulk UPDATE or DELETE bypasses the flush (tests/jobs/test_scheduled.py deletes a motion so)."""
    world = World(db, serial=_serial())
    with db.session() as session:
        world.apply(session, ("trip", 0, date(2026, 12, 30), 3))
        world.apply(session, ("own_study", 1, StudyKind.LAW, date(2026, 4, 2)))
        world.apply(session, ("motion", 2, MotionKind.PROPOSAL, True, date(2026, 4, 2)))
    with db.session() as session:
        if bulk == "move":
            session.execute(update(ResearchTrip).where(ResearchTrip.id == world.trips[0])
                            .values(start_date=date(2026, 5, 1), end_date=date(2026, 5, 1)))
            session.execute(update(Motion).where(Motion.id == world.motions[0]).values(assigned_on=date(2025, 12, 1)))
        else:
            session.execute(delete(StudyAttendance).where(StudyAttendance.member_id == world.people[1]))
            session.execute(update(Motion).values(deleted_at=world.now))
    world.check()
    with db.session() as session:
        assert totals.stored(session.connection(), world.team_id) != {}


def test_upgrading_to_the_totals_counts_them_from_the_records(db: Database) -> None:
    world = World(db, serial=_serial())
    with db.session() as session:
        world.apply(session, ("trip", 0, date(2026, 3, 30), 4))
    db.downgrade("0008")
    db.upgrade()
    with db.session() as session:
        assert totals.stored(session.connection(), world.team_id) == {
            (world.people[0], date(2026, 3, 1)): {Duty.RESEARCH_DAYS: 2},
            (world.people[0], date(2026, 4, 1)): {Duty.RESEARCH_DAYS: 3}}


@pytest.mark.parametrize("steps", [
    [("team_session", StudyKind.LAW, date(2026, 5, 6)), ("tick", 0, 1), ("tick", 0, 1)],  # ticked, unticked
    [("trip", 0, date(2026, 12, 30), 3), ("change_trip", 0, date(2026, 6, 1), 2)],  # out of 2027
    [("own_study", 2, StudyKind.COLLECTIVE, date(2025, 12, 1)), ("change_study", 0, StudyKind.LAW, date(2026, 2, 1))],
    [("motion", 1, MotionKind.PROPOSAL, True, date(2025, 12, 9)),
     ("correct_motion", 0, MotionKind.SUGGESTION, True, date(2026, 1, 9))],
    [("counting", TopicStage.REGISTERED), ("topic", 0, 2026, datetime(2026, 6, 30, 17, tzinfo=ZoneInfo("UTC"))),
     ("timezone", "America/New_York")],
    [("topic", 1, 2026, datetime(2026, 2, 1, tzinfo=ZoneInfo("UTC"))), ("trip_for_topic", 0, date(2026, 3, 5)),
     ("report", 0, date(2026, 9, 30)), ("outcome", 0, date(2027, 2, 1)), ("counting", TopicStage.OUTCOME),
     ("counting", TopicStage.RESEARCHING)],  # counted in September, then on 31 December 2026, then in March
    [("topic", 2, 2026, datetime(2026, 2, 1, tzinfo=ZoneInfo("UTC"))), ("research", 0, date(2026, 4, 1)),
     ("report", 0, date(2026, 5, 1)), ("delete_topic", 0)],
    [("trip", 0, FIRST, 0), ("change_trip", 0, date(2026, 1, 2), -1)],  # a trip ending before it starts: no day
])
@pytest.mark.parametrize("together", [True, False])
def test_what_a_change_leaves_behind_is_recounted(db: Database, steps: list[tuple[Any, ...]], together: bool) -> None:
    """The cases the random sequences must not miss: an unticked attendance (a row deleted), records moved
    to another year, a time zone moving a topic into another month."""
    test_the_totals_equal_a_recount_after_any_writes.hypothesis.inner_test(db, steps, together)  # hypothesis' own handle on the undecorated test


@pytest.mark.postgres
@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
def test_two_transactions_recounting_one_member_take_turns(db: Database) -> None:
    """On PostgreSQL the second waits for the first (the member's row is locked while it recounts), then
    counts the first's trip as well: without the lock it would insert the month's row the first had
    inserted and fail, or count without the first's trip."""
    world = World(db, serial=_serial())
    failed: list[BaseException] = []
    backend: list[int] = []

    def second() -> None:
        try:
            with db.session() as session:
                backend.append(session.connection().execute(text("SELECT pg_backend_pid()")).scalar_one())
                world.apply(session, ("trip", 0, date(2026, 6, 10), 2))
        except BaseException as error:  # noqa: BLE001  (reported by the assertion below)
            failed.append(error)

    with db.session() as session:
        world.apply(session, ("trip", 0, date(2026, 6, 1), 1))
        session.flush()  # the first transaction has recounted June, not committed yet
        thread = threading.Thread(target=second)
        thread.start()
        with db.engine.connect() as watcher:  # until the second waits for a lock (it never gets past it)
            while not failed and not (backend and watcher.execute(
                    text("SELECT count(*) FROM pg_locks WHERE pid = :pid AND NOT granted"),
                    {"pid": backend[0]}).scalar()):
                thread.join(0.01)
    thread.join()
    assert failed == []
    world.check()
    with db.session() as session:
        assert totals.stored(session.connection(), world.team_id) == {
            (world.people[0], date(2026, 6, 1)): {Duty.RESEARCH_DAYS: 5}}


def test_one_read_for_several_days_judges_each_days_deadlines_as_a_read_for_that_day(db: Database) -> None:
    """Replies seen on one of the days and not yet on another, due in the year or before it (overdue until
    answered): the deadlines read once for every day (due in the period, or before the latest day and
    unanswered on the earliest) score each day as that day's own read does; trips, topics and studies across
    month boundaries count the same too."""
    world = World(db, serial=_serial())
    with db.session() as session:
        for step in (("trip", 0, date(2026, 2, 26), 5), ("trip", 1, date(2026, 4, 29), 3),
                     ("topic", 2, 2026, datetime(2025, 12, 30, 3, tzinfo=ZoneInfo("UTC"))),
                     ("topic", 0, 2026, datetime(2026, 4, 30, 17, tzinfo=ZoneInfo("UTC"))),
                     ("own_study", 1, StudyKind.LAW, date(2026, 5, 1)),
                     ("motion", 0, MotionKind.SUGGESTION, True, date(2026, 1, 5)),
                     ("motion", 1, MotionKind.PROPOSAL, True, date(2026, 1, 20)),
                     ("motion", 2, MotionKind.SUGGESTION, False, date(2026, 2, 2)),
                     ("motion", 2, MotionKind.PROPOSAL, False, date(2025, 9, 1)),  # due 1 Dec 2025: overdue in 2026
                     ("motion", 1, MotionKind.SUGGESTION, False, date(2025, 8, 1))):
            world.apply(session, step)
        owner = session.get_one(Member, world.owner_id)
        replies = (date(2026, 5, 10), date(2026, 3, 20), None, date(2026, 3, 10), date(2026, 6, 1))
        for motion_id, replied in zip(world.motions, replies, strict=True):
            if replied is None:
                continue
            motion = session.get_one(Motion, motion_id)
            motions.apply(session, motion, dataclasses.replace(
                motions.state_of(motion), status=MotionStatus.REPLIED, replied_on=replied,
                result_class=ResultClass.A), action="reply", actor=owner, now=world.now)
    with db.session() as session:
        team = session.get_one(Team, world.team_id)
        world.check_days(session, team, (date(2026, 6, 1), date(2026, 4, 30), date(2026, 3, 31), date(2026, 5, 10),
                                         date(2026, 1, 1)))
        world.check_days(session, team, (date(2026, 4, 5), date(2026, 4, 4)))  # due on the one, not the other


def test_a_key_topic_counts_in_the_month_it_reached_the_teams_counting_stage(db: Database) -> None:
    """Registered in February, researched from a trip in March, reported in September, made a policy in
    February 2027: at 形成报告 (the default) it counts in September; at 成果转化 on 31 December (its year's
    last day); at 调研中 in March; at 立项 in February. Each change of the team's stage moves the totals."""
    world = World(db, serial=_serial())
    steps: list[tuple[Any, ...]] = [("topic", 1, 2026, datetime(2026, 2, 1, 3, tzinfo=ZoneInfo("UTC"))),
                                    ("trip_for_topic", 0, date(2026, 3, 5))]
    with db.session() as session:
        for step in steps:
            world.apply(session, step)

    def topics_by_month() -> dict[date, int]:
        with db.session() as session:
            stored = totals.stored(session.connection(), world.team_id, members=[world.people[1]])
        return {month: duties[Duty.KEY_RESEARCH_TOPICS] for (_, month), duties in stored.items()
                if Duty.KEY_RESEARCH_TOPICS in duties}

    assert topics_by_month() == {}  # 调研中 is not yet 形成报告
    with db.session() as session:
        world.apply(session, ("report", 0, date(2026, 9, 30)))
    assert topics_by_month() == {date(2026, 9, 1): 1}
    with db.session() as session:
        world.apply(session, ("outcome", 0, date(2027, 2, 1)))
    assert topics_by_month() == {date(2026, 9, 1): 1}
    for stage, expected in ((TopicStage.OUTCOME, {date(2026, 12, 1): 1}),
                            (TopicStage.RESEARCHING, {date(2026, 3, 1): 1}),
                            (TopicStage.REGISTERED, {date(2026, 2, 1): 1})):
        with db.session() as session:
            world.apply(session, ("counting", stage))
        assert topics_by_month() == expected, stage
    world.check()


def test_rebuilding_the_totals_sets_each_topics_day_from_its_teams_stage(db: Database) -> None:
    world = World(db, serial=_serial())
    with db.session() as session:
        world.apply(session, ("topic", 0, 2026, datetime(2026, 4, 1, 3, tzinfo=ZoneInfo("UTC"))))
        session.execute(update(ResearchTopic).where(ResearchTopic.id == world.topics[0])
                        .values(stage=TopicStage.REPORT, report_title="报告", report_on=date(2026, 6, 2)))
    with db.session() as session:  # written past the rules: counts_on is stale until recounted
        assert session.get_one(ResearchTopic, world.topics[0]).counts_on is None
        assert topic_queries.recount_all(session) == 1
        totals.rebuild(session, world.team_id)
    with db.session() as session:
        assert session.get_one(ResearchTopic, world.topics[0]).counts_on == date(2026, 6, 2)
        assert totals.stored(session.connection(), world.team_id) == {
            (world.people[0], date(2026, 6, 1)): {Duty.KEY_RESEARCH_TOPICS: 1}}

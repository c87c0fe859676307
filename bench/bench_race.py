"""Time one month's race board for 2,000 members with five years of records (2022–2026).

    python -m bench.bench_race [members] [repeats]

Generates the data in a temporary database, migrated like production: a SQLite file, and a schema
of its own on PostgreSQL when reachable ($TEST_POSTGRES_URL, else postgres@127.0.0.1/test; dropped
afterwards). Per member and year: about 15 research trips (≈ 60 days), a key topic, two motions
(one key) with replies, three findings with feedback, and the team's 12 collective and 4 law study
sessions with attendance; leave for one member in ten. Then times `storage.race.board` (gathering
the inputs, scoring, ranking; with movement, which computes the previous month too when no snapshot
was saved) and prints the median and the worst of ``repeats`` runs. Not a test: nothing is asserted.
"""

from __future__ import annotations

import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import text

from bench.common import insert_dicts, postgres_database, postgres_reachable, sqlite_database
from config import Config
from core.domain import (
    FollowUpStatus,
    Language,
    LeaveKind,
    MemberStatus,
    MotionKind,
    MotionStatus,
    ResultClass,
    Role,
    StudyKind,
    TopicStage,
)
from core.race import Period, PeriodKind
from storage import race
from storage.db import Database
from storage.models import (
    FollowUpItem,
    LeavePeriod,
    Motion,
    ResearchTopic,
    ResearchTrip,
    StudyAttendance,
    StudySession,
    Team,
)

IN_SUITE = False
IN_SUITE_NOTE = "bench_scale times the same boards, and at twice the members; python -m bench.bench_race"
YEARS = range(2022, 2027)
TODAY = date(2026, 11, 21)
NOW = datetime(2026, 11, 21, 2, 30, tzinfo=UTC)


def _at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 2, tzinfo=UTC)


def _day(rng: random.Random, year: int) -> date:
    last = TODAY if year == TODAY.year else date(year, 12, 31)
    return date(year, 1, 1) + timedelta(days=rng.randrange((last - date(year, 1, 1)).days + 1))


def populate(db: Database, members: int, seed: int = 7, years: range = YEARS) -> tuple[int, dict[str, int]]:
    """One team of ``members`` with records in ``years`` (five by default); returns the team id and row counts."""
    rng = random.Random(seed)
    counts: dict[str, int] = {}
    with db.session() as session:
        team = Team(name="基准测试", timezone="Asia/Shanghai", language=Language.ZH, show_names_in_race=True,
                    settings={}, created_at=NOW)
        session.add(team)
        session.flush()
        team_id = team.id
        insert_dicts(session, "members", [
            {"team_id": team_id, "telegram_user_id": 10_000_000 + i, "display_name": f"成员{i}", "username": None,
             "language": Language.ZH, "role": Role.ADMIN if i == 0 else Role.MEMBER,
             "status": MemberStatus.ACTIVE, "reachable": True,
             "joined_on": date(2021, 1, 1) if i % 10 else _day(rng, rng.choice(list(years))), "created_at": NOW}
            for i in range(members)])
        ids = [row[0] for row in session.execute(text("SELECT id FROM members WHERE team_id = :t ORDER BY id"),
                                                 {"t": team_id})]
        trips, topics, motions, leave, sessions = [], [], [], [], []
        for member_id in ids:
            for year in years:
                for _ in range(15):
                    start = _day(rng, year)
                    trips.append({"team_id": team_id, "member_id": member_id, "start_date": start,
                                  "end_date": start + timedelta(days=rng.randrange(5)), "places": "某县",
                                  "topic": "调研", "created_at": _at(start)})
                registered = _day(rng, year)  # researched and reported that day: it counts (形成报告, the default)
                topics.append({"team_id": team_id, "lead_member_id": member_id, "year": year, "title": "课题",
                               "created_at": _at(registered), "stage": TopicStage.REPORT,
                               "research_started_on": registered, "report_title": "调研报告",
                               "report_on": registered, "counts_on": registered})
                for n, key in enumerate((True, False)):
                    assigned = _day(rng, year)
                    due = assigned + timedelta(days=90)
                    replied = assigned + timedelta(days=rng.randrange(120))
                    answered = replied <= TODAY
                    motions.append({"team_id": team_id, "kind": MotionKind.SUGGESTION if n else MotionKind.PROPOSAL,
                                    "number": str(member_id * 10 + n), "title": "建议", "is_key": key,
                                    "lead_member_id": member_id, "assigned_on": assigned, "reply_due": due,
                                    "status": MotionStatus.REPLIED if answered else MotionStatus.HANDLING,
                                    "replied_on": replied if answered else None,
                                    "result_class": ResultClass.A if answered else None, "reopened": 0,
                                    "created_at": _at(assigned)})
                if member_id % 10 == 3:
                    start = _day(rng, year)
                    leave.append({"member_id": member_id, "kind": LeaveKind.LEAVE, "start_date": start,
                                  "end_date": start + timedelta(days=20), "created_at": _at(start)})
        for year in years:
            for kind, times in ((StudyKind.COLLECTIVE, 12), (StudyKind.LAW, 4)):
                for _ in range(times):
                    held = _day(rng, year)
                    sessions.append({"team_id": team_id, "kind": kind, "held_on": held, "hours": Decimal(2),
                                     "topic": "学习", "recorded_by_member_id": ids[0], "created_at": _at(held)})
        for table, rows in ((ResearchTrip, trips), (ResearchTopic, topics), (Motion, motions),
                            (LeavePeriod, leave), (StudySession, sessions)):
            counts[table.__tablename__] = insert_dicts(session, table.__tablename__, rows)
        trip_rows = session.execute(text("SELECT id, member_id, end_date FROM research_trips WHERE team_id = :t"),
                                    {"t": team_id}).all()
        findings = []
        for trip_id, member_id, end in rng.sample(trip_rows, k=min(len(trip_rows), members * 3 * len(years))):
            end = end if isinstance(end, date) else date.fromisoformat(str(end))
            due = end + timedelta(days=30)
            fed = end + timedelta(days=rng.randrange(45))
            done = fed <= TODAY
            findings.append({"team_id": team_id, "trip_id": trip_id, "member_id": member_id, "content": "意见",
                             "department": "某局", "status": FollowUpStatus.FED_BACK if done else FollowUpStatus.ASSIGNED,
                             "feedback_due": due, "fed_back_at": _at(fed) if done else None,
                             "created_at": _at(end)})
        session_rows = session.execute(text("SELECT id FROM study_sessions WHERE team_id = :t"), {"t": team_id}).all()
        attendance = [{"session_id": sid, "member_id": member_id, "created_at": NOW}
                      for (sid,) in session_rows for member_id in ids if rng.random() < 0.85]
        for model, rows in ((FollowUpItem, findings), (StudyAttendance, attendance)):
            counts[model.__tablename__] = insert_dicts(session, model.__tablename__, rows)
    return team_id, counts


def _time(db: Database, team_id: int, period: Period, *, movement: bool, repeats: int) -> list[float]:
    config = Config()
    runs = []
    for _ in range(repeats):
        with db.session() as session:
            team = session.get_one(Team, team_id)
            started = time.perf_counter()
            board = race.board(session, team, period, as_of=TODAY, config=config, with_movement=movement)
            runs.append(time.perf_counter() - started)
            assert len(board.ranked) > 0
    return runs


def _report(backend: str, db: Database, members: int, repeats: int) -> None:
    started = time.perf_counter()
    team_id, counts = populate(db, members)
    print(f"{backend}: generated {sum(counts.values()):,} rows in {time.perf_counter() - started:.1f} s "
          f"({', '.join(f'{k} {v:,}' for k, v in counts.items())})")
    print(f"{'backend':10} {'board':28} {'median':>9} {'max':>9}")
    for label, period, movement in (
        ("month 2026-11", Period(PeriodKind.MONTH, 2026, 11), False),
        ("month 2026-11 + movement", Period(PeriodKind.MONTH, 2026, 11), True),
        ("quarter 2026-Q4 + movement", Period(PeriodKind.QUARTER, 2026, 4), True),
        ("year 2026 + movement", Period(PeriodKind.YEAR, 2026), True),
    ):
        runs = _time(db, team_id, period, movement=movement, repeats=repeats)
        print(f"{backend:10} {label:28} {statistics.median(runs) * 1000:7.0f} ms {max(runs) * 1000:7.0f} ms",
              flush=True)


def main(members: int = 2000, repeats: int = 3) -> None:
    print(f"one team of {members:,} members, records {YEARS.start}–{YEARS.stop - 1}, board as of {TODAY}")
    with tempfile.TemporaryDirectory() as folder, sqlite_database(folder) as db:
        _report("sqlite", db, members, repeats)
    if postgres_reachable():
        with postgres_database() as db:
            _report("postgresql", db, members, repeats)

if __name__ == "__main__":
    main(*(int(arg) for arg in sys.argv[1:3]))

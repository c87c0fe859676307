"""Time the ledger export (`/export`, `bot.py export`) for a team of 200 members with a year of records.

    python -m bench.bench_export [members]

Builds the data directly in a temporary SQLite database (trips with findings, collective sessions with
attendance, self-study, suggestions and proposals, a reported key topic each, supervised tasks with ten
assignees each, the office's year-end grades; then the month totals rebuilt, as the bot keeps them), then times building the sheets, writing the .xlsx and the
CSV files, and prints a table with the file sizes. Not a test: nothing is asserted.
"""

from __future__ import annotations

import platform
import random
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from config import Config
from core.domain import (
    AssignmentStatus,
    FollowUpStatus,
    Language,
    MemberStatus,
    MotionKind,
    MotionStatus,
    Role,
    StudyKind,
    TopicStage,
)
from locales import translator
from reports import ledger
from storage import ledger as ledger_storage
from storage import teams, totals
from storage.db import Database
from storage.models import (
    Evaluation,
    FollowUpItem,
    Member,
    Motion,
    ResearchTopic,
    ResearchTrip,
    StudyAttendance,
    StudySession,
    Task,
    TaskAssignment,
)

YEAR = 2026
NOW = datetime(2026, 12, 31, 4, 0, tzinfo=UTC)


def seed(db: Database, members: int, rng: random.Random) -> tuple[int, dict[str, int]]:
    """A team and its year: per member ~12 trips (2 findings each), 12 self-study logs, 2 motions;
    24 collective sessions that everyone attends."""
    counts = {"members": members, "trips": 0, "findings": 0, "sessions": 0, "attendance": 0, "motions": 0,
              "topics": 0, "task assignments": 0}
    with db.session() as session:
        team = teams.create(session, name="省政府党组", timezone="Asia/Shanghai", language=Language.ZH,
                            show_names_in_race=True, group_chat_id=None, now=NOW)
        people = [Member(team_id=team.id, telegram_user_id=10_000 + i, display_name=f"成员{i:03d}",
                         language=Language.ZH, role=Role.OWNER if i == 0 else Role.MEMBER,
                         status=MemberStatus.ACTIVE, reachable=True, joined_on=date(YEAR, 1, 1), created_at=NOW)
                  for i in range(members)]
        session.add_all(people)
        session.flush()
        for member in people:
            for n in range(12):
                start = date(YEAR, n + 1, rng.randint(1, 24))
                trip = ResearchTrip(team_id=team.id, member_id=member.id, start_date=start,
                                    end_date=start + timedelta(days=rng.randint(0, 4)), places="淳安县、建德市",
                                    topic="山区共同富裕与基层治理调研", created_at=NOW)
                session.add(trip)
                session.flush()
                counts["trips"] += 1
                for k in range(2):
                    session.add(FollowUpItem(team_id=team.id, trip_id=trip.id, member_id=member.id,
                                             content=f"群众反映的第{k + 1}个问题：村道需要拓宽，公交班次偏少",
                                             department="交通运输局", status=rng.choice(list(FollowUpStatus)),
                                             feedback_due=start + timedelta(days=30), assigned_at=NOW,
                                             created_at=NOW))
                    counts["findings"] += 1
                study = StudySession(team_id=team.id, kind=StudyKind.SELF_STUDY, held_on=date(YEAR, n + 1, 10),
                                     hours=Decimal(2), topic="优化营商环境条例", recorded_by_member_id=member.id,
                                     created_at=NOW)
                session.add(study)
                session.flush()
                session.add(StudyAttendance(session_id=study.id, member_id=member.id, created_at=NOW))
                counts["sessions"] += 1
                counts["attendance"] += 1
            for kind in MotionKind:
                assigned = date(YEAR, rng.randint(1, 9), 1)
                session.add(Motion(team_id=team.id, kind=kind, number=f"{member.id:04d}", title="关于加快县域发展的建议",
                                   is_key=True, lead_member_id=member.id, assigned_on=assigned,
                                   reply_due=assigned + timedelta(days=90), status=MotionStatus.CLOSED,
                                   replied_on=assigned + timedelta(days=60), reopened=0, created_at=NOW))
                counts["motions"] += 1
        for n in range(24):
            study = StudySession(team_id=team.id, kind=StudyKind.COLLECTIVE if n % 3 else StudyKind.LAW,
                                 held_on=date(YEAR, n // 2 + 1, 15 + n % 2), hours=Decimal(3), topic="全会精神",
                                 recorded_by_member_id=people[0].id, created_at=NOW)
            session.add(study)
            session.flush()
            session.add_all(StudyAttendance(session_id=study.id, member_id=m.id, created_at=NOW) for m in people)
            counts["sessions"] += 1
            counts["attendance"] += len(people)
        for member in people:
            reported = date(YEAR, rng.randint(3, 11), 15)
            session.add(ResearchTopic(team_id=team.id, lead_member_id=member.id, year=YEAR, title="山区县高质量发展路径研究",
                                      stage=TopicStage.REPORT, research_started_on=date(YEAR, 2, 1),
                                      report_title="山区县高质量发展调研报告", report_on=reported, counts_on=reported,
                                      created_at=NOW))
            session.add(Evaluation(team_id=team.id, year=YEAR, member_id=member.id, grade="称职", comment="履职尽责",
                                   by_member_id=people[0].id, at=NOW))
            counts["topics"] += 1
        for n in range(max(1, members // 10)):
            due = datetime(YEAR, n % 12 + 1, 20, 10, tzinfo=UTC)
            task = Task(team_id=team.id, title=f"督办事项{n + 1}", detail="按期报送", due_at=due,
                        created_by_member_id=people[0].id, created_at=due - timedelta(days=14))
            session.add(task)
            session.flush()
            for member in rng.sample(people, min(10, len(people))):
                status = rng.choice(list(AssignmentStatus))
                session.add(TaskAssignment(task_id=task.id, member_id=member.id, status=status,
                                           signed_at=due - timedelta(days=13),
                                           reported_at=due - timedelta(days=2) if status is not AssignmentStatus.ASSIGNED else None,
                                           closed_at=due - timedelta(days=1) if status is AssignmentStatus.CLOSED else None))
                counts["task assignments"] += 1
        session.flush()
        totals.rebuild(session, team.id)
        return team.id, counts


def main(members: int = 200) -> None:
    with tempfile.TemporaryDirectory() as folder:
        db = Database.from_url(f"sqlite:///{folder}/bench.db")
        db.upgrade()
        started = time.perf_counter()
        team_id, counts = seed(db, members, random.Random(7))
        print(f"seeded in {time.perf_counter() - started:.1f} s: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
        t = translator("zh")
        rows = []
        for attempt in range(3):
            t0 = time.perf_counter()
            with db.session() as session:
                team = teams.by_id(session, team_id)
                assert team is not None
                sheets = ledger.build(ledger_storage.year_ledger(session, team, YEAR, today=date(YEAR, 12, 31),
                                                                     config=Config()), t=t)
            t1 = time.perf_counter()
            content = ledger.workbook(sheets, t, title=f"省政府党组 {YEAR}")
            t2 = time.perf_counter()
            written = ledger.write_csv(sheets, t, Path(folder) / "csv")
            t3 = time.perf_counter()
            rows.append((attempt + 1, t1 - t0, t2 - t1, t3 - t2, t3 - t0, len(content),
                         sum(p.stat().st_size for p in written), sum(len(s.rows) for s in sheets)))
        db.dispose()
    print(f"{members} members, year {YEAR}, SQLite; Python {platform.python_version()} on {platform.machine()}")
    print(f"{'run':>3} {'query s':>8} {'xlsx s':>7} {'csv s':>6} {'total s':>8} {'xlsx KB':>8} {'csv KB':>7} {'rows':>7}")
    for run, query, xlsx, csv_s, total, size, csv_size, count in rows:
        print(f"{run:>3} {query:8.2f} {xlsx:7.2f} {csv_s:6.2f} {total:8.2f} {size / 1024:8.0f} {csv_size / 1024:7.0f} "
              f"{count:>7}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)

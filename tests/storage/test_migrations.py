"""Migrations: they build the schema the models describe, on SQLite and PostgreSQL, both ways."""

from __future__ import annotations

import json
from datetime import date, timedelta

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from storage.db import Database
from storage.models import Base, Motion
from tests.jobs.test_scheduled import at, make_team


def test_migrations_at_head_match_the_models_exactly(db: Database) -> None:
    assert db.current_revision() is not None
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


def test_migrations_go_down_to_nothing_and_up_again(db: Database) -> None:
    db.downgrade("base")
    assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
    db.upgrade()
    assert set(Base.metadata.tables) <= set(inspect(db.engine).get_table_names())


def test_sqlite_runs_in_wal_mode(tmp_path) -> None:  # type: ignore[no-untyped-def]
    database = Database.from_url(f"sqlite:///{tmp_path}/nested/saima.db")
    database.upgrade()
    with database.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    database.dispose()


def test_the_fair_race_migrations_take_the_office_out_of_the_race_mark_team_sessions_and_join_names(
        db: Database) -> None:
    """0005 makes each existing owner (the office of `team create --admin`) a non-runner and tells team
    sessions (their creation audited `for_team`) from members' own logs; 0007 joins stored Chinese names."""
    db.downgrade("0004")
    now = "2026-11-01 08:00:00"
    with db.engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO teams (id, name, timezone, language, show_names_in_race, settings, created_at) "
            "VALUES (1, '省政府党组', 'Asia/Shanghai', 'zh', true, '{}', :now)"), {"now": now})
        for member_id, name, role in ((1, "李 主任", "owner"), (2, "张 明", "member"), (3, "John Smith", "admin"),
                                      (4, "王 Ming", "member")):
            connection.execute(text(
                "INSERT INTO members (id, team_id, telegram_user_id, display_name, language, role, status, "
                "reachable, created_at) VALUES (:id, 1, :uid, :name, 'zh', :role, 'active', true, :now)"),
                {"id": member_id, "uid": 1000 + member_id, "name": name, "role": role, "now": now})
        for session_id, recorder in ((1, 1), (2, 2)):
            connection.execute(text(
                "INSERT INTO study_sessions (id, team_id, kind, held_on, hours, topic, recorded_by_member_id, "
                "created_at) VALUES (:id, 1, 'collective', '2026-10-20', 2, '条例', :by, :now)"),
                {"id": session_id, "by": recorder, "now": now})
            connection.execute(text(
                "INSERT INTO audit_log (team_id, actor_member_id, action, entity, entity_id, after, at) "
                "VALUES (1, :by, 'create', 'study_session', :id, :after, :now)"),
                {"id": session_id, "by": recorder, "now": now,
                 "after": '{"kind": "collective", "for_team": %s}' % ("true" if recorder == 1 else "false")})
    db.upgrade()
    with db.engine.connect() as connection:
        members = connection.execute(text("SELECT display_name, races FROM members ORDER BY id")).all()
        sessions = connection.execute(text("SELECT for_team FROM study_sessions ORDER BY id")).scalars().all()
    assert [(name, bool(races)) for name, races in members] == [
        ("李主任", False), ("张明", True), ("John Smith", True), ("王 Ming", True)]
    assert [bool(for_team) for for_team in sessions] == [True, False]


def test_the_steps_kept_in_conversation_rows_move_into_user_data(db: Database) -> None:
    """0008: the log forms' and /join's steps, kept by the release before in PTB's conversation rows, move into
    the drafts in user_data; a draft whose conversation had ended (inert) goes; the conversation rows go."""
    db.downgrade("0007")
    now = "2026-11-01 08:00:00"
    rows = [
        ("user", "11", {"lang": "zh", "form": {"kind": "study", "draft": {"hours": {"$decimal": "2"}},
                                               "asking": None, "editing": False, "nonce": "a1b2c3"}}),
        ("conversation:forms", "[11, 11]", "choosing_field"),
        ("conversation:join", "[12, 12]", "awaiting_code"),  # a stranger: no user data of their own
        ("user", "13", {"team_id": 1, "form": {"kind": "trip", "draft": {}, "asking": "places", "nonce": "0f"}}),
        ("conversation:forms", "[14, 14]", "asking"),  # a step whose draft had gone
    ]
    with db.engine.begin() as connection:
        for scope, key, data in rows:
            connection.execute(text("INSERT INTO persisted_state (scope, key, data, updated_at) "
                                    "VALUES (:scope, :key, :data, :now)"),
                               {"scope": scope, "key": key, "data": json.dumps(data), "now": now})
    db.upgrade()
    with db.engine.connect() as connection:
        stored = {(scope, key): json.loads(data) if isinstance(data, str) else data for scope, key, data in
                  connection.execute(text("SELECT scope, key, data FROM persisted_state")).all()}
    assert stored == {
        ("user", "11"): {"lang": "zh", "form": {"kind": "study", "draft": {"hours": {"$decimal": "2"}},
                                                "asking": None, "editing": False, "nonce": "a1b2c3",
                                                "step": "choosing_field"}},
        ("user", "12"): {"join": {"step": "awaiting_code"}},
        ("user", "13"): {"team_id": 1},
    }


def test_the_next_nudge_migration_marks_open_items_and_every_team_for_the_first_tick(db: Database) -> None:
    """0009_next_nudge: every open item (and no closed one) gets an instant long past, so the first tick after
    the upgrade looks at each once; every team's day-granular work too."""
    db.downgrade("0008")
    now = "2026-11-01 08:00:00"
    with db.engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO teams (id, name, timezone, language, show_names_in_race, settings, created_at) "
            "VALUES (1, '省政府党组', 'Asia/Shanghai', 'zh', true, '{}', :now)"), {"now": now})
        connection.execute(text(
            "INSERT INTO members (id, team_id, telegram_user_id, display_name, language, role, status, "
            "reachable, races, created_at) VALUES (1, 1, 1001, '张明', 'zh', 'member', 'active', true, true, :now)"),
            {"now": now})
        for motion_id, status, deleted in ((1, "assigned", None), (2, "handling", None), (3, "replied", None),
                                           (4, "assigned", now)):
            connection.execute(text(
                "INSERT INTO motions (id, team_id, kind, number, title, is_key, lead_member_id, assigned_on, "
                "reply_due, status, reopened, created_at, deleted_at) VALUES (:id, 1, 'suggestion', :number, "
                "'山区道路建设', false, 1, '2026-09-01', '2026-12-01', :status, 0, :now, :deleted)"),
                {"id": motion_id, "number": str(motion_id), "status": status, "now": now, "deleted": deleted})
    db.upgrade()
    with db.engine.connect() as connection:
        motions = connection.execute(text("SELECT id, next_nudge_at FROM motions ORDER BY id")).all()
        teams = connection.execute(text("SELECT next_check_at FROM teams")).scalars().all()
    marked = [motion_id for motion_id, at in motions if at is not None]
    assert marked == [1, 2]
    assert all(str(at).startswith("2000-01-01") for _id, at in motions if at is not None)
    assert [str(at)[:10] for at in teams] == ["2000-01-01"]


def test_the_task_stages_migration_keeps_assignments_and_adds_their_stages_and_requests(db: Database) -> None:
    """0011_task_stages: an assignment made before it has not signed, planned or been extended (its deadline
    is its task's); requests can be stored after it; going down drops them and keeps the assignment."""
    db.downgrade("0010")
    now = "2026-11-01 08:00:00"
    with db.engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO teams (id, name, timezone, language, show_names_in_race, settings, created_at) "
            "VALUES (1, '省政府党组', 'Asia/Shanghai', 'zh', true, '{}', :now)"), {"now": now})
        connection.execute(text(
            "INSERT INTO members (id, team_id, telegram_user_id, display_name, language, role, status, "
            "reachable, races, created_at) VALUES (1, 1, 1001, '张明', 'zh', 'member', 'active', true, true, :now)"),
            {"now": now})
        connection.execute(text(
            "INSERT INTO tasks (id, team_id, title, due_at, created_by_member_id, created_at) "
            "VALUES (1, 1, '整改台账', '2026-11-30 10:00:00', 1, :now)"), {"now": now})
        connection.execute(text(
            "INSERT INTO task_assignments (id, task_id, member_id, status) VALUES (1, 1, 1, 'assigned')"))
    db.upgrade()
    with db.engine.begin() as connection:
        row = connection.execute(text(
            "SELECT signed_at, planned_at, plan_date, due_at FROM task_assignments WHERE id = 1")).one()
        assert tuple(row) == (None, None, None, None)
        connection.execute(text(
            "INSERT INTO task_requests (assignment_id, kind, text, proposed_date, state, member_id, created_at) "
            "VALUES (1, 'extension', '需要等数据', '2026-12-04', 'open', 1, :now)"), {"now": now})
    db.downgrade("0010")
    with db.engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM task_assignments")).scalar() == 1
        assert "task_requests" not in inspect(connection).get_table_names()
    db.upgrade()


def test_the_topic_stages_migration_starts_linked_topics_research_and_takes_unreported_topics_out_of_the_totals(
        db: Database) -> None:
    """0012_topic_stages: a topic with a trip is 调研中 from its first trip's first day, the others 立项; every team
    counts at the default stage (形成报告), where no existing topic counts: their month totals go (a month left
    with nothing goes too)."""
    db.downgrade("0011")
    now = "2026-11-01 08:00:00"
    with db.engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO teams (id, name, timezone, language, show_names_in_race, settings, created_at) "
            "VALUES (1, '省政府党组', 'Asia/Shanghai', 'zh', true, '{\"x\": 1}', :now)"), {"now": now})
        connection.execute(text(
            "INSERT INTO members (id, team_id, telegram_user_id, display_name, language, role, status, "
            "reachable, races, created_at) VALUES (1, 1, 1001, '张明', 'zh', 'member', 'active', true, true, :now)"),
            {"now": now})
        for topic_id in (1, 2):
            connection.execute(text(
                "INSERT INTO research_topics (id, team_id, lead_member_id, year, title, created_at) "
                "VALUES (:id, 1, 1, 2026, :title, :now)"), {"id": topic_id, "title": f"课题{topic_id}", "now": now})
        for trip_id, start, deleted in ((1, "2026-09-03", None), (2, "2026-08-01", now), (3, "2026-10-10", None)):
            connection.execute(text(
                "INSERT INTO research_trips (id, team_id, member_id, start_date, end_date, places, topic, "
                "research_topic_id, created_at, deleted_at) VALUES (:id, 1, 1, :start, :start, '淳安县', '调研', 1, "
                ":now, :deleted)"), {"id": trip_id, "start": start, "now": now, "deleted": deleted})
        for month, days, counted in (("2026-09-01", 1, 0), ("2026-10-01", 1, 0), ("2026-11-01", 0, 2)):
            connection.execute(text(
                "INSERT INTO month_totals (team_id, member_id, month, research_days, key_research_topics, "
                "collective_study, law_study, key_suggestions, key_proposals) "
                "VALUES (1, 1, :month, :days, :topics, 0, 0, 0, 0)"), {"month": month, "days": days, "topics": counted})
    db.upgrade()
    with db.engine.connect() as connection:
        topics = connection.execute(text(
            "SELECT stage, research_started_on, counts_on FROM research_topics ORDER BY id")).all()
        months = connection.execute(text(
            "SELECT month, research_days, key_research_topics FROM month_totals ORDER BY month")).all()
        settings = connection.execute(text("SELECT settings FROM teams")).scalar_one()
    assert [(stage, str(started) if started else None, counts) for stage, started, counts in topics] == [
        ("researching", "2026-09-03", None), ("registered", None, None)]  # the deleted trip is no research
    assert [(str(month), days, n) for month, days, n in months] == [("2026-09-01", 1, 0), ("2026-10-01", 1, 0)]
    assert (json.loads(settings) if isinstance(settings, str) else settings) == {"x": 1, "topic_counts_at": "report"}


def test_the_escalation_due_migration_dates_the_keys_already_there_so_the_upgrade_repeats_none(db: Database) -> None:
    """0019_escalation_due: the 约谈提醒 already in the outbox gain their item's due day (a task's in team time: due at
    02:00 in Shanghai on 6 November, 5 November in UTC), so the first tick after the upgrade makes none again;
    going down drops the day, keeping the earliest row of an item told twice."""
    team = make_team(db, at(date(2026, 11, 21), 10, 30))
    motion = team.motion(team.zhang, date(2026, 11, 6))
    task_id, _assignment = team.task(team.lily, at(date(2026, 11, 6), 2))
    team.walk(at(date(2026, 11, 23), 10, 30))  # Monday: the weekend's 约谈提醒 wait for working hours
    motion_key = f"escalate:motion:{motion}:member:{team.zhang}:admin:{team.admin}"
    task_key = f"escalate:task:{task_id}:member:{team.lily}:admin:{team.admin}"
    assert sorted(team.keys("escalate:")) == [f"{motion_key}:due:2026-11-06", f"{task_key}:due:2026-11-06"]
    db.downgrade("0018_deadline_ranges")
    assert sorted(team.keys("escalate:")) == [motion_key, task_key]
    db.upgrade()
    team.clock.advance(timedelta(hours=1))
    team.run()
    assert sorted(team.keys("escalate:")) == [f"{motion_key}:due:2026-11-06", f"{task_key}:due:2026-11-06"]

    with db.session() as session:  # a new deadline, overdue again: told again
        session.get_one(Motion, motion).reply_due = date(2026, 11, 10)
    team.clock.advance(timedelta(hours=1))
    team.run()
    assert [row.key for row in team.rows("escalate:motion:")] == [f"{motion_key}:due:2026-11-06",
                                                                  f"{motion_key}:due:2026-11-10"]
    first = team.rows("escalate:motion:")[0].id
    db.downgrade("0018_deadline_ranges")
    assert [(row.id, row.key) for row in team.rows("escalate:motion:")] == [(first, motion_key)]
    db.upgrade()
    team.clock.advance(timedelta(hours=1))
    team.run()
    assert [row.key for row in team.rows("escalate:motion:")] == [f"{motion_key}:due:2026-11-10"]

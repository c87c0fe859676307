"""Migrations: they build the schema the models describe, on SQLite and PostgreSQL, both ways."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from storage.db import Database
from storage.models import Base


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

"""Shared fixtures: a migrated database on SQLite and on PostgreSQL, and a fixed clock.

PostgreSQL (127.0.0.1:5432, user postgres, database test, or $TEST_POSTGRES_URL) gets one schema
per test run, migrated once and emptied between tests. Its tests skip when it is unreachable,
and fail instead when REQUIRE_POSTGRES=1 (as in CI).
"""

from __future__ import annotations

import asyncio
import os
import secrets
import shutil
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import psycopg
import pytest
from sqlalchemy import text
from sqlalchemy.schema import sort_tables_and_constraints

from core.clock import ManualClock
from locales.compile import compile_all
from storage.db import STRICT_ENV, Database
from storage.models import Base

os.environ.setdefault("PTB_TIMEDELTA", "true")  # as bot.py: retry_after as a timedelta, no warning per 429
os.environ.setdefault(STRICT_ENV, "1")  # a request to Telegram inside a database session fails the test

POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
SHANGHAI = ZoneInfo("Asia/Shanghai")


def pytest_configure(config: pytest.Config) -> None:
    """Compiles the translations the way the build does (`make test` already has; this is for `pytest`
    run alone after a .po was edited): the bot only loads them."""
    compile_all()


def postgres_reachable() -> bool:
    try:
        with psycopg.connect(POSTGRES_URL.replace("+psycopg", ""), connect_timeout=3):
            return True
    except psycopg.Error:
        return False


def require_postgres() -> None:
    if postgres_reachable():
        return
    if os.environ.get("REQUIRE_POSTGRES") == "1":
        pytest.fail(f"REQUIRE_POSTGRES=1 but PostgreSQL is unreachable at {POSTGRES_URL}")
    pytest.skip(f"PostgreSQL unreachable at {POSTGRES_URL}")


@pytest.fixture(scope="session")
def postgres_schema() -> Iterator[str]:
    """A schema of our own for this run, migrated to head; dropped at the end."""
    require_postgres()
    schema = f"saima_test_{os.getpid()}_{secrets.token_hex(3)}"
    admin = Database.from_url(POSTGRES_URL)
    with admin.engine.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    migrated = Database.from_url(POSTGRES_URL, schema=schema)
    migrated.upgrade()
    migrated.dispose()
    yield schema
    with admin.engine.begin() as connection:
        connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated once; each test gets a copy."""
    path = tmp_path_factory.mktemp("template") / "saima.db"
    database = Database.from_url(f"sqlite:///{path}")
    database.upgrade()
    database.dispose()  # closing the last connection folds the WAL into the file we copy
    return path


def empty_postgres(database: Database) -> None:
    """Every table of the schema emptied and every id sequence back at 1, as a fresh migration leaves them.

    DELETE rather than TRUNCATE: on tables this small it takes ~8 ms where TRUNCATE takes ~80 (it makes
    new files for every table), and the suite empties the schema before each PostgreSQL test."""
    ordered = sort_tables_and_constraints(Base.metadata.sorted_tables)  # type: ignore[no-untyped-call]  # SQLAlchemy leaves it unannotated
    with database.engine.begin() as connection:
        for constraint in ordered[-1][1]:  # references in a cycle (an invite's creator ↔ a member's invite)
            connection.execute(constraint.table.update().values({c.name: None for c in constraint.columns}))
        for table, _ in reversed(ordered[:-1]):  # children before the rows they refer to
            assert table is not None
            connection.execute(table.delete())
        sequences = connection.scalars(text("SELECT sequencename FROM pg_sequences WHERE schemaname = current_schema()"))
        for sequence in sequences.all():
            connection.execute(text(f'ALTER SEQUENCE "{sequence}" RESTART'))


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, str | None]]:
    """(url, schema) of a freshly migrated, empty database on each backend."""
    if request.param == "sqlite":
        path = tmp_path / "saima.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        yield f"sqlite:///{path}", None
        return
    schema = request.getfixturevalue("postgres_schema")
    cleaner = Database.from_url(POSTGRES_URL, schema=schema)
    empty_postgres(cleaner)
    yield POSTGRES_URL, schema
    cleaner.dispose()


@pytest.fixture
def db(database_url: tuple[str, str | None]) -> Iterator[Database]:
    url, schema = database_url
    database = Database.from_url(url, schema=schema)
    yield database
    database.dispose()


class FakeTime:
    """Monotonic time that stands still until someone sleeps: each sleep is recorded and moves it on at
    once, after letting other tasks run as a real sleep would (for the rate limiter's and delivery's pacing)."""

    def __init__(self, start: float = 0.0) -> None:
        self.now = start
        self.slept: list[float] = []

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(round(seconds, 3))
        self.now += seconds
        await asyncio.sleep(0)


@pytest.fixture
def clock() -> ManualClock:
    """Saturday 21 November 2026, 10:30 in Shanghai."""
    return ManualClock(datetime(2026, 11, 21, 10, 30, tzinfo=SHANGHAI))

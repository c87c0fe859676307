"""The database connection itself: settings that decide how an unanswering server is met, and the rule
that no request to Telegram leaves while a session (a transaction, SQLite's write lock) is open."""

from __future__ import annotations

import asyncio
import gc
import logging
import threading
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Date, delete, func, literal, select, text
from sqlalchemy.orm import Session

from config import Config
from jobs.delivery import RateLimiter
from storage import leave, members, onboarding, teams
from storage.db import (
    STRICT_ENV,
    Database,
    ReadOnlyError,
    TransactionOpenError,
    among,
    collection_paused,
    make_engine,
    no_transaction_open,
    on_or_before_day,
)
from storage.models import Member, Team, UTCDateTime
from tests.conftest import POSTGRES_URL, require_postgres


def _connected(url: str, schema: str | None, *shown: str) -> tuple[dict[str, str], list[str]]:
    """What libpq was asked for on a connection of ``make_engine(url, schema=schema)``, and what the server says
    the ``shown`` settings are on it."""
    require_postgres()
    engine = make_engine(url, schema=schema)
    try:
        with engine.connect() as connection:
            parameters = connection.connection.dbapi_connection.info.get_parameters()  # type: ignore[union-attr]
            return parameters, [connection.execute(text(f"SHOW {name}")).scalar_one() for name in shown]
    finally:
        engine.dispose()


@pytest.mark.postgres
def test_a_postgres_connection_gives_up_on_a_silent_server_instead_of_waiting_for_tcp(postgres_schema: str) -> None:
    parameters, _ = _connected(POSTGRES_URL, postgres_schema)
    assert parameters["connect_timeout"] == "10"
    assert (parameters["keepalives"], parameters["keepalives_idle"]) == ("1", "10")
    assert (parameters["keepalives_interval"], parameters["keepalives_count"]) == ("5", "3")
    assert f"search_path={postgres_schema}" in parameters["options"]


@pytest.mark.postgres
@pytest.mark.parametrize("pinned", ["by the schema argument", "in the URL", "nowhere"])
def test_the_bots_postgres_sessions_plan_no_parallel_workers(postgres_schema: str, pinned: str) -> None:
    """Its statements take milliseconds: starting parallel workers would cost more than they save. A URL's own
    `options` (a deployment's search_path, as the process tests give theirs) still apply."""
    url = f"{POSTGRES_URL}?options=-csearch_path%3D{postgres_schema}" if pinned == "in the URL" else POSTGRES_URL
    _, (workers, path) = _connected(url, postgres_schema if pinned == "by the schema argument" else None,
                                    "max_parallel_workers_per_gather", "search_path")
    assert workers == "0"
    assert (path == postgres_schema) is (pinned != "nowhere")


@pytest.mark.postgres
def test_a_urls_own_connection_settings_win_over_the_defaults(postgres_schema: str) -> None:
    parameters, (workers,) = _connected(
        f"{POSTGRES_URL}?connect_timeout=3&keepalives_idle=30&options=-cmax_parallel_workers_per_gather%3D1",
        postgres_schema, "max_parallel_workers_per_gather")
    assert (parameters["connect_timeout"], parameters["keepalives_idle"], workers) == ("3", "30", "1")
    assert parameters["keepalives_count"] == "3"  # the defaults it does not name stay


# --- no request to Telegram inside a session (storage.db.no_transaction_open) ---------------------------


def test_a_request_inside_a_session_is_refused_and_after_it_ends_goes(tmp_path: Path) -> None:
    db = Database.from_url(f"sqlite:///{tmp_path / 'saima.db'}")
    try:
        no_transaction_open("sendMessage")
        with db.session():
            with pytest.raises(TransactionOpenError, match="sendMessage"):
                no_transaction_open("sendMessage")
            with db.session():
                pass
            with pytest.raises(TransactionOpenError):  # still inside the outer block
                no_transaction_open("sendMessage")
        no_transaction_open("sendMessage")
    finally:
        db.dispose()


async def test_a_session_in_a_worker_thread_or_one_a_task_outlived_does_not_count(tmp_path: Path) -> None:
    db = Database.from_url(f"sqlite:///{tmp_path / 'saima.db'}")
    gate = asyncio.Event()

    async def later() -> None:
        await gate.wait()
        no_transaction_open("sendMessage")  # its session ended before this request

    def in_thread() -> None:
        with db.session():
            pass
    try:
        with db.session():
            task = asyncio.create_task(later())
        await asyncio.to_thread(in_thread)
        no_transaction_open("sendMessage")  # the thread's session was never the event loop's
        gate.set()
        await task
    finally:
        db.dispose()


def test_outside_the_tests_a_request_inside_a_session_is_logged_not_refused(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setenv(STRICT_ENV, "0")
    db = Database.from_url(f"sqlite:///{tmp_path / 'saima.db'}")
    try:
        with db.session(), caplog.at_level(logging.ERROR, logger="storage.db"):
            no_transaction_open("editMessageText")
    finally:
        db.dispose()
    assert "editMessageText was requested inside an open database session" in caplog.text


async def test_the_bots_rate_limiter_refuses_a_request_made_inside_a_session(tmp_path: Path) -> None:
    db = Database.from_url(f"sqlite:///{tmp_path / 'saima.db'}")
    sent: list[str] = []

    async def request(*_args: Any, **_kwargs: Any) -> bool:
        sent.append("sent")
        return True
    try:
        with db.session(), pytest.raises(TransactionOpenError):
            await RateLimiter().process_request(request, (), {}, "sendMessage", {"chat_id": 1, "text": "好"}, None)
        assert sent == []
        await RateLimiter().process_request(request, (), {}, "sendMessage", {"chat_id": 1, "text": "好"}, None)
        assert sent == ["sent"]
    finally:
        db.dispose()


# --- a reading session (Database.reading, the heavy answers' gathering) ----------------------------------


def test_a_reading_session_holds_up_no_writer_on_sqlite_and_refuses_to_write(db: Database) -> None:
    with db.reading() as reading:
        assert reading.scalars(select(Team)).all() == []
        with db.session() as writing:  # on SQLite: BEGIN IMMEDIATE is not kept waiting by the read
            onboarding.create_team(writing, name="省政府党组", admin_telegram_id=900001, group_chat_id=None,
                                   config=Config(), now=datetime(2026, 11, 2, tzinfo=UTC))
    with pytest.raises(ReadOnlyError), db.reading() as reading:
        reading.add(Team(name="x"))  # refused when it would be flushed (here, at the block's end)
    with pytest.raises(ReadOnlyError), db.reading() as reading:
        reading.execute(delete(Team))
    with db.reading() as reading:
        assert [team.name for team in reading.scalars(select(Team))] == ["省政府党组"]


async def test_off_loop_gathers_in_a_reading_session_and_renders_after_it_ended(db: Database) -> None:

    def gather(session: Session) -> int:
        with pytest.raises(ReadOnlyError):
            session.execute(delete(Team))
        return len(session.scalars(select(Team)).all())

    def render(count: int) -> str:
        no_transaction_open("sendMessage")  # the gathering's session has ended
        return f"{count} teams"

    assert await db.off_loop(gather, render) == "0 teams"
    assert await db.off_loop(gather) == 0


def test_among_takes_any_number_of_ids_as_one_parameter_and_the_ticks_reads_use_it(db: Database) -> None:
    """storage.db.among: `= ANY(:ids)` on PostgreSQL, `IN (SELECT value FROM json_each(:ids))` on SQLite, one
    parameter however many ids (the scheduling tick asks for every owner of the due items at once: as an `IN (…)`
    list, 10,000 ids made a 166,000-character statement PostgreSQL parsed in more time than it ran)."""
    now = datetime(2026, 11, 24, tzinfo=UTC)
    with db.session() as session:
        made = onboarding.create_team(session, name="省政府党组", admin_telegram_id=900, group_chat_id=-100,
                                      config=Config(), now=now)
        other = onboarding.create_team(session, name="市政府党组", admin_telegram_id=901, group_chat_id=-101,
                                       config=Config(), now=now)
        session.flush()
        team_id, owner_id, other_owner = made.team.id, made.owner.id, other.owner.id
    many = list(range(10**6, 10**6 + 40_000)) + [owner_id, other_owner, owner_id]
    with db.session() as session:
        assert session.scalars(select(Member.id).where(among(session, Member.id, many)).order_by(Member.id)).all() == (
            sorted({owner_id, other_owner}))
        assert session.scalars(select(Member.id).where(among(session, Member.id, []))).all() == []
        assert [team.id for team in teams.by_ids(session, [team_id, team_id, 10**7])] == [team_id]
        found = members.contacts(session, [team_id], many)  # the team's admins (its owner) and these members of it
        assert [(c.id, c.team_id, c.display_name) for c in found] == [(owner_id, team_id, made.owner.display_name)]
        assert leave.spans_of(session, many, first=now.date(), last=now.date()) == {}


@pytest.mark.parametrize("zone", ["Asia/Shanghai", "America/New_York", "America/Havana", "America/Santiago"])
def test_an_instant_is_on_or_before_a_day_in_the_teams_time_as_python_reads_it(db: Database, zone: str) -> None:
    """`on_or_before_day`: for every day of a year, the last microsecond before the next day's first instant in the
    zone is on or before the day and that instant is not, on both backends (a zone without summer time, one
    changing at 2:00, two whose clocks skip or repeat midnight itself: the day begins at the first midnight)."""
    tz, first = ZoneInfo(zone), date(2026, 1, 1)
    wrong: list[tuple[date, bool, bool]] = []
    with db.reading() as session:
        for day in (first + timedelta(days=n) for n in range(365)):
            ends = datetime.combine(day + timedelta(days=1), time(), tzinfo=tz)
            before, at = (on_or_before_day(session, literal(instant, UTCDateTime()), literal(day, Date()), tz,
                                           within=(first, date(2026, 12, 31)))
                          for instant in (ends - timedelta(microseconds=1), ends))
            found = session.execute(select(before, at)).one()
            if tuple(found) != (True, False):
                wrong.append((day, *found))
    assert wrong == []


@pytest.mark.parametrize("collecting", [True, False])
def test_heavy_work_off_the_loop_runs_with_the_collector_paused_and_leaves_it_as_it_found_it(
        db: Database, collecting: bool) -> None:
    seen: list[bool] = []

    def gather(session: Session) -> int:
        seen.append(gc.isenabled())
        return session.scalar(select(func.count()).select_from(Team)) or 0

    def render(count: int) -> str:
        seen.append(gc.isenabled())
        return f"{count} teams"

    was = gc.isenabled()
    (gc.enable if collecting else gc.disable)()
    try:
        text = asyncio.run(db.off_loop(gather, render))
        after = gc.isenabled()
    finally:
        (gc.enable if was else gc.disable)()
    assert text.endswith("teams") and seen == [False, False]
    assert after is collecting


def test_pauses_taken_by_two_threads_at_once_nest() -> None:
    """A tick and a board in two worker threads: the collector stays paused until the later of the two ends, then
    collects again as it did before the first began."""
    first_in, second_in, first_out = threading.Event(), threading.Event(), threading.Event()
    seen: dict[str, bool] = {}

    def first() -> None:
        with collection_paused():
            first_in.set()
            second_in.wait(5)
        first_out.set()

    def second() -> None:
        first_in.wait(5)
        with collection_paused():
            second_in.set()
            first_out.wait(5)
            seen["after the first ended"] = gc.isenabled()
        seen["after both ended"] = gc.isenabled()

    was = gc.isenabled()
    gc.enable()
    try:
        threads = [threading.Thread(target=first), threading.Thread(target=second)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(10)
    finally:
        (gc.enable if was else gc.disable)()
    assert seen == {"after the first ended": False, "after both ended": True}

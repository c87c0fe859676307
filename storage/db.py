"""Database plumbing: engines for SQLite (WAL) and PostgreSQL (psycopg 3), sessions, migrations, and
telling an outage (the server restarting, the network cut) from a bad query."""

from __future__ import annotations

import asyncio
import functools
import gc
import json
import logging
import os
import re
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager
from contextvars import ContextVar
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast, overload
from zoneinfo import ZoneInfo

from sqlalchemy import (
    ARRAY,
    ColumnElement,
    CursorResult,
    Date,
    Engine,
    Executable,
    Integer,
    any_,
    bindparam,
    case,
    create_engine,
    event,
    exc,
    func,
    inspect,
    make_url,
    select,
    text,
)
from sqlalchemy.engine import URL
from sqlalchemy.orm import ORMExecuteState, QueryableAttribute, Session, configure_mappers, sessionmaker

from storage import totals, updates

if TYPE_CHECKING:
    from alembic.config import Config as AlembicConfig

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"

log = logging.getLogger(__name__)

T = TypeVar("T")
R = TypeVar("R")


def execute_dml(session: Session, statement: Executable) -> CursorResult[Any]:
    """Runs an UPDATE or DELETE in the session; `.rowcount` on the result says how many rows it changed
    (what the compare-and-set writes check). `Session.execute` is typed as returning any result."""
    return cast(CursorResult[Any], session.execute(statement))


def dialect_insert(session: Session) -> Any:
    """The dialect's `insert` (with on_conflict_do_…) for the session's database: PostgreSQL's dialect
    module is imported only on PostgreSQL (a SQLite start never loads it)."""
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects import postgresql

        return postgresql.insert
    from sqlalchemy.dialects import sqlite

    return sqlite.insert


def among(session: Session, column: Any, ids: Iterable[int]) -> ColumnElement[bool]:
    """``column IN ids`` with the ids as one parameter, however many: ``= ANY(:ids)`` with an array on
    PostgreSQL, ``IN (SELECT value FROM json_each(:ids))`` on SQLite. A plain ``IN (…)`` of integers is written
    into the statement, and a long one costs more to write, send and parse than to run: the scheduling tick asks
    for ten thousand members at once (a 166,000-character statement)."""
    values = sorted(set(ids))
    if session.get_bind().dialect.name == "postgresql":
        return cast(ColumnElement[bool], column == any_(bindparam(None, values, type_=ARRAY(Integer), unique=True)))
    listed = func.json_each(bindparam(None, json.dumps(values), unique=True)).table_valued("value")
    return cast(ColumnElement[bool], column.in_(select(listed.c.value)))


def on_or_before_day(session: Session, instant: ColumnElement[datetime | None] | QueryableAttribute[datetime | None],
                     day: ColumnElement[date], tz: ZoneInfo, *, within: tuple[date, date]) -> ColumnElement[bool]:
    """Whether ``instant`` (an instant column) falls on or before ``day`` (a date column) in the team's time: what
    ``instant.astimezone(tz).date() <= day`` asks in Python, exact for every day of ``within`` (first, last; on
    SQLite, elsewhere the zone's offset may be off).

    PostgreSQL: the instant's day in the zone. SQLite, which keeps instants as UTC text and knows no zones:
    earlier than the next day's midnight shifted by the zone's offset then, one CASE arm per run of days that
    share an offset (one for a zone without summer time, three for a year of one with it)."""
    if session.get_bind().dialect.name == "postgresql":
        return func.timezone(str(tz), instant).cast(Date()) <= day
    runs = _midnight_offsets(str(tz), *within)

    def shifted(offset: int) -> ColumnElement[Any]:
        return func.datetime(day, "+1 day", f"{-offset:+d} seconds")

    if len(runs) == 1:
        return instant < shifted(runs[0][1])
    return instant < case(*((day < runs[n + 1][0], shifted(offset)) for n, (_, offset) in enumerate(runs[:-1])),
                          else_=shifted(runs[-1][1]))


@functools.lru_cache(maxsize=64)
def _midnight_offsets(zone: str, first: date, last: date) -> tuple[tuple[date, int], ...]:
    """Runs of the days from ``first`` through ``last`` whose next midnight has the same UTC offset in ``zone``:
    (the run's first day, the offset in seconds). A midnight a clock change skips is read as Python reads it
    (fold 0: the offset before the change), which is the first instant of that day."""
    tz, each = ZoneInfo(zone), first
    runs: list[tuple[date, int]] = []
    while each <= last:
        offset = datetime.combine(each + timedelta(days=1), time(), tzinfo=tz).utcoffset()
        seconds = int(offset.total_seconds()) if offset is not None else 0
        if not runs or runs[-1][1] != seconds:
            runs.append((each, seconds))
        each += timedelta(days=1)
    return tuple(runs) or ((first, 0),)


class _CollectorPause:
    """See :func:`collection_paused`: pauses taken by several threads at once nest, and the collector is left as the
    first found it when the last ends."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._held = 0
        self._resume = False

    @contextmanager
    def __call__(self) -> Iterator[None]:
        with self._lock:
            if self._held == 0:
                self._resume = gc.isenabled()
                gc.disable()
            self._held += 1
        try:
            yield
        finally:
            with self._lock:
                self._held -= 1
                if self._held == 0 and self._resume:
                    gc.enable()


collection_paused = _CollectorPause()
"""The cyclic garbage collector paused while heavy work runs (a scheduling tick, a board, a summary, a ledger:
what :meth:`Database.off_loop` runs), and left as it was found once no such work is running. That work keeps tens
of thousands of objects alive until it returns (rows read, inputs, scores, messages), and the collections their
growth sets off find no garbage among them: ~100 ms of the day's first tick at 10,000 due, a full pass of
~100 ms in one board of five for 2,000 members (bench_scale). What the work drops is freed by reference counting
as it goes; the collector's next pass takes any cycle it left."""


def normalise_url(url: str) -> URL:
    """Accepts `postgresql://…` and `postgres://…` as psycopg 3 URLs; creates a SQLite file's folder."""
    parsed = make_url(url.replace("postgres://", "postgresql://", 1) if url.startswith("postgres://") else url)
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    return parsed


#: libpq settings for every PostgreSQL connection. Handlers talk to the database on the event loop,
#: so a server that stops answering (rather than refusing) must not hold it for the kernel's TCP
#: timeouts: connecting gives up after 10 s, and a silent peer is noticed after about 10 + 3 × 5 s.
POSTGRES_CONNECT_ARGS: dict[str, Any] = {
    "connect_timeout": 10, "keepalives": 1, "keepalives_idle": 10, "keepalives_interval": 5, "keepalives_count": 3,
}

#: Server settings for the bot's own sessions. No parallel query: the bot's statements take milliseconds, and
#: starting the workers cost more than they saved (a year board's deadline count: 15–16 ms with two workers,
#: 9–10 ms without, on two cores), while they take cores from the bot and from other teams' requests.
POSTGRES_SESSION_OPTIONS = ("-cmax_parallel_workers_per_gather=0",)


def make_engine(url: str, *, schema: str | None = None, **kwargs: Any) -> Engine:
    """An engine for `url`; `schema` pins PostgreSQL's search_path (tests use one schema per run)."""
    parsed = normalise_url(url)
    if parsed.get_backend_name() == "sqlite":
        engine = create_engine(parsed, connect_args={"timeout": 30}, **kwargs)
        event.listen(engine, "connect", _configure_sqlite)
        event.listen(engine, "begin", _begin_immediate_on_sqlite)
        return engine
    # connect_args replace what the URL's query gives: a setting the URL names (`?connect_timeout=3`) is left to it,
    # and libpq's one `options` string carries the session settings first, then the URL's (which may set one of
    # ours differently), then the pinned schema.
    given = parsed.query.get("options", ())
    options = [*POSTGRES_SESSION_OPTIONS, *([given] if isinstance(given, str) else given),
               *([f"-csearch_path={schema}"] if schema else [])]
    connect_args: dict[str, Any] = {key: value for key, value in POSTGRES_CONNECT_ARGS.items()
                                    if key not in parsed.query}
    connect_args["options"] = " ".join(options)
    return create_engine(parsed, connect_args=connect_args, pool_pre_ping=True, **kwargs)


def _configure_sqlite(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy, not the sqlite3 module, decide when transactions begin (see _begin…).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


#: Execution option of a reading session's connections (Database.reading).
READING = "saima_reading"


def _begin_immediate_on_sqlite(connection: Any) -> None:
    # BEGIN IMMEDIATE takes the write lock up front, so two processes never deadlock upgrading
    # a read lock; the busy_timeout above makes the second one wait instead of failing. A reading
    # session (which cannot write) begins deferred: under WAL it takes no lock, so a long read (a big
    # team's board) holds up no writer.
    connection.exec_driver_sql("BEGIN" if connection.get_execution_options().get(READING) else "BEGIN IMMEDIATE")


class ReadOnlyError(RuntimeError):
    """A reading session (Database.reading) was about to write."""


def _refuse_flush(session: Session, _context: Any, _instances: Any) -> None:
    if session.new or session.dirty or session.deleted:
        raise ReadOnlyError("a reading session writes nothing: use Database.session()")


def _refuse_statement(state: ORMExecuteState) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        raise ReadOnlyError("a reading session writes nothing: use Database.session()")


class Database:
    """The engine and a session factory; `with db.session() as s:` is one short transaction."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        from storage import next_nudge  # the items' next-nudge instants, kept by session events

        next_nudge.install()
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        updates.install(self._sessions)  # a transaction made while an update is handled also marks it handled
        totals.install(self._sessions)  # every change to a counted record recounts its month totals (storage/totals.py)
        self._readings = sessionmaker(engine.execution_options(**{READING: True}), expire_on_commit=False)
        event.listen(self._readings, "before_flush", _refuse_flush)
        event.listen(self._readings, "do_orm_execute", _refuse_statement)

    @classmethod
    def from_url(cls, url: str, *, schema: str | None = None) -> Database:
        return cls(make_engine(url, schema=schema))

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    def session(self) -> AbstractContextManager[Session]:
        return self._begin(self._sessions)

    def reading(self) -> AbstractContextManager[Session]:
        """A session that only reads (it raises ReadOnlyError before any write): on SQLite its
        transaction takes no lock, so it may take its time (Database.off_loop's gathering)."""
        return self._begin(self._readings)

    @staticmethod
    @contextmanager
    def _begin(sessions: sessionmaker[Session]) -> Iterator[Session]:
        held = _Held()
        token = _held.set(held)
        try:
            with sessions.begin() as session:
                yield session
        finally:
            held.open = False
            try:
                _held.reset(token)
            except ValueError:  # ended in another context (a generator closed elsewhere): nothing to undo
                pass

    @overload
    async def off_loop(self, gather: Callable[[Session], T]) -> T: ...

    @overload
    async def off_loop(self, gather: Callable[[Session], T], then: Callable[[T], R]) -> R: ...

    async def off_loop(self, gather: Callable[[Session], Any], then: Callable[[Any], Any] | None = None) -> Any:
        """Heavy work (a big team's board, the weekly summary, a year's ledger) in a worker thread, so the
        event loop, and everyone else's updates, never wait for it: `gather(session)` reads in a reading
        session (no lock on SQLite: it holds up no writer) of that thread's own (the pool hands each
        thread its own connection; SQLite's is made with check_same_thread off), closed before
        `then(gathered)` renders it, with the garbage collector paused (:data:`collection_paused`). What it returns
        is sent after, on the loop, with no transaction open."""

        def run() -> Any:
            with collection_paused():
                with self.reading() as session:
                    gathered = gather(session)
                return gathered if then is None else then(gathered)

        return await asyncio.to_thread(run)

    def upgrade(self, revision: str = "head") -> None:
        """Applies Alembic migrations up to `revision` on this database. A database already at the head
        is told by one query, without importing Alembic (most of a restart's start-up otherwise)."""
        if revision == "head" and self.at_head():
            return
        from alembic import command

        with self.engine.begin() as connection:
            had_totals = inspect(connection).has_table("month_totals")
            config = alembic_config(connection)
            command.upgrade(config, revision)
        if not had_totals and self._has_table("month_totals"):
            with self.session() as session:  # the revision that made them: counted from the records once
                totals.rebuild(session)

    def _has_table(self, name: str) -> bool:
        with self.engine.connect() as connection:
            return inspect(connection).has_table(name)

    def at_head(self) -> bool:
        """Whether alembic_version holds exactly the newest revision of migrations/versions (False when
        the files do not name a single head, the table is missing, or it holds anything else)."""
        head = head_revision()
        if head is None:
            return False
        with self.engine.connect() as connection:
            if not inspect(connection).has_table("alembic_version"):
                return False
            stored = connection.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
        return list(stored) == [head]

    def downgrade(self, revision: str) -> None:
        from alembic import command

        with self.engine.begin() as connection:
            command.downgrade(alembic_config(connection), revision)

    def current_revision(self) -> str | None:
        from alembic.runtime.migration import MigrationContext

        with self.engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()

    def dispose(self) -> None:
        self.engine.dispose()

    def reachable(self) -> bool:
        """Whether the database answers a trivial query now (blocking; call it off the event loop)."""
        try:
            with self.engine.connect() as connection:
                connection.exec_driver_sql("SELECT 1")
            return True
        except exc.SQLAlchemyError as error:
            if is_outage(error):
                return False
            raise


class _Held:
    """One `Database.session()` block, open until it ends (a task started inside it sees it close)."""

    __slots__ = ("open",)

    def __init__(self) -> None:
        self.open = True


# The innermost session block open in this task or thread (asyncio.to_thread runs in a copy, so a session
# opened there is never seen by the event loop's task).
_held: ContextVar[_Held | None] = ContextVar("saima_session_held", default=None)

#: Set to "1" (the tests do) to make `no_transaction_open` raise instead of logging an error.
STRICT_ENV = "SAIMA_STRICT_TRANSACTIONS"


class TransactionOpenError(RuntimeError):
    """A request to Telegram was about to leave inside a `Database.session()` block."""


def no_transaction_open(what: str) -> None:
    """Called before every request to Telegram (jobs.delivery.RateLimiter): an async handler must never
    wait on the network inside `with db.session()`, since the transaction (SQLite's write lock, taken by
    BEGIN IMMEDIATE) would be held for the round trip and every other writer would wait. Logs an error,
    or raises TransactionOpenError with SAIMA_STRICT_TRANSACTIONS=1 (the test suite)."""
    held = _held.get()
    if held is None or not held.open:
        return
    if os.environ.get(STRICT_ENV) == "1":
        raise TransactionOpenError(f"{what} was requested inside an open database session")
    log.error("%s was requested inside an open database session: reply after the `with db.session()` "
              "block ends", what, stack_info=True)


# SQLite's transient failures: another process holds the lock past busy_timeout, the file is away.
_SQLITE_TRANSIENT = ("database is locked", "unable to open database", "disk i/o error")


def is_outage(error: BaseException | None) -> bool:
    """Whether `error` (or what caused it) says the database could not be reached or dropped the
    connection, so the same work can succeed once it answers again; False for a query that is wrong."""
    seen = 0
    while error is not None and seen < 10:
        if isinstance(error, exc.DBAPIError) and error.connection_invalidated:
            return True
        if isinstance(error, exc.TimeoutError):  # no pooled connection came back in time
            return True
        if isinstance(error, (exc.OperationalError, exc.InterfaceError)):
            if type(error.orig).__module__ == "sqlite3":
                return any(text in str(error.orig).lower() for text in _SQLITE_TRANSIENT)
            return True  # psycopg: connection refused, server closed the connection, admin shutdown …
        if type(error).__module__.startswith("psycopg") and type(error).__name__ in ("OperationalError",
                                                                                    "InterfaceError"):
            return True
        error = error.__cause__ or error.__context__
        seen += 1
    return False


_REVISION_LINE = re.compile(r"^(down_revision|revision)\s*(?::[^=]*)?=\s*(?:'([^']*)'|\"([^\"]*)\"|None)\s*$",
                            re.MULTILINE)


def warm_up() -> None:
    """Configures every mapper (their relationships, ~30 ms of CPU): the first ORM query otherwise does it.
    Nothing the start needs before its first getUpdates queries through the mappers (persistence reads
    its table's columns), so the bot calls this off the event loop once it has started (bot.py)."""
    configure_mappers()


@functools.cache
def head_revision(versions: Path = MIGRATIONS_DIR / "versions") -> str | None:
    """The newest revision id among the migration files, read from their `revision` and `down_revision`
    lines without importing Alembic: the one revision no other revises. None when a file does not say
    both plainly or the files name no single head (then Alembic is asked)."""
    revisions: set[str] = set()
    revised: set[str] = set()
    for path in versions.glob("*.py"):
        found = {m[1]: m[2] or m[3] for m in _REVISION_LINE.finditer(path.read_text(encoding="utf-8"))}
        if not found.get("revision") or "down_revision" not in found:
            return None
        revisions.add(found["revision"])
        if found["down_revision"]:
            revised.add(found["down_revision"])
    heads = revisions - revised
    return heads.pop() if len(heads) == 1 else None


def alembic_config(connection: Any = None, url: str | None = None) -> AlembicConfig:
    from alembic.config import Config as AlembicConfig

    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if url:
        config.set_main_option("sqlalchemy.url", url)
    if connection is not None:
        config.attributes["connection"] = connection
    return config

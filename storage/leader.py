"""Leader election: which of several `bot.py run` processes on one database is the active one.

PostgreSQL: a session-level advisory lock (`pg_try_advisory_lock`) held on a dedicated connection,
keyed by the bot's id and the schema, so two bots (or two test schemas) on one database never
compete. The lock lives as long as that connection: a process killed outright closes its socket and
PostgreSQL frees the lock at once; a machine that drops off the network is noticed by the server's
TCP keepalives set on the connection (about 10 s), and the lock is freed then. No table, no lease
row, nothing to clean up.

SQLite: one process per database file; a second one stands by on an exclusive `flock` of
`<file>.lock` beside the database (one machine, so a dead process frees it at once).
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from storage.db import normalise_url

if TYPE_CHECKING:
    import psycopg

log = logging.getLogger(__name__)

# The server gives up on a silent peer after IDLE + COUNT × INTERVAL seconds (4 + 3 × 2 = 10 s), and
# on data it sent that stays unacknowledged after USER_TIMEOUT_MS: either frees the lock.
KEEPALIVE_IDLE_SECONDS = 4
KEEPALIVE_INTERVAL_SECONDS = 2
KEEPALIVE_COUNT = 3
USER_TIMEOUT_MS = 10_000


class Lease(Protocol):
    """Who holds it is the active instance; `still_held` is asked every few seconds (fencing)."""

    description: str

    def connect(self) -> None:
        """Opens what the lease needs (raises when the database cannot be reached)."""
        ...

    def try_acquire(self) -> bool:
        """True when this process now holds the lease (never blocks for long)."""
        ...

    def still_held(self) -> bool:
        """True only when the lease is confirmed held right now; False or an exception otherwise."""
        ...

    def release(self) -> None:
        ...

    def abandon(self) -> None:
        """Forgets a lease that could not be confirmed, without talking to its (maybe hung) session."""
        ...


def lease_for(database_url: str, bot_id: str | int, *, schema: str | None = None) -> Lease:
    """The lease that elects the active `bot.py run` for this database and bot."""
    url = normalise_url(database_url)
    if url.get_backend_name() == "sqlite":
        if url.database in (None, "", ":memory:"):
            return NoLease()
        return FileLease(Path(f"{url.database}.lock"))
    return PostgresLease(database_url, bot_id, schema=schema)


class NoLease:
    """An in-memory SQLite database cannot be shared: every process is its own leader."""

    description = "no lock (in-memory database)"

    def connect(self) -> None:
        return None

    def try_acquire(self) -> bool:
        return True

    def still_held(self) -> bool:
        return True

    def release(self) -> None:
        return None

    def abandon(self) -> None:
        return None


class FileLease:
    """An exclusive, non-blocking `flock` on a file beside the SQLite database."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.description = f"file lock {path}"
        self._fd: int | None = None

    def connect(self) -> None:
        return None

    def try_acquire(self) -> bool:
        if self._fd is not None:
            return True
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())  # who holds it, for whoever looks
        self._fd = fd
        return True

    def still_held(self) -> bool:
        return self._fd is not None

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing the descriptor drops the flock
            self._fd = None

    def abandon(self) -> None:
        self.release()


class PostgresLease:
    """A session-level advisory lock on a connection of its own (autocommit, keepalives set)."""

    def __init__(self, database_url: str, bot_id: str | int, *, schema: str | None = None) -> None:
        self._conninfo = _psycopg_conninfo(database_url, schema)
        self.bot_id = bot_id
        self.key: int | None = None
        self.description = f"PostgreSQL advisory lock for bot {bot_id}"
        self._connection: psycopg.Connection[Any] | None = None
        self._held = False

    def _connect(self) -> psycopg.Connection[Any]:
        import psycopg  # only a PostgreSQL deployment loads the driver (SQLite starts without it)

        connection = psycopg.connect(
            **self._conninfo, autocommit=True, connect_timeout=5,
            application_name=f"saima run {os.getpid()} (leader lock)",
            # The client side notices a dead server the same way (libpq's keepalives).
            keepalives=1, keepalives_idle=KEEPALIVE_IDLE_SECONDS, keepalives_interval=KEEPALIVE_INTERVAL_SECONDS,
            keepalives_count=KEEPALIVE_COUNT, tcp_user_timeout=USER_TIMEOUT_MS,
        )
        # The server side: how soon PostgreSQL drops this session (and so the lock) when we vanish.
        connection.execute(f"SET tcp_keepalives_idle = {KEEPALIVE_IDLE_SECONDS}")
        connection.execute(f"SET tcp_keepalives_interval = {KEEPALIVE_INTERVAL_SECONDS}")
        connection.execute(f"SET tcp_keepalives_count = {KEEPALIVE_COUNT}")
        with contextlib.suppress(psycopg.errors.UndefinedObject):  # PostgreSQL 12+
            connection.execute(f"SET tcp_user_timeout = {USER_TIMEOUT_MS}")
        connection.execute("SET statement_timeout = '5s'")
        row = connection.execute(
            "SELECT hashtextextended('saima run:' || %(bot)s::text || ':' || s.name, 0), s.name"
            " FROM (SELECT coalesce(current_schema(), current_setting('search_path')) AS name) AS s",
            {"bot": str(self.bot_id)},
        ).fetchone()
        assert row is not None
        self.key = int(row[0])
        self.description = f"PostgreSQL advisory lock {self.key} (bot {self.bot_id}, schema {row[1]})"
        return connection

    def connect(self) -> None:
        if self._connection is None or self._connection.closed:
            self._held = False  # a session that ended took its lock with it
            self._connection = self._connect()

    def try_acquire(self) -> bool:
        self.connect()
        assert self._connection is not None
        if self._held:
            return True
        row = self._connection.execute("SELECT pg_try_advisory_lock(%s)", (self.key,)).fetchone()
        self._held = bool(row and row[0])
        return self._held

    def still_held(self) -> bool:
        """Asks the server whether this session holds the lock: a lost connection cannot say yes."""
        if not self._held or self._connection is None or self._connection.closed:
            return False
        assert self.key is not None
        high, low = (self.key >> 32) & 0xFFFFFFFF, self.key & 0xFFFFFFFF
        row = self._connection.execute(
            "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()"
            " AND granted AND classid = %s::bigint::oid AND objid = %s::bigint::oid AND objsubid = 1)",
            (high, low),
        ).fetchone()
        return bool(row and row[0])

    @property
    def connection(self) -> psycopg.Connection[Any] | None:
        """The lock session (for operators and tests: SHOW tcp_keepalives_idle …)."""
        return self._connection

    @property
    def backend_pid(self) -> int | None:
        """The server process of the lock connection (for operators and tests)."""
        return None if self._connection is None or self._connection.closed else self._connection.info.backend_pid

    def release(self) -> None:
        import psycopg

        connection, held, self._connection, self._held = self._connection, self._held, None, False
        if connection is not None and not connection.closed:
            try:
                if held:  # at once, so a standby can take it on its next try (closing frees it a moment later)
                    connection.execute("SELECT pg_advisory_unlock(%s)", (self.key,))
                connection.close()
            except psycopg.Error:
                log.debug("closing the leader lock connection failed", exc_info=True)

    def abandon(self) -> None:
        """Never blocks: the session is closed on a thread of its own (a check may still hang on it)."""
        connection, self._connection, self._held = self._connection, None, False
        if connection is not None:
            threading.Thread(target=_close_quietly, args=(connection,), name="close the lost lock session",
                             daemon=True).start()


def _close_quietly(connection: psycopg.Connection[Any]) -> None:
    with contextlib.suppress(Exception):
        connection.close()  # no unlock: a cut-off session would not answer


def _psycopg_conninfo(database_url: str, schema: str | None) -> dict[str, Any]:
    """psycopg's connect() arguments for a SQLAlchemy URL (its query, e.g. `options`, passes through)."""
    url = normalise_url(database_url)
    params: dict[str, Any] = {k: v for k, v in {
        "host": url.host, "port": url.port, "user": url.username, "password": url.password, "dbname": url.database,
    }.items() if v is not None}
    params.update({k: v if isinstance(v, str) else v[-1] for k, v in url.query.items()})
    if schema:
        params["options"] = f"-csearch_path={schema}"
    return params

"""What the benchmarks share: the scale knob, tables, percentiles, the machine's load, bulk inserts, a
clock that runs from a chosen instant, a throw-away PostgreSQL schema and the emulator as a process.

``BENCH_SCALE`` (default 1) multiplies every benchmark's size, so a benchmark can be developed at
``BENCH_SCALE=0.05`` in seconds and run in full by ``make bench``.
"""

from __future__ import annotations

import os
import platform
import secrets
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from storage.db import Database

ROOT = Path(__file__).resolve().parents[1]
SCALE = float(os.environ.get("BENCH_SCALE", "1"))
POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def scaled(n: int, minimum: int = 1) -> int:
    """``n`` at the current BENCH_SCALE, never below ``minimum``."""
    return max(minimum, round(n * SCALE))


def percentile(values: Iterable[float], fraction: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")


def table(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """A plain-text table: the first column left-aligned, the others right-aligned."""
    cells = [[str(h) for h in headers]] + [[str(c) for c in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]

    def line(row: list[str]) -> str:
        return "  ".join(c.ljust(w) if i == 0 else c.rjust(w)
                         for i, (c, w) in enumerate(zip(row, widths, strict=True)))

    return "\n".join([line(cells[0]), "  ".join("-" * w for w in widths), *(line(r) for r in cells[1:])])


def load() -> str:
    """The 1-minute load average (other work on the machine skews every figure)."""
    try:
        return f"{os.getloadavg()[0]:.2f}"
    except OSError:
        return "?"


def machine() -> str:
    mem = ""
    try:
        with open("/proc/meminfo", encoding="ascii") as f:
            kib = int(f.readline().split()[1])
        mem = f", {kib / 1024 / 1024:.0f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    return f"{os.cpu_count()} cores{mem}, Python {platform.python_version()}, load {load()}"


def rss_mib(pid: int | None = None) -> float:
    """Resident memory of a process (this one by default) from /proc, in MiB."""
    with open(f"/proc/{pid or os.getpid()}/status", encoding="ascii") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS in /proc")


class RunningClock:
    """Real time, moved so that it starts at ``start``: the bot sees a chosen working day and hour, and
    time still passes (retry_after and backoff fall due)."""

    def __init__(self, start: datetime) -> None:
        self._offset = start.astimezone(UTC) - datetime.now(UTC)

    def now(self) -> datetime:
        return datetime.now(UTC) + self._offset


# --- bulk inserts -----------------------------------------------------------------------------------


def _sqlite_value(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime):  # naive UTC, as storage.models.UTCDateTime stores it
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, Decimal):  # SQLAlchemy's Numeric binds a float on SQLite
        return float(value)
    return value


def _postgres_value(value: Any) -> Any:
    return value.value if isinstance(value, Enum) else value


def bulk_insert(session: Session, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Inserts plain tuples fast, bypassing the ORM: COPY on PostgreSQL, executemany on SQLite.
    Values as the models store them (enums become their values, instants UTC)."""
    dbapi = session.connection().connection.driver_connection
    assert dbapi is not None  # the session's connection is open
    count = 0
    if session.get_bind().dialect.name == "postgresql":
        with dbapi.cursor() as cursor, cursor.copy(f'COPY {table} ({", ".join(columns)}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row([_postgres_value(v) for v in row])
                count += 1
        return count
    sql = f'INSERT INTO {table} ({", ".join(columns)}) VALUES ({", ".join("?" * len(columns))})'
    batch: list[tuple[Any, ...]] = []
    for row in rows:
        batch.append(tuple(_sqlite_value(v) for v in row))
        if len(batch) >= 20_000:
            dbapi.executemany(sql, batch)
            count += len(batch)
            batch.clear()
    if batch:
        dbapi.executemany(sql, batch)
        count += len(batch)
    return count


def insert_dicts(session: Session, table: str, rows: Sequence[dict[str, Any]]) -> int:
    """`bulk_insert` for rows given as dicts that all have the same keys."""
    if not rows:
        return 0
    columns = list(rows[0])
    return bulk_insert(session, table, columns, (tuple(row[c] for c in columns) for row in rows))


def analyze(db: Database) -> None:
    """Fresh planner statistics after a bulk load (PostgreSQL plans with none otherwise)."""
    # In autocommit: ANALYZE in a transaction block keeps its statistics only if that transaction commits,
    # and a bare "COMMIT" first does not leave the driver outside one (psycopg begins again at once).
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("ANALYZE"))


# --- databases ---------------------------------------------------------------------------------------


def postgres_reachable() -> bool:
    try:
        import psycopg

        with psycopg.connect(POSTGRES_URL.replace("+psycopg", ""), connect_timeout=3):
            return True
    except Exception as error:  # noqa: BLE001 — any failure means: skip PostgreSQL
        print(f"PostgreSQL unreachable at {POSTGRES_URL}: skipped ({type(error).__name__})")
        return False


@contextmanager
def sqlite_database(folder: str | Path, name: str = "bench.db") -> Iterator[Database]:
    db = Database.from_url(f"sqlite:///{Path(folder) / name}")
    db.upgrade()
    try:
        yield db
    finally:
        db.dispose()


@contextmanager
def postgres_database(prefix: str = "saima_bench") -> Iterator[Database]:
    """A migrated schema of its own on PostgreSQL, dropped afterwards."""
    schema = f"{prefix}_{secrets.token_hex(3)}"
    admin = Database.from_url(POSTGRES_URL)
    with admin.engine.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    db = Database.from_url(POSTGRES_URL, schema=schema)
    try:
        db.upgrade()
        yield db
    finally:
        db.dispose()
        with admin.engine.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


# --- the emulator as a process -----------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def stop_process(process: subprocess.Popen[Any], *, patience: float = 10) -> None:
    """Ends the process if it still runs: asked to (SIGTERM), then made to after `patience` seconds."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=patience)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


class EmulatorProcess:
    """The emulator in a process of its own, so its CPU is not the measured bot's; ``started`` = (bot id,
    first user id, count) of users who have already opened the bot (bench/emulator_main.py)."""

    def __init__(self, *, flood: bool = False, started: tuple[int, int, int] | None = None) -> None:
        self.port = free_port()
        command = [sys.executable, "-m", "bench.emulator_main", "--port", str(self.port)]
        command += ["--flood"] if flood else []
        if started is not None:
            command += ["--bot-id", str(started[0]), "--started", str(started[1]), str(started[2])]
        self.process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                        text=True)
        urls: dict[str, str] = {}
        assert self.process.stdout is not None
        while len(urls) < 3:
            line = self.process.stdout.readline()
            if not line:
                raise RuntimeError("the emulator process did not start")
            name, url = line.split()
            urls[name] = url
        self.base_url, self.base_file_url = urls["base_url"], urls["base_file_url"]
        self.control_url = urls["control_url"]

    def stop(self) -> None:
        stop_process(self.process)

    def __enter__(self) -> EmulatorProcess:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def elapsed(started: float) -> str:
    return f"{time.perf_counter() - started:.1f} s"

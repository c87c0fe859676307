"""The bot as a real process (`python bot.py run|deliver`), for tests that SIGKILL or run two of it: its
settings for fast delivery and webhook mode, the emulator and a team set up for it, what it delivered,
and a relay that plays the network's and PostgreSQL's faults between it and the database."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import make_url, select

from config import Config
from core.domain import OutboxStatus
from emulator import ControlClient
from harness import TEST_TOKEN
from storage import onboarding
from storage.db import Database
from storage.models import OutboxMessage, PersistedState
from tests.conftest import POSTGRES_URL

ROOT = Path(__file__).resolve().parents[2]


def subprocess_database_url(url: str, schema: str | None) -> str:
    """The test database as a URL another process can use (PostgreSQL's schema in `options`)."""
    return url if schema is None else f"{url}?options=-csearch_path%3D{schema}"


@contextlib.asynccontextmanager
async def emulator_for_processes(control_url: str) -> AsyncIterator[ControlClient]:
    """A control client of the emulator, emptied, where TEST_TOKEN's bot is @saima_test_bot: what a test
    needs before it starts bot processes."""
    async with ControlClient(control_url, default_timeout=30) as control:
        await control.reset()
        await control.register_bot(int(TEST_TOKEN.split(":")[0]), username="saima_test_bot")
        yield control


def city_team(db: Database) -> str:
    """Creates the team 市政府党组 (owner: Telegram user 1) at the real time of day; its invite code."""
    with db.session() as session:
        return onboarding.create_team(session, name="市政府党组", admin_telegram_id=1, group_chat_id=None,
                                      config=Config(), now=datetime.now(UTC)).invite.code


class BotProcess:
    def __init__(self, command: str, env: dict[str, str], cwd: Path, *, log: Path | None = None) -> None:
        """`log`: a file that receives the process's log (stderr), for tests that read what it said."""
        self.command = command
        self.log = log
        stderr = open(log, "ab") if log is not None else subprocess.DEVNULL  # noqa: SIM115 — the child keeps it
        self.process = subprocess.Popen([sys.executable, str(ROOT / "bot.py"), command], env=env, cwd=cwd,
                                        stdout=subprocess.DEVNULL, stderr=stderr)
        if log is not None:
            stderr.close()  # type: ignore[union-attr]

    def said(self, text: str) -> bool:
        """Whether the process's log contains `text` (needs `log`)."""
        return self.log is not None and self.log.exists() and text in self.log.read_text(encoding="utf-8")

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()


PREFIX = "outbox-"

FAST_DELIVERY = """\
[delivery]
tick_seconds = 0.2
batch_size = 5
concurrency = 2
private_chat_interval_seconds = 0.0
lease_seconds = 3.0
send_timeout_seconds = 2.0
"""
IN_FLIGHT = 2  # delivery.concurrency in FAST_DELIVERY


async def delivered_texts(control: ControlClient) -> Counter[str]:
    """How many times each test row (its text starts with PREFIX) reached a chat."""
    events = (await control.events(kinds=["text"]))["events"]
    return Counter(e["text"] for e in events if (e["text"] or "").startswith(PREFIX))


def statuses(db: Database) -> Counter[OutboxStatus]:
    """How many outbox rows are in each status."""
    with db.session() as session:
        return Counter(session.scalars(select(OutboxMessage.status)))


def wait_for_step(db: Database, key: str, deadline_seconds: float = 10) -> object:
    """The step of the flow kept under `key` in someone's user data (handlers/conversation.py), once it is
    written; polled with a deadline, not a fixed sleep."""
    deadline = time.monotonic() + deadline_seconds
    while time.monotonic() < deadline:
        with db.session() as session:
            rows = session.scalars(select(PersistedState.data).where(PersistedState.scope == "user")).all()
        steps = [data[key].get("step") for data in rows if isinstance(data, dict) and isinstance(data.get(key), dict)]
        if steps:
            return steps[0]
        time.sleep(0.01)
    raise AssertionError(f"no {key!r} step was persisted within {deadline_seconds} s")


SECRET = "s3cret-Token_for-tests"


def free_port() -> int:
    """A port nothing listens on now, for a webhook server."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Network:
    """A TCP relay between bot processes and PostgreSQL that plays the network's and the server's faults.

    - `cut()`: nothing passes either way and new connections hang, as when a machine drops off the
      network. PostgreSQL would notice the silence of a session by its TCP keepalives after
      `PG_NOTICES_AFTER` seconds; this relay cannot stop the kernel from answering those probes, so
      `server_gives_up()` does what PostgreSQL would then do: it ends the sessions.
    - `down()`: every connection is dropped and new ones are refused, as while PostgreSQL restarts.
    - `up()`: back to normal for new connections.
    """

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port, self.listen_port = host, port, 0
        self.mode = "up"
        self._clients: list[asyncio.StreamWriter] = []
        self._upstreams: list[asyncio.StreamWriter] = []
        self._server: asyncio.Server | None = None
        # A loop of its own: the test blocks its own loop now and then (polling the database).
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="postgres relay", daemon=True)

    async def __aenter__(self) -> Network:
        self._thread.start()
        self._call(self._listen())
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        self.down()
        self._call(self._close())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)

    def _call(self, coroutine: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(10)

    async def _listen(self) -> None:
        self._server = await asyncio.start_server(self._relay, "127.0.0.1", 0)
        self.listen_port = self._server.sockets[0].getsockname()[1]

    async def _close(self) -> None:
        if self._server is not None:
            self._server.close()

    def url(self, schema: str) -> str:
        through = make_url(POSTGRES_URL).set(host="127.0.0.1", port=self.listen_port)
        return subprocess_database_url(through.render_as_string(hide_password=False), schema)

    def cut(self) -> None:
        self.mode = "cut"

    def down(self) -> None:
        self.mode = "down"
        self._call(self._abort(self._clients + self._upstreams))
        self._clients.clear()
        self._upstreams.clear()

    def up(self) -> None:
        self.mode = "up"

    def server_gives_up(self) -> None:
        self._call(self._abort(self._upstreams))
        self._upstreams.clear()

    @staticmethod
    async def _abort(writers: list[asyncio.StreamWriter]) -> None:
        for writer in writers:
            writer.transport.abort()

    async def _relay(self, client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter) -> None:
        if self.mode == "down":
            client_writer.transport.abort()
            return
        if self.mode == "cut":
            await self._swallow(client_reader)
            return
        server_reader, server_writer = await asyncio.open_connection(self.host, self.port)
        self._clients.append(client_writer)
        self._upstreams.append(server_writer)
        await asyncio.gather(self._pipe(client_reader, server_writer), self._pipe(server_reader, client_writer))

    async def _pipe(self, source: asyncio.StreamReader, target: asyncio.StreamWriter) -> None:
        try:
            while data := await source.read(65536):
                if self.mode == "up":
                    target.write(data)
                    await target.drain()
        except (ConnectionError, OSError):
            pass
        finally:
            if self.mode == "up":  # cut off, an end does not reach the other side either
                target.close()

    @staticmethod
    async def _swallow(reader: asyncio.StreamReader) -> None:
        with contextlib.suppress(ConnectionError, OSError):
            while await reader.read(65536):
                pass


OUTAGE_SECONDS = 4.0


def postgres_address() -> tuple[str, int]:
    url = make_url(POSTGRES_URL)
    return url.host or "127.0.0.1", url.port or 5432

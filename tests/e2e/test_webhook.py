"""Webhook mode: two real `bot.py run` processes on one database (a SQLite file, a PostgreSQL schema),
Telegram (the emulator) posting updates.

The first holds the lock (a file lock; an advisory lock) and is active: it registers its webhook with the secret token, answers
/healthz with 200 "active", and handles what the emulator posts. The second stands by: /healthz 503
"standby", and it refuses updates with 503 so Telegram tries again. A request without the right
secret gets 403 and is not handled. When the active one is killed, the standby registers its own URL
and carries on. While PostgreSQL restarts, the active one pauses (/healthz 503, updates refused, so
Telegram tries again) and carries on after it.
"""

from __future__ import annotations

import asyncio
import json
import os
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from emulator import EmulatorThread
from harness import TEST_TOKEN
from tests.e2e.helpers import until
from tests.e2e.processes import (
    OUTAGE_SECONDS,
    SECRET,
    BotProcess,
    Network,
    emulator_for_processes,
    free_port,
    subprocess_database_url,
)

pytestmark = pytest.mark.serial  # a takeover within seconds, measured


class Instance:
    """One `bot.py run` in webhook mode on a port of its own."""

    def __init__(self, name: str, emulator: EmulatorThread, database_url: str, tmp_path: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/telegram"
        config = tmp_path / f"{name}.toml"
        config.write_text(
            '[telegram]\nmode = "webhook"\n[telegram.webhook]\nlisten = "127.0.0.1"\n'
            f'port = {self.port}\nurl = "{self.url}"\nsecret_token = "{SECRET}"\n', encoding="utf-8")
        env = {**os.environ, "BOT_TOKEN": TEST_TOKEN, "BOT_API_BASE_URL": emulator.base_url,
               "DATABASE_URL": database_url, "SAIMA_CONFIG": str(config)}
        self.process = BotProcess("run", env, tmp_path, log=tmp_path / f"{name}.log")

    async def health(self) -> tuple[int, Any] | None:
        try:
            async with httpx.AsyncClient(timeout=5) as client:
                response = await client.get(f"http://127.0.0.1:{self.port}/healthz")
            return response.status_code, response.json()
        except httpx.TransportError:
            return None  # not listening yet

    async def post(self, update: dict[str, Any], secret: str | None) -> int:
        headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret is not None else {}
        async with httpx.AsyncClient(timeout=10) as client:
            return (await client.post(self.url, json=update, headers=headers)).status_code


@pytest.fixture
def start(emulator_thread: EmulatorThread, tmp_path: Path) -> Iterator[Callable[[str, str], Instance]]:
    """Starts the instance `name` on a database URL; each one started is stopped after the test."""
    started: list[Instance] = []

    def starting(name: str, database_url: str) -> Instance:
        started.append(Instance(name, emulator_thread, database_url, tmp_path))
        return started[-1]
    yield starting
    for instance in started:
        instance.process.stop()


@pytest.fixture
def database(database_url: tuple[str, str | None]) -> str:
    """The test database (SQLite, PostgreSQL) as a URL for the processes."""
    return subprocess_database_url(*database_url)


def _help_update(update_id: int, user_id: int) -> dict[str, Any]:
    """What Telegram would post for /help from `user_id` in their private chat."""
    person = {"id": user_id, "is_bot": False, "first_name": "钱七"}
    return {"update_id": update_id, "message": {
        "message_id": 1000 + update_id, "date": int(datetime.now(UTC).timestamp()),
        "chat": {"id": user_id, "type": "private", "first_name": "钱七"}, "from": person, "text": "/help",
        "entities": [{"type": "bot_command", "offset": 0, "length": 5}]}}


async def _webhook_url(emulator: EmulatorThread) -> str:
    async with httpx.AsyncClient(timeout=10) as client:
        info = (await client.get(f"{emulator.base_url}{TEST_TOKEN}/getWebhookInfo")).json()
    return str(info["result"]["url"])


async def test_webhook_mode_serves_the_active_instance_refuses_forgeries_and_fails_over(
    emulator_thread: EmulatorThread, database: str, tmp_path: Path, start: Callable[[str, str], Instance],
) -> None:
    async with emulator_for_processes(emulator_thread.control_url) as control:
        a = start("a", database)
        await until(lambda: a.health(), 30, "the first instance answers /healthz")
        await until(lambda: _is(a.health(), (200, {"status": "active"})), 30, "the first instance is active")
        assert await _webhook_url(emulator_thread) == a.url

        b = start("b", database)
        await until(lambda: b.health(), 30, "the second instance answers /healthz")
        assert await b.health() == (503, {"status": "standby"})
        assert b.process.said("Standing by: another instance holds the")  # file lock, or advisory lock

        # Updates reach the active instance by webhook, and it answers.
        zhang = control.user(1001, "张三")
        reply = await zhang.send("/help")
        assert reply.text and "/join" in reply.text
        qian = control.user(1007, "钱七")
        await qian.send("/lang")  # opens qian's private chat, so an answer to a forged /help could arrive
        answers_before = len(await qian.bot_messages())

        # Without the secret, or with a wrong one: 403, and nothing is handled.
        assert await a.post(_help_update(900001, qian.id), secret=None) == 403
        assert await a.post(_help_update(900002, qian.id), secret="not-the-secret") == 403
        # The standby does not handle updates even with the secret: 503, Telegram tries again.
        assert await b.post(_help_update(900003, qian.id), secret=SECRET) == 503
        assert len(await qian.bot_messages()) == answers_before
        assert a.process.said("Refused a webhook request without the right secret token")
        # The same update with the secret is handled (so the refusals above were not for another reason).
        assert await a.post(_help_update(900004, qian.id), secret=SECRET) == 200
        assert len(await qian.bot_messages()) == answers_before + 1
        assert (await control.stats())["by_method"].get("getUpdates", 0) == 0  # nobody polls in webhook mode

        a.process.kill()
        killed_at = time.monotonic()
        await until(lambda: _is(b.health(), (200, {"status": "active"})), 15, "the standby becomes active")
        takeover = time.monotonic() - killed_at
        assert await _webhook_url(emulator_thread) == b.url
        again = await zhang.send("/help")
        assert again.text == reply.text
        print(f"\nwebhook takeover after SIGKILL: /healthz active on the standby after {takeover:.1f} s")


async def _is(health: Any, expected: tuple[int, Any]) -> bool:
    return bool(await health == expected)


@pytest.mark.postgres
async def test_in_webhook_mode_a_postgresql_restart_pauses_the_active_instance_and_telegram_retries(
    emulator_thread: EmulatorThread, postgres_schema: str, pg: Any, tmp_path: Path, start: Callable[[str, str], Instance],  # noqa: F811 — pg: the imported fixture
    network: Network,
) -> None:
    async with emulator_for_processes(emulator_thread.control_url) as control:
        a = start("a", network.url(postgres_schema))
        await until(lambda: _is(a.health(), (200, {"status": "active"})), 30, "the first instance is active")
        b = start("b", network.url(postgres_schema))
        await until(lambda: _is(b.health(), (503, {"status": "standby"})), 30, "the second instance stands by")

        network.down()
        # Paused, the active instance tells the load balancer so, and refuses updates (Telegram retries).
        await until(lambda: _is(a.health(), (503, {"status": "standby"})), 10, "the active instance pauses")
        asyncio.get_running_loop().call_later(OUTAGE_SECONDS, network.up)
        reply = await control.user(1001, "张三").send("/help")  # sent during the outage, answered after it
        assert reply.text and "/join" in reply.text
        assert await a.health() == (200, {"status": "active"})
        assert await b.health() == (503, {"status": "standby"})
        assert await _webhook_url(emulator_thread) == a.url


async def test_a_webhook_body_that_is_not_an_update_gets_400_one_log_line_and_nothing_is_handled(
    emulator_thread: EmulatorThread, database: str, tmp_path: Path, start: Callable[[str, str], Instance],
) -> None:
    async with emulator_for_processes(emulator_thread.control_url) as control:
        a = start("a", database)
        await until(lambda: _is(a.health(), (200, {"status": "active"})), 30, "the instance is active")
        qian = control.user(1007, "钱七")
        await qian.send("/lang")
        answers_before = len(await qian.bot_messages())
        text_as_object = _help_update(900_007, qian.id)
        text_as_object["message"]["text"] = {"a": 1}
        bodies: list[str | bytes] = ["[]", "null", '"x"', "42", "{}", '{"update_id": "1"}', '{"update_id": true}',
                  '{"update_id": 2, "message": "x"}', '{"update_id": 3, "callback_query": [1]}',
                  '{"update_id": 4, "message": {"message_id": 1}}',
                  '{"update_id": 5, "message": {"message_id": 1, "date": 0, "chat": "x"}}',
                  "[" * 100_000 + "]" * 100_000, '{"update_id": 6, "x": ' + "[" * 50_000 + "]" * 50_000 + "}",
                  json.dumps(text_as_object), "{not json", "\udcff".encode("utf-8", "surrogatepass")]
        headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET, "Content-Type": "application/json"}
        async with httpx.AsyncClient(timeout=10) as client:
            for body in bodies:
                response = await client.post(a.url, content=body, headers=headers)
                assert response.status_code == 400, body[:60]
        log = (tmp_path / "a.log").read_text(encoding="utf-8")
        assert log.count("Refused a webhook body that is not an update") == len(bodies)
        assert "Traceback" not in log and "could not be handled" not in log
        assert len(await qian.bot_messages()) == answers_before
        assert await a.post(_help_update(900_008, qian.id), secret=SECRET) == 200  # and a real update still is
        assert len(await qian.bot_messages()) == answers_before + 1

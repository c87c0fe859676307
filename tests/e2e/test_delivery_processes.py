"""Exactly once across real processes: `bot.py run` killed with SIGKILL in the middle of delivering
50 rows, then restarted; and two processes (`bot.py run` + `bot.py deliver`) on one PostgreSQL schema.

What a SIGKILL can cost is exactly the requests in flight at that instant (at most
`delivery.concurrency` = 2 here): a row marked as leaving whose answer never came has an unknown
outcome. Nudges are at most once (such a row is failed, never resent: it may be lost, never doubled);
broadcasts at least once (resent: never lost, maybe doubled). Every other row is delivered exactly once.

The processes use the system clock, so rows are urgent (quiet hours and days off do not apply) and the
test waits for real sends, polling with deadlines; the claim lease is 3 s so a dead claim is taken over
quickly.
"""

from __future__ import annotations

import os
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from core.domain import OutboxStatus
from emulator import ControlClient, EmulatorThread
from harness import TEST_TOKEN
from storage import outbox
from storage.db import Database
from storage.models import OutboxMessage
from tests.conftest import POSTGRES_URL, require_postgres
from tests.e2e.helpers import until
from tests.e2e.processes import (
    FAST_DELIVERY,
    IN_FLIGHT,
    PREFIX,
    BotProcess,
    delivered_texts,
    statuses,
    subprocess_database_url,
)


def _env(emulator: EmulatorThread, url: str, schema: str | None, tmp_path: Path) -> dict[str, str]:
    config = tmp_path / "config.toml"
    config.write_text(FAST_DELIVERY, encoding="utf-8")
    return {**os.environ, "BOT_TOKEN": TEST_TOKEN, "BOT_API_BASE_URL": emulator.base_url,
            "DATABASE_URL": subprocess_database_url(url, schema), "SAIMA_CONFIG": str(config)}


async def _prepare(control: ControlClient, db: Database, rows: int, users: int, kind: str = "nudge") -> list[int]:
    await control.register_bot(int(TEST_TOKEN.split(":")[0]), username="saima_test_bot")
    chats = [4000 + i for i in range(users)]
    for chat in chats:
        await control.register_user(chat, f"U{chat}")
        await control.send(chat, "/lang", first_name=f"U{chat}")  # opens the private chat with the bot
    now = datetime.now(UTC)
    with db.session() as session:
        for i in range(rows):
            outbox.enqueue(session, key=f"test:{i}", chat_id=chats[i % users], kind=kind,
                           payload={"text": f"{PREFIX}{i}"}, not_before=now, urgent=True, now=now)
    return chats




@pytest.mark.parametrize("kind", ["nudge", "broadcast"])
async def test_a_bot_killed_mid_delivery_sends_every_row_once_after_restart(
    emulator_thread: EmulatorThread, db: Database, database_url: tuple[str, str | None], tmp_path: Path,
    processes: list[BotProcess], kind: str,
) -> None:
    env = _env(emulator_thread, *database_url, tmp_path)
    async with ControlClient(emulator_thread.control_url, default_timeout=30) as control:
        await control.reset()
        await _prepare(control, db, rows=50, users=10, kind=kind)
        await control.add_fault("delay", method="sendMessage", delay=0.05)  # each send takes a while

        processes.append(BotProcess("run", env, tmp_path))

        async def some_sent() -> bool:
            return sum((await delivered_texts(control)).values()) >= 12
        await until(some_sent, 30, "the first process delivered a dozen rows")
        processes[0].kill()
        at_kill = statuses(db)
        assert at_kill[OutboxStatus.PENDING] > 0  # really killed in the middle

        processes.append(BotProcess("run", env, tmp_path))
        await until(lambda: statuses(db)[OutboxStatus.PENDING] + statuses(db)[OutboxStatus.SENDING] == 0, 60,
                     "every row settled after the restart")
        delivered = await delivered_texts(control)
        with db.session() as session:
            rows = session.scalars(select(OutboxMessage)).all()
        texts = {r.key: r.payload["text"] for r in rows}
        sent = [r for r in rows if r.status == OutboxStatus.SENT]
        unknown = [r for r in rows if r.status == OutboxStatus.FAILED]
        if kind == "nudge":  # at most once: nothing twice; lost at most what was in flight at the kill
            assert set(delivered.values()) <= {1}
            assert all((r.last_error or "").startswith("outcome unknown") for r in unknown)
            assert len(unknown) <= IN_FLIGHT
            assert all(delivered[texts[r.key]] == 1 for r in sent)
            assert 50 - len(delivered) <= len(unknown)
        else:  # at least once: nothing lost; twice at most what was in flight at the kill
            assert unknown == [] and len(sent) == 50
            assert set(delivered) == set(texts.values())
            assert sum(delivered.values()) - 50 <= IN_FLIGHT
        events = (await control.events(kinds=["text"]))["events"]
        ids = {e["text"]: e["message_id"] for e in events}
        assert all(ids[texts[r.key]] == r.telegram_message_id or delivered[texts[r.key]] > 1 for r in sent)
        assert {r.claimed_by.split(":")[1] for r in rows if r.claimed_by} == {
            str(p.process.pid) for p in processes}


@pytest.mark.postgres
async def test_two_processes_on_one_postgres_schema_deliver_every_row_once(
    emulator_thread: EmulatorThread, postgres_schema: str, tmp_path: Path, processes: list[BotProcess],
) -> None:
    require_postgres()
    db = Database.from_url(POSTGRES_URL, schema=postgres_schema)
    with db.engine.begin() as connection:
        connection.exec_driver_sql("TRUNCATE outbox, members, teams RESTART IDENTITY CASCADE")
    env = _env(emulator_thread, POSTGRES_URL, postgres_schema, tmp_path)
    try:
        async with ControlClient(emulator_thread.control_url, default_timeout=30) as control:
            await control.reset()
            await control.add_fault("delay", method="sendMessage", delay=0.02)
            processes.append(BotProcess("run", env, tmp_path))  # polls getUpdates and delivers
            processes.append(BotProcess("deliver", env, tmp_path))  # delivers only (one token, one getUpdates)
            await _prepare(control, db, rows=100, users=20)
            await until(lambda: statuses(db)[OutboxStatus.SENT] == 100, 60, "all 100 rows sent")
            delivered = await delivered_texts(control)
            assert delivered == Counter({f"{PREFIX}{i}": 1 for i in range(100)})
            with db.session() as session:
                workers = Counter(r.split(":")[1] for r in session.scalars(  # type: ignore[union-attr]  # all sent: all claimed
                    select(OutboxMessage.claimed_by)))
            assert set(workers) == {str(p.process.pid) for p in processes}  # both processes took a share
            async def polled() -> bool:  # a long poll held now; between two polls (under load) none is
                return [b["polling"] for b in (await control.bots())["bots"]] == [True]

            await until(polled, 10, "the one token's long poll held (only `run` polls)")
    finally:
        with db.engine.begin() as connection:
            connection.exec_driver_sql("TRUNCATE outbox, members, teams RESTART IDENTITY CASCADE")
        db.dispose()

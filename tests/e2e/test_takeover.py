"""High availability: two real `bot.py run` processes on one PostgreSQL schema elect one active instance.

The standby builds nothing and never calls getUpdates. When the active one is killed (SIGKILL), the
standby takes over within 15 s, picks up the conversation at the step the member had reached, and
delivers the outbox rows the dead process left per each kind's documented semantics: a broadcast at
least once, a nudge at most once, and only the requests in flight at the kill (at most
`delivery.concurrency`) may be doubled (broadcasts) or lost (nudges). When the active one is cut off
from the database it stops acting before PostgreSQL frees its lock, and the standby takes over; when
PostgreSQL restarts under both, the active one pauses, takes its lock back and carries on.

The processes use the system clock, so the test waits for real events, polling with deadlines.
"""

from __future__ import annotations

import asyncio
import os
import time
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
from storage.leader import KEEPALIVE_COUNT, KEEPALIVE_IDLE_SECONDS, KEEPALIVE_INTERVAL_SECONDS
from storage.models import OutboxMessage
from tests.conftest import POSTGRES_URL
from tests.e2e.helpers import until
from tests.e2e.processes import (
    FAST_DELIVERY,
    IN_FLIGHT,
    OUTAGE_SECONDS,
    PREFIX,
    BotProcess,
    Network,
    city_team,
    delivered_texts,
    emulator_for_processes,
    statuses,
    subprocess_database_url,
    wait_for_step,
)

pytestmark = [pytest.mark.postgres, pytest.mark.serial]

TAKEOVER_LIMIT_SECONDS = 15.0
ROWS = 40


@pytest.fixture
def env(emulator_thread: EmulatorThread, postgres_schema: str, tmp_path: Path) -> dict[str, str]:
    """The environment of a bot process on the run's PostgreSQL schema, delivering fast."""
    config = tmp_path / "config.toml"
    config.write_text(FAST_DELIVERY, encoding="utf-8")
    return {**os.environ, "BOT_TOKEN": TEST_TOKEN, "BOT_API_BASE_URL": emulator_thread.base_url,
            "DATABASE_URL": subprocess_database_url(POSTGRES_URL, postgres_schema), "SAIMA_CONFIG": str(config)}


def _kind(i: int) -> str:
    return "broadcast" if i % 2 == 0 else "nudge"


async def _get_updates_calls(control: ControlClient) -> int:
    return int((await control.stats())["by_method"].get("getUpdates", 0))


async def _active_and_standby(control: ControlClient, env: dict[str, str], tmp_path: Path,
                              processes: list[BotProcess], *, a_env: dict[str, str] | None = None,
                              ) -> tuple[BotProcess, BotProcess]:
    """A started first becomes active (it polls); B, started next, says it stands by."""
    a = BotProcess("run", a_env or env, tmp_path, log=tmp_path / "a.log")
    processes.append(a)

    async def a_polls() -> bool:
        return await _get_updates_calls(control) > 0
    await until(a_polls, 30, "the first process polls getUpdates")
    b = BotProcess("run", env, tmp_path, log=tmp_path / "b.log")
    processes.append(b)
    await until(lambda: b.said("Standing by: another instance holds the PostgreSQL advisory lock"), 30,
                 "the second process says it stands by")
    return a, b


def _claimed_by(db: Database) -> Counter[str]:
    with db.session() as session:
        return Counter((c or "").split(":")[1] for c in session.scalars(select(OutboxMessage.claimed_by)) if c)


async def test_a_standby_takes_over_within_15_s_when_the_active_bot_is_killed_mid_conversation(
    emulator_thread: EmulatorThread, pg: Database, postgres_schema: str, env: dict[str, str], tmp_path: Path,
    processes: list[BotProcess],
) -> None:
    async with emulator_for_processes(emulator_thread.control_url) as control:
        code = city_team(pg)
        a, b = await _active_and_standby(control, env, tmp_path, processes)

        # A member is half-way through /join, and 40 messages (broadcasts and nudges) wait in the outbox.
        wang = control.user(1003, "王五")
        asked = await wang.send("/join")
        assert asked.text == "请发送邀请码（例如 Ab3dE9kQ2x），或发送 /cancel 取消。"
        assert wait_for_step(pg, "join") == "awaiting_code"
        readers = [4000 + i for i in range(8)]
        for chat in readers:
            await control.user(chat, f"U{chat}").send("/lang")  # opens the private chat with the bot
        await control.add_fault("delay", method="sendMessage", delay=0.1)  # each send takes a while
        now = datetime.now(UTC)
        with pg.session() as session:
            for i in range(ROWS):
                outbox.enqueue(session, key=f"test:{i}", chat_id=readers[i % len(readers)], kind=_kind(i),
                               payload={"text": f"{PREFIX}{i}"}, not_before=now, urgent=True, now=now)

        async def some_sent() -> bool:
            return sum((await delivered_texts(control)).values()) >= 8
        await until(some_sent, 30, "the active process delivered some rows")

        # Only A acted: B never asked for updates (a second consumer would have drawn a 409) nor claimed a row.
        stats = await control.stats()
        assert stats["by_status"].get("409", 0) == 0
        assert set(_claimed_by(pg)) == {str(a.process.pid)}
        assert b.process.poll() is None

        a.kill()
        killed_at = time.monotonic()
        assert statuses(pg)[OutboxStatus.PENDING] > 0  # really killed in the middle
        calls_at_kill = await _get_updates_calls(control)

        async def b_polls() -> bool:
            return await _get_updates_calls(control) > calls_at_kill
        await until(b_polls, 30, "the standby polls getUpdates")
        takeover = time.monotonic() - killed_at

        welcome = await wang.send(code)  # the next message is taken at the step /join had reached
        answered = time.monotonic() - killed_at
        assert welcome.text == "欢迎王五！您已作为成员加入「市政府党组」。发送 /help 查看可用功能。"
        assert [m.body for m in await wang.bot_messages()].count(asked.text) == 1  # not asked again
        assert b.said("Active: this instance holds the PostgreSQL advisory lock")

        await until(lambda: statuses(pg)[OutboxStatus.PENDING] + statuses(pg)[OutboxStatus.SENDING] == 0, 60,
                     "every row settled after the takeover")
        delivered = await delivered_texts(control)
        with pg.session() as session:
            rows = {int(r.key.split(":")[1]): r for r in session.scalars(select(OutboxMessage))}
        broadcasts = [i for i in range(ROWS) if _kind(i) == "broadcast"]
        nudges = [i for i in range(ROWS) if _kind(i) == "nudge"]
        assert all(rows[i].status == OutboxStatus.SENT and delivered[f"{PREFIX}{i}"] >= 1 for i in broadcasts)
        assert all(delivered[f"{PREFIX}{i}"] <= 1 for i in nudges)  # nudges: never twice …
        lost = [i for i in nudges if delivered[f"{PREFIX}{i}"] == 0]
        assert all(rows[i].status == OutboxStatus.FAILED and (rows[i].last_error or "").startswith("outcome unknown")
                   for i in lost)  # … and one not seen was in flight at the kill, recorded as such
        doubled = sum(delivered.values()) - (ROWS - len(lost))
        assert doubled + len(lost) <= IN_FLIGHT  # only what was in flight at the kill
        assert set(_claimed_by(pg)) == {str(a.process.pid), str(b.process.pid)}
        print(f"\ntakeover after SIGKILL: standby polling after {takeover:.1f} s, "
              f"the member answered after {answered:.1f} s (limit {TAKEOVER_LIMIT_SECONDS:.0f} s); "
              f"in flight at the kill: {doubled} broadcast(s) sent twice, {len(lost)} nudge(s) lost")
        assert takeover <= TAKEOVER_LIMIT_SECONDS


async def test_messages_the_killed_bot_had_fetched_but_not_answered_are_answered_by_the_standby(
    emulator_thread: EmulatorThread, pg: Database, postgres_schema: str, env: dict[str, str], tmp_path: Path,
    processes: list[BotProcess],
) -> None:
    async with emulator_for_processes(emulator_thread.control_url) as control:
        a, b = await _active_and_standby(control, env, tmp_path, processes)
        await control.add_fault("delay", method="sendMessage", delay=1.5)  # each answer takes a while

        users = [control.user(5001 + i, f"用户{i}") for i in range(4)]
        for user in users:  # a burst: A fetches them together and answers one at a time
            await control.send(user.id, "/help", first_name=user.first_name)

        async def answering() -> bool:  # the first answer has reached the emulator whole, which holds it
            return int((await control.stats())["held_by_method"].get("sendMessage", 0)) >= 1
        await until(answering, 30, "the active process answers the first message")
        a.kill()  # with the others fetched and waiting
        await control.clear_faults()

        async def everyone_answered() -> bool:
            return all([len(await user.bot_messages()) > 0 for user in users])
        await until(everyone_answered, 30, "every message of the burst answered")
        answers = [len(await user.bot_messages()) for user in users]
        assert answers == [1] * len(users)  # none lost, none twice (the one in hand had its answer on the way)
        assert b.said("Active: this instance holds the PostgreSQL advisory lock")
        print(f"\nburst of {len(users)} at the kill: answers per member {answers}")


PG_NOTICES_AFTER = KEEPALIVE_IDLE_SECONDS + KEEPALIVE_COUNT * KEEPALIVE_INTERVAL_SECONDS  # 10 s


async def test_after_a_postgresql_restart_the_active_bot_carries_on_and_answers_what_came_meanwhile(
    emulator_thread: EmulatorThread, pg: Database, postgres_schema: str, env: dict[str, str], tmp_path: Path,
    processes: list[BotProcess], network: Network,
) -> None:
    async with emulator_for_processes(emulator_thread.control_url) as control:
        code = city_team(pg)
        both = {**env, "DATABASE_URL": network.url(postgres_schema)}  # both instances lose the server
        a, b = await _active_and_standby(control, both, tmp_path, processes)
        wang = control.user(1003, "王五")
        asked = await wang.send("/join")
        assert wait_for_step(pg, "join") == "awaiting_code"

        network.down()
        down_at = time.monotonic()
        await until(lambda: a.said("stopped taking updates and running ticks"), 10, "the active one pauses")
        paused = time.monotonic() - down_at
        asyncio.get_running_loop().call_later(OUTAGE_SECONDS - paused, network.up)
        welcome = await wang.send(code)  # sent during the outage, answered after it
        answered = time.monotonic() - down_at
        assert welcome.text == "欢迎王五！您已作为成员加入「市政府党组」。发送 /help 查看可用功能。"
        assert [m.body for m in await wang.bot_messages()].count(asked.text) == 1
        assert a.said("Active again: this instance holds the PostgreSQL advisory lock")
        assert not a.said("starts again as a standby") and a.process.poll() is None  # the same process went on
        assert not b.said("Active:")  # the standby waited, nothing changed hands
        print(f"\nPostgreSQL away for {OUTAGE_SECONDS:.0f} s: the active process paused after {paused:.1f} s, took its "
              f"lock back and answered a message sent meanwhile {answered:.1f} s after the outage began")


async def test_an_active_bot_cut_off_from_the_database_stops_acting_before_the_standby_takes_over(
    emulator_thread: EmulatorThread, pg: Database, postgres_schema: str, env: dict[str, str], tmp_path: Path,
    processes: list[BotProcess], network: Network,
) -> None:
    async with emulator_for_processes(emulator_thread.control_url) as control:
        a_env = {**env, "DATABASE_URL": network.url(postgres_schema)}  # only A's machine is cut off
        a, b = await _active_and_standby(control, env, tmp_path, processes, a_env=a_env)

        network.cut()
        cut_at = time.monotonic()
        await until(lambda: a.said("Lost the PostgreSQL advisory lock"), PG_NOTICES_AFTER,
                     "the cut-off process stops acting")
        stopped = time.monotonic() - cut_at
        assert a.said("did not confirm the lock within 3 s")
        assert not b.said("Active:")  # the lock is still held by the silent session: nobody acts twice
        calls_at_stop = await _get_updates_calls(control)

        await asyncio.sleep(PG_NOTICES_AFTER - (time.monotonic() - cut_at))  # the server's keepalives run out
        network.server_gives_up()

        async def b_polls() -> bool:
            return await _get_updates_calls(control) > calls_at_stop
        await until(b_polls, 30, "the standby polls getUpdates")
        took_over = time.monotonic() - cut_at
        reply = await control.user(1006, "孙八").send("/help")
        assert reply.text

        network.up()  # A's machine is back: B has the lock now, so A starts again as a standby
        def standing_by_again() -> bool:
            assert a.log is not None
            after_loss = a.log.read_text(encoding="utf-8").partition("starts again as a standby")[2]
            return "Standing by: another instance holds" in after_loss
        await until(standing_by_again, 30, "the cut-off process stands by once it is back")
        print(f"\nnetwork cut: the active process stopped acting after {stopped:.1f} s, PostgreSQL frees its "
              f"lock after {PG_NOTICES_AFTER} s, the standby polled after {took_over:.1f} s")
        assert took_over <= TAKEOVER_LIMIT_SECONDS


"""`bot.py run`'s own long polling (serving.Poller) through Telegram's errors: it waits and asks again."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from emulator import ControlClient, EmulatorThread
from harness import TEST_TOKEN
from tests.e2e.helpers import until
from tests.e2e.processes import BotProcess


@pytest.fixture
def bot(emulator_thread: EmulatorThread, sqlite_template: Path, tmp_path: Path) -> Iterator[BotProcess]:
    database = tmp_path / "saima.db"
    database.write_bytes(sqlite_template.read_bytes())
    env = {**os.environ, "BOT_TOKEN": TEST_TOKEN, "BOT_API_BASE_URL": emulator_thread.base_url,
           "DATABASE_URL": f"sqlite:///{database}", "SAIMA_CONFIG": str(tmp_path / "absent.toml")}
    process = BotProcess("run", env, tmp_path, log=tmp_path / "bot.log")
    yield process
    process.stop()


async def test_polling_carries_on_after_getupdates_fails(emulator_thread: EmulatorThread, bot: BotProcess) -> None:
    async with ControlClient(emulator_thread.control_url, default_timeout=30) as control:
        await control.reset()
        await control.register_bot(int(TEST_TOKEN.split(":")[0]), username="saima_test_bot")

        async def polling() -> bool:
            return int((await control.stats())["by_method"].get("getUpdates", 0)) > 0
        await until(polling, 30, "the bot polls")
        await control.add_fault(502, method="getUpdates", count=2)
        await control.add_fault(429, method="getUpdates", retry_after=1, count=1)
        zhang = control.user(1001, "张三")
        reply = await zhang.send("/help")
        assert reply.text and "/join" in reply.text

        async def faults_spent() -> bool:
            statuses = (await control.stats())["by_status"]
            return bool(statuses.get("502", 0) == 2 and statuses.get("429", 0) == 1)
        await until(faults_spent, 30, "the bot met every fault")
        assert (await zhang.send("/help")).text == reply.text  # and it still answers
        assert bot.said("Bad Gateway")  # each failure is logged (a getUpdates, or a confirmation)


async def test_a_burst_is_fetched_in_a_batch_and_confirmed_by_the_next_fetch_not_one_round_trip_each(
        emulator_thread: EmulatorThread, bot: BotProcess) -> None:
    """Ten members write while the bot is busy answering: they come in one getUpdates, each is answered
    once, and the next long poll confirms them all (before, each had a getUpdates of its own: 10 more)."""
    async with ControlClient(emulator_thread.control_url, default_timeout=30) as control:
        await control.reset()
        await control.register_bot(int(TEST_TOKEN.split(":")[0]), username="saima_test_bot")

        async def get_updates_calls() -> int:
            return int((await control.stats())["by_method"].get("getUpdates", 0))

        async def polling() -> bool:
            return await get_updates_calls() > 0
        await until(polling, 30, "the bot polls")
        await control.add_fault("delay", method="sendMessage", delay=0.5, count=1)  # busy with the first
        before = await get_updates_calls()
        users = [control.user(6001 + i, f"成员{i}") for i in range(10)]
        for user in users:
            await control.send(user.id, "/help", first_name=user.first_name)

        async def everyone_answered() -> bool:
            return all([len(await user.bot_messages()) > 0 for user in users])
        await until(everyone_answered, 30, "every member answered")
        assert [len(await user.bot_messages()) for user in users] == [1] * len(users)
        fetches = await get_updates_calls() - before
        assert fetches <= 4, f"{fetches} getUpdates for a burst of {len(users)}"

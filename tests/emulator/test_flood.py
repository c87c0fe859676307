"""Telegram's flood limits, enforced with sliding windows when switched on."""

from __future__ import annotations

import datetime as dtm

import pytest
from telegram import Bot
from telegram.error import RetryAfter

from emulator import ControlClient
from emulator.limits import FloodLimiter
from tests.emulator.conftest import USER

pytestmark = pytest.mark.serial  # sliding windows of real time
GROUP = -100321


@pytest.fixture(autouse=True)
def timedelta_retry_after(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")


async def burst(bot: Bot, chat_id: int, count: int) -> tuple[int, list[dtm.timedelta]]:
    """Send ``count`` messages as fast as possible; (accepted, retry_after of each rejection)."""
    accepted, waits = 0, []
    for number in range(count):
        try:
            await bot.send_message(chat_id, f"#{number}")
            accepted += 1
        except RetryAfter as error:
            assert isinstance(error.retry_after, dtm.timedelta)  # PTB_TIMEDELTA is set, as bot.py sets it
            waits.append(error.retry_after)
    return accepted, waits


async def test_quick_sends_to_one_private_chat_are_limited_to_one_per_second(control: ControlClient,
                                                                             bot: Bot) -> None:
    await control.send(USER, "/start", first_name="张三")
    await control.flood(True)
    accepted, waits = await burst(bot, USER, 5)
    assert accepted == 1 and len(waits) == 4
    assert all(wait >= dtm.timedelta(seconds=1) for wait in waits)


async def test_a_group_accepts_twenty_messages_a_minute(control: ControlClient, bot: Bot) -> None:
    await control.add_to_group(GROUP, "省政府党组", USER)
    await control.flood(True)
    accepted, waits = await burst(bot, GROUP, 25)
    assert accepted == 20 and len(waits) == 5
    assert all(dtm.timedelta(seconds=1) <= wait <= dtm.timedelta(seconds=60) for wait in waits)
    stats = await control.stats()
    assert stats["too_many_requests"] == 5 and stats["delivered_per_chat"][str(GROUP)] == 20


async def test_the_global_limit_spans_all_chats_of_a_bot(control: ControlClient, bot: Bot) -> None:
    users = range(2001, 2009)
    for user_id in users:
        await control.send(user_id, "/start")
    config = await control.flood(True, global_per_second=5)
    assert config == {"enabled": True, "global_per_second": 5, "group_per_minute": 20, "chat_per_second": 1}
    outcomes = []
    for user_id in users:
        try:
            await bot.send_message(user_id, "broadcast")
            outcomes.append(True)
        except RetryAfter:
            outcomes.append(False)
    assert outcomes.count(True) == 5


async def test_flood_limits_are_off_by_default(control: ControlClient, bot: Bot) -> None:
    await control.send(USER, "/start", first_name="张三")
    accepted, _ = await burst(bot, USER, 10)
    assert accepted == 10


def test_rejected_sends_do_not_count_towards_the_window() -> None:
    flood = FloodLimiter()
    flood.configure(enabled=True)
    flood.record(1, USER, False, now=100.0)
    assert flood.check(1, USER, False, now=100.5) == 1  # rejected, not recorded
    assert flood.check(1, USER, False, now=101.01) is None


def test_the_group_window_slides_and_retry_after_says_when_it_frees() -> None:
    flood = FloodLimiter()
    flood.configure(enabled=True)
    for second in range(20):
        flood.record(1, GROUP, True, now=float(second))
    assert flood.check(1, GROUP, True, now=30.0) == 30  # the send at t=0 leaves the window at t=60
    assert flood.check(1, GROUP, True, now=60.5) is None

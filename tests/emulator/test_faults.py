"""Injected faults: 429 with retry_after, 5xx, stalls and timeouts, as PTB experiences them."""

from __future__ import annotations

import asyncio
import datetime as dtm
import time

import pytest
from telegram import Bot
from telegram.error import NetworkError, RetryAfter, TimedOut
from telegram.ext import AIORateLimiter, ExtBot

from emulator import ControlClient, EmulatorThread
from tests.emulator.conftest import TOKEN, USER, fast_request


@pytest.fixture(autouse=True)
def timedelta_retry_after(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make PTB expose RetryAfter.retry_after as a timedelta (its future default, without warnings)."""
    monkeypatch.setenv("PTB_TIMEDELTA", "true")


@pytest.mark.usefixtures("started")
async def test_an_injected_429_reaches_ptb_as_retry_after_for_count_requests(control: ControlClient,
                                                                              bot: Bot) -> None:
    await control.add_fault(429, method="sendMessage", retry_after=7, count=2)
    for _ in range(2):
        with pytest.raises(RetryAfter) as caught:
            await bot.send_message(USER, "x")
        assert caught.value.retry_after == dtm.timedelta(seconds=7)
    assert (await bot.send_message(USER, "through")).text == "through"
    stats = await control.stats()
    assert stats["too_many_requests"] == 2 and stats["delivered_per_chat"] == {str(USER): 1}


@pytest.mark.usefixtures("started")
async def test_injected_server_errors_reach_ptb_as_network_errors(control: ControlClient, bot: Bot) -> None:
    for status, description in ((500, "Internal Server Error"), (502, "Bad Gateway"), (503, "Service Unavailable")):
        await control.add_fault(status, method="sendMessage", count=1)
        with pytest.raises(NetworkError, match=f"^{description}$"):
            await bot.send_message(USER, "x")
    assert (await control.messages(USER))["messages"][-1]["text"] == "/start"


@pytest.mark.usefixtures("started")
async def test_a_timeout_that_applies_delivers_the_message_although_ptb_times_out(control: ControlClient,
                                                                                   bot: Bot) -> None:
    await control.add_fault("timeout", method="sendMessage", delay=5, count=1)
    with pytest.raises(TimedOut):
        await bot.send_message(USER, "outcome unknown", read_timeout=0.2)
    assert (await control.messages(USER))["messages"][-1]["text"] == "outcome unknown"


@pytest.mark.usefixtures("started")
async def test_a_timeout_that_does_not_apply_loses_the_message(control: ControlClient, bot: Bot) -> None:
    await control.add_fault("timeout", method="sendMessage", delay=5, count=1, apply=False)
    with pytest.raises(TimedOut):
        await bot.send_message(USER, "lost", read_timeout=0.2)
    assert (await control.messages(USER))["messages"][-1]["text"] == "/start"


@pytest.mark.usefixtures("started")
async def test_a_delay_fault_slows_the_request_down_but_it_succeeds(control: ControlClient, bot: Bot) -> None:
    await control.add_fault("delay", method="sendMessage", delay=0.3, count=1)
    started = time.monotonic()
    assert (await bot.send_message(USER, "slow")).text == "slow"
    assert time.monotonic() - started >= 0.3


@pytest.mark.usefixtures("started")
async def test_a_held_call_is_counted_as_held_and_delivered_although_its_client_gives_up(control: ControlClient,
                                                                                        bot: Bot) -> None:
    await control.add_fault("delay", method="sendMessage", delay=1.0, count=1)
    sending = asyncio.ensure_future(bot.send_message(USER, "held"))

    while (await control.stats())["held_by_method"].get("sendMessage", 0) == 0:  # the emulator holds the call
        await asyncio.sleep(0.02)
    sending.cancel()  # the client gives up (or is killed) during the hold: its call had arrived whole
    with pytest.raises(asyncio.CancelledError):
        await sending
    await asyncio.sleep(1.2)  # the hold's end
    assert (await control.messages(USER))["messages"][-1]["text"] == "held"


async def test_faults_with_a_probability_follow_their_seed(control: ControlClient, bot: Bot) -> None:
    async def pattern() -> list[bool]:
        await control.clear_faults()
        await control.add_fault(500, method="getMe", probability=0.5, seed=42)
        outcomes = []
        for _ in range(20):
            try:
                await bot.get_me()
                outcomes.append(True)
            except NetworkError:
                outcomes.append(False)
        return outcomes

    first, second = await pattern(), await pattern()
    assert first == second
    assert 0 < first.count(False) < 20


@pytest.mark.usefixtures("started")
async def test_fault_rules_stack_filter_by_method_and_can_be_cleared(control: ControlClient, bot: Bot) -> None:
    await control.add_fault(503, method="sendChatAction")
    await control.add_fault(429, method="sendMessage", count=1)
    assert len((await control.faults())["rules"]) == 2
    with pytest.raises(NetworkError):
        await bot.send_chat_action(USER, "typing")
    with pytest.raises(RetryAfter):
        await bot.send_message(USER, "x")
    assert (await bot.send_message(USER, "ok")).text == "ok"
    await control.clear_faults()
    assert await bot.send_chat_action(USER, "typing") is True


@pytest.mark.usefixtures("started")
async def test_ptbs_rate_limiter_retries_after_an_injected_429(emulator: EmulatorThread,
                                                                control: ControlClient) -> None:
    await control.add_fault(429, method="sendMessage", retry_after=1, count=1)
    limited = ExtBot(TOKEN, base_url=emulator.base_url, base_file_url=emulator.base_file_url,
                     request=fast_request(), rate_limiter=AIORateLimiter(max_retries=1))
    async with limited:
        assert (await limited.send_message(USER, "eventually")).text == "eventually"
    assert (await control.stats())["too_many_requests"] == 1

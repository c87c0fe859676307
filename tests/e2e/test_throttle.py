"""One user cannot stall the others: a stranger's flood is shed at the door, a member's burst is told
once to slow down, heavy answers run one at a time per user, and everyone else is answered as usual.

Counts only, no timing: the allowances here refill once a minute, so nothing comes back during a test.
"""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import event

from bot import build_application
from config import ThrottleSettings
from core.clock import ManualClock
from emulator import ControlClient, EmulatorThread
from emulator.sim import BotMessage, SimUser
from harness import config_for
from serving import Poller
from storage.db import Database
from tests.e2e.conftest import Saima, fresh_team
from tests.e2e.helpers import member

pytestmark = pytest.mark.serial  # allowances refill with real time: counts assume a steady pace

STRANGER = 5001


@pytest.fixture
def throttle_settings() -> ThrottleSettings:
    return ThrottleSettings(enabled=True, stranger_burst=3, stranger_every_seconds=60.0, member_burst=5,
                            member_every_seconds=60.0, press_burst=5, press_every_seconds=60.0)


async def flood(user: SimUser, text: str, times: int) -> None:
    """Sends `times` messages without waiting for any answer."""
    for _ in range(times):
        await user.control.send(user.id, text, first_name=user.first_name)


def slow_downs(messages: list[BotMessage]) -> int:
    return sum(1 for m in messages if m.body and (m.body.startswith("请慢一点") or m.body.startswith("Slow down")))


async def test_a_strangers_flood_gets_a_handful_of_answers_and_a_member_is_answered_during_it(saima: Saima) -> None:
    zhang = await member(saima)
    stranger = saima.control.user(STRANGER, "路人")
    await flood(stranger, "你好", 100)
    helped = await zhang.send("/help")  # answered in the middle of the flood, not throttled
    assert helped.text and not helped.text.startswith("请慢一点")
    await flood(stranger, "你好", 100)
    after = await zhang.send("/me")  # handled after every message of the flood
    assert after.text and not after.text.startswith("请慢一点")
    answered = await stranger.bot_messages()
    assert 1 <= len(answered) <= 3, [m.body for m in answered]
    assert slow_downs(await zhang.bot_messages()) == 0


async def test_a_members_burst_of_rank_gets_one_slow_down_and_few_boards_and_others_are_unaffected(
        saima: Saima) -> None:
    zhang = await member(saima)
    li = await member(saima, 1002, "李四")
    await flood(zhang, "/rank", 30)
    helped = await li.send("/help")
    assert helped.text and not helped.text.startswith("请慢一点")
    shown = await zhang.bot_messages()
    boards = [m for m in shown if m.body and m.body.startswith("🏇 赛马榜")]
    assert slow_downs(shown) == 1
    assert slow_downs(await li.bot_messages()) == 0
    # Five of the thirty get through (the member's allowance), and of those one board at a time is worked
    # on: the others are told the last request is still being worked on.
    waiting = [m for m in shown if m.body and m.body.startswith("上一个请求还在处理中")]
    assert 1 <= len(boards) and len(boards) + len(waiting) <= 5


async def test_a_members_button_press_still_works_after_a_burst_in_english(saima: Saima) -> None:
    tom = await member(saima, 1010, "Tom", lang="en")
    draft = await tom.send("/study yesterday afternoon collective study 2 hours business environment")
    await flood(tom, "/help", 10)  # /lang and the draft took two of five: three answered, then told once
    answered = await tom.receive(4)
    assert [m.body is not None and m.body.startswith("Slow down") for m in answered] == [False] * 3 + [True]
    saved = await tom.press(draft, "Confirm")
    assert saved.text is not None and saved.text.startswith("✅")
    shown = await tom.bot_messages()
    assert slow_downs(shown) == 1
    told = next(m for m in shown if m.body and m.body.startswith("Slow down"))
    assert told.text == ("Slow down, please: you sent many messages at once, and the ones after this are skipped "
                         "for a moment.")


async def test_a_shed_flood_costs_the_database_almost_nothing(saima: Saima) -> None:
    zhang = await member(saima)
    stranger = saima.control.user(STRANGER, "路人")
    statements: list[str] = []

    def seen(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        statements.append(statement.split(None, 1)[0].upper())

    event.listen(saima.db.engine, "before_cursor_execute", seen)
    try:
        await flood(stranger, "你好", 100)
        await zhang.send("/help")  # handled after the whole flood
    finally:
        event.remove(saima.db.engine, "before_cursor_execute", seen)
    # The three answered and the member's /help each cost a few statements; the 97 shed cost none
    # (no membership query past the first, no update-id mark, no conversation write).
    assert len(statements) < 60, statements
    assert sum(1 for s in statements if s in ("INSERT", "UPDATE", "DELETE")) < 15


@pytest.fixture
async def polled(emulator_thread: EmulatorThread, db: Database, clock: ManualClock,
                 throttle_settings: ThrottleSettings) -> AsyncIterator[tuple[Saima, Poller]]:
    """Saima fed by `bot.py run`'s own polling (serving.Poller: each update confirmed by a getUpdates of
    its own before it is handled) instead of PTB's Updater."""
    config = dataclasses.replace(config_for(emulator_thread.base_url), throttle=throttle_settings)
    team_id, code = await fresh_team(emulator_thread, db, config, clock)
    application = build_application(config, db, clock)
    await application.initialize()
    await application.start()
    poller = Poller(application)
    await poller.start()
    try:
        async with ControlClient(emulator_thread.control_url, default_timeout=10) as control:
            yield Saima(None, control, db, clock, config, team_id, code), poller  # type: ignore[arg-type]
    finally:
        await poller.stop(timeout=10)
        await application.stop()
        await application.shutdown()


async def test_bot_py_runs_polling_skips_a_strangers_shed_flood_without_confirming_each(
        polled: tuple[Saima, Poller]) -> None:
    saima, poller = polled
    zhang = await member(saima)
    stranger = saima.control.user(STRANGER, "路人")
    poller.pause()  # the flood waits at Telegram and comes in one batch
    await flood(stranger, "你好", 90)
    sent = await saima.control.send(zhang.id, "/help", first_name=zhang.first_name)
    before = (await saima.control.stats())["by_method"].get("getUpdates", 0)
    await poller.start()
    await saima.control.wait(sent["seq"], chat_id=zhang.id, count=1, kinds=["text"], timeout=10)
    requests = (await saima.control.stats())["by_method"].get("getUpdates", 0) - before
    assert 1 <= len(await stranger.bot_messages()) <= 3
    # Each update handled is confirmed by a getUpdates of its own first; the shed ones are not (before,
    # each was: 91 and more), so the batch costs its fetch, a few confirmations and the next fetch.
    assert requests < 15, requests


async def test_a_members_presses_over_their_allowance_are_still_answered_with_slow_down(saima: Saima) -> None:
    zhang = await member(saima)
    draft = await zhang.send("/study 昨天下午 集体学习 2小时 优化营商环境条例")
    for _ in range(5):  # the allowance for presses: each answered as usual
        await zhang.press_data(draft, "nothing:of:ours")
        assert not ((await zhang.callback_answer()).text or "").startswith("请慢一点")
    await zhang.press_data(draft, "nothing:of:ours")
    assert (await zhang.callback_answer()).text == "请慢一点，稍后再试。"
    await zhang.press_data(draft, "nothing:of:ours")
    assert (await zhang.callback_answer()).text is None  # answered, quietly

"""getUpdates long polling and webhook delivery."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
from aiohttp import web
from telegram import Bot
from telegram.error import BadRequest, Conflict

from emulator import ControlClient, EmulatorThread
from tests.emulator.conftest import make_bot

pytestmark = pytest.mark.serial  # long polls answered within seconds, measured

USER = 1001


async def eventually(check: Callable[[], Awaitable[bool]], timeout: float = 5.0) -> None:
    """Re-check a condition on the emulator until it holds (a state probe, not a timed wait)."""
    deadline = time.monotonic() + timeout
    while not await check():
        assert time.monotonic() < deadline, "condition not reached in time"
        await asyncio.sleep(0.005)


async def is_polling(control: ControlClient) -> bool:
    return bool((await control.bots())["bots"][0]["polling"])


async def test_updates_stay_pending_until_a_later_offset_confirms_them(control: ControlClient, bot: Bot) -> None:
    for text in ("a", "b", "c"):
        await control.send(USER, text, first_name="张三")
    first = await bot.get_updates()
    assert [u.message.text for u in first if u.message] == ["a", "b", "c"]
    assert [u.update_id for u in first] == sorted(u.update_id for u in first)
    assert len(await bot.get_updates()) == 3  # not confirmed yet
    rest = await bot.get_updates(offset=first[1].update_id)
    assert [u.message.text for u in rest if u.message] == ["b", "c"]
    assert await bot.get_updates(offset=first[-1].update_id + 1) == ()


async def test_limit_caps_how_many_updates_one_call_returns(control: ControlClient, bot: Bot) -> None:
    for text in ("a", "b", "c"):
        await control.send(USER, text, first_name="张三")
    two = await bot.get_updates(limit=2)
    assert [u.message.text for u in two if u.message] == ["a", "b"]
    last = await bot.get_updates(offset=two[-1].update_id + 1, limit=2)
    assert [u.message.text for u in last if u.message] == ["c"]


async def test_a_negative_offset_keeps_only_the_latest_updates(control: ControlClient, bot: Bot) -> None:
    for text in ("a", "b", "c"):
        await control.send(USER, text, first_name="张三")
    assert [u.message.text for u in await bot.get_updates(offset=-1) if u.message] == ["c"]
    assert [u.message.text for u in await bot.get_updates() if u.message] == ["c"]


async def test_a_long_poll_is_answered_as_soon_as_an_update_arrives(control: ControlClient, bot: Bot) -> None:
    started = time.monotonic()
    poll = asyncio.create_task(bot.get_updates(timeout=8))
    await eventually(lambda: is_polling(control))
    await control.send(USER, "wake up", first_name="张三")
    updates = await poll
    assert [u.message.text for u in updates if u.message] == ["wake up"]
    assert time.monotonic() - started < 4


async def test_a_long_poll_without_updates_returns_empty_after_its_timeout(bot: Bot) -> None:
    started = time.monotonic()
    assert await bot.get_updates(timeout=1) == ()
    assert 0.9 <= time.monotonic() - started < 4


async def test_a_second_concurrent_get_updates_terminates_the_first_with_409(emulator: EmulatorThread,
                                                                             control: ControlClient,
                                                                             bot: Bot) -> None:
    first = asyncio.create_task(bot.get_updates(timeout=8))
    await eventually(lambda: is_polling(control))
    async with make_bot(emulator) as second_instance:
        assert await second_instance.get_updates(timeout=0) == ()
    with pytest.raises(Conflict) as caught:
        await first
    assert str(caught.value) == ("Conflict: terminated by other getUpdates request; "
                                 "make sure that only one bot instance is running")


async def test_allowed_updates_filters_new_update_types(control: ControlClient, bot: Bot) -> None:
    sent = await control.send(USER, "first", first_name="张三")
    await bot.get_updates(offset=sent["update_id"] + 1, allowed_updates=["message"])
    message = await bot.send_message(USER, "press me")
    await control.press(USER, message.message_id, "x")
    await control.send(USER, "second", first_name="张三")
    updates = await bot.get_updates()
    assert [u.message.text for u in updates if u.message] == ["second"]
    assert all(u.callback_query is None for u in updates)


class Receiver:
    """A webhook endpoint on loopback that records what it receives and can fail on purpose."""

    def __init__(self) -> None:
        self.received: asyncio.Queue[tuple[dict[str, str], dict[str, Any]]] = asyncio.Queue()
        self.failures_left = 0
        self.url = ""

    async def handle(self, request: web.Request) -> web.Response:
        await self.received.put((dict(request.headers), await request.json()))
        if self.failures_left > 0:
            self.failures_left -= 1
            return web.Response(status=500)
        return web.Response(text="ok")

    async def next(self) -> tuple[dict[str, str], dict[str, Any]]:
        return await asyncio.wait_for(self.received.get(), 5)


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    hook = Receiver()
    app = web.Application()
    app.router.add_post("/hook", hook.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    hook.url = f"http://127.0.0.1:{runner.addresses[0][1]}/hook"
    yield hook
    await runner.cleanup()


async def test_a_webhook_receives_each_update_with_the_secret_token_header(control: ControlClient, bot: Bot,
                                                                            receiver: Receiver) -> None:
    assert await bot.set_webhook(receiver.url, secret_token="s3cr3t-Token_1") is True
    sent = await control.send(USER, "/start", first_name="张三")
    headers, update = await receiver.next()
    assert headers["X-Telegram-Bot-Api-Secret-Token"] == "s3cr3t-Token_1"
    assert update["update_id"] == sent["update_id"] and update["message"]["text"] == "/start"
    info = await bot.get_webhook_info()
    assert (info.url, info.has_custom_certificate) == (receiver.url, False)


async def test_a_failed_webhook_delivery_is_retried_and_reported(control: ControlClient, bot: Bot,
                                                                  receiver: Receiver) -> None:
    receiver.failures_left = 1
    await bot.set_webhook(receiver.url)
    await control.send(USER, "retry me", first_name="张三")
    _, first_try = await receiver.next()
    _, second_try = await receiver.next()
    assert first_try == second_try
    info = await bot.get_webhook_info()
    assert info.last_error_message == "Wrong response from the webhook: 500 Internal Server Error"
    await eventually(lambda: _no_pending(bot))


async def _no_pending(bot: Bot) -> bool:
    return (await bot.get_webhook_info()).pending_update_count == 0


async def test_get_updates_is_refused_while_a_webhook_is_set(bot: Bot, receiver: Receiver) -> None:
    await bot.set_webhook(receiver.url)
    with pytest.raises(Conflict, match="^Conflict: can't use getUpdates method while webhook is active; "
                                       "use deleteWebhook to delete the webhook first$"):
        await bot.get_updates()
    assert await bot.delete_webhook() is True
    assert await bot.get_updates() == ()


async def test_delete_webhook_can_drop_pending_updates(control: ControlClient, bot: Bot) -> None:
    await bot.set_webhook("http://127.0.0.1:9/unreachable")
    await control.send(USER, "stuck", first_name="张三")
    assert (await bot.get_webhook_info()).pending_update_count == 1
    await bot.delete_webhook(drop_pending_updates=True)
    info = await bot.get_webhook_info()
    assert (info.url, info.pending_update_count) == ("", 0)
    assert await bot.get_updates() == ()


async def test_webhooks_outside_loopback_are_refused(bot: Bot) -> None:
    with pytest.raises(BadRequest, match="loopback"):
        await bot.set_webhook("https://example.org/hook")

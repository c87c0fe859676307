"""Getting updates to bots: getUpdates long polling and webhook delivery.

Pending updates stay queued until confirmed: by a later getUpdates ``offset`` or by a 2xx
answer from the webhook. One token allows one getUpdates consumer: a newer request terminates
the older one with 409, and getUpdates is refused while a webhook is set.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any
from urllib.parse import urlsplit

import aiohttp

from emulator.errors import bad_request, conflict
from emulator.params import Params
from emulator.state import BotState, Poll, Webhook, World, now

log = logging.getLogger(__name__)

UPDATE_TYPES = frozenset({
    "message", "edited_message", "channel_post", "edited_channel_post", "business_connection",
    "business_message", "edited_business_message", "deleted_business_messages", "message_reaction",
    "message_reaction_count", "inline_query", "chosen_inline_result", "callback_query", "shipping_query",
    "pre_checkout_query", "purchased_paid_media", "poll", "poll_answer", "my_chat_member", "chat_member",
    "chat_join_request", "chat_boost", "removed_chat_boost",
})
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
_SECRET_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")


def set_allowed_updates(bot: BotState, params: Params) -> None:
    allowed = params.get_json("allowed_updates")
    if allowed is None:
        return
    if not isinstance(allowed, list) or not all(isinstance(t, str) for t in allowed):
        raise bad_request("can't parse allowed_updates JSON array")
    bot.allowed_updates = [t for t in allowed if t in UPDATE_TYPES]


def confirm(bot: BotState, offset: int) -> None:
    """Forget updates before ``offset``; a negative offset keeps only the last -offset ones."""
    if offset < 0:
        bot.pending = bot.pending[offset:]
    elif offset > 0:
        bot.pending = [u for u in bot.pending if u["update_id"] >= offset]


async def get_updates(world: World, bot: BotState, params: Params) -> list[dict[str, Any]]:
    if bot.webhook is not None:
        raise conflict("can't use getUpdates method while webhook is active; "
                       "use deleteWebhook to delete the webhook first")
    offset = params.get_int("offset", 0) or 0
    limit = min(max(params.get_int("limit", 100) or 100, 1), 100)
    timeout = max(params.get_float("timeout", 0.0) or 0.0, 0.0)
    set_allowed_updates(bot, params)
    poll = _take_over_polling(bot)
    try:
        confirm(bot, offset)
        deadline = time.monotonic() + timeout
        while not bot.pending and not world.closing:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            await bot.changed.wait(remaining)
            if poll.terminated:
                raise conflict("terminated by other getUpdates request; "
                               "make sure that only one bot instance is running")
        return bot.pending[:limit]
    finally:
        if bot.active_poll is poll:
            bot.active_poll = None


def _take_over_polling(bot: BotState) -> Poll:
    if bot.active_poll is not None:
        bot.active_poll.terminated = True
        bot.changed.notify()
    poll = bot.active_poll = Poll()
    return poll


def set_webhook(world: World, bot: BotState, params: Params, *, retry_delay: float) -> None:
    url = (params.get_str("url") or "").strip()
    if not url:
        delete_webhook(bot, drop_pending=params.get_bool("drop_pending_updates"))
        return
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
    if parts.hostname not in LOOPBACK_HOSTS:
        raise bad_request("bad webhook: the emulator delivers webhooks to loopback addresses only")
    secret = params.get_str("secret_token")
    if secret is not None and (not 1 <= len(secret) <= 256 or not set(secret) <= _SECRET_CHARS):
        raise bad_request("bad webhook: secret token contains unallowed characters")
    set_allowed_updates(bot, params)
    if params.get_bool("drop_pending_updates"):
        bot.pending.clear()
    bot.webhook = Webhook(url=url, secret_token=secret, max_connections=params.get_int("max_connections", 40) or 40,
                          ip_address=params.get_str("ip_address"))
    if bot.active_poll is not None:
        bot.active_poll.terminated = True
    if bot.webhook_task is None or bot.webhook_task.done():
        bot.webhook_task = asyncio.create_task(_deliver_webhooks(world, bot, retry_delay))
    bot.changed.notify()


def delete_webhook(bot: BotState, *, drop_pending: bool) -> bool:
    """Remove the webhook; returns whether there was one."""
    had_webhook = bot.webhook is not None
    bot.webhook = None
    if drop_pending:
        bot.pending.clear()
    bot.changed.notify()
    return had_webhook


def webhook_info(bot: BotState) -> dict[str, Any]:
    info: dict[str, Any] = {"url": "", "has_custom_certificate": False, "pending_update_count": len(bot.pending)}
    hook = bot.webhook
    if hook is None:
        return info
    info.update(url=hook.url, max_connections=hook.max_connections)
    if hook.ip_address:
        info["ip_address"] = hook.ip_address
    if bot.allowed_updates:
        info["allowed_updates"] = bot.allowed_updates
    if hook.last_error_date:
        info.update(last_error_date=hook.last_error_date, last_error_message=hook.last_error_message)
    return info


async def _deliver_webhooks(world: World, bot: BotState, retry_delay: float) -> None:
    """POST pending updates one by one, oldest first, while a webhook is set."""
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as session:
        while not world.closing and bot.webhook is not None:
            if not bot.pending:
                await bot.changed.wait(None)
                continue
            hook, update = bot.webhook, bot.pending[0]
            error = await _post_update(session, hook, update)
            if error is None:
                if bot.pending and bot.pending[0] is update:
                    bot.pending.pop(0)
                continue
            hook.last_error_date, hook.last_error_message = now(), error
            await world.sleep(retry_delay)


async def _post_update(session: aiohttp.ClientSession, hook: Webhook, update: dict[str, Any]) -> str | None:
    headers = {"X-Telegram-Bot-Api-Secret-Token": hook.secret_token} if hook.secret_token else {}
    try:
        async with session.post(hook.url, json=update, headers=headers) as response:
            if 200 <= response.status < 300:
                return None
            return f"Wrong response from the webhook: {response.status} {response.reason}"
    except TimeoutError:
        return "Read timeout expired"
    except aiohttp.ClientError as exc:
        log.debug("webhook delivery failed: %s", exc)
        return "Connection refused"

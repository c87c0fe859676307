"""Delivery: a repeating JobQueue tick that claims due outbox rows and sends them, recording each result.

The schedule lives in the outbox table, not in APScheduler: the job only ticks, and a tick is
idempotent and safe with several bot processes on one database (claims are atomic, see
storage/outbox.py). Every result is committed right after its send, so a process killed at any point
loses at most the outcome of the requests it had in flight; those follow the row's `retry_unknown`.

Per row:
- sent → status sent with Telegram's message_id;
- 403 (the user blocked the bot, or the bot left the group) → failed, never retried; a user is marked
  unreachable (every membership) and their other pending private messages are failed too;
- 400 (Telegram refuses the message) → failed, never retried; except a group Telegram upgraded to a
  supergroup (ChatMigrated, with the new id: the message was not shown): the team's track moves there
  (storage/teams.py move_group, audited) and the row is pending again for the new id, so it is sent once;
- 429 → back to pending after `retry_after` (not counted as an attempt); the chat's later rows wait too;
- 5xx and errors before the request left (connect, pool) → retried with exponential backoff
  (`delivery.backoff_base_seconds` × 2^(attempt−1), capped) up to `delivery.max_attempts`;
- a timeout or a connection lost after the request left → the outcome is unknown: retried like a 5xx
  only when the row has `retry_unknown` (at least once), else failed as 'outcome unknown' (at most once).

Timing: non-urgent rows are not sent in quiet hours nor on the team's days off (core/quiet.py,
storage/calendar.py, the team's timezone); a row claimed then is put back until the next allowed minute. Pacing: one
message a second into a private chat (`delivery.private_chat_interval_seconds`, per process), 20 a
minute into a group and 30 in any second overall (`RateLimiter`, with its `Window`);
Telegram's 429 covers what several processes add up to. A tick that finds full batches claims again
at once, so a broadcast to a thousand goes at ~29 a second (tests/e2e/test_broadcast_load.py).
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import logging
import os
import secrets
import socket
import time
from collections import defaultdict, deque
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
from aiolimiter import AsyncLimiter
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Message
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter, TimedOut
from telegram.ext import Application, BaseRateLimiter, ContextTypes

from config import Config
from core.clock import Clock
from core.holidays import Workday
from core.quiet import next_allowed, parse_hhmm
from core.text import MAX_CALLBACK_ANSWER, MAX_CAPTION, MAX_MESSAGE, fit
from jobs import ticks
from storage import calendar, members, outbox, teams
from storage.db import Database, no_transaction_open
from storage.models import OutboxMessage

log = logging.getLogger(__name__)

JOB_NAME = "outbox delivery"
DRAIN_SECONDS = 60.0  # a tick that keeps finding full batches claims again for at most this long

# Transport errors raised before the request could reach Telegram: resending cannot duplicate.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


@dataclass(frozen=True)
class SendHook:
    """Delivery's `rate_limit_args`: no retry of a 429, and `before_send` awaited once the limiters let
    the request through, right before it leaves (so a row is marked as leaving at the last moment,
    not while it still waits for the 30-a-second budget)."""

    before_send: Callable[[], Awaitable[None]]


class _ClaimLost(Exception):
    """begin_send found the row claimed by someone else: do not send."""


class Window:
    """At most `limit` requests in any `period` seconds, counted as Telegram counts them: a request holds
    its place from when it leaves until `period` after its answer came back (the server counted it in
    between, so this never runs ahead of Telegram's sliding window, however late a request leaves or
    its answer comes). A request Telegram refused (403, 400) is not counted by it and frees its place
    at once: blocked recipients in a broadcast do not slow the others."""

    def __init__(self, limit: int, period: float = 1.0, *, monotonic: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep) -> None:
        self.limit = limit
        self.period = period
        self._monotonic = monotonic
        self._sleep = sleep
        self._answered: deque[float] = deque()
        self._in_flight = 0

    async def __aenter__(self) -> None:
        while True:
            now = self._monotonic()
            while self._answered and self._answered[0] <= now - self.period:
                self._answered.popleft()
            if len(self._answered) + self._in_flight < self.limit:
                self._in_flight += 1
                return
            wait = self._answered[0] + self.period - now if self._answered else 0.005
            await self._sleep(max(wait, 0.001))

    async def __aexit__(self, exc_type: type[BaseException] | None, *exc_info: object) -> None:
        self._in_flight -= 1
        if exc_type is None or not issubclass(exc_type, (Forbidden, BadRequest)):
            self._answered.append(self._monotonic())


_FITTED = {"sendMessage": ("text", MAX_MESSAGE), "editMessageText": ("text", MAX_MESSAGE),
           "sendPhoto": ("caption", MAX_CAPTION), "sendDocument": ("caption", MAX_CAPTION),
           "editMessageCaption": ("caption", MAX_CAPTION), "answerCallbackQuery": ("text", MAX_CALLBACK_ANSWER)}


def fit_to_telegram(endpoint: str, data: dict[str, Any]) -> None:
    """Cuts a request's plain text to Telegram's limit in UTF-16 units, ending it with "…".

    Every request the bot makes passes here (the rate limiter sees them all), so no card or message built
    from stored text (a long task detail, a name made of emoji) can fail as too long. Marked-up text
    (a parse mode or entities) is left whole: cutting it could break its markup."""
    field, limit = _FITTED.get(endpoint, (None, 0))
    if field is None or data.get("parse_mode") or data.get("entities") or data.get("caption_entities"):
        return
    value = data.get(field)
    if isinstance(value, str):
        data[field] = fit(value, limit)


_Answer = bool | dict[str, Any] | list[dict[str, Any]]  # what a Bot API request returns, decoded


class RateLimiter(BaseRateLimiter[Any]):
    """Every request the bot makes, paced as Telegram counts them (PTB's public BaseRateLimiter):

    - 30 in any second overall, counted by a `Window` like Telegram's own (requests that name a chat);
    - 20 a minute into each group or channel (aiolimiter's leaky bucket, as PTB's AIORateLimiter);
    - `allow_paid_broadcast` requests: 1000 a second instead (Telegram's paid limit);
    - a 429 holds every request for its retry_after (+0.1 s); the request that met it is retried up to
      `max_retries` times (or its `rate_limit_args` as an int), as AIORateLimiter does, except delivery's
      (`SendHook`): those raise the 429 at once, so the row waits for retry_after instead of the tick.

    Each request's text is cut to Telegram's limit first (fit_to_telegram), and a request made inside an
    open database session is reported (storage.db.no_transaction_open).

    Why a `Window` rather than AIORateLimiter's bucket: that lets 30 through at once and then 30 a second
    (~60 in the first second, so 429s from a sliding window); a bucket of one came to ~28 a second, evenly
    spaced slots at 29.5 a second to 91 % of the limit with 429s whenever a request left late (measured
    with tests/e2e/test_broadcast_load.py)."""

    GROUP_LIMITERS_KEPT = 512  # past this many groups, the idle ones' limiters are dropped (as PTB does)

    def __init__(self, *, per_second: int = 30, group_per_minute: float = 20, max_retries: int = 0,
                 monotonic: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep) -> None:
        self._overall = Window(per_second, monotonic=monotonic, sleep=sleep)
        self._group_per_minute = group_per_minute
        self._groups: dict[int | str, AsyncLimiter] = {}
        self._paid = AsyncLimiter(max_rate=1000, time_period=1)
        self._max_retries = max_retries
        self._sleep = sleep
        self._no_429 = asyncio.Event()  # cleared while a 429's retry_after runs: every request waits
        self._no_429.set()

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release."""

    async def process_request(
        self, callback: Callable[..., Coroutine[Any, Any, _Answer]], args: Any,
        kwargs: dict[str, Any], endpoint: str, data: dict[str, Any], rate_limit_args: Any,
    ) -> _Answer:
        no_transaction_open(endpoint)
        fit_to_telegram(endpoint, data)
        chat_id = data.get("chat_id")
        try:
            chat_id = int(chat_id)  # type: ignore[arg-type]  # None, or a @channel name, stays as it is
        except (TypeError, ValueError):
            pass
        group = chat_id if (isinstance(chat_id, int) and chat_id < 0) or isinstance(chat_id, str) else None
        named_chat, paid = chat_id is not None, bool(data.get("allow_paid_broadcast"))
        if isinstance(rate_limit_args, SendHook):
            hook = rate_limit_args

            async def send(*call_args: Any, **call_kwargs: Any) -> _Answer:
                await hook.before_send()
                return await callback(*call_args, **call_kwargs)
            return await self._paced(send, args, kwargs, named_chat=named_chat, group=group, paid=paid)
        retries = rate_limit_args if isinstance(rate_limit_args, int) and rate_limit_args else self._max_retries
        attempt = 0
        while True:
            try:
                return await self._paced(callback, args, kwargs, named_chat=named_chat, group=group, paid=paid)
            except RetryAfter as error:
                if attempt >= retries:
                    log.exception("Rate limit hit after maximum of %d retries", retries, exc_info=error)
                    raise
                attempt += 1
                wait = _retry_after(error).total_seconds() + 0.1
                log.info("Rate limit hit. Retrying after %f seconds", wait)
                self._no_429.clear()
                try:
                    await self._sleep(wait)
                finally:
                    self._no_429.set()

    async def _paced(self, callback: Callable[..., Coroutine[Any, Any, _Answer]],
                     args: Any, kwargs: dict[str, Any], *, named_chat: bool, group: int | str | None,
                     paid: bool) -> _Answer:
        async with contextlib.AsyncExitStack() as limits:
            if paid:
                await limits.enter_async_context(self._paid)
            else:
                if group is not None and self._group_per_minute:
                    await limits.enter_async_context(self._group(group))
                if named_chat:
                    await limits.enter_async_context(self._overall)
            await self._no_429.wait()
            return await callback(*args, **kwargs)

    def _group(self, group: int | str) -> AsyncLimiter:
        if len(self._groups) > self.GROUP_LIMITERS_KEPT:
            for key, limiter in list(self._groups.items()):
                if key != group and limiter.has_capacity(limiter.max_rate):
                    del self._groups[key]
        if group not in self._groups:
            self._groups[group] = AsyncLimiter(max_rate=self._group_per_minute, time_period=60)
        return self._groups[group]


def worker_name() -> str:
    """Who claims rows: host, process and a random tag (a restarted process is a new worker)."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{secrets.token_hex(3)}"


@dataclass
class TickReport:
    """What one delivery tick did: rows claimed, sent, deferred, retried and failed, and each row's
    outcome by key."""

    claimed: int = 0
    sent: int = 0
    deferred: int = 0  # quiet hours, days off
    retried: int = 0  # 429, 5xx, network
    failed: int = 0
    outcomes: dict[str, str] = field(default_factory=dict)  # key → what happened

    def note(self, row: OutboxMessage, outcome: str) -> None:
        self.outcomes[row.key] = outcome


class _Stop(Exception):
    """A chat's remaining rows wait (after a 429 into that chat)."""

    def __init__(self, retry_after: timedelta) -> None:
        self.retry_after = retry_after


class Delivery:
    """Claims due rows and sends them with `bot`; `tick()` is what the job runs."""

    def __init__(
        self,
        *,
        bot: Bot,
        db: Database,
        clock: Clock,
        config: Config,
        worker: str | None = None,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
        monotonic: Callable[[], float] = time.monotonic,
        is_workday: Callable[[date], bool] | None = None,
        drain_seconds: float = DRAIN_SECONDS,
    ) -> None:
        self.bot = bot
        self.drain_seconds = drain_seconds
        self.db = db
        self.clock = clock
        self.config = config
        self.settings = config.delivery
        self.worker = worker or worker_name()
        self._sleep = sleep
        self._monotonic = monotonic
        self._is_workday = is_workday or calendar.national(config)  # each team's corrections go on top
        self._last_private_send: dict[int, float] = {}
        self._lock = asyncio.Lock()  # one tick at a time in this process

    # --- the tick -----------------------------------------------------------------------------

    async def tick(self) -> TickReport:
        """Claims up to `batch_size` due rows and settles each of them (sent, failed, or back to pending);
        while batches come back full (a broadcast), claims the next at once rather than at the next tick,
        for up to `drain_seconds`, so a long queue goes at the rate limit, not at batch_size per tick."""
        async with self._lock:
            report = TickReport()
            started = self._monotonic()
            while True:
                claimed = await self._batch(report)
                if claimed < self.settings.batch_size or self._monotonic() - started >= self.drain_seconds:
                    break
            if report.claimed:
                log.info("delivery: %s claimed, %s sent, %s deferred, %s retried, %s failed", report.claimed,
                         report.sent, report.deferred, report.retried, report.failed)
            return report

    async def _batch(self, report: TickReport) -> int:
        """One claim of up to `batch_size` rows, all settled; returns how many were claimed."""
        now = self.clock.now()
        rows, zones, workdays, unreachable = await asyncio.to_thread(self._claim, now)
        report.claimed += len(rows)
        by_chat: dict[int, list[OutboxMessage]] = defaultdict(list)
        for row in rows:
            if row.member_id is not None and row.member_id in unreachable:
                await self._record(outbox.mark_failed, row.id, error="unreachable: the user blocked the bot")
                report.failed += 1
                report.note(row, "unreachable")
                continue
            allowed = self._allowed(row, now, zones, workdays)
            if allowed > now:
                await self._record(outbox.reschedule, row.id, now=now, not_before=allowed)
                report.deferred += 1
                report.note(row, f"deferred to {allowed.isoformat()}")
                continue
            by_chat[row.chat_id].append(row)
        gate = asyncio.Semaphore(self.settings.concurrency)
        results = await asyncio.gather(*(self._send_chat(chat_id, chat_rows, gate, report)
                                         for chat_id, chat_rows in by_chat.items()), return_exceptions=True)
        for chat_id, result in zip(by_chat, results, strict=True):
            if isinstance(result, BaseException):  # e.g. the database went away after a send:
                # the row stays claimed and its lease decides (unknown outcome, per kind)
                log.error("delivery into chat %s stopped: %r", chat_id, result, exc_info=result)
        return len(rows)

    def _claim(self, now: datetime) -> tuple[list[OutboxMessage], dict[int, str], dict[int, Workday],
                                             set[int]]:
        with self.db.session() as session:
            rows = outbox.claim_due(session, now=now, worker=self.worker, limit=self.settings.batch_size,
                                    lease=timedelta(seconds=self.settings.lease_seconds))
            team_ids = {r.team_id for r in rows if r.team_id is not None}
            member_ids = {r.member_id for r in rows if r.member_id is not None}
            zones = teams.timezones(session, team_ids)
            workdays = calendar.workdays(session, team_ids, base=self._is_workday)
            unreachable = members.unreachable_among(session, member_ids)
        return rows, zones, workdays, unreachable

    def _allowed(self, row: OutboxMessage, now: datetime, zones: dict[int, str],
                 workdays: dict[int, Workday]) -> datetime:
        zone = zones.get(row.team_id) if row.team_id is not None else None
        workday = workdays.get(row.team_id, self._is_workday) if row.team_id is not None else self._is_workday
        schedule = self.config.schedule
        return next_allowed(
            now, tz=ZoneInfo(zone) if zone else self.config.tz, urgent=row.urgent,
            quiet_start=parse_hhmm(schedule.quiet_hours_start), quiet_end=parse_hhmm(schedule.quiet_hours_end),
            is_workday=workday,
        )

    async def _send_chat(
        self, chat_id: int, rows: list[OutboxMessage], gate: asyncio.Semaphore, report: TickReport
    ) -> None:
        async with gate:
            for index, row in enumerate(rows):
                try:
                    await self._pace(chat_id)
                    await self._send_row(row, report)
                except _Stop as stop:
                    now = self.clock.now()
                    for waiting in rows[index + 1:]:
                        await self._record(outbox.reschedule, waiting.id, now=now, retry_after=stop.retry_after,
                                           error="429 into this chat: waiting")
                        report.retried += 1
                        report.note(waiting, "waits after a 429")
                    return

    async def _pace(self, chat_id: int) -> None:
        interval = self.settings.private_chat_interval_seconds
        if chat_id <= 0 or interval <= 0:
            return  # groups are paced by RateLimiter (20 a minute)
        last = self._last_private_send.get(chat_id)
        if last is not None:
            wait = last + interval - self._monotonic()
            if wait > 0:
                await self._sleep(wait)
        self._last_private_send[chat_id] = self._monotonic()

    # --- one row --------------------------------------------------------------------------------

    async def _send_row(self, row: OutboxMessage, report: TickReport) -> None:
        left = False

        async def before_send() -> None:
            nonlocal left
            if not await self._record(outbox.begin_send, row.id, now=self.clock.now()):
                raise _ClaimLost  # taken over (this process stalled past the lease): do not send
            left = True

        hooked = isinstance(getattr(self.bot, "rate_limiter", None), RateLimiter)
        try:
            request = self._request(row, SendHook(before_send) if hooked else None)
        except (ValueError, TypeError) as error:  # a payload that slipped past enqueue's checks
            await self._record(outbox.mark_failed, row.id, error=f"bad payload: {error}")
            report.failed += 1
            report.note(row, "bad payload")
            return
        attempts = row.attempts + 1
        try:
            if not hooked:
                await before_send()
            message = await request()
        except _ClaimLost:
            report.note(row, "claim lost")
        except RetryAfter as error:
            wait = _retry_after(error)
            await self._record(outbox.reschedule, row.id, now=self.clock.now(), retry_after=wait,
                               error=f"429: retry after {wait.total_seconds():g} s", refund_attempt=True)
            report.retried += 1
            report.note(row, "429")
            raise _Stop(wait) from error
        except Forbidden as error:
            await self._forbidden(row, str(error))
            report.failed += 1
            report.note(row, "forbidden")
        except ChatMigrated as error:  # refused, so not shown: sent to the supergroup instead, once
            await self._migrated(row, error.new_chat_id)
            report.retried += 1
            report.note(row, f"moved to supergroup {error.new_chat_id}")
        except BadRequest as error:
            await self._record(outbox.mark_failed, row.id, error=f"400: {error}")
            report.failed += 1
            report.note(row, "refused")
        except (TimedOut, NetworkError) as error:
            unknown = left and _maybe_delivered(error)
            if unknown and not row.retry_unknown:
                await self._record(outbox.mark_failed, row.id, error=f"{outbox.UNKNOWN_OUTCOME}: {_describe(error)}")
                report.failed += 1
                report.note(row, "unknown")
            else:
                await self._retry(row, attempts, _describe(error), report)
        except Exception as error:  # noqa: BLE001 — anything else after the request may have left
            log.exception("delivery of outbox row %s failed unexpectedly", row.id)
            if row.retry_unknown or not left:
                await self._retry(row, attempts, f"unexpected: {error!r}", report)
            else:
                await self._record(outbox.mark_failed, row.id, error=f"{outbox.UNKNOWN_OUTCOME}: {error!r}")
                report.failed += 1
                report.note(row, "unknown")
        else:
            await self._record(outbox.mark_sent, row.id, now=self.clock.now(),
                               telegram_message_id=message.message_id)
            report.sent += 1
            report.note(row, "sent")

    def _request(self, row: OutboxMessage, hook: SendHook | None) -> Callable[[], Awaitable[Message]]:
        payload = row.payload
        markup = _markup(payload.get("buttons"))
        timeout = self.settings.send_timeout_seconds
        common: dict[str, Any] = {
            "chat_id": row.chat_id, "parse_mode": payload.get("parse_mode"), "reply_markup": markup,
            "read_timeout": timeout, "write_timeout": timeout, "connect_timeout": timeout, "pool_timeout": timeout,
        }
        if hook is not None:  # with RateLimiter: a 429 comes back to us (the row waits, not the tick)
            common["rate_limit_args"] = hook
        if payload.get("file_id"):  # a photo or document Telegram already has (e.g. a task's attachment)
            caption = payload.get("text") or None
            if payload.get("file_kind") == "document":
                return lambda: self.bot.send_document(document=payload["file_id"], caption=caption, **common)
            return lambda: self.bot.send_photo(photo=payload["file_id"], caption=caption, **common)
        if payload.get("photo_b64"):
            photo = base64.b64decode(payload["photo_b64"], validate=True)
            return lambda: self.bot.send_photo(photo=photo, caption=payload.get("text") or None, **common)
        text = payload["text"]
        if not isinstance(text, str) or not text.strip():
            raise ValueError("empty text")
        return lambda: self.bot.send_message(text=text, **common)

    async def _retry(self, row: OutboxMessage, attempts: int, error: str, report: TickReport) -> None:
        if attempts >= self.settings.max_attempts:
            await self._record(outbox.mark_failed, row.id, error=f"gave up after {attempts} attempts: {error}")
            report.failed += 1
            report.note(row, "gave up")
            return
        delay = min(self.settings.backoff_base_seconds * 2 ** (attempts - 1), self.settings.backoff_max_seconds)
        await self._record(outbox.reschedule, row.id, now=self.clock.now(), retry_after=delay, error=error)
        report.retried += 1
        report.note(row, f"retry in {delay:g} s")

    async def _forbidden(self, row: OutboxMessage, error: str) -> None:
        def settle() -> None:
            with self.db.session() as session:
                outbox.mark_failed(session, row.id, worker=self.worker, error=f"403: {error}")
                if row.chat_id > 0:
                    outbox.mark_unreachable(session, now=self.clock.now(), member_id=row.member_id,
                                            chat_id=row.chat_id)
        await asyncio.to_thread(settle)

    async def _migrated(self, row: OutboxMessage, new_chat_id: int) -> None:
        """The row's group became a supergroup: the team's race track follows it (audited, with the messages
        still waiting for the old chat), and the row goes there at once, in the same transaction."""
        def settle() -> None:
            with self.db.session() as session:
                teams.move_group(session, row.chat_id, new_chat_id, now=self.clock.now())
                outbox.redirect(session, row.id, worker=self.worker, now=self.clock.now(), chat_id=new_chat_id)
        await asyncio.to_thread(settle)

    async def _record(self, change: Callable[..., bool], row_id: int, **values: Any) -> bool:
        def run() -> bool:
            with self.db.session() as session:
                return change(session, row_id, worker=self.worker, **values)
        return await asyncio.to_thread(run)


def _markup(rows: Any) -> InlineKeyboardMarkup | None:
    if not rows:
        return None
    return InlineKeyboardMarkup([[InlineKeyboardButton(label, callback_data=data) for label, data in row]
                                 for row in rows])


def _retry_after(error: RetryAfter) -> timedelta:
    value = getattr(error, "_retry_after", None)  # PTB 22 keeps a timedelta; the property may warn
    if isinstance(value, timedelta):
        return value
    return timedelta(seconds=float(value if value is not None else 1))


def _maybe_delivered(error: Exception) -> bool:
    """Whether a failed request may nevertheless have reached Telegram (its outcome is unknown)."""
    cause = error.__cause__
    if isinstance(cause, _NOT_SENT):
        return False
    if isinstance(error, TimedOut):
        return True
    if cause is None:
        return False  # Telegram answered with a 5xx: it did not take the message
    return isinstance(cause, httpx.TransportError)


def _describe(error: Exception) -> str:
    cause = error.__cause__
    return f"{type(error).__name__}: {error}" + (f" ({type(cause).__name__})" if cause is not None else "")


# --- wiring ---------------------------------------------------------------------------------------


async def reachable_again(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A user who blocked the bot and writes to it again (unblocking sends /start) is reachable again:
    their nudges are sent once more. Runs before every other handler and never stops the update."""
    user = getattr(update, "effective_user", None)
    chat = getattr(update, "effective_chat", None)
    if user is None or chat is None or chat.type != "private":
        return
    services = getattr(context.application, "services", None)
    if services is None:
        return
    try:
        def run() -> int:
            with services.db.session() as session:
                return outbox.mark_reachable(session, user.id)
        if await asyncio.to_thread(run):
            log.info("user %s is reachable again", user.id)
    except Exception:  # noqa: BLE001 — bookkeeping must never cost the user their reply
        log.exception("could not mark user %s reachable again", user.id)


def install(application: Application, *, db: Database, clock: Clock, config: Config) -> Delivery:  # type: ignore[type-arg]  # PTB's Application: six type parameters, any here
    """Adds the repeating delivery job to the Application's JobQueue (the schedule itself is in the outbox)."""
    delivery = Delivery(bot=application.bot, db=db, clock=clock, config=config)
    application.delivery = delivery  # type: ignore[attr-defined]  # our jobs and services hang on the Application
    ticks.run_repeating(application, delivery.tick, seconds=config.delivery.tick_seconds, name=JOB_NAME)
    return delivery

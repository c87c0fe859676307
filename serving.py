"""How `bot.py run` serves: it stands by until it holds the leader lease (storage/leader.py), then
takes updates (long polling or webhook) and runs the job ticks, and it stops acting the moment it
cannot confirm that it still holds the lease.

Active and standby:
- A standby builds nothing: no Application, no getUpdates, no job ticks, no conversation state loaded.
  It tries the lease every `STANDBY_RETRY_SECONDS` and logs that it is standing by.
- On winning the lease it migrates the database, builds the Application, and only then initialises it,
  so persistence loads the conversation state as the previous active instance left it.
- Fencing: every `FENCE_CHECK_SECONDS` the active instance asks the database whether its lock session
  still holds the lock. Without a confirmation within `FENCE_TIMEOUT_SECONDS` (connection lost, lock
  gone, server unreachable or restarted) it pauses at once: no new updates (polling stops, a webhook
  answers 503), no job ticks. Then it tries to take the lock again every `TAKE_BACK_RETRY_SECONDS`:
  holding it again (after a PostgreSQL restart or a short cut) it resumes, and the updates it had
  taken, waiting out the outage, are answered; if another instance holds it now, it re-executes itself
  as a fresh process that stands by (nothing of the old one runs on: no handler, tick or shutdown write).
  A machine cut off from the network thus stops acting within ~5 s, before PostgreSQL frees its lock
  (~10 s), and a standby takes over within ~12 s. After an outage that every instance saw, a standby
  waits `AFTER_OUTAGE_GRACE_SECONDS` before trying the lock, so the paused active instance takes it
  back first and nothing changes hands.

Webhook mode (`telegram.mode = "webhook"`): an aiohttp server on `telegram.webhook.listen:port` runs
on standbys too, so a load balancer can ask each instance `GET /healthz` (200 `{"status": "active"}`,
503 `{"status": "standby"}`). Updates are POSTed to `telegram.webhook.path`: without the right
`X-Telegram-Bot-Api-Secret-Token` → 403; on a standby → 503 (Telegram tries again); on the active
instance the update is handled before the answer, so an update whose handling was cut short by a crash
is not confirmed and Telegram sends it again. Only the active instance calls setWebhook.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import logging
import os
import signal
import sys
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NoReturn, Protocol

from sqlalchemy.exc import SQLAlchemyError
from telegram import Update
from telegram.error import RetryAfter
from telegram.ext import Application

from config import Config
from storage import updates
from storage.leader import Lease

if TYPE_CHECKING:
    from aiohttp import web  # imported by WebhookServer when it starts: polling never loads aiohttp

log = logging.getLogger("saima.serving")

STANDBY_RETRY_SECONDS = 2.0
STANDBY_LOG_EVERY_SECONDS = 60.0
FENCE_CHECK_SECONDS = 2.0
FENCE_TIMEOUT_SECONDS = 3.0
PAUSE_TIMEOUT_SECONDS = 3.0
TAKE_BACK_RETRY_SECONDS = 0.5
TAKE_BACK_TIMEOUT_SECONDS = 10.0
AFTER_OUTAGE_GRACE_SECONDS = 3.0
POLL_TIMEOUT_SECONDS = 10
STOP_TIMEOUT_SECONDS = 20.0
FENCED_EXIT_CODE = 3
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
HEALTH_PATH = "/healthz"

AnyApplication = Application[Any, Any, Any, Any, Any, Any]


class Instance:
    """This process's role, as /healthz reports it."""

    def __init__(self) -> None:
        self.application: AnyApplication | None = None  # set once active and started
        self.handling = asyncio.Lock()  # updates one at a time, in arrival order (conversations need it)

    @property
    def active(self) -> bool:
        return self.application is not None


class Served(Protocol):
    """A server that runs beside the bot whatever its role (the dashboard, webapp/server.py)."""

    async def start(self) -> None: ...

    async def stop(self) -> None: ...


async def serve(
    config: Config, lease: Lease, *, build: Callable[[], AnyApplication], migrate: Callable[[], None],
    dashboard: Served | None = None,
) -> int:
    """Stands by, then acts, until SIGINT/SIGTERM (returns 0); see the module's docstring for a lost lease.
    The `dashboard`, when given, is served from the start, on a standby too (it only reads the database)."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    instance = Instance()
    server = WebhookServer(config, instance) if config.telegram.mode == "webhook" else None
    if server is not None:
        await server.start()
    if dashboard is not None:
        await dashboard.start()
    try:
        if not await _stand_by(lease, stop):
            return 0
        try:
            await _act(config, lease, instance, stop, build=build, migrate=migrate)
        finally:
            instance.application = None
            with contextlib.suppress(Exception):
                await asyncio.wait_for(asyncio.to_thread(lease.release), FENCE_TIMEOUT_SECONDS)
        return 0
    finally:
        if dashboard is not None:
            await dashboard.stop()
        if server is not None:
            await server.stop()


async def _stand_by(lease: Lease, stop: asyncio.Event) -> bool:
    """Waits for the lease; False when asked to stop first."""
    last_said, last_reason = float("-inf"), ""
    database_was_away = False
    while not stop.is_set():
        try:
            await asyncio.to_thread(lease.connect)
            if database_was_away:
                # Back from an outage that every instance saw (a PostgreSQL restart): the instance that
                # was active, paused and retrying faster, takes its lock back first and carries on.
                database_was_away = False
                await _wait(stop, AFTER_OUTAGE_GRACE_SECONDS)
            if await asyncio.to_thread(lease.try_acquire):
                log.info("Active: this instance holds the %s", lease.description)
                return True
            reason = f"another instance holds the {lease.description}"
        except Exception as error:  # noqa: BLE001 — the database away: keep trying, say why
            reason = f"cannot reach the database to take the lock ({error.__class__.__name__}: {error})"
            database_was_away = True
            lease.abandon()
        kind = reason.partition(" (")[0]  # said again when it changes, not for each wording of an error
        if kind != last_reason or time.monotonic() - last_said >= STANDBY_LOG_EVERY_SECONDS:
            log.info("Standing by: %s; trying again every %.0f s", reason, STANDBY_RETRY_SECONDS)
            last_said, last_reason = time.monotonic(), kind
        await _wait(stop, STANDBY_RETRY_SECONDS)
    return False


async def _wait(stop: asyncio.Event, seconds: float) -> None:
    try:
        await asyncio.wait_for(stop.wait(), seconds)
    except TimeoutError:
        pass


class Poller:
    """Long polling that handles a batch in order and lets the next fetch confirm it.

    python-telegram-bot's Updater confirms updates as soon as it has fetched them (its next getUpdates
    carries the new offset while they still wait in its queue), so a process killed with a backlog
    loses the whole backlog. Here a batch is handled one update at a time and confirmed only by the
    next getUpdates (its offset is one past the last update handled), so a kill leaves the rest of the
    batch to the next active instance. What it handled is not handled again there: each update is
    recorded as handled in the database (storage/updates.py) with what it wrote, or before its first
    answer goes out (bot.WriteThroughApplication), and skipped when Telegram gives it again; so a kill
    loses at most the update in hand (its answer on the way), never those fetched behind it. The first
    fetch starts after the last update recorded, when that is recent (storage.updates.TRUSTED_FOR). A
    pause leaves the rest of a batch unconfirmed too. An update the throttle sheds without a word
    (handlers/throttle.py: a flood) is skipped; the next fetch confirms it with the rest.
    """

    def __init__(self, application: AnyApplication) -> None:
        self.application = application
        self._offset: int | None = None
        self._task: asyncio.Task[None] | None = None
        self._request: asyncio.Future[Any] | None = None  # the getUpdates in flight, if any
        self._fetching = asyncio.Event()  # cleared: paused (the update in hand is still handled)
        self._stopping = False

    async def start(self) -> None:
        await self.application.bot.delete_webhook()  # getUpdates is refused while a webhook is set
        if self._offset is None:
            self._offset = self._after_last_handled()
        self._fetching.set()
        if self._task is None or self._task.done():
            self._stopping = False
            self._task = asyncio.create_task(self._poll(), name="long polling")

    def _after_last_handled(self) -> int | None:
        """One past the last update recorded as handled, if that was recent (older, Telegram may have
        started a new sequence of ids); None to take what Telegram has."""
        services = self.application.services  # type: ignore[attr-defined]  # our services hang on the Application
        try:
            with services.db.session() as session:
                last = updates.last_handled(session, self.application.bot.token.partition(":")[0])
        except SQLAlchemyError:
            return None  # the database away: the updates Telegram gives again are skipped one by one
        if last is None or services.clock.now() - last.at >= updates.TRUSTED_FOR:
            return None
        return last.update_id + 1

    def pause(self) -> None:
        """No more getUpdates (one in flight is cancelled: what it brings is not confirmed, so it comes
        again); the update being handled finishes."""
        self._fetching.clear()
        if self._request is not None:
            self._request.cancel()

    async def stop(self, timeout: float) -> None:
        """Lets the update in hand finish (up to `timeout`), then stops."""
        self._stopping = True
        self.pause()
        if self._task is None:
            return
        with contextlib.suppress(asyncio.CancelledError, asyncio.TimeoutError):
            await asyncio.wait_for(self._task, timeout)
        self._task = None

    async def _poll(self) -> None:
        bot, backoff = self.application.bot, 1.0
        while not self._stopping:
            await self._fetching.wait()
            self._request = asyncio.ensure_future(bot.get_updates(
                offset=self._offset, timeout=POLL_TIMEOUT_SECONDS, allowed_updates=Update.ALL_TYPES))
            try:
                updates = await self._request
            except asyncio.CancelledError:
                this = asyncio.current_task()
                if self._stopping or (this is not None and this.cancelling()):
                    raise
                continue  # paused
            except RetryAfter as error:
                await asyncio.sleep(_seconds(error.retry_after))
                continue
            except Exception as error:  # noqa: BLE001 — network errors, 409 Conflict, 5xx: wait and ask again
                log.warning("getUpdates failed (%s: %s); asking again in %.0f s", error.__class__.__name__,
                            error, backoff)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 30.0)
                continue
            finally:
                self._request = None
            backoff = 1.0
            throttle = getattr(self.application, "throttle", None)  # handlers/throttle.py
            for update in updates:
                if self._stopping or not self._fetching.is_set():
                    break  # not confirmed: it comes again, here after a pause or to the next active instance
                self._offset = update.update_id + 1  # confirmed by the next fetch
                if throttle is not None and throttle.dropped(update):
                    continue  # shed with nothing to say
                try:
                    await self.application.process_update(update)
                except Exception:  # noqa: BLE001 — one update that fails for good must not hold up the others
                    log.exception("Update %s could not be handled", update.update_id)


def _seconds(value: object) -> float:
    return value.total_seconds() if hasattr(value, "total_seconds") else float(value)  # type: ignore[arg-type]  # a number, or a timedelta (PTB_TIMEDELTA)


class Acting:
    """The active instance's Application: taking updates, and paused while its lock is in doubt."""

    def __init__(self, config: Config, instance: Instance) -> None:
        self.config = config
        self.instance = instance
        self.application: AnyApplication | None = None
        self.poller: Poller | None = None

    @property
    def started(self) -> bool:
        return self.application is not None and self.application.running

    async def take_updates(self) -> None:
        application = self.application
        assert application is not None
        webhook = self.config.telegram.webhook
        if self.config.telegram.mode == "webhook":
            self.instance.application = application
            await application.bot.set_webhook(
                url=webhook.url, secret_token=webhook.secret_token, allowed_updates=Update.ALL_TYPES,
            )
            log.info("Saima takes updates by webhook at %s (listening on %s:%d%s)",
                     webhook.url, webhook.listen, webhook.port, webhook.effective_path)
        else:
            self.poller = self.poller or Poller(application)
            await self.poller.start()
            self.instance.application = application
            base_url = self.config.telegram.base_url
            log.info("Saima starts long polling%s", f" against {base_url}" if base_url else "")

    async def pause(self) -> None:
        """No new updates (polling stops; a webhook answers 503) and no job ticks. Updates already
        taken are still handled: no other instance has them."""
        application = self.application
        assert application is not None
        self.instance.application = None
        if application.job_queue is not None:
            application.job_queue.scheduler.pause()
        if self.poller is not None:
            self.poller.pause()

    async def resume(self) -> None:
        application = self.application
        assert application is not None
        if application.job_queue is not None:
            application.job_queue.scheduler.resume()
        await self.take_updates()


async def _act(
    config: Config, lease: Lease, instance: Instance, stop: asyncio.Event, *,
    build: Callable[[], AnyApplication], migrate: Callable[[], None],
) -> None:
    acting = Acting(config, instance)
    fence = asyncio.create_task(_fence(lease, acting), name="leader fencing")
    try:
        await asyncio.to_thread(migrate)
        application = acting.application = build()
        await application.initialize()  # persistence loads conversation state here
        if application.post_init is not None:
            await application.post_init(application)
        await application.start()  # job ticks (delivery, scheduling)
        await acting.take_updates()
        await stop.wait()
        log.info("Stopping")
    finally:
        fence.cancel()
        instance.application = None
        built = acting.application
        if acting.poller is not None:
            await acting.poller.stop(timeout=STOP_TIMEOUT_SECONDS)
        if built is not None:
            if built.running:
                await built.stop()
            await built.shutdown()


async def _fence(lease: Lease, acting: Acting) -> None:
    """Pauses the instance as soon as its lease cannot be confirmed, then takes the lease back and
    resumes, or, when another instance holds it now, restarts the process as a standby."""
    try:
        while True:
            await asyncio.sleep(FENCE_CHECK_SECONDS)
            held, reason = await _confirm(lease)
            if held:
                continue
            if not acting.started:
                log.critical("Lost the %s (%s) while starting: this process starts again as a standby",
                             lease.description, reason)
                _restart_as_standby()
            await asyncio.wait_for(acting.pause(), PAUSE_TIMEOUT_SECONDS)
            log.warning("Lost the %s (%s): stopped taking updates and running ticks until it holds it again",
                        lease.description, reason)
            await _take_back(lease)
            await acting.resume()
            log.warning("Active again: this instance holds the %s", lease.description)
    except asyncio.CancelledError:
        raise
    except Exception:  # noqa: BLE001 — whatever went wrong, an instance in doubt must not act on
        log.critical("Fencing failed: this process starts again as a standby", exc_info=True)
        _restart_as_standby()


async def _confirm(lease: Lease) -> tuple[bool, str]:
    try:
        held = await asyncio.wait_for(asyncio.to_thread(lease.still_held), FENCE_TIMEOUT_SECONDS)
        return held, "the lock is no longer held"
    except TimeoutError:
        return False, f"the database did not confirm the lock within {FENCE_TIMEOUT_SECONDS:.0f} s"
    except Exception as error:  # noqa: BLE001 — any failure to confirm is a loss
        return False, f"{error.__class__.__name__}: {error}".strip()


async def _take_back(lease: Lease) -> None:
    """Returns once this process holds the lease again; restarts it as a standby if another one does."""
    lease.abandon()
    said = False
    while True:
        try:
            held = await asyncio.wait_for(asyncio.to_thread(lease.try_acquire), TAKE_BACK_TIMEOUT_SECONDS)
        except TimeoutError:
            log.critical("The database did not answer within %.0f s: this process starts again as a standby",
                         TAKE_BACK_TIMEOUT_SECONDS)
            _restart_as_standby()
        except Exception as error:  # noqa: BLE001 — the database away: stay paused, keep trying
            lease.abandon()
            if not said:
                log.warning("Paused: cannot reach the database to take the lock again (%s: %s); trying every "
                            "%.1f s", error.__class__.__name__, error, TAKE_BACK_RETRY_SECONDS)
                said = True
            await asyncio.sleep(TAKE_BACK_RETRY_SECONDS)
            continue
        if held:
            return
        log.critical("Another instance holds the %s now: this process starts again as a standby",
                     lease.description)
        _restart_as_standby()


def _restart_as_standby() -> NoReturn:
    """Stops acting now: the process replaces itself with a fresh `bot.py run` (same pid, same arguments),
    which stands by. Nothing of the old one runs on: no handler finishes, no tick, no shutdown writes;
    its sockets, the lock file and the database connections close with it (Python opens them
    non-inheritable). Exits with FENCED_EXIT_CODE if that fails, for the supervisor to restart it."""
    for handler in logging.getLogger().handlers:
        handler.flush()
    sys.stderr.flush()
    try:
        os.execv(sys.executable, [sys.executable, *sys.orig_argv[1:]])
    finally:
        os._exit(FENCED_EXIT_CODE)


async def _update_of(request: web.Request, bot: Any) -> tuple[Update | None, str]:
    """The update a webhook request carries, or None and why not: a body that is not JSON, nested past
    the parser's depth, not an object with an integer update_id, or with a part of the wrong shape (a
    message that is a string) is not an update, and nothing of it is handled."""
    try:
        data: Any = await request.json()
    except (ValueError, RecursionError) as error:  # JSONDecodeError is a ValueError; a bad charset too
        return None, f"not JSON: {error.__class__.__name__}"
    if not isinstance(data, dict):
        return None, f"a JSON {type(data).__name__}, not an object"
    update_id = data.get("update_id")
    if not isinstance(update_id, int) or isinstance(update_id, bool):
        return None, "no integer update_id"
    try:
        update = Update.de_json(data, bot)
    except Exception as error:  # noqa: BLE001 — whatever PTB trips on in a malformed part
        return None, f"malformed: {error.__class__.__name__}"
    if not isinstance(update, Update):
        return None, "malformed"
    message, query = update.effective_message, update.callback_query
    texts = (message.text, message.caption) if message is not None else ()
    if any(text is not None and not isinstance(text, str) for text in texts) or (
            query is not None and query.data is not None and not isinstance(query.data, str)):
        return None, "malformed: text that is not a string"
    return update, ""


class WebhookServer:
    """Receives Telegram's POSTs and answers the load balancer's health checks."""

    def __init__(self, config: Config, instance: Instance) -> None:
        self.settings = config.telegram.webhook
        self.instance = instance
        self._runner: web.AppRunner | None = None

    async def start(self) -> None:
        from aiohttp import web

        app = web.Application(client_max_size=2 * 1024 * 1024)
        app.router.add_get(HEALTH_PATH, self.health)
        app.router.add_post(self.settings.effective_path, self.receive)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, self.settings.listen, self.settings.port).start()
        log.info("Webhook server listening on %s:%d (%s for updates, %s for health checks)",
                 self.settings.listen, self.settings.port, self.settings.effective_path, HEALTH_PATH)

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def health(self, _request: web.Request) -> web.Response:
        from aiohttp import web

        if self.instance.active:
            return web.json_response({"status": "active"})
        return web.json_response({"status": "standby"}, status=503)

    async def receive(self, request: web.Request) -> web.Response:
        from aiohttp import web

        secret = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(secret.encode(), self.settings.secret_token.encode()):
            log.warning("Refused a webhook request without the right secret token from %s", request.remote)
            return web.Response(status=403, text="forbidden")
        application = self.instance.application
        if application is None:
            return web.Response(status=503, text="standby")
        update, problem = await _update_of(request, application.bot)
        if update is None:
            log.warning("Refused a webhook body that is not an update (%s) from %s", problem, request.remote)
            return web.Response(status=400, text="not an update")
        async with self.instance.handling:
            try:
                await application.process_update(update)
            except Exception:  # noqa: BLE001 — answered 200 all the same: sent again, it would fail again
                log.exception("Update %s could not be handled", update.update_id)
        return web.Response(status=200)

"""Saima's entry point and composition root: the command line, and the Application built from config.

    python bot.py run                                   # polling or webhook (make run)
    python bot.py deliver                               # only the outbox delivery (extra instances)
    python bot.py demo                                  # scripted onboarding against the emulator
    python bot.py db upgrade | current | downgrade REV  # migrations
    python bot.py db rebuild-totals                     # recount the month totals from the records
    python bot.py team create "省政府党组" --admin 123456789 [--group -100123] [--json]
    python bot.py team list [--json]
    python bot.py team invite TEAM_ID [--once] [--json]
    python bot.py team topic-stage TEAM_ID [registered|researching|report|outcome]  # when key topics count
    python bot.py team lookback TEAM_ID MONTHS|default [--json]   (回头看: closed items come back after MONTHS)
    python bot.py team duty TEAM_ID [NAME UNIT TARGET WEIGHT | retire NAME] [--json]   # the team's own duties
    python bot.py export --team ID --year 2026 --out ledger.xlsx [--lang zh|en] [--csv DIR]
    python bot.py evaluate TEAM_ID 2026 [--out DIR] [--lang zh|en]   # the year-end evaluation (and its PDFs)
"""

from __future__ import annotations

import gc

# Start-up: the imports below make about a million objects and free almost none, so the collections
# they would trigger (~0.13 s of CPU, a sixth of the start) find nothing; collection resumes after them.
_COLLECTING = gc.isenabled()
gc.disable()

import argparse
import asyncio
import copy
import dataclasses
import functools
import json
import logging
import os
import signal
import ssl
import sys
import threading
from collections.abc import Awaitable, Callable, Sequence
from contextvars import ContextVar
from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

# Telegram's retry_after as a timedelta, as PTB will have it: PTB 22 otherwise warns on every 429
# (jobs/delivery.py reads either). Set before the first RetryAfter is made; tests/conftest.py does the same.
os.environ.setdefault("PTB_TIMEDELTA", "true")

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session
from telegram import Bot, Update
from telegram.error import BadRequest
from telegram.ext import Application, ApplicationBuilder, ContextTypes, TypeHandler
from telegram.request import BaseRequest, HTTPXRequest, RequestData

import handlers
import serving
from config import Config, ConfigError, load_config
from core import dates
from core.clock import Clock, FileClock, SystemClock
from core.domain import TopicStage
from core.team_duties import DutyChangeError, parse_duty_change
from handlers.commands import publish_default_menus
from handlers.context import SaimaContext, Services
from handlers.duties import reserved_names
from handlers.groups import Group
from handlers.invite import invite_link
from handlers.throttle import Screening, Throttle, screening
from jobs import delivery, schedule
from reports.words import number
from storage import invites, leader, members, onboarding, roster, team_duties, teams, totals, updates
from storage import lookback as lookback_store
from storage import topics as topic_queries
from storage.db import Database, is_outage
from storage.db import warm_up as db_warm_up
from storage.models import MemberStatus, Role, Team
from storage.persistence import DatabasePersistence

if _COLLECTING:
    gc.freeze()  # what the imports made lives as long as the process: no collection scans it again
    gc.enable()

log = logging.getLogger("saima")

WARM_UP_AFTER_SECONDS = 1.0

NO_TOKEN_HELP = """\
Saima needs a Telegram bot token to run.

  1. In Telegram, open @BotFather (https://t.me/BotFather) and send /newbot.
  2. Choose a name and a username ending in "bot"; BotFather replies with a token
     like 123456789:AAH...
  3. Put it in config.toml (copy config.example.toml first):
         [telegram]
         token = "123456789:AAH..."
     or set it in the environment:  BOT_TOKEN=123456789:AAH... make run

To try Saima without Telegram, run:  make demo
"""


class _DatabaseAway(Exception):
    """A handler failed because the database is unreachable: the update should wait, not be dropped."""


class _PressAnsweredBefore:
    """The bot as a button press handled again after an outage sees it: the first try may have answered
    the press already, and Telegram refuses a second answer (as it does any answer after ~15 s), so a
    refused answer is skipped (False) instead of failing the handler before it can do the work."""

    def __init__(self, bot: Bot) -> None:
        self._bot = bot

    def __getattr__(self, name: str) -> Any:
        return getattr(self._bot, name)

    async def answer_callback_query(self, *args: Any, **kwargs: Any) -> bool:
        try:
            return bool(await self._bot.answer_callback_query(*args, **kwargs))
        except BadRequest:
            return False


_Data = tuple[dict[str, Any] | None, dict[str, Any] | None]  # a user's and a chat's data, copied

# While an update is handled: writes what it changed so far, called before each of its replies leaves.
_before_reply: ContextVar[Callable[[], Awaitable[None]] | None] = ContextVar("saima_before_reply", default=None)
_READING = frozenset({"getUpdates", "getMe", "getFile", "getWebhookInfo", "getChat", "getChatMember",
                      "getMyCommands", "setWebhook", "deleteWebhook", "setMyCommands", "deleteMyCommands",
                      "answerCallbackQuery"})  # not a step's reply: nothing to write before them


def is_reply(bot_api_method: str) -> bool:
    """Whether a Bot API call shows a member something of a step (a message, an edit, a deletion). A button
    press's answer is not: handlers answer the press first, before they do the work."""
    return bot_api_method not in _READING and not bot_api_method.startswith("get")


@functools.cache
def tls_context() -> ssl.SSLContext:
    """One TLS context for the process's Bot API clients: each would otherwise load the CA bundle again
    (~20 ms apiece, twice per Application: its requests and its getUpdates)."""
    return ssl.create_default_context()


class StateBeforeReplyRequest(HTTPXRequest):
    """The bot's HTTP requests (PTB's own HTTPXRequest, as ApplicationBuilder would make it), with each reply
    made while an update is handled preceded by writing what handling it has changed so far: so a process
    killed right after a reply reached Telegram restarts at the step that reply asked about, never at the
    one before it. Outside an update (the delivery job, the menus at start-up) requests go as they are."""

    def __init__(self, read_timeout: float = 5.0) -> None:
        super().__init__(connection_pool_size=256, read_timeout=read_timeout, httpx_kwargs={"verify": tls_context()})

    async def do_request(self, url: str, method: str, request_data: RequestData | None = None,
                         read_timeout: Any = BaseRequest.DEFAULT_NONE, write_timeout: Any = BaseRequest.DEFAULT_NONE,
                         connect_timeout: Any = BaseRequest.DEFAULT_NONE,
                         pool_timeout: Any = BaseRequest.DEFAULT_NONE) -> tuple[int, bytes]:
        # the timeouts are PTB's (a float, None or its DEFAULT_NONE), passed through untouched
        write = _before_reply.get()
        if write is not None and is_reply(url.rpartition("/")[2]):
            await write()
        return await super().do_request(url, method, request_data, read_timeout=read_timeout,
                                        write_timeout=write_timeout, connect_timeout=connect_timeout,
                                        pool_timeout=pool_timeout)


class WriteThroughApplication(Application):  # type: ignore[type-arg]  # PTB's Application: six type parameters, any here
    """An Application that saves user and chat data (and with them the conversation state,
    handlers/conversation.py) before each reply of an update and right after it, and that holds an update
    while the database is away.

    PTB would otherwise write them every `update_interval` seconds, and a SIGKILL in between
    would lose the step a member had reached. Written only after the update, a kill right after the reply
    (the next question on the member's screen) would still restart the conversation at the step before:
    so every reply waits until the update's user and chat data are written (StateBeforeReplyRequest); a
    flow's step is written into user_data as it is set, before the handler replies.

    Database outages (storage.db.is_outage: the server restarting, the network cut): a handler failing
    on one does not reach the error handler, which would apologise and drop the update. The update waits
    instead, the database is asked with backoff (0.25 s doubling to 10 s) until it answers, and then the
    update is processed again from the start (user and chat data as they were before it); the updates
    behind it wait in order, since they are handled one at a time. So a member who wrote during the
    outage gets the real answer after it. A handler that had already replied before failing replies
    again (a button press it had answered is not answered twice); a Confirm whose store failed stores
    then (the draft is still open), and one whose commit was lost with the connection meets the form's
    duplicate check. After `DATABASE_RETRIES` failures with the database answering in between, the
    error goes to the error handler like any other, so a query that fails for good cannot hold the bot up.
    """

    services: Services
    throttle: Throttle | None = None  # per-user load shedding (handlers/throttle.py), set when handlers register
    DATABASE_RETRIES = 5
    _may_wait: object = None  # the update that is waiting out an outage, if any

    _last_handled: updates.Handled | None = None
    _last_loaded = False

    async def process_update(self, update: object) -> None:
        """Handles `update` unless it was handled before (Telegram delivered it again: a webhook answer
        that did not reach it in time, a poller killed before confirming). Every transaction made while
        handling it marks it handled in the same commit (storage.updates), and it is marked at the end
        whatever it did, so it is handled at most once, across restarts too."""
        if not isinstance(update, Update):
            await self._process(update)
            return
        bot, now = self.bot.token.partition(":")[0], self.services.clock.now()
        last = self._handled(bot)
        if last is not None and last.covers(update.update_id, now):
            log.info("Update %s was handled before (delivered again): skipped", update.update_id)
            return
        with screening() as screened, updates.in_hand(bot, update.update_id, now) as handling:
            replying = _before_reply.set(lambda: self._write_before_reply(update))
            try:
                await self._process(update, screened)
            finally:
                _before_reply.reset(replying)
            if screened.shed:  # shed at the door (handlers/throttle.py): nothing to write, nothing marked
                return
            if not handling.marked:
                self._mark(handling)
        self._last_handled = updates.Handled(update.update_id, now)

    def _mark(self, handling: updates.InHand) -> None:
        """Records the update in hand as handled, in a transaction of its own (one that wrote nothing else)."""
        try:
            with self.services.db.session() as session:
                updates.mark(session, handling.bot, handling.update_id, handling.now)
        except SQLAlchemyError as error:  # handled all the same; sent again, it would be handled again
            log.warning("Could not mark update %s handled (%s)", handling.update_id, type(error).__name__)

    async def _write_before_reply(self, update: Update) -> None:
        """Writes the update's user and chat data (with the conversation state in user_data), now; and, if
        nothing has recorded the update as handled yet, records it: once a member sees an answer, the
        update is not handled again after a kill (the poller leaves a batch unconfirmed until its next
        fetch, serving.Poller), it is at most lost with its answer on the way."""
        if self.persistence is None:
            return
        user, chat = update.effective_user, update.effective_chat
        self.mark_data_for_update_persistence(chat_ids=chat.id if chat else None, user_ids=user.id if user else None)
        await self.update_persistence()
        if (handling := updates.unmarked()) is not None:
            self._mark(handling)

    def _handled(self, bot: str) -> updates.Handled | None:
        """The last update handled, read from the database once (where the previous process left it)."""
        if not self._last_loaded:
            try:
                with self.services.db.session() as session:
                    self._last_handled = updates.last_handled(session, bot)
                self._last_loaded = True
            except SQLAlchemyError as error:  # the database away: handled, the handler waits it out
                log.warning("Could not read the last update handled (%s)", type(error).__name__)
        return self._last_handled

    async def _process(self, update: object, screened: Screening | None = None) -> None:
        before = self._data_of(update)
        for attempt in range(1, self.DATABASE_RETRIES + 2):
            self._may_wait = update if attempt <= self.DATABASE_RETRIES else None
            try:
                await super().process_update(update)
                break
            except _DatabaseAway as away:
                self._restore_data(update, before)  # what the failed try changed in user/chat data goes
                log.warning("The database is unreachable (%r); update %s waits for it (try %s)",
                            away.__cause__, getattr(update, "update_id", "?"), attempt)
                if not await self._database_back():
                    log.error("Stopped while the database was away; update %s was not handled",
                              getattr(update, "update_id", "?"))
                    return
                if isinstance(update, Update) and update.callback_query is not None:
                    update.callback_query.set_bot(_PressAnsweredBefore(self.bot))  # type: ignore[arg-type]  # PTB types the bot of a CallbackQuery as its Bot; ours wraps it
            finally:
                self._may_wait = None
        if self.persistence is not None and not (screened is not None and screened.shed):
            await self.update_persistence()

    def _data_of(self, update: object) -> _Data:
        """Copies of the sender's user data and the chat's data, as they were before the update."""
        if not isinstance(update, Update):
            return None, None
        user, chat = update.effective_user, update.effective_chat
        return (copy.deepcopy(self.user_data.get(user.id)) if user is not None else None,
                copy.deepcopy(self.chat_data.get(chat.id)) if chat is not None else None)

    def _restore_data(self, update: object, before: _Data) -> None:
        if not isinstance(update, Update):
            return
        for data, key, kept in ((self.user_data, update.effective_user, before[0]),
                                (self.chat_data, update.effective_chat, before[1])):
            if key is not None and key.id in data:
                data[key.id].clear()
                data[key.id].update(kept or {})

    async def process_error(self, update: object | None, error: Exception, job: Any = None,
                            coroutine: Any = None) -> bool:
        if job is None and update is not None and update is self._may_wait and is_outage(error):
            raise _DatabaseAway from error
        return await super().process_error(update, error, job, coroutine)

    async def _database_back(self) -> bool:
        """Waits until the database answers (True), or until the bot stops (False)."""
        wait = 0.25
        while self.running:
            await asyncio.sleep(wait)
            if await asyncio.to_thread(self.services.db.reachable):
                return True
            wait = min(wait * 2, 10.0)
        return False


def build_application(
    config: Config, db: Database, clock: Clock | None = None, *, takes_updates: bool = True
) -> Application:  # type: ignore[type-arg]  # PTB's Application: six type parameters, any here
    """The bot, wired: persistence, rate limiting, handlers, the services they use, and the outbox
    delivery job (unless `delivery.enabled = false`). `takes_updates=False` (`bot.py deliver`): no
    handlers and no persistence, so it never writes back conversation state it did not change."""
    clock = clock or clock_from_environment()
    builder = (
        ApplicationBuilder()
        .application_class(WriteThroughApplication)
        .token(config.telegram.token)
        .context_types(ContextTypes(context=SaimaContext))
        .request(StateBeforeReplyRequest(config.telegram.read_timeout_seconds))
        .get_updates_request(HTTPXRequest(connection_pool_size=1, httpx_kwargs={"verify": tls_context()}))  # as PTB's own
        .rate_limiter(delivery.RateLimiter(max_retries=3))
        .concurrent_updates(False)  # conversations need updates of one chat in order
        .post_init(_on_start)
    )
    if config.telegram.base_url:
        builder = builder.base_url(config.telegram.base_url)
        builder = builder.base_file_url(config.telegram.effective_base_file_url)
    if takes_updates:
        builder = builder.persistence(DatabasePersistence(db, clock))
    application = builder.build()
    application.services = Services(config=config, db=db, clock=clock)  # type: ignore[attr-defined]  # our jobs and services hang on the Application
    if takes_updates:
        application.add_handler(TypeHandler(Update, delivery.reachable_again), group=Group.REACHABLE)
        handlers.register(application)
    if config.delivery.enabled:
        delivery.install(application, db=db, clock=clock, config=config)
    if takes_updates:  # nudges, boards and summaries are enqueued by the instance that polls
        schedule.install(application, db=db, clock=clock, config=config)
    return application


def clock_from_environment() -> Clock:
    """The system clock, or, with SAIMA_CLOCK_FILE set (a testing and demo aid), the instant in that file,
    re-read at every tick, so a test can walk a real process through a simulated week."""
    path = os.environ.get("SAIMA_CLOCK_FILE")
    if not path:
        return SystemClock()
    clock = FileClock(path)
    log.warning("Saima's clock reads %s (SAIMA_CLOCK_FILE), now %s: for tests and demos only", path,
                clock.now().isoformat())
    return clock


def _warm_up() -> None:
    """What the first replies would otherwise pay: the ORM's mapper configuration, the date parser."""
    db_warm_up()
    dates.warm_up()


async def _on_start(application: Application) -> None:  # type: ignore[type-arg]  # PTB's Application: six type parameters, any here
    # The date parser's first call costs ~150 ms of CPU, the mappers' configuration ~30 ms: paid off the
    # event loop, not in a reply, and once the bot has started: run at once, that thread would hold the GIL
    # while the start goes on and delay the first getUpdates (a start takes well under WARM_UP_AFTER_SECONDS
    # from here).
    warm_up = threading.Timer(WARM_UP_AFTER_SECONDS, _warm_up)
    warm_up.name, warm_up.daemon = "warm-up", True
    warm_up.start()
    await publish_default_menus(application.bot, application.services.config.webapp.public_url)  # type: ignore[attr-defined]  # our services hang on the Application


# --- logging -------------------------------------------------------------------------------------


class RedactToken(logging.Filter):
    """Keeps the bot token out of every log line (httpx logs request URLs, which contain it)."""

    def __init__(self, token: str) -> None:
        super().__init__()
        self.token = token

    def filter(self, record: logging.LogRecord) -> bool:
        if self.token:
            message = record.getMessage()
            if self.token in message:
                record.msg = message.replace(self.token, "<token>")
                record.args = None
        return True


def configure_logging(config: Config) -> None:
    logging.basicConfig(
        level=config.logging.level, format="%(asctime)s %(levelname)s %(name)s: %(message)s", stream=sys.stderr
    )
    logging.getLogger("httpx").setLevel(logging.WARNING)
    for handler in logging.getLogger().handlers:
        handler.addFilter(RedactToken(config.telegram.token))


# --- commands ------------------------------------------------------------------------------------


def cmd_run(config: Config, _args: argparse.Namespace) -> int:
    if not config.telegram.token:  # how to get one, then the playground instead of an error
        print(NO_TOKEN_HELP + "Meanwhile, the playground starts: the bot and a team on this machine, in a browser.\n",
              file=sys.stderr)
        from playground import run_playground

        return run_playground(config)
    configure_logging(config)
    db = Database.from_url(config.database.url)
    # Several `run` on one database elect one active instance; the others stand by (serving.py).
    lease = leader.lease_for(config.database.url, config.telegram.token.split(":")[0])
    clock = clock_from_environment()
    dashboard = dashboard_for(config, db, clock)
    return asyncio.run(
        serving.serve(config, lease, build=lambda: build_application(config, db, clock), migrate=db.upgrade,
                      dashboard=dashboard)
    )


def dashboard_for(config: Config, db: Database, clock: Clock, *, demo: bool = False) -> serving.Served | None:
    """The dashboard Mini App's server (webapp/), when it has a public address or in the demo; aiohttp is
    imported only then."""
    if not (config.webapp.public_url or demo):
        return None
    from webapp.server import DashboardServer

    return DashboardServer(config, db, clock, demo=demo)


def cmd_deliver(config: Config, _args: argparse.Namespace) -> int:
    """Only the outbox delivery, no getUpdates: for extra instances beside the one that polls (one token
    allows one getUpdates consumer). Any number may share one PostgreSQL database; each row goes once."""
    if not config.telegram.token:
        print(NO_TOKEN_HELP, file=sys.stderr)
        return 2
    configure_logging(config)
    db = Database.from_url(config.database.url)
    db.upgrade()
    config = dataclasses.replace(config, delivery=dataclasses.replace(config.delivery, enabled=True))
    application = build_application(config, db, takes_updates=False)
    log.info("Saima delivers the outbox (no polling)")
    asyncio.run(_deliver_until_stopped(application))
    return 0


async def _deliver_until_stopped(application: Application) -> None:  # type: ignore[type-arg]  # PTB's Application: six type parameters, any here
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    async with application:
        await application.start()
        await stop.wait()
        await application.stop()


def cmd_db(config: Config, args: argparse.Namespace) -> int:
    db = Database.from_url(config.database.url)
    if args.action == "upgrade":
        db.upgrade()
        print(f"Database at revision {db.current_revision()}")
    elif args.action == "downgrade":
        db.downgrade(args.revision)
        print(f"Database at revision {db.current_revision()}")
    elif args.action == "rebuild-totals":
        db.upgrade()
        with db.session() as session:
            moved = topic_queries.recount_all(session, config.race.topic_counts_at)
            rows = totals.rebuild(session)
        print(f"Month totals recounted from the records: {rows} rows ({moved} key topics count on another day)")
    else:
        print(db.current_revision() or "empty (run: python bot.py db upgrade)")
    return 0


def cmd_team(config: Config, args: argparse.Namespace) -> int:
    db = Database.from_url(config.database.url)
    db.upgrade()
    clock = SystemClock()
    if args.action == "list":
        with db.session() as session:
            rows = [{"team_id": t.id, "name": t.name, "group_chat_id": t.group_chat_id,
                     "members": len(t.members)} for t in teams.all_teams(session)]
        _print(rows, args.json, lambda r: f"#{r['team_id']} {r['name']} ({r['members']} members)")
        return 0
    if args.action == "member":
        return _team_member(db, clock, args)
    if args.action == "topic-stage":
        return _team_topic_stage(db, clock, config, args)
    if args.action == "lookback":
        return _team_lookback(db, clock, config, args)
    if args.action == "duty":
        return _team_duty(db, clock, args)
    username = _bot_username(config)
    if args.action == "create":
        with db.session() as session:
            new = onboarding.create_team(
                session, name=args.name, admin_telegram_id=args.admin, group_chat_id=args.group,
                config=config, now=clock.now(),
            )
            result = _invite_json(new.team.id, new.team.name, new.invite.code, new.invite.expires_at, username)
            result["admin_telegram_id"] = args.admin
        _print(result, args.json, lambda r: (
            f"Team “{r['name']}” created (id {r['team_id']}).\n"
            f"The admin ({r['admin_telegram_id']}) becomes its owner on opening the bot.\n"
            f"Invite members with this link (valid until {r['expires_at']}):\n  {r['invite_link']}\n"
            f"or have them send: /join {r['invite_code']}"))
        return 0
    with db.session() as session:
        team = teams.by_id(session, args.team_id)
        if team is None:
            print(f"No team with id {args.team_id}.", file=sys.stderr)
            return 1
        invite = invites.create(
            session, team_id=team.id, role=Role.MEMBER, now=clock.now(),
            valid_for=timedelta(days=config.invites.expire_days), max_uses=1 if args.once else None,
            code_length=config.invites.code_length,
        )
        result = _invite_json(team.id, team.name, invite.code, invite.expires_at, username)
    _print(result, args.json, lambda r: f"Invite to “{r['name']}” (valid until {r['expires_at']}):\n  {r['invite_link']}")
    return 0


def _team_member(db: Database, clock: Clock, args: argparse.Namespace) -> int:
    """Sets a member's 任职日期 / 离任日期 (``none`` clears one) and whether they race; prints the result."""
    with db.session() as session:
        member = members.in_team(session, args.team_id, args.telegram_id)
        if member is None or member.status is MemberStatus.REMOVED:
            print(f"No member {args.telegram_id} in team {args.team_id}.", file=sys.stderr)
            return 1
        took = member.took_office_on if args.took_office_on is _KEEP else args.took_office_on
        left = member.left_office_on if args.left_office_on is _KEEP else args.left_office_on
        if not roster.set_office_dates(session, member, took_office_on=took, left_office_on=left, now=clock.now()):
            print(f"--until ({left}) is before --from ({took}).", file=sys.stderr)
            return 1
        if args.races is not None:
            roster.set_races(session, member, races=args.races == "yes", now=clock.now())
        result = {"team_id": args.team_id, "telegram_id": args.telegram_id, "name": member.display_name,
                  "took_office_on": took.isoformat() if took else None,
                  "left_office_on": left.isoformat() if left else None, "races": member.races}
    _print(result, args.json, lambda r: (
        f"{r['name']} ({r['telegram_id']}): in office from {r['took_office_on'] or 'the start of the year'}"
        f" until {r['left_office_on'] or 'the end of the year'}; "
        + ("in the race." if r["races"] else "not in the race (office).")))
    return 0


def _team_lookback(db: Database, clock: Clock, config: Config, args: argparse.Namespace) -> int:
    """Sets after how many months the team's closed items come back (回头看); ``default`` takes the config's."""
    if args.months == "default":
        months = config.lookback.after_months
    else:
        months = int(args.months) if args.months.isascii() and args.months.isdigit() else 0
    if not 1 <= months <= 24:
        print(f"months must be 1–24 or 'default', not {args.months!r}.", file=sys.stderr)
        return 1
    with db.session() as session:
        team = teams.by_id(session, args.team_id)
        if team is None:
            print(f"No team with id {args.team_id}.", file=sys.stderr)
            return 1
        moved = lookback_store.set_months(session, team, months, now=clock.now())
        result = {"team_id": team.id, "name": team.name, "after_months": months, "rescheduled": moved}
    _print(result, args.json, lambda r: (
        f"“{r['name']}”: closed items come back after {r['after_months']} months (回头看); "
        f"{r['rescheduled']} not asked yet follow the new interval."))
    return 0


def _team_duty(db: Database, clock: Clock, args: argparse.Namespace) -> int:
    """Lists the team's own duties, adds or changes one (NAME UNIT TARGET WEIGHT), or retires one (retire NAME),
    as `/duty` does, audited (with no actor: the command line)."""
    try:
        change = parse_duty_change(" ".join(args.words), reserved=reserved_names())
    except DutyChangeError as error:
        print(f"Not a duty ({error.reason}): give NAME UNIT TARGET WEIGHT (e.g. 接访下访 天 12 5; the target above 0, "
              "the weight 0–100, not a built-in duty's name) or retire NAME.", file=sys.stderr)
        return 1
    with db.session() as session:
        team = teams.by_id(session, args.team_id)
        if team is None:
            print(f"No team with id {args.team_id}.", file=sys.stderr)
            return 1
        if change.action == "retire" and team_duties.retire(session, team_id=team.id, name=change.name,
                                                            now=clock.now()) is None:
            print(f"Team {team.id} has no duty named {change.name} in use.", file=sys.stderr)
            return 1
        if change.action == "set":
            team_duties.set_duty(session, team_id=team.id, name=change.name, unit=change.unit,
                                 yearly_target=change.yearly_target, weight=change.weight, now=clock.now())
        rows = [{"name": d.name, "unit": d.unit, "yearly_target": number(d.yearly_target), "weight": number(d.weight)}
                for d in team_duties.active(session, team.id)]
    if not rows and not args.json:
        print(f"Team {args.team_id} has the six built-in duties only.")
        return 0
    _print(rows, args.json, lambda r: f"{r['name']}: {r['yearly_target']} {r['unit']} a year, weight {r['weight']}")
    return 0


_KEEP: Any = object()  # an option not given: the member's value stays


def _team_topic_stage(db: Database, clock: Clock, config: Config, args: argparse.Namespace) -> int:
    """Shows, or sets, the stage at which the team's key research topics count towards the yearly quota."""
    with db.session() as session:
        team = teams.by_id(session, args.team_id)
        if team is None:
            print(f"No team with id {args.team_id}.", file=sys.stderr)
            return 1
        moved = 0
        if args.stage is not None:
            moved = topic_queries.set_counting_stage(session, team, TopicStage(args.stage), actor=None,
                                                     now=clock.now())
        stage = topic_queries.counting_stage(team, config.race.topic_counts_at)
        result = {"team_id": team.id, "topic_counts_at": stage.value, "topics_moved": moved}
    _print(result, args.json, lambda r: (
        f"Team {r['team_id']}: key research topics count at the stage '{r['topic_counts_at']}'"
        + (f" ({r['topics_moved']} topics now count on another day)." if args.stage is not None else ".")))
    return 0


def _day_or_none(text: str) -> date | None:
    if text.lower() == "none":
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD) nor 'none': {text}") from None


def _invite_json(team_id: int, name: str, code: str, expires_at: Any, username: str) -> dict[str, Any]:
    return {
        "team_id": team_id,
        "name": name,
        "invite_code": code,
        "invite_link": invite_link(username, code),
        "expires_at": expires_at.isoformat() if expires_at else None,
    }


def _bot_username(config: Config) -> str:
    """The bot's @username for links: from config, else asked from the Bot API with the token."""
    if config.telegram.bot_username:
        return config.telegram.bot_username.lstrip("@")
    if not config.telegram.token:
        raise ConfigError(
            f"{config.source}: set 'telegram.bot_username' (or a token) so invite links can name the bot"
        )

    async def get_me() -> str:
        bot = Bot(config.telegram.token, base_url=config.telegram.base_url or "https://api.telegram.org/bot")
        async with bot:
            return bot.username

    return asyncio.run(get_me())


def _print(value: Any, as_json: bool, text: Any) -> None:
    if as_json:
        print(json.dumps(value, ensure_ascii=False))
    elif isinstance(value, list):
        print("\n".join(text(v) for v in value) or "No teams yet.")
    else:
        print(text(value))


FIRST_YEAR = 2000  # the earliest year a ledger or an evaluation is asked for


def _team_and_today(session: Session, team_id: int, year: int, what: str) -> tuple[Team, date] | None:
    """The team and today's date where it is (SAIMA_CLOCK_FILE may fix the clock), or None, said on stderr: no
    such team, or ``year`` (of ``what``: a ledger, an evaluation) not from FIRST_YEAR to the team's this year."""
    team = teams.by_id(session, team_id)
    if team is None:
        print(f"No team with id {team_id}.", file=sys.stderr)
        return None
    today = clock_from_environment().now().astimezone(ZoneInfo(team.timezone)).date()
    if not FIRST_YEAR <= year <= today.year:
        print(f"No {what} for {year}: give a year from {FIRST_YEAR} to {today.year}.", file=sys.stderr)
        return None
    return team, today


def cmd_export(config: Config, args: argparse.Namespace) -> int:
    """Writes a team's ledger (台账) for a year as .xlsx, and as CSV files too when asked."""
    from pathlib import Path

    from locales import translator
    from reports import ledger
    from storage import ledger as ledger_storage

    db = Database.from_url(config.database.url)
    db.upgrade()
    t = translator(args.lang)
    with db.session() as session:
        found = _team_and_today(session, args.team, args.year, "ledger")
        if found is None:
            return 1
        team, today = found
        sheets = ledger.build(ledger_storage.year_ledger(session, team, args.year, today=today, config=config), t=t)
        name = team.name
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(ledger.workbook(sheets, t, title=f"{name} {args.year}"))
    print(f"Wrote {out} ({out.stat().st_size} bytes; " + ", ".join(f"{s.key} {len(s.rows)}" for s in sheets) + ")")
    if args.csv:
        for path in ledger.write_csv(sheets, t, Path(args.csv)):
            print(f"Wrote {path}")
    return 0


def cmd_evaluate(config: Config, args: argparse.Namespace) -> int:
    """Prints a team's year-end evaluation (年末有考评) and, with --out, writes each member's one-page PDF and a zip."""
    from pathlib import Path

    from locales import translator
    from reports import evaluation as report
    from storage import evaluation

    db = Database.from_url(config.database.url)
    db.upgrade()
    t = translator(args.lang)
    with db.session() as session:
        team_found = _team_and_today(session, args.team, args.year, "evaluation")
        if team_found is None:
            return 1
        team, today = team_found
        found = evaluation.team_evaluation(session, team, args.year, today=today, config=config)
    print(report.render_team(t, found))
    for entry in found.entries:
        print("\n" + report.render_member(t, found, entry, with_office=True))
    if args.out:
        folder = Path(args.out)
        folder.mkdir(parents=True, exist_ok=True)
        for entry in found.entries:
            path = folder / report.file_name(t, found, entry)
            path.write_bytes(report.pdf(t, found, entry))
            print(f"Wrote {path}")
        archive = folder / f"{args.year}-{t('evaluation')}.zip"
        archive.write_bytes(report.archive(t, found))
        print(f"Wrote {archive}")
    return 0


def cmd_demo(config: Config, args: argparse.Namespace) -> int:
    from demo import run_demo

    return run_demo(quiet_logs=not args.verbose)


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="bot.py", description="Saima (赛马) Telegram bot")
    parser.add_argument("--config", help="config file (default: config.toml, or $SAIMA_CONFIG)")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("run", help="run the bot (polling or webhook)").set_defaults(func=cmd_run)
    sub.add_parser("deliver", help="only deliver the outbox (an extra instance; no polling)").set_defaults(
        func=cmd_deliver)
    demo = sub.add_parser("demo", help="play a scripted session against the local emulator")
    demo.add_argument("--verbose", action="store_true", help="show the bot's logs too")
    demo.set_defaults(func=cmd_demo)
    db = sub.add_parser("db", help="database migrations; rebuild-totals recounts the month totals")
    db.add_argument("action", choices=["upgrade", "current", "downgrade", "rebuild-totals"])
    db.add_argument("revision", nargs="?", default="-1")
    db.set_defaults(func=cmd_db)
    team = sub.add_parser("team", help="create and list teams, make invite links")
    team_sub = team.add_subparsers(dest="action", required=True)
    create = team_sub.add_parser("create", help="create a team with its admin")
    create.add_argument("name")
    create.add_argument("--admin", type=int, required=True, help="the admin's Telegram user id")
    create.add_argument("--group", type=int, help="the team's group chat id (the race track)")
    create.add_argument("--json", action="store_true")
    listing = team_sub.add_parser("list")
    listing.add_argument("--json", action="store_true")
    invite = team_sub.add_parser("invite", help="a new invite link for a team")
    invite.add_argument("team_id", type=int)
    invite.add_argument("--once", action="store_true", help="single use")
    invite.add_argument("--json", action="store_true")
    member = team_sub.add_parser("member", help="a member's 任职日期 / 离任日期 and whether they race")
    member.add_argument("team_id", type=int)
    member.add_argument("telegram_id", type=int)
    member.add_argument("--from", dest="took_office_on", type=_day_or_none, default=_KEEP, metavar="YYYY-MM-DD",
                        help="took office (任职日期): targets are pro-rated from this day; 'none' = the whole year")
    member.add_argument("--until", dest="left_office_on", type=_day_or_none, default=_KEEP, metavar="YYYY-MM-DD",
                        help="left office (离任日期), inclusive; 'none' clears it")
    member.add_argument("--races", choices=["yes", "no"], help="in the race (ranked, paced) or not (the office)")
    member.add_argument("--json", action="store_true")
    topic_stage = team_sub.add_parser("topic-stage", help="the stage at which key research topics count")
    topic_stage.add_argument("team_id", type=int)
    topic_stage.add_argument("stage", nargs="?", choices=[stage.value for stage in TopicStage],
                             help="registered (立项), researching (调研中), report (形成报告) or outcome (成果转化);"
                                  " without it: show the current one")
    topic_stage.add_argument("--json", action="store_true")
    lookback = team_sub.add_parser("lookback", help="after how many months closed items come back (回头看)")
    lookback.add_argument("team_id", type=int)
    lookback.add_argument("months", help="1–24, or 'default' (the config's lookback.after_months)")
    lookback.add_argument("--json", action="store_true")
    duty = team_sub.add_parser("duty", help="the team's own duties beyond the six (接访下访 天 12 5; retire NAME)")
    duty.add_argument("team_id", type=int)
    duty.add_argument("words", nargs="*", help="NAME UNIT TARGET WEIGHT, or retire NAME; none: list them")
    duty.add_argument("--json", action="store_true")
    team.set_defaults(func=cmd_team)
    export = sub.add_parser("export", help="write a team's ledger (台账) for a year as .xlsx (and CSV)")
    export.add_argument("--team", type=int, required=True, help="the team's id (see: team list)")
    export.add_argument("--year", type=int, required=True)
    export.add_argument("--out", required=True, help="the .xlsx file to write")
    export.add_argument("--lang", choices=["zh", "en"], default="zh", help="headers' language (default zh)")
    export.add_argument("--csv", metavar="DIR", help="also write one CSV file per sheet (UTF-8 with BOM) here")
    export.set_defaults(func=cmd_export)
    evaluate = sub.add_parser("evaluate", help="a team's year-end evaluation (考评): print it, write its PDFs")
    evaluate.add_argument("team", type=int, help="the team's id (see: team list)")
    evaluate.add_argument("year", type=int)
    evaluate.add_argument("--out", metavar="DIR", help="write each member's one-page PDF and a zip of all here")
    evaluate.add_argument("--lang", choices=["zh", "en"], default="zh", help="the language (default zh)")
    evaluate.set_defaults(func=cmd_evaluate)
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    try:
        config = load_config(args.config)
        return int(args.func(config, args))
    except ConfigError as error:
        print(f"Configuration error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())

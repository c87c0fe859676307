"""End to end over HTTP: updates per second and p50/p99 reply latency of Saima's real Application for a
one-message study log (the draft with Confirm / Edit / Cancel, then Confirm, which stores it) and for
/me, beside a bare python-telegram-bot echo bot on the same emulator in the same run.

    python -m bench.bench_e2e [users] [rounds]        (BENCH_SCALE scales rounds)

The emulator runs as a process of its own (`python -m emulator`, flood limits off); the bot under test
and the simulated users share this process's event loop. Each simulated user sends, waits for the
bot's answer (the emulator's event log, long-polled), and sends again; latency is from the user's
send to the answer being recorded by the emulator. Saima is built by `bot.build_application` with a
SQLite file in a temporary folder and a fixed clock; like the echo bot it processes updates one at a
time (`concurrent_updates(False)`, which its conversations need). Saima's replies go through its rate
limiter (jobs.delivery.RateLimiter: 30 requests a second overall, Telegram's limit), so the echo bot is
measured twice: bare, and with that same rate limiter. Saima is fed by PTB's Updater (as the end-to-end
tests run it), then, for the crowd, by `bot.py run`'s own polling (serving.Poller), which handles a batch and lets the next
fetch confirm it. Both feeds are measured again with 50 ms injected on every Bot API call of Saima's (the
emulator's delay fault, standing in for a real network): the Poller's throughput ÷ the Updater's, goal ≥ 0.95. Not a test: nothing is asserted beyond replies
arriving.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import itertools
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from telegram import Update
from telegram.ext import (
    Application,
    ApplicationBuilder,
    ContextTypes,
    MessageHandler,
    filters,
)

from bench.common import EmulatorProcess, machine, percentile, scaled, sqlite_database, table
from bot import build_application
from config import Config, ThrottleSettings
from core.clock import ManualClock
from emulator import BotMessage, ControlClient
from harness import TEST_TOKEN, RunningBot, config_for
from jobs.delivery import RateLimiter
from serving import Poller
from storage import onboarding
from storage.db import Database

ECHO_TOKEN = "7000000002:ECHO-bench-token"
BARE_ECHO = "echo bot (bare PTB)"
LIMITED_ECHO = "echo bot + Saima's limiter"
SAIMA_BOT_ID = int(TEST_TOKEN.split(":")[0])
ECHO_BOT_ID = int(ECHO_TOKEN.split(":")[0])
ADMIN_ID = 900001
FIRST_USER = 3_000_001
# A Monday afternoon in Shanghai: "今天上午" is in the past, nothing is in quiet hours.
NOW = datetime(2026, 11, 23, 15, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
TIMEOUT = 60.0
NETWORK_DELAY = 0.05  # injected on every Bot API call of Saima's (the emulator's delay fault), as a real network adds
POLLER_GOAL = 0.95  # bot.py run's Poller ÷ PTB's Updater, with that delay
UPDATER, POLLER = "PTB Updater", "bot.py run's Poller"

_serial = itertools.count(1)  # makes every study topic new: the same session twice asks "keep both?"
Step = Callable[[ControlClient, int, int], Awaitable[list[tuple[str, float]]]]


@dataclass
class Run:
    bot: str
    users: int
    seconds: float
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))

    @property
    def updates(self) -> int:
        return sum(len(v) for v in self.latencies.values())

    @property
    def per_second(self) -> float:
        return self.updates / self.seconds


async def _answer(control: ControlClient, after: int, chat_id: int, kinds: list[str]) -> BotMessage:
    waited = await control.wait(after, chat_id=chat_id, count=1, kinds=kinds, timeout=TIMEOUT)
    if waited["timed_out"]:
        raise RuntimeError(f"no answer in chat {chat_id} within {TIMEOUT:.0f} s")
    return BotMessage.from_event(waited["events"][0])


async def echo_step(control: ControlClient, user: int, n: int) -> list[tuple[str, float]]:
    started = time.perf_counter()
    sent = await control.send(user, f"你好 {n}")
    await _answer(control, sent["seq"], user, ["text"])
    return [("echo", time.perf_counter() - started)]


async def study_step(control: ControlClient, user: int, n: int) -> list[tuple[str, float]]:
    started = time.perf_counter()
    sent = await control.send(user, f"/study 今天上午 集体学习 2小时 优化营商环境条例第{n}讲")
    draft = await _answer(control, sent["seq"], user, ["text"])
    drafted = time.perf_counter()
    if "确认" not in draft.labels:
        raise RuntimeError(f"expected a draft with 确认, got {draft.content!r}")
    pressed = await control.press(user, draft.message_id, draft.button("确认")[1] or "")
    saved = await _answer(control, pressed["seq"], user, ["edit_text"])
    if not saved.content.startswith("✅"):
        raise RuntimeError(f"expected the saved card, got {saved.content!r}")
    return [("study draft", drafted - started), ("Confirm (stores)", time.perf_counter() - drafted)]


async def me_step(control: ControlClient, user: int, n: int) -> list[tuple[str, float]]:
    started = time.perf_counter()
    sent = await control.send(user, "/me")
    await _answer(control, sent["seq"], user, ["text"])
    return [("/me", time.perf_counter() - started)]


async def drive(control: ControlClient, bot: str, users: list[int], rounds: int, step: Step,
                warm_up: int = 2) -> Run:
    """Every user runs `step` `rounds` times in turn, all users at once (one user alone: 3 × rounds)."""
    rounds = rounds * 3 if len(users) == 1 else rounds
    async def warm(user: int) -> None:
        for _ in range(warm_up):
            await step(control, user, next(_serial))

    await asyncio.gather(*(warm(user) for user in users))
    run = Run(bot, len(users), 0.0)

    async def user_loop(user: int) -> None:
        for _ in range(rounds):
            for kind, seconds in await step(control, user, next(_serial)):
                run.latencies[kind].append(seconds)

    started = time.perf_counter()
    await asyncio.gather(*(user_loop(user) for user in users))
    run.seconds = time.perf_counter() - started
    return run


def echo_application(emulator: EmulatorProcess, *, limited: bool) -> Application:  # type: ignore[type-arg]  # PTB's Application: six type parameters, any here
    async def echo(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        await update.effective_message.reply_text(update.effective_message.text or "")

    builder = (ApplicationBuilder().token(ECHO_TOKEN).base_url(emulator.base_url)
               .base_file_url(emulator.base_file_url))
    if limited:
        builder = builder.rate_limiter(RateLimiter(max_retries=3))  # as bot.build_application does
    application = builder.build()
    application.add_handler(MessageHandler(filters.TEXT, echo))
    return application


async def _polling(application: Application) -> None:  # type: ignore[type-arg]  # PTB's Application: six type parameters, any here
    await application.initialize()
    await application.start()
    assert application.updater is not None
    await application.updater.start_polling(poll_interval=0.0, timeout=5)


async def _stop(application: Application) -> None:  # type: ignore[type-arg]  # PTB's Application: six type parameters, any here
    assert application.updater is not None
    await application.updater.stop()
    await application.stop()
    await application.shutdown()


async def bench_echo(emulator: EmulatorProcess, crowds: list[int], rounds: int, *,
                     limited: bool) -> list[Run]:
    application = echo_application(emulator, limited=limited)
    name = LIMITED_ECHO if limited else BARE_ECHO
    runs = []
    await _polling(application)
    try:
        async with ControlClient(emulator.control_url, bot_id=ECHO_BOT_ID) as control:
            for users in crowds:
                crowd = [FIRST_USER + i for i in range(users)]
                runs.append(await drive(control, name, crowd, rounds, echo_step))
    finally:
        await _stop(application)
    return runs


@contextlib.asynccontextmanager
async def saima_running(config: Config, db: Database, clock: ManualClock, *,
                        poller: bool) -> AsyncIterator[None]:
    """The Application from `bot.build_application`, fed by PTB's Updater (as the end-to-end tests run it)
    or by `serving.Poller` (as `bot.py run` does: a batch handled in order, confirmed by the next fetch)."""
    if not poller:
        async with RunningBot(config, db, clock, control_url=""):
            yield
        return
    application = build_application(config, db, clock)
    await application.initialize()
    if application.post_init is not None:
        await application.post_init(application)
    await application.start()
    polling = Poller(application)
    await polling.start()
    try:
        yield
    finally:
        await polling.stop(timeout=10)
        await application.stop()
        await application.shutdown()


async def bench_saima(emulator: EmulatorProcess, crowds: list[int], rounds: int, folder: str) -> list[Run]:
    runs = []
    with sqlite_database(folder, "saima.db") as db:
        clock = ManualClock(NOW)
        # the per-user throttle off, as in the end-to-end tests: simulated users send the moment they are
        # answered, faster than anyone types, and would be told to slow down
        config = dataclasses.replace(config_for(emulator.base_url, database_url=str(db.engine.url)),
                                     throttle=ThrottleSettings(enabled=False))
        with db.session() as session:
            code = onboarding.create_team(session, name="省政府党组", admin_telegram_id=ADMIN_ID,
                                          group_chat_id=None, config=config, now=clock.now()).invite.code
        everyone = [FIRST_USER + i for i in range(max(crowds))]
        for poller, feed in ((False, UPDATER), (True, POLLER)):
            async with saima_running(config, db, clock, poller=poller), \
                    ControlClient(emulator.control_url, bot_id=SAIMA_BOT_ID) as control:
                if not poller:
                    for user in everyone:  # each joins the team by the invite link
                        sent = await control.send(user, f"/start {code}",
                                                  first_name=f"成员{user - FIRST_USER}")
                        await _answer(control, sent["seq"], user, ["text"])
                    await asyncio.sleep(0.5)  # any further welcome messages
                for step, name in ((study_step, "/study + Confirm"), (me_step, "/me")):
                    for users in crowds if not poller else crowds[-1:]:
                        label = f"Saima {name}, {feed}"
                        runs.append(await drive(control, label, everyone[:users], rounds, step))
        async with ControlClient(emulator.control_url, bot_id=SAIMA_BOT_ID) as control:
            await control.add_fault("delay", delay=NETWORK_DELAY)  # every call of Saima's, getUpdates too
            try:
                for poller, feed in ((False, UPDATER), (True, POLLER)):
                    async with saima_running(config, db, clock, poller=poller):
                        runs.append(await drive(control, f"Saima /me, {feed}, {NETWORK_DELAY * 1000:.0f} ms a call",
                                                everyone[:crowds[-1]], rounds, me_step))
            finally:
                await control.clear_faults()
    return runs


def poller_ratio(runs: list[Run]) -> str:
    """bot.py run's Poller ÷ PTB's Updater with the network delay, beside its goal."""
    rate = {feed: run.per_second for run in runs for feed in (UPDATER, POLLER)
            if run.bot.endswith(f"{feed}, {NETWORK_DELAY * 1000:.0f} ms a call")}
    if len(rate) < 2:
        return ""
    return (f"with {NETWORK_DELAY * 1000:.0f} ms on every Bot API call: Poller ÷ Updater = "
            f"{rate[POLLER] / rate[UPDATER]:.2f} (goal ≥ {POLLER_GOAL})")


def render(runs: list[Run]) -> str:
    echo = {run.users: run.per_second for run in runs if run.bot == BARE_ECHO}
    limited = {run.users: run.per_second for run in runs if run.bot == LIMITED_ECHO}
    rows = []
    for run in runs:
        for kind, values in run.latencies.items():
            rate = run.per_second
            rows.append([
                run.bot, kind, run.users, len(values), f"{run.seconds:.1f}", f"{rate:.1f}",
                f"{percentile(values, 0.5) * 1000:.0f}", f"{percentile(values, 0.99) * 1000:.0f}",
                f"{rate / echo[run.users]:.2f}" if run.users in echo else "",
                f"{rate / limited[run.users]:.2f}" if run.users in limited else "",
            ])
    return table(["bot", "update", "users", "n", "seconds", "updates/s", "p50 ms", "p99 ms", "÷ echo",
                  "÷ echo+limiter"], rows)


async def bench(users: int, rounds: int) -> list[Run]:
    crowds = sorted({1, users})
    runs: list[Run] = []
    with EmulatorProcess() as emulator, tempfile.TemporaryDirectory() as folder:
        runs += await bench_echo(emulator, crowds, rounds, limited=False)
        runs += await bench_echo(emulator, crowds, rounds, limited=True)
        runs += await bench_saima(emulator, crowds, rounds, folder)
    return runs


def main(users: int = 20, rounds: int = 10) -> None:
    rounds = scaled(rounds, minimum=2)
    print(f"{users} simulated users at once (and 1 alone), {rounds} rounds each; {machine()}")
    started = time.perf_counter()
    runs = asyncio.run(bench(users, rounds))
    print(render(runs))
    print(poller_ratio(runs))
    print("updates/s counts every update (a study round is two: the message and the Confirm press); "
          "÷ echo compares with the echo bot at the same number of users")
    print(f"(wall time {time.perf_counter() - started:.1f} s)")


if __name__ == "__main__":
    main(*(int(arg) for arg in sys.argv[1:3]))

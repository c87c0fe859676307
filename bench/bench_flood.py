"""One user cannot stall the others: another member's /help latency on an idle bot, and while one user
floods the bot with 600 messages (a stranger sending text, or a member sending /help), with the
per-user throttle off and on (`[throttle] enabled`). Goal: the p50 during a flood within 2× of idle.

    python -m bench.bench_flood [flood] [samples]        (BENCH_SCALE scales samples)

Saima runs as `bot.py run` serves (bot.build_application fed by serving.Poller, each update confirmed
by its own getUpdates), on SQLite in a temporary folder with a fixed clock, against the emulator in a
process of its own. A sample: the flooder, a process of its own too, sends its messages as fast as
the emulator takes them; when half are sent, another member sends /help and the time to its answer is
recorded; when all are sent, a last /help (not recorded) waits until the bot has handled the whole
flood. Idle samples are /help on its own. Helpers take turns (five members), so none of them runs into
their own allowance. `make bench` runs it with 3 samples. Not a test.
"""

from __future__ import annotations

import asyncio
import dataclasses
import sys
import tempfile
import time
from collections.abc import Iterator

from bench.bench_e2e import ADMIN_ID, NOW, SAIMA_BOT_ID, _answer, saima_running
from bench.common import ROOT, EmulatorProcess, machine, percentile, scaled, sqlite_database, table
from config import Config, ThrottleSettings
from core.clock import ManualClock
from emulator import ControlClient
from harness import config_for
from storage import onboarding
from storage.db import Database

STRANGER = 4_000_001
FLOODING_MEMBER = 4_000_002
HELPERS = [4_000_101 + i for i in range(5)]
GOAL = 2.0


async def help_latency(control: ControlClient, user: int) -> float:
    started = time.perf_counter()
    sent = await control.send(user, "/help")
    await _answer(control, sent["seq"], user, ["text"])
    return time.perf_counter() - started


# The flooder is a process of its own, like a real one: its sending costs the measured bot no CPU.
FLOOD = """
import sys
from emulator.client import SyncControlClient
url, bot, user, text, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], int(sys.argv[5])
with SyncControlClient(url, bot_id=bot) as control:
    for n in range(size):
        control.send(user, text)
        if n == size // 2:
            print("half", flush=True)
"""


async def flood_sample(control: ControlClient, flooder: int, text: str, size: int, helper: int,
                       drain: int) -> float:
    """Sends `size` messages from `flooder`; halfway, `helper`'s /help is timed; then waits the flood out."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-c", FLOOD, control.control_url, str(SAIMA_BOT_ID), str(flooder), text, str(size),
        cwd=ROOT, stdout=asyncio.subprocess.PIPE)
    assert process.stdout is not None
    await process.stdout.readline()  # half of the flood is sent
    seconds = await help_latency(control, helper)
    await process.wait()
    await help_latency(control, drain)  # answered once the whole flood has been handled
    return seconds


async def measure(emulator: EmulatorProcess, db: Database, config: Config, size: int,
                  samples: int) -> list[list[str]]:
    clock = ManualClock(NOW)
    rows: list[list[str]] = []
    helpers = iter_forever(HELPERS)
    async with saima_running(config, db, clock, poller=True), \
            ControlClient(emulator.control_url, bot_id=SAIMA_BOT_ID, default_timeout=300) as control:
        idle = [await help_latency(control, next(helpers)) for _ in range(samples)]
        idle_p50 = percentile(idle, 0.5)
        state = "on" if config.throttle.enabled else "off"
        rows.append([f"throttle {state}", "idle", str(len(idle)), f"{idle_p50 * 1000:.0f}",
                     f"{percentile(idle, 0.99) * 1000:.0f}", "1.0×", f"≤ {GOAL:g}× idle"])
        for flooder, text, who in ((STRANGER, "你好", "a stranger"), (FLOODING_MEMBER, "/help", "a member")):
            started = time.perf_counter()
            during = [await flood_sample(control, flooder, text, size, next(helpers), next(helpers))
                      for _ in range(samples)]
            p50 = percentile(during, 0.5)
            ratio = p50 / idle_p50
            rows.append([f"throttle {state}", f"{who} sends {size}", str(len(during)), f"{p50 * 1000:.0f}",
                         f"{percentile(during, 0.99) * 1000:.0f}", f"{ratio:.1f}×",
                         ("met" if ratio <= GOAL else "missed") + f" ({time.perf_counter() - started:.0f} s)"])
    return rows


def iter_forever(values: list[int]) -> Iterator[int]:
    while True:
        yield from values


async def bench(size: int, samples: int) -> list[list[str]]:
    rows: list[list[str]] = []
    for enabled in (False, True):
        # An emulator of its own for each run: the last batch the first bot fetched is confirmed only by a next
        # fetch it never makes, so a second bot on a fresh database would get the end of the flood again (as
        # Telegram would redeliver it) and, throttle on, hold the flooder's own /start as part of it.
        with EmulatorProcess() as emulator:
            with tempfile.TemporaryDirectory() as folder, sqlite_database(folder, "saima.db") as db:
                config = config_for(emulator.base_url, database_url=str(db.engine.url))
                config = dataclasses.replace(config, throttle=dataclasses.replace(ThrottleSettings(),
                                                                                  enabled=enabled))
                with db.session() as session:
                    code = onboarding.create_team(session, name="省政府党组", admin_telegram_id=ADMIN_ID,
                                                  group_chat_id=None, config=config,
                                                  now=ManualClock(NOW).now()).invite.code
                async with saima_running(config, db, ManualClock(NOW), poller=True), \
                        ControlClient(emulator.control_url, bot_id=SAIMA_BOT_ID) as control:
                    for user in [*HELPERS, FLOODING_MEMBER]:  # each joins by the invite link
                        sent = await control.send(user, f"/start {code}", first_name=f"成员{user % 1000}")
                        await _answer(control, sent["seq"], user, ["text"])
                rows += await measure(emulator, db, config, size, samples)
    return rows


def main(size: int = 600, samples: int = 5) -> None:
    samples = scaled(samples, minimum=2)
    print(f"another member's /help while one user sends {size} messages at once, {samples} samples each; "
          f"{machine()}")
    started = time.perf_counter()
    rows = asyncio.run(bench(size, samples))
    print(table(["throttle", "while", "n", "p50 ms", "p99 ms", "÷ idle p50", "goal"], rows))
    print("throttle off: every message is handled in line (the stranger's 600 answers go out at Telegram's "
          "30 a second); on: [throttle] defaults")
    print(f"(wall time {time.perf_counter() - started:.1f} s)")


SUITE_ARGS = (600, 3)

if __name__ == "__main__":
    main(*(int(arg) for arg in sys.argv[1:3]))

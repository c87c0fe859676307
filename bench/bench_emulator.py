"""Throughput of sendMessage through python-telegram-bot's Bot to the emulator on loopback.

Run with ``python -m bench.bench_emulator [--requests N]``. Flood limits are off; the emulator runs
in its own thread, as in the end-to-end tests, so both share one interpreter (and its GIL).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from dataclasses import dataclass

import aiohttp
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.request import HTTPXRequest

from emulator import ControlClient, EmulatorThread

TOKEN = "4242:BENCH"
CHATS = 50


@dataclass
class Scenario:
    name: str
    concurrency: int
    html: bool = False
    raw: bool = False  # bypass PTB to see the emulator's own cost


@dataclass
class Result:
    scenario: Scenario
    requests: int
    seconds: float
    latencies: list[float]

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds

    def percentile(self, fraction: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] * 1000


SCENARIOS = [
    Scenario("plain text", 1),
    Scenario("plain text", 8),
    Scenario("plain text", 32),
    Scenario("HTML + inline keyboard", 8, html=True),
    Scenario("raw JSON POST, no PTB", 8, raw=True),
]
KEYBOARD = InlineKeyboardMarkup([[InlineKeyboardButton("确认", callback_data="confirm:1"),
                                  InlineKeyboardButton("稍后", callback_data="snooze:1")]])


async def send_one(bot: Bot, http: aiohttp.ClientSession, scenario: Scenario, number: int) -> None:
    chat_id = 1 + number % CHATS
    if scenario.raw:
        async with http.post(f"{bot.base_url}/sendMessage", json={"chat_id": chat_id, "text": f"m {number}"}) as r:
            assert r.status == 200, await r.text()
            await r.read()
    elif scenario.html:
        await bot.send_message(chat_id, f"<b>提醒</b> 第 {number} 条", parse_mode="HTML", reply_markup=KEYBOARD)
    else:
        await bot.send_message(chat_id, f"message {number}")


async def run_scenario(bot: Bot, http: aiohttp.ClientSession, scenario: Scenario, requests: int) -> Result:
    numbers = iter(range(requests))
    latencies: list[float] = []

    async def worker() -> None:
        for number in numbers:
            started = time.perf_counter()
            await send_one(bot, http, scenario, number)
            latencies.append(time.perf_counter() - started)

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(scenario.concurrency)))
    return Result(scenario, requests, time.perf_counter() - started, latencies)


def render(results: list[Result]) -> str:
    header = f"{'scenario':<24} {'conc':>4} {'requests':>8} {'seconds':>8} {'req/s':>8} {'p50 ms':>7} {'p95 ms':>7}"
    rows = [f"{r.scenario.name:<24} {r.scenario.concurrency:>4} {r.requests:>8} {r.seconds:>8.2f} "
            f"{r.per_second:>8.0f} {r.percentile(0.5):>7.2f} {r.percentile(0.95):>7.2f}" for r in results]
    return "\n".join([header, "-" * len(header), *rows])


async def bench(requests: int) -> list[Result]:
    with EmulatorThread() as emulator:
        pool = max(s.concurrency for s in SCENARIOS)
        bot = Bot(TOKEN, base_url=emulator.base_url, base_file_url=emulator.base_file_url,
                  request=HTTPXRequest(connection_pool_size=pool))
        async with bot, ControlClient(emulator.control_url) as control, aiohttp.ClientSession() as http:
            for user_id in range(1, CHATS + 1):
                await control.send(user_id, "/start")
            await run_scenario(bot, http, Scenario("warm-up", 4), 100)
            results = [await run_scenario(bot, http, scenario, requests) for scenario in SCENARIOS]
            stats = await control.stats()
        assert stats["by_status"].get("200", 0) >= requests * len(SCENARIOS), stats
        return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=1000, help="sendMessage calls per scenario")
    args = parser.parse_args()
    results = asyncio.run(bench(args.requests))
    print(render(results))
    print(f"\nmedian of scenarios: {statistics.median(r.per_second for r in results):.0f} req/s")


if __name__ == "__main__":
    main()

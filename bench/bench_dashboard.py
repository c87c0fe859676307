"""The dashboard (webapp/): what the first open costs and how fast the office's board answers.

    python -m bench.bench_dashboard [members] [requests]

- Page weight: the bytes transferred when the page is first opened in headless Chromium (cache off): the
  page, its script and style, and the API answers it draws from (/api/me); each as Chromium's Resource
  Timing reports it (transferSize: headers and body).
- Time to first render: from navigation to the member's page drawn with its data (median of 5 opens),
  and Chromium's first contentful paint.
- /api/board?period=month p50 and p95 for a team of ``members`` (bench_race's year of records), over HTTP
  with a signed initData, as the page asks for it.

Each figure is printed beside its goal. Needs Debian's chromium and chromedriver (`make browser`). Not a
test: nothing is asserted.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

from bench.bench_race import populate
from bench.common import free_port, percentile, sqlite_database
from config import Config, TelegramSettings, WebappSettings
from core.clock import ManualClock
from core.init_data import sign
from storage.db import Database
from storage.models import Member
from webapp.server import DashboardServer

SUITE_ARGS = (2000, 30)
TOKEN = "123456:bench-dashboard"
NOW = datetime(2026, 11, 21, 2, 30, tzinfo=UTC)
GOALS = {"weight": 100 * 1024, "first_render_ms": 1000.0, "board_p50_ms": 1000.0}
CHROMIUM, CHROMEDRIVER = Path("/usr/bin/chromium"), Path("/usr/bin/chromedriver")


class ServerThread:
    """The dashboard on its own event loop in a thread (the browser's calls block the bench's thread)."""

    def __init__(self, config: Config, db: Database) -> None:
        self.server = DashboardServer(config, db, ManualClock(NOW))
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="dashboard", daemon=True)

    def __enter__(self) -> ServerThread:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self.server.start(), self._loop).result(timeout=30)
        return self

    def __exit__(self, *exc_info: object) -> None:
        asyncio.run_coroutine_threadsafe(self.server.stop(), self._loop).result(timeout=30)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=30)


def _get(url: str, init_data: str) -> bytes:
    request = urllib.request.Request(url, headers={"Authorization": f"tma {init_data}"})
    with urllib.request.urlopen(request, timeout=120) as response:  # noqa: S310 — loopback
        return bytes(response.read())


def board_times(base: str, init_data: str, requests: int) -> list[float]:
    _get(f"{base}/api/board?period=month", init_data)  # warm: imports, first connections
    runs = []
    for _ in range(requests):
        started = time.perf_counter()
        body = _get(f"{base}/api/board?period=month", init_data)
        runs.append(time.perf_counter() - started)
        assert json.loads(body)["rows"]
    return runs


def browser_figures(base: str, init_data: str, opens: int = 5) -> dict[str, Any]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.support.ui import WebDriverWait

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                     "--window-size=360,740"):
        options.add_argument(argument)
    driver = webdriver.Chrome(options=options, service=Service(executable_path=str(CHROMEDRIVER)))
    stub = ("window.Telegram = {WebApp: {initData: " + json.dumps(init_data) +
            ", initDataUnsafe: {}, themeParams: {}, ready: function () {}, expand: function () {}}};")
    try:
        driver.execute_cdp_cmd("Network.enable", {})
        driver.execute_cdp_cmd("Network.setCacheDisabled", {"cacheDisabled": True})
        driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": stub})
        drawn, paints, weights = [], [], []
        for _ in range(opens):
            driver.get("about:blank")
            driver.get(f"{base}/app/")
            WebDriverWait(driver, 60, poll_frequency=0.02).until(
                lambda d: d.execute_script("return document.body.getAttribute('data-ready')") == "1")
            figures = driver.execute_script("""
                const navigation = performance.getEntriesByType('navigation')[0];
                const resources = performance.getEntriesByType('resource');
                const paint = performance.getEntriesByName('first-contentful-paint')[0];
                return {drawn: window.saimaDrawnAt, paint: paint ? paint.startTime : null,
                        files: [['/app/', navigation.transferSize]].concat(
                            resources.map(r => [new URL(r.name).pathname, r.transferSize]))};""")
            drawn.append(float(figures["drawn"]))
            if figures["paint"] is not None:
                paints.append(float(figures["paint"]))
            weights.append(figures["files"])
        return {"drawn": drawn, "paints": paints, "files": weights[0]}
    finally:
        driver.quit()


def main(members: int = 2000, requests: int = 30) -> None:
    with tempfile.TemporaryDirectory() as folder, sqlite_database(folder) as db:
        started = time.perf_counter()
        team_id, counts = populate(db, members, years=range(2025, 2027))
        print(f"sqlite: a team of {members:,} members, {sum(counts.values()):,} rows in "
              f"{time.perf_counter() - started:.1f} s")
        with db.session() as session:
            viewer = session.scalars(select(Member.telegram_user_id).where(Member.team_id == team_id)
                                     .order_by(Member.id).limit(1)).one()
        config = replace(Config(), telegram=TelegramSettings(token=TOKEN),
                         webapp=WebappSettings(public_url="https://bench.invalid", port=free_port()))
        init_data = sign(TOKEN, user={"id": viewer, "first_name": "bench"}, auth_date=NOW)
        with ServerThread(config, db) as running:
            base = f"http://127.0.0.1:{running.server.port}"
            runs = board_times(base, init_data, requests)
            page = browser_figures(base, init_data) if CHROMIUM.exists() and CHROMEDRIVER.exists() else None
    p50, p95 = statistics.median(runs) * 1000, percentile(runs, 0.95) * 1000
    print(f"{'figure':44} {'measured':>14} {'goal':>12}")
    print(f"{f'/api/board?period=month p50 ({members:,} members)':44} {p50:11.0f} ms {'≤ ' + str(int(GOALS['board_p50_ms'])) + ' ms':>12}")
    print(f"{'/api/board?period=month p95':44} {p95:11.0f} ms {'':>12}")
    if page is None:
        print("page weight and first render: chromium not installed (make browser)")
        return
    total = sum(size for _, size in page["files"])
    static = sum(size for path, size in page["files"] if not path.startswith("/api/"))
    print(f"{'page weight, first open (all transferred)':44} {total / 1024:11.1f} KB {'≤ 100 KB':>12}")
    for path, size in page["files"]:
        print(f"{'  ' + path:44} {size / 1024:11.1f} KB")
    print(f"{'  of which the page itself (html, js, css)':44} {static / 1024:11.1f} KB")
    drawn = statistics.median(page["drawn"])
    print(f"{'first render with data (median of 5)':44} {drawn:11.0f} ms {'≤ 1000 ms':>12}")
    if page["paints"]:
        print(f"{'first contentful paint (median)':44} {statistics.median(page['paints']):11.0f} ms")


if __name__ == "__main__":
    main(*(int(arg) for arg in sys.argv[1:3]))

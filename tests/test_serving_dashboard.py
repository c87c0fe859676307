"""`bot.py run` serves the dashboard beside the bot when `[webapp] public_url` is set: from the start, on a
standby too (it only reads the shared database), and stops it with the bot; without public_url (or in
polling mode) aiohttp is not even imported (tests/test_startup_imports.py)."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest

import serving
from config import Config, WebappSettings, load_config
from core.clock import ManualClock
from storage.db import Database
from webapp.server import DashboardServer

ROOT = Path(__file__).resolve().parent.parent


class NeverLeader:
    """A lease another instance always holds: this one stands by."""

    description = "test lease"

    def connect(self) -> None: ...

    def try_acquire(self) -> bool:
        return False

    def still_held(self) -> bool:
        return False

    def release(self) -> None: ...

    def abandon(self) -> None: ...


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def fetch(url: str, auth: str | None = None) -> tuple[int, bytes]:
    request = urllib.request.Request(url, headers={"Authorization": auth} if auth else {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 — loopback
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


async def test_a_standby_serves_the_dashboard_and_stops_it_with_the_bot(db: Database, clock: ManualClock) -> None:
    port = free_port()
    config = dataclasses.replace(Config(), webapp=WebappSettings(public_url="https://saima.example.gov.cn",
                                                                 port=port))
    dashboard = DashboardServer(config, db, clock)

    def never_built() -> serving.AnyApplication:
        raise AssertionError("a standby builds no Application")

    running = asyncio.create_task(serving.serve(config, NeverLeader(), build=never_built, migrate=lambda: None,
                                                dashboard=dashboard))
    for _ in range(100):
        await asyncio.sleep(0.05)
        status, page = await asyncio.to_thread(fetch, f"http://127.0.0.1:{port}/app/")
        if status == 200:
            break
    assert status == 200 and b'<script src="app.js">' in page and b"data-demo" not in page
    status, body = await asyncio.to_thread(fetch, f"http://127.0.0.1:{port}/api/me")
    assert status == 401 and json.loads(body)["error"] == "missing"
    assert (await asyncio.to_thread(fetch, f"http://127.0.0.1:{port}/app/app.js"))[0] == 200
    running.cancel()
    with pytest.raises(asyncio.CancelledError):
        await running
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(f"http://127.0.0.1:{port}/app/", timeout=2)  # noqa: S310 — closed with the bot


def test_the_port_comes_from_the_environment_and_public_url_must_be_https(tmp_path: Path) -> None:
    assert load_config(None, environ={"SAIMA_CONFIG": str(tmp_path / "x.toml"),
                       "SAIMA_WEBAPP_PORT": "9191"}).webapp.port == 9191
    bad = tmp_path / "bad.toml"
    bad.write_text('[webapp]\npublic_url = "http://saima.example.gov.cn"\n', encoding="utf-8")
    with pytest.raises(Exception, match="'webapp.public_url' must be an https:// address"):
        load_config(bad, environ={})
    with pytest.raises(Exception, match="SAIMA_WEBAPP_PORT"):
        load_config(None, environ={"SAIMA_CONFIG": str(tmp_path / "x.toml"), "SAIMA_WEBAPP_PORT": "http"})


def test_polling_without_public_url_never_imports_aiohttp_and_with_it_does(tmp_path: Path) -> None:
    code = """
import json, sys
import bot
from config import load_config
from core.clock import SystemClock
from storage.db import Database
config = load_config(environ={"SAIMA_CONFIG": sys.argv[1]})
served = bot.dashboard_for(config, Database.from_url("sqlite://"), SystemClock())
print(json.dumps([served is not None, "aiohttp" in sys.modules]))
"""
    with_url = tmp_path / "with.toml"
    with_url.write_text('[webapp]\npublic_url = "https://saima.example.gov.cn"\n', encoding="utf-8")
    for path, expected in [(tmp_path / "absent.toml", False), (with_url, True)]:
        result = subprocess.run([sys.executable, "-c", code, str(path)], cwd=ROOT, capture_output=True, text=True,
                                timeout=120, check=False)
        assert result.returncode == 0, result.stderr
        assert json.loads(result.stdout) == [expected, expected]

"""The dashboard's web server (aiohttp): `GET /app/` the page and its files (webapp/static, shipped with
the project: no CDN, no Node), `/api/…` the JSON API (webapp/api.py). It runs inside the bot's process
(serving.py), on standbys too (it only reads the shared database), when `[webapp] public_url` is set,
and in `bot.py demo` on loopback.

Demo mode only: the page, opened in an ordinary browser, may take its initData from the address
(`#tgWebAppData=…` or `?tgWebAppData=…`), signed with the demo's own token, which a bot with a real
token refuses like any forged signature.
"""

from __future__ import annotations

import logging
from pathlib import Path

from aiohttp import web

from config import Config
from core.clock import Clock
from storage.db import Database
from webapp.api import Api

log = logging.getLogger("saima.webapp")

STATIC_DIR = Path(__file__).resolve().parent / "static"
DEMO_MARK = "<body>"


class DashboardServer:
    """The page and its API on `[webapp] host:port`."""

    def __init__(self, config: Config, db: Database, clock: Clock, *, demo: bool = False) -> None:
        self.config = config
        self.demo = demo
        self.api = Api(config, db, clock)
        self._runner: web.AppRunner | None = None
        self.port = config.webapp.port

    def application(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/", self.to_page)
        app.router.add_get("/app", self.to_page)
        app.router.add_get("/app/", self.page)
        app.router.add_static("/app/", STATIC_DIR)
        self.api.add_routes(app)
        return app

    async def start(self) -> None:
        self._runner = web.AppRunner(self.application(), access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.config.webapp.host, self.config.webapp.port)
        await site.start()
        self.port = site.port  # the one the system gave, for port 0
        log.info("Dashboard served on http://%s:%d/app/%s", self.config.webapp.host, self.port,
                 " (demo sign-in from the address allowed)" if self.demo else "")

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def to_page(self, _request: web.Request) -> web.Response:
        raise web.HTTPFound("/app/")

    async def page(self, _request: web.Request) -> web.Response:
        html = (STATIC_DIR / "index.html").read_text(encoding="utf-8")
        if self.demo:
            html = html.replace(DEMO_MARK, '<body data-demo="1">', 1)
        return web.Response(text=html, content_type="text/html", headers={"Cache-Control": "no-store"})


"""The emulator's HTTP server: Bot API routing, the request pipeline and the `Emulator` lifecycle.

Every Bot API request goes through the same pipeline: token → method lookup → parameter
decoding → injected faults → flood limits (sends only) → handler → JSON answer, counting
each step in the stats.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import signal
import time
from typing import Any

from aiohttp import web

from emulator import control, methods
from emulator.errors import ApiError, not_found, server_error, too_many_requests
from emulator.limits import FaultInjector, FaultRule, FloodLimiter
from emulator.params import Params
from emulator.state import World

log = logging.getLogger(__name__)
_TOKEN = re.compile(r"(\d+):(.+)")
MAX_BODY_BYTES = 60 * 1024 * 1024


def json_response(body: Any, status: int = 200) -> web.Response:
    return web.Response(text=json.dumps(body, ensure_ascii=False), status=status, content_type="application/json")


def api_error(error: ApiError) -> web.Response:
    return json_response(error.to_json(), status=error.error_code)


class EmulatorUrls:
    """The URLs a running emulator answers at, all under its `root_url`: the Bot API (what python-telegram-bot
    takes as `base_url` and `base_file_url`) and the control API. `Emulator` and `EmulatorThread` both have them."""

    @property
    def root_url(self) -> str:
        raise NotImplementedError

    @property
    def base_url(self) -> str:
        return f"{self.root_url}/bot"

    @property
    def base_file_url(self) -> str:
        return f"{self.root_url}/file/bot"

    @property
    def control_url(self) -> str:
        return f"{self.root_url}/_control"


class Emulator(EmulatorUrls):
    """A local Telegram Bot API server for tests, the demo and benchmarks.

    Point python-telegram-bot at `base_url` / `base_file_url`; drive users and inspect what the
    bot did through `control_url` (see emulator/control.py and emulator/client.py).
    """

    def __init__(self, *, bot_username: str = "saima_test_bot", bot_first_name: str = "Saima",
                 flood: bool = False, webhook_retry_delay: float = 0.5) -> None:
        self.world = World(bot_username=bot_username, bot_first_name=bot_first_name)
        self.faults = FaultInjector()
        self.flood = FloodLimiter()
        self.flood.configure(enabled=flood)
        self.webhook_retry_delay = webhook_retry_delay
        self.host = "127.0.0.1"
        self._port: int | None = None
        self._runner: web.AppRunner | None = None

    # --- lifecycle ------------------------------------------------------------------------

    def build_app(self) -> web.Application:
        app = web.Application(client_max_size=MAX_BODY_BYTES)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_bot_api)
        app.router.add_get("/file/bot{token}/{path:.+}", self._handle_file)
        control.ControlRoutes(self).register(app.router)
        return app

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self._runner = web.AppRunner(self.build_app(), shutdown_timeout=1.0, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        await site.start()
        self.host = host
        self._port = self._runner.addresses[0][1]

    async def stop(self) -> None:
        self.world.close()
        tasks = [bot.webhook_task for bot in self.world.bots.values() if bot.webhook_task]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Emulator:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    @property
    def port(self) -> int:
        if self._port is None:
            raise RuntimeError("the emulator is not running")
        return self._port

    @property
    def root_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def reset(self) -> None:
        self.world.reset()
        self.faults.clear()
        self.flood.reset()

    # --- Bot API pipeline -----------------------------------------------------------------

    async def _handle_bot_api(self, request: web.Request) -> web.Response:
        token_match = _TOKEN.fullmatch(request.match_info["token"])
        found = methods.lookup(request.match_info["method"])
        if token_match is None or found is None:
            self.world.stats.by_status[404] += 1
            return api_error(not_found())
        name, handler = found
        bot = self.world.bot(int(token_match.group(1)), request.match_info["token"])
        self.world.stats.by_method[name] += 1
        try:
            params = await Params.from_request(request)
            call = methods.Call(self.world, bot, params, name, self.webhook_retry_delay)
            response = await self._run(call, handler)
        except ApiError as error:
            response = api_error(error)
        except Exception:
            log.exception("%s failed inside the emulator", name)
            response = api_error(server_error(500))
        self.world.stats.by_status[response.status] += 1
        return response

    async def _run(self, call: methods.Call, handler: methods.Handler) -> web.Response:
        rule = self.faults.pick(call.method, call.bot.bot_id)
        if rule is not None:
            return await self._fault(rule, call, handler)
        return await self._limited(call, handler)

    async def _limited(self, call: methods.Call, handler: methods.Handler) -> web.Response:
        target = methods.flood_target(call.bot, call.params) if call.method in methods.SEND_METHODS else None
        if target is not None:
            wait = self.flood.check(call.bot.bot_id, *target, time.monotonic())
            if wait is not None:
                raise too_many_requests(wait)
        result = await handler(call)
        if target is not None:
            self.flood.record(call.bot.bot_id, *target, time.monotonic())
        if isinstance(result, methods.Described):
            return json_response({"ok": True, "result": result.result, "description": result.description})
        return json_response({"ok": True, "result": result})

    async def _fault(self, rule: FaultRule, call: methods.Call, handler: methods.Handler) -> web.Response:
        if rule.status == 429:
            raise too_many_requests(rule.retry_after)
        if isinstance(rule.status, int):
            raise server_error(rule.status)
        self.world.stats.held[call.method] += 1  # "delay" and "timeout" hold the call from here
        if rule.status == "delay":
            await self.world.sleep(rule.hold_seconds)
            return await self._limited(call, handler)
        # "timeout": hold the answer past the client's read timeout, optionally doing the work first
        if rule.apply:
            try:
                response = await self._limited(call, handler)
            except ApiError as error:
                response = api_error(error)
            await self.world.sleep(rule.hold_seconds)
            return response
        await self.world.sleep(rule.hold_seconds)
        raise server_error(504)

    async def _handle_file(self, request: web.Request) -> web.Response:
        if _TOKEN.fullmatch(request.match_info["token"]) is None:
            return api_error(not_found())
        stored = self.world.files.by_path.get(request.match_info["path"])
        if stored is None:
            return api_error(not_found())
        return web.Response(body=stored.content, content_type=stored.mime_type or "application/octet-stream")


async def serve_until_signalled(emulator: Emulator, host: str, port: int) -> None:
    """Starts ``emulator``, prints its URLs for the caller to read, and serves until SIGINT or SIGTERM
    (``python -m emulator`` and the benchmarks' emulator process)."""
    await emulator.start(host, port)
    print(f"base_url      {emulator.base_url}")
    print(f"base_file_url {emulator.base_file_url}")
    print(f"control_url   {emulator.control_url}", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    try:
        await stop.wait()
    finally:
        await emulator.stop()

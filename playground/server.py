"""The playground's composition and its web page: the emulator, the bot, a team, and an aiohttp server on
127.0.0.1 whose page (playground/static/) speaks to a small JSON API:

    GET  /api/state?lang=zh|en       the page's words, who one may be (three people and the group), the clock
    GET  /api/chat?view=ID           that chat's messages (the page polls it twice a second), the clock
    POST /api/send   {view, text}    a message or command, as that person (in the group: as the office)
    POST /api/press  {view, message_id, data}   an inline button
    POST /api/file   multipart: view, file      a document
    GET  /api/files/FILE_ID          a photo's or document's bytes (through the bot's getFile), for the page
    POST /api/clock  {days}          the clock to 09:05 of the next day, day by day, each day's scheduling tick
                                     and delivery run: nudges, boards and summaries arrive

Everything lives in a temporary folder (the SQLite file); the configured database is never opened.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import mimetypes
import os
import signal
import sys
import tempfile
from collections.abc import Awaitable
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from aiohttp import web
from telegram.error import TelegramError

from config import Config
from core.clock import ManualClock, SystemClock
from emulator import EmulatorThread
from emulator.client import ControlApiError, ControlClient
from harness import RunningBot, config_for
from storage import onboarding
from storage.db import Database

log = logging.getLogger("saima.playground")

STATIC = Path(__file__).resolve().parent / "static"
PORT_ENV = "SAIMA_PLAYGROUND_PORT"
TEAM_NAME = "省政府党组"
GROUP_ID = -100600001
GROUP_TITLE = f"{TEAM_NAME}工作群"
GROUP_VIEW = "group"
DAY_STARTS = time(9, 5)  # a day moved to begins here: the working day's scheduled messages are due
MAX_UPLOAD = 20 * 1024 * 1024  # what a bot may download from Telegram


@dataclasses.dataclass(frozen=True)
class Persona:
    user_id: int
    surname: str
    given: str
    role: str  # a key of LABELS

    @property
    def name(self) -> str:
        return f"{self.surname}{self.given}"  # a Chinese name has no space inside


OFFICE = Persona(600001, "李", "主任", "role_office")
MEMBERS = (Persona(600002, "张", "明", "role_member"), Persona(600003, "王", "芳", "role_member"))
PEOPLE = (OFFICE, *MEMBERS)

# The page's own words (its chrome; what the bot says comes from the bot, in each user's language).
LABELS: dict[str, dict[str, str]] = {
    "zh": {
        "title": "赛马 · 体验场", "who": "我是", "role_office": "办公室（管理员）", "role_member": "班子成员",
        "role_group": "班子工作群（群内以办公室身份发言）", "clock": "时间", "day": "过一天", "week": "过一周",
        "placeholder": "输入消息或命令，如 /help", "send": "发送", "file": "发送文件", "moving": "时间推进中…",
        "empty": "还没有消息。发送 /start 或 /help 试试。", "bot": "赛马", "edited": "已编辑",
        "photo": "[图片]", "document": "[文件]", "service": "[系统消息]",
        "weekdays": "周一 周二 周三 周四 周五 周六 周日",
        "hint": "本页面连接本机模拟的 Telegram，数据存放在临时文件中，退出即删除。",
    },
    "en": {
        "title": "Saima · playground", "who": "I am", "role_office": "the office (admin)", "role_member": "member",
        "role_group": "the team's group (you write as the office)", "clock": "Time", "day": "+1 day",
        "week": "+1 week", "placeholder": "A message or a command, e.g. /help", "send": "Send",
        "file": "Send a file", "moving": "Moving the clock…", "empty": "No messages yet. Try /start or /help.",
        "bot": "Saima", "edited": "edited", "photo": "[photo]", "document": "[document]", "service": "[service]",
        "weekdays": "Mon Tue Wed Thu Fri Sat Sun",
        "hint": "This page talks to a Telegram emulated on this machine; the data lives in a temporary file, "
                "deleted on exit.",
    },
}


class BadRequest(Exception):
    """A request the page should not have made (answered with 400 and the reason)."""


class Playground:
    """The emulator, the bot on `folder`'s SQLite file with a ManualClock at `start`, the team, and the page.

        playground = Playground(config, folder=Path(d), start=now)
        url = await playground.start()   # http://127.0.0.1:<port>/
        ...
        await playground.stop()
    """

    def __init__(self, config: Config, *, folder: Path, start: datetime, port: int = 0,
                 host: str = "127.0.0.1", language: str = "zh") -> None:
        self.base_config = config
        self.folder = folder
        self.clock = ManualClock(start)
        self.port = port
        self.host = host
        self.language = language if language in LABELS else "zh"
        self.timezone = ZoneInfo(config.team_defaults.timezone)
        self.emulator: EmulatorThread | None = None
        self.db: Database | None = None
        self.running: RunningBot | None = None
        self._runner: web.AppRunner | None = None
        self._moving = asyncio.Lock()
        self.url = ""

    # --- life ---------------------------------------------------------------------------------

    async def start(self) -> str:
        """Starts everything and sets up the team; returns the page's address."""
        self.emulator = await asyncio.to_thread(EmulatorThread(bot_username="saima_playground_bot").start)
        config = config_for(self.emulator.base_url, self.base_config,
                            database_url=f"sqlite:///{self.folder / 'playground.db'}")
        self.db = Database.from_url(config.database.url)
        await asyncio.to_thread(self.db.upgrade)
        with self.db.session() as session:
            code = onboarding.create_team(session, name=TEAM_NAME, admin_telegram_id=OFFICE.user_id,
                                          group_chat_id=None, config=config, now=self.clock.now()).invite.code
        self.running = await RunningBot(config, self.db, self.clock, control_url=self.emulator.control_url).start()
        await self._set_up_team(code)
        app = web.Application(client_max_size=MAX_UPLOAD + 64 * 1024)
        app.router.add_get("/", self._page)
        app.router.add_static("/static/", STATIC)
        app.router.add_get("/api/state", self._state)
        app.router.add_get("/api/chat", self._chat)
        app.router.add_post("/api/send", self._send)
        app.router.add_post("/api/press", self._press)
        app.router.add_post("/api/file", self._file)
        app.router.add_post("/api/clock", self._clock)
        app.router.add_get("/api/files/{file_id}", self._download)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        port = self._runner.addresses[0][1]
        self.url = f"http://{self.host}:{port}/"
        return self.url

    async def _set_up_team(self, code: str) -> None:
        """The office opens the bot, the members join by the team's link, the office adds the bot to the
        group and answers 是 when asked whether it is the team's race track."""
        control = self._control
        office = control.user(OFFICE.user_id, OFFICE.surname, last_name=OFFICE.given, language_code="zh-hans")
        await office.send("/start")
        for member in MEMBERS:
            await control.user(member.user_id, member.surname, last_name=member.given,
                               language_code="zh-hans").send(f"/start {code}")
        group = control.group(GROUP_ID, GROUP_TITLE)
        await group.add_bot(office)
        await office.press(await office.receive(chat=group), "是")

    async def stop(self) -> None:
        """Stops the page, the bot and the emulator; the temporary folder is the caller's."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        if self.running is not None:
            await self.running.stop()
            self.running = None
        if self.db is not None:
            self.db.dispose()
            self.db = None
        if self.emulator is not None:
            await asyncio.to_thread(self.emulator.stop)
            self.emulator = None

    @property
    def _control(self) -> ControlClient:
        assert self.running is not None, "the playground is not running"
        return self.running.control

    # --- the page's API -------------------------------------------------------------------------

    async def _page(self, request: web.Request) -> web.StreamResponse:
        return web.FileResponse(STATIC / "index.html")

    async def _state(self, request: web.Request) -> web.Response:
        language = request.query.get("lang") or self.language
        labels = LABELS.get(language, LABELS[self.language])
        views = [{"id": str(p.user_id), "name": p.name, "role": labels[p.role]} for p in PEOPLE]
        views.append({"id": GROUP_VIEW, "name": GROUP_TITLE, "role": labels["role_group"]})
        return web.json_response({"lang": language if language in LABELS else self.language, "labels": labels,
                                  "views": views, "clock": self._clock_json()})

    async def _chat(self, request: web.Request) -> web.Response:
        return await _answer(self._messages(request.query.get("view", "")))

    async def _send(self, request: web.Request) -> web.Response:
        return await _answer(self._act_send(await _json(request)))

    async def _press(self, request: web.Request) -> web.Response:
        return await _answer(self._act_press(await _json(request)))

    async def _file(self, request: web.Request) -> web.Response:
        return await _answer(self._act_file(request))

    async def _clock(self, request: web.Request) -> web.Response:
        return await _answer(self._move(await _json(request)))

    async def _download(self, request: web.Request) -> web.Response:
        """A file of a message shown (the race chart, a document), fetched as the bot would fetch it."""
        assert self.running is not None
        try:
            file = await self.running.application.bot.get_file(request.match_info["file_id"])
            content = bytes(await file.download_as_bytearray())
        except TelegramError as error:
            return web.json_response({"error": str(error)}, status=404)
        kind = mimetypes.guess_type(file.file_path or "")[0] or "application/octet-stream"
        return web.Response(body=content, content_type=kind)

    async def _messages(self, view: str) -> dict[str, Any]:
        _, chat_id = _chat_of(view)
        found = await self._control.messages(chat_id)
        return {"view": view, "messages": [_message(m) for m in found["messages"]], "clock": self._clock_json()}

    async def _act_send(self, body: dict[str, Any]) -> dict[str, Any]:
        actor, chat_id = _chat_of(str(body.get("view", "")))
        text = str(body.get("text") or "")
        if not text.strip():
            raise BadRequest("empty message")
        sent = await self._control.send(actor.user_id, text, **_profile(actor), chat_id=chat_id)
        return {"message_id": sent["message_id"]}

    async def _act_press(self, body: dict[str, Any]) -> dict[str, Any]:
        actor, chat_id = _chat_of(str(body.get("view", "")))
        try:
            message_id = int(body.get("message_id", ""))
        except (TypeError, ValueError):
            raise BadRequest("message_id must be a number") from None
        pressed = await self._control.press(actor.user_id, message_id, str(body.get("data", "")), chat_id=chat_id)
        return {"callback_query_id": pressed["callback_query_id"]}

    async def _act_file(self, request: web.Request) -> dict[str, Any]:
        form = await request.post()
        actor, chat_id = _chat_of(str(form.get("view", "")))
        upload = form.get("file")
        if not isinstance(upload, web.FileField):
            raise BadRequest("no file")
        content = upload.file.read()
        sent = await self._control.send_file(actor.user_id, "document", upload.filename or "file", content,
                                             mime_type=upload.content_type or None, chat_id=chat_id,
                                             first_name=actor.surname)
        return {"message_id": sent["message_id"]}

    async def _move(self, body: dict[str, Any]) -> dict[str, Any]:
        try:
            days = int(body.get("days", 1))
        except (TypeError, ValueError):
            raise BadRequest("days must be a number") from None
        if not 1 <= days <= 31:
            raise BadRequest("days: 1 to 31")
        async with self._moving:
            for _ in range(days):
                await self.next_day()
        return {"clock": self._clock_json()}

    async def next_day(self) -> None:
        """The clock to 09:05 of the next day (team time), then that moment's scheduling tick, and delivery
        until nothing due is left (what quiet hours or a day off hold stays held, as in production)."""
        assert self.running is not None
        today = self.clock.now().astimezone(self.timezone).date()
        self.clock.set(datetime.combine(today + timedelta(days=1), DAY_STARTS, tzinfo=self.timezone))
        application = self.running.application
        await application.scheduler.tick()  # type: ignore[attr-defined]  # our jobs and services hang on the Application
        delivery = getattr(application, "delivery", None)
        while delivery is not None and (await delivery.tick()).claimed:
            pass

    def _clock_json(self) -> dict[str, Any]:
        local = self.clock.now().astimezone(self.timezone)
        return {"iso": local.isoformat(), "date": local.date().isoformat(), "time": f"{local:%H:%M}",
                "weekday": local.weekday()}


def _chat_of(view: str) -> tuple[Persona, int]:
    """Who acts and in which chat, for a view: a person in their private chat, or the office in the group."""
    if view == GROUP_VIEW:
        return OFFICE, GROUP_ID
    for person in PEOPLE:
        if view == str(person.user_id):
            return person, person.user_id
    raise BadRequest(f"no such view: {view!r}")


def _profile(person: Persona) -> dict[str, Any]:
    return {"first_name": person.surname, "last_name": person.given, "language_code": "zh-hans"}


def _message(view: dict[str, Any]) -> dict[str, Any]:
    """A message as the page shows it: who, the words, the file's name, the buttons."""
    sender = view.get("from") or {}
    rows = (view.get("reply_markup") or {}).get("inline_keyboard") or []
    buttons = [[{"text": b.get("text", ""), **({"data": b["callback_data"]} if "callback_data" in b else {}),
                 **({"url": b["url"]} if "url" in b else {})} for b in row] for row in rows]
    return {"id": view["message_id"], "bot": bool(sender.get("is_bot")),
            "sender": "".join(p for p in (sender.get("first_name"), sender.get("last_name")) if p),
            "kind": view.get("kind"), "text": view.get("text") or view.get("caption") or "",
            "file_name": view.get("file_name"), "file_id": view.get("file_id"), "edited": bool(view.get("edit_date")), "buttons": buttons}


async def _json(request: web.Request) -> dict[str, Any]:
    try:
        body = await request.json()
    except ValueError:
        raise BadRequest("the body must be JSON") from None
    if not isinstance(body, dict):
        raise BadRequest("the body must be a JSON object")
    return body


async def _answer(work: Awaitable[dict[str, Any]]) -> web.Response:
    try:
        return web.json_response(await work)
    except (BadRequest, ControlApiError) as error:
        return web.json_response({"error": str(error)}, status=400)


def port_from_environment() -> int:
    """SAIMA_PLAYGROUND_PORT, else 0 (a free port)."""
    value = os.environ.get(PORT_ENV, "").strip()
    if not value:
        return 0
    port = int(value)  # ValueError: the caller says what is wrong
    if not 0 <= port <= 65535:
        raise ValueError(value)
    return port


def run_playground(config: Config, *, start: datetime | None = None) -> int:
    """`bot.py run` without a token: the playground until Ctrl-C (SIGINT) or SIGTERM; its temporary folder
    goes with it. Prints the page's address."""
    try:
        port = port_from_environment()
    except ValueError:
        print(f"{PORT_ENV} must be a port number (0-65535), not {os.environ.get(PORT_ENV)!r}", file=sys.stderr)
        return 2
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s",
                        stream=sys.stderr)
    with tempfile.TemporaryDirectory(prefix="saima-playground-") as folder:
        return asyncio.run(_serve(config, Path(folder), port, start or SystemClock().now()))


async def _serve(config: Config, folder: Path, port: int, start: datetime) -> int:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    print("Starting the playground (the emulator, the bot and a team on a temporary SQLite file)…", flush=True)
    playground = Playground(config, folder=folder, start=start, port=port)
    try:
        try:
            url = await playground.start()
        except OSError as error:  # the port taken, most likely
            print(f"The playground could not start its page on 127.0.0.1:{port}: {error}", file=sys.stderr)
            return 1
        print(f"\nPlayground: open {url} in a browser (Ctrl-C stops it; nothing of it is kept).\n", flush=True)
        await stop.wait()
    finally:
        await playground.stop()
    print("Playground stopped.", flush=True)
    return 0

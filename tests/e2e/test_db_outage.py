"""PostgreSQL going away under load: the bot reconnects, loses no confirmed record, and a member whose
message arrived during the outage gets the real answer after it, not an apology and not silence.

We cannot restart the shared server, so the bot reaches PostgreSQL through a small TCP proxy that the
test cuts: every open connection is dropped and new ones are refused, for a few seconds, then it
listens again. The proxy runs on a thread of its own: the bot's queries block its event loop.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from core.clock import ManualClock
from emulator import BotMessage, ControlClient, EmulatorThread, SimUser
from harness import RunningBot, config_for
from storage import onboarding
from storage.db import Database, is_outage
from storage.models import StudySession
from tests.conftest import require_postgres
from tests.e2e.conftest import ADMIN_ID, Saima
from tests.e2e.helpers import on_the_root_logger

APOLOGY = "抱歉，系统出了点问题"
OUTAGE_SECONDS = 3.0
PATIENCE = 40.0  # an answer may wait for the outage and the backoff after it


class CuttableProxy:
    """A TCP proxy to PostgreSQL on its own thread and event loop; `cut()` drops every connection and
    refuses new ones until `restore()`."""

    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        self.port = 0
        self.cuts = 0
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="postgres proxy", daemon=True)
        self._server: asyncio.base_events.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()

    def __enter__(self) -> CuttableProxy:
        self._thread.start()
        self._call(self._listen())
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._call(self._close())
        self._call(self._finish_pipes())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)
        self._loop.close()

    def cut(self) -> None:
        self._call(self._close())
        self.cuts += 1

    def restore(self) -> None:
        self._call(self._listen())

    def _call(self, coroutine: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(10)

    async def _listen(self) -> None:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", self.port, reuse_address=True)
        self.port = self._server.sockets[0].getsockname()[1]

    async def _close(self) -> None:
        if self._server is not None:
            self._server.close()
            self._server = None
        for writer in list(self._writers):
            writer.transport.abort()  # like a server that vanished: no goodbye
        self._writers.clear()

    async def _finish_pipes(self) -> None:
        pipes = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
        for task in pipes:
            task.cancel()
        await asyncio.gather(*pipes, return_exceptions=True)

    async def _serve(self, client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter) -> None:
        try:
            server_reader, server_writer = await asyncio.open_connection(*self.target)
        except OSError:
            client_writer.transport.abort()
            return
        self._writers.update((client_writer, server_writer))
        await asyncio.gather(self._pipe(client_reader, server_writer), self._pipe(server_reader, client_writer))

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        except (ConnectionError, OSError):
            pass
        finally:
            writer.transport.abort()
            self._writers.discard(writer)


class UpdateErrors(logging.Handler):
    """What reached the error handler for an update (jobs may fail during the outage: they tick again),
    and which updates waited for the database."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []
        self.waited: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if record.name == "saima.errors" and "while handling update" in message:
            self.records.append(record)
        if (record.name == "saima" and "waits for it" in message) or (
                record.name == "storage.persistence" and "unreachable" in message):
            self.waited.append(message)


@pytest.fixture
def update_errors() -> Iterator[UpdateErrors]:
    with on_the_root_logger(UpdateErrors()) as handler:
        yield handler


@dataclass
class Outage:
    running: RunningBot
    proxy: CuttableProxy
    direct: Database  # the test's own way in, not through the proxy
    invite_code: str


@pytest.fixture
async def outage(emulator_thread: EmulatorThread, database_url: tuple[str, str | None],
                 clock: ManualClock) -> AsyncIterator[Outage]:
    url, schema = database_url
    direct = Database.from_url(url, schema=schema)
    parsed = make_url(url)
    config = config_for(emulator_thread.base_url)
    with direct.session() as session:
        code = onboarding.create_team(session, name="省政府党组", admin_telegram_id=ADMIN_ID, group_chat_id=None,
                                      config=config, now=clock.now()).invite.code
    async with ControlClient(emulator_thread.control_url) as control:
        await control.reset()
    with CuttableProxy(parsed.host or "127.0.0.1", parsed.port or 5432) as proxy:
        proxied = Database.from_url(parsed.set(port=proxy.port).render_as_string(hide_password=False),
                                    schema=schema)
        running = RunningBot(config, proxied, clock, control_url=emulator_thread.control_url, timeout=PATIENCE)
        async with running:
            yield Outage(running, proxy, direct, code)
        proxied.dispose()
    direct.dispose()


def studies(db: Database) -> dict[str, int]:
    with db.session() as session:
        rows = session.execute(select(StudySession.topic, func.count()).group_by(StudySession.topic)).all()
    return {topic: count for topic, count in rows}


async def keep_logging(official: SimUser, name: str, rounds: range, confirmed: list[str]) -> None:
    """A member logging study sessions one after another, each answered and confirmed."""
    for i in rounds:
        topic = f"{name}的学习{i}"
        card = await official.send(f"/study 昨天 集体学习 2小时 {topic}")
        assert isinstance(card, BotMessage) and card.labels == ["确认", "修改", "取消"], card
        saved = await official.press(card, "确认")
        assert isinstance(saved, BotMessage), saved
        if "两条都保留吗" in (saved.text or ""):  # the commit went through as the connection dropped:
            await official.press(saved, "取消")  # retried, the form's duplicate check asks; one is enough
        else:
            assert (saved.text or "").startswith("✅ 已保存。"), saved
        confirmed.append(topic)


def test_an_outage_is_told_from_a_bad_query() -> None:
    import sqlite3

    import psycopg
    from sqlalchemy import exc

    assert is_outage(exc.OperationalError("SELECT 1", {}, psycopg.OperationalError("server closed the connection")))
    assert is_outage(exc.OperationalError("SELECT 1", {}, sqlite3.OperationalError("database is locked")))
    assert not is_outage(exc.OperationalError("SELECT 1", {}, sqlite3.OperationalError("no such table: x")))
    assert not is_outage(exc.IntegrityError("INSERT", {}, psycopg.IntegrityError("duplicate key")))
    assert not is_outage(ValueError("not the database"))


@pytest.mark.postgres
@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
async def test_postgres_cut_under_load_loses_nothing_and_answers_everyone_after(
        outage: Outage, update_errors: UpdateErrors) -> None:
    require_postgres()
    control = outage.running.control
    names = {1001: "张三", 1002: "李四", 1003: "王五"}
    officials = {user_id: control.user(user_id, name) for user_id, name in names.items()}
    for official in officials.values():
        await official.send(f"/start {outage.invite_code}")
    confirmed: list[str] = []
    await keep_logging(officials[1001], "张三", range(1), confirmed)  # the pool holds live connections now

    load = [asyncio.create_task(keep_logging(officials[uid], names[uid], range(1, 7), confirmed)) for uid in (1001, 1002)]
    await asyncio.sleep(0.3)  # the load is under way
    outage.proxy.cut()
    cut_at = asyncio.get_running_loop().time()
    wang = officials[1003]
    sent = await control.send(wang.id, "/me", first_name="王五")  # arrives while PostgreSQL is away
    await asyncio.sleep(OUTAGE_SECONDS)
    assert not (await control.wait(sent["seq"], chat_id=wang.id, count=1, timeout=0.1,
                                   kinds=["text"]))["events"], "answered without a database?"
    outage.proxy.restore()
    waited = await control.wait(sent["seq"], chat_id=wang.id, count=1, timeout=PATIENCE, kinds=["text"])
    assert not waited["timed_out"], control.transcript.render()
    answer = waited["events"][0]["text"]
    assert answer.startswith("王五 · 2026年履职进度"), answer  # /me's real answer, not an apology
    answered_after = asyncio.get_running_loop().time() - cut_at
    await asyncio.gather(*load)

    # Every confirmed record once; nobody got an apology or silence; nothing reached the error handler.
    assert studies(outage.direct) == {topic: 1 for topic in confirmed}
    assert len(confirmed) == 13
    for official in officials.values():
        texts = [m.content for m in await official.bot_messages()]
        assert not any(text.startswith(APOLOGY) for text in texts), texts
    assert not update_errors.records, [r.getMessage() for r in update_errors.records]
    assert outage.proxy.cuts == 1 and answered_after >= OUTAGE_SECONDS
    assert update_errors.waited  # the outage was met (by a handler or a state write), and waited out
    # A conversation step reached during the outage was written through afterwards as well.
    card = await wang.send("/study 昨天 集体学法 1小时 民法典")
    outage.proxy.cut()
    press = asyncio.create_task(wang.press(card, "确认"))
    await asyncio.sleep(1.0)
    outage.proxy.restore()
    saved = await press
    assert isinstance(saved, BotMessage) and (saved.text or "").startswith("✅ 已保存。")
    assert studies(outage.direct)["民法典"] == 1


@pytest.mark.postgres
@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
async def test_a_confirm_whose_store_meets_the_outage_after_its_press_was_answered_stores_once_after_it(
        outage: Outage, update_errors: UpdateErrors, monkeypatch: pytest.MonkeyPatch) -> None:
    """The press is answered, then PostgreSQL goes away just as the record is stored: handled again after
    the outage, the press (which Telegram will not let be answered twice) still stores the record."""
    from storage import study

    zhang = outage.running.control.user(1001, "张三")
    await zhang.send(f"/start {outage.invite_code}")
    card = await zhang.send("/study 昨天 集体学习 2小时 优化营商环境条例")
    assert isinstance(card, BotMessage)
    log_own = study.log_own

    def cut_first(*args: Any, **kwargs: Any) -> Any:
        if not outage.proxy.cuts:
            outage.proxy.cut()
            threading.Timer(OUTAGE_SECONDS, outage.proxy.restore).start()
        return log_own(*args, **kwargs)

    monkeypatch.setattr(study, "log_own", cut_first)
    saved = await zhang.press(card, "确认")
    assert isinstance(saved, BotMessage) and saved.content.startswith("✅ 已保存。"), saved
    assert outage.proxy.cuts == 1 and update_errors.waited and not update_errors.records
    assert studies(outage.direct) == {"优化营商环境条例": 1}
    assert not any(m.content.startswith(APOLOGY) for m in await zhang.bot_messages())


async def test_an_update_that_met_an_outage_is_handled_again_from_the_start(saima: Saima) -> None:
    """On either backend: a handler fails on an outage after changing the user's data; the update is
    handled again once the database answers, with the user's data as it was before, and answered."""
    import psycopg
    from sqlalchemy import exc
    from telegram import Update
    from telegram.ext import TypeHandler

    tries: list[int] = []

    async def flaky(update: Update, context: Any) -> None:
        tries.append(context.user_data.get("seen", 0))
        context.user_data["seen"] = context.user_data.get("seen", 0) + 1
        if len(tries) == 1:
            raise exc.OperationalError("SELECT 1", {}, psycopg.OperationalError("server closed the connection"))

    saima.running.application.add_handler(TypeHandler(Update, flaky), group=-1000)
    reply = await saima.control.user(1001, "张三").send("/help")
    assert isinstance(reply, BotMessage) and not reply.content.startswith(APOLOGY)
    assert tries == [0, 0]  # the second try saw the data as it was before the first

"""Fixtures for the emulator tests: an emulator thread, a control client, a PTB Bot and Application."""

from __future__ import annotations

import functools
import ssl
import struct
import zlib
from collections.abc import AsyncIterator, Iterator

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)
from telegram.request import HTTPXRequest

from emulator import ControlClient, EmulatorThread

TOKEN = "123456:TEST-token"
BOT_ID = 123456
USER = 1001  # the user the tests talk as


@pytest.fixture
def emulator() -> Iterator[EmulatorThread]:
    with EmulatorThread(webhook_retry_delay=0.05) as emu:
        yield emu


@pytest.fixture
async def control(emulator: EmulatorThread) -> AsyncIterator[ControlClient]:
    async with ControlClient(emulator.control_url, default_timeout=5) as client:
        yield client


@pytest.fixture
async def started(control: ControlClient, bot: Bot) -> None:
    """USER has sent /start, so the bot may write to them."""
    await control.send(USER, "/start", first_name="张三")


@functools.cache
def _tls_context() -> ssl.SSLContext:
    return ssl.create_default_context()


def fast_request() -> HTTPXRequest:
    """PTB's default request, sharing one TLS context: httpx otherwise reloads the CA bundle per client
    (about 30 ms, twice per Bot), which dominates a test that runs in a few milliseconds."""
    return HTTPXRequest(httpx_kwargs={"verify": _tls_context()})


def make_bot(emulator: EmulatorThread, token: str = TOKEN) -> Bot:
    return Bot(token, base_url=emulator.base_url, base_file_url=emulator.base_file_url, request=fast_request(),
               get_updates_request=fast_request())


@pytest.fixture
async def bot(emulator: EmulatorThread) -> AsyncIterator[Bot]:
    async with make_bot(emulator) as tg_bot:
        yield tg_bot


def build_application(emulator: EmulatorThread, token: str = TOKEN) -> Application:  # type: ignore[type-arg]  # PTB's Application: six type parameters, any here
    return (ApplicationBuilder().token(token).base_url(emulator.base_url).base_file_url(emulator.base_file_url)
            .request(fast_request()).get_updates_request(fast_request()).build())


async def _start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message and update.effective_user
    payload = " ".join(context.args or [])
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("确认", callback_data="confirm"),
                                      InlineKeyboardButton("取消", callback_data="cancel")]])
    await update.effective_message.reply_text(f"欢迎 {update.effective_user.first_name} 加入「{payload}」",
                                              reply_markup=keyboard)


async def _button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None
    if query.data not in ("confirm", "cancel"):
        await query.answer("无效的按钮", show_alert=True)
        return
    await query.answer("好的")
    await query.edit_message_text("已确认" if query.data == "confirm" else "已取消")


async def _echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message and update.effective_message.text
    await update.effective_message.reply_text(update.effective_message.text)


@pytest.fixture
async def app(emulator: EmulatorThread) -> AsyncIterator[Application]:  # type: ignore[type-arg]  # PTB's Application: six type parameters, any here
    """A real Application long-polling the emulator: /start with buttons, button edits, echo."""
    application = build_application(emulator)
    application.add_handler(CommandHandler("start", _start))
    application.add_handler(CallbackQueryHandler(_button))
    application.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, _echo))
    await application.initialize()
    await application.start()
    assert application.updater is not None
    await application.updater.start_polling(poll_interval=0.0, timeout=10)
    yield application
    await application.updater.stop()
    await application.stop()
    await application.shutdown()


def tiny_png(width: int = 200, height: int = 100) -> bytes:
    """A valid grey PNG of the given size."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    raw = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")

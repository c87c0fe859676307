"""Running an `Emulator` on its own event loop in a daemon thread.

Tests keep the bot on pytest-asyncio's loop and the emulator here, so a blocked or slow bot
cannot stall the server it talks to (and vice versa).
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine
from typing import Any, TypeVar

from emulator.server import Emulator, EmulatorUrls

T = TypeVar("T")


class EmulatorThread(EmulatorUrls):
    """An `Emulator` in a background thread; usable as a context manager."""

    def __init__(self, *, host: str = "127.0.0.1", port: int = 0, **emulator_options: Any) -> None:
        self._host = host
        self._requested_port = port
        self._options = emulator_options
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._emulator: Emulator | None = None
        self._ready = threading.Event()
        self._error: BaseException | None = None

    def start(self) -> EmulatorThread:
        """Start the thread; returns once the server is listening."""
        if self._thread is not None:
            raise RuntimeError("the emulator thread is already running")
        self._thread = threading.Thread(target=self._run, name="telegram-emulator", daemon=True)
        self._thread.start()
        self._ready.wait(timeout=30)
        if self._error is not None:
            raise RuntimeError("the emulator failed to start") from self._error
        if self._emulator is None:
            raise RuntimeError("the emulator did not start within 30 s")
        return self

    def _run(self) -> None:
        loop = self._loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        try:
            emulator = Emulator(**self._options)
            loop.run_until_complete(emulator.start(self._host, self._requested_port))
            self._emulator = emulator
        except BaseException as error:  # reported to the starting thread
            self._error = error
            self._ready.set()
            loop.close()
            return
        self._ready.set()
        try:
            loop.run_forever()
        finally:
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.close()

    def stop(self) -> None:
        loop, thread, emulator = self._loop, self._thread, self._emulator
        if loop is None or thread is None or emulator is None or not thread.is_alive():
            return
        asyncio.run_coroutine_threadsafe(emulator.stop(), loop).result(timeout=30)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=30)
        self._thread = None

    def run(self, coroutine: Coroutine[Any, Any, T], timeout: float = 30) -> T:
        """Run a coroutine on the emulator's loop (for direct access to its state)."""
        return asyncio.run_coroutine_threadsafe(coroutine, _running(self._loop)).result(timeout=timeout)

    def __enter__(self) -> EmulatorThread:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def emulator(self) -> Emulator:
        return _running(self._emulator)

    @property
    def root_url(self) -> str:
        return self.emulator.root_url


def _running(part: T | None) -> T:
    """A part that exists only while the thread runs (its loop, its emulator)."""
    if part is None:
        raise RuntimeError("the emulator thread is not running")
    return part

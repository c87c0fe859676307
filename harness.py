"""Saima's real Application long-polling an emulator, for the demo, end-to-end tests and benchmarks.

It lives beside demo.py, not in emulator/: the emulator knows no bot, this module joins the two.

    async with RunningBot(config, db, clock) as running:
        zhang = running.control.user(1001, "张三")
        await zhang.send(f"/start {code}")
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Iterator
from types import TracebackType

from telegram.ext import Application

from bot import build_application
from config import Config
from core.clock import Clock
from emulator.client import ControlClient
from jobs import delivery as delivery_job
from jobs.delivery import Delivery
from storage.db import Database

TEST_TOKEN = "7000000001:SAIMA-emulator-token"


def config_for(emulator_base_url: str, base: Config | None = None, *, database_url: str = "") -> Config:
    """`base` pointed at an emulator, with a token the emulator accepts."""
    base = base or Config()
    telegram = dataclasses.replace(base.telegram, token=TEST_TOKEN, base_url=emulator_base_url, base_file_url="")
    database = dataclasses.replace(base.database, url=database_url or base.database.url)
    return dataclasses.replace(base, telegram=telegram, database=database)


class RunningBot:
    """Starts the Application (initialize, start, long polling) and stops it cleanly on exit."""

    def __init__(self, config: Config, db: Database, clock: Clock, *, control_url: str, timeout: float = 10.0,
                 deliver_before_actions: bool = False) -> None:
        """With `deliver_before_actions`, each simulated user's action (and wait for a message) first lets
        the outbox send what is due (`deliver_due`): a test then never reads a queued message that was
        merely late as the answer to what the user just did."""
        self.application: Application = build_application(config, db, clock)  # type: ignore[type-arg]  # PTB's Application: six type parameters, any here
        self.control = ControlClient(control_url, default_timeout=timeout,
                                     before_action=self.deliver_due if deliver_before_actions else None)
        self._held = False
        self._running = False

    async def start(self) -> RunningBot:
        await self.application.initialize()
        if self.application.post_init is not None:  # run_polling() would call it; we start by hand
            await self.application.post_init(self.application)
        await self.application.start()
        assert self.application.updater is not None
        await self.application.updater.start_polling(poll_interval=0.0, timeout=5)
        self._running = True
        return self

    async def deliver_due(self) -> None:
        """Sends every outbox row due now, as the delivery job's next tick would (after a tick in progress:
        one tick at a time); nothing when delivery is off."""
        delivery: Delivery | None = getattr(self.application, "delivery", None)
        if delivery is not None and not self._held:
            await delivery.tick()

    @contextlib.contextmanager
    def delivery_held(self) -> Iterator[None]:
        """Nothing leaves the outbox inside: the delivery job is paused and nothing is delivered before
        actions (a test of what becomes of a queued message before it goes). A `delivery.tick()` called by
        the test still sends."""
        assert self.application.job_queue is not None
        jobs = self.application.job_queue.get_jobs_by_name(delivery_job.JOB_NAME)
        self._held = True
        for job in jobs:
            job.enabled = False
        try:
            yield
        finally:
            for job in jobs:
                job.enabled = True
            self._held = False

    async def stop(self) -> None:
        if self._running:
            assert self.application.updater is not None
            await self.application.updater.stop()
            await self.application.stop()
            await self.application.shutdown()
            self._running = False
        await self.control.aclose()

    async def __aenter__(self) -> RunningBot:
        return await self.start()

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.stop()

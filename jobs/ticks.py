"""The one way jobs/ run: a repeating JobQueue tick that never overlaps itself, collapses missed runs
into one, and logs a failed run instead of stopping the next (the database may be away)."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from telegram.ext import Application, ContextTypes

log = logging.getLogger(__name__)


def run_repeating(application: Application, tick: Callable[[], Awaitable[object]], *,  # type: ignore[type-arg]  # PTB's Application: six type parameters, any here
                  seconds: float, name: str) -> None:
    """Runs ``tick`` every ``seconds`` (first after one interval) as the JobQueue job ``name``."""
    if application.job_queue is None:
        raise RuntimeError(f"{name} needs python-telegram-bot[job-queue]")

    async def run(_context: ContextTypes.DEFAULT_TYPE) -> None:
        try:
            await tick()
        except Exception:  # noqa: BLE001 — a bad tick must not stop the next one
            log.exception("%s: tick failed", name)

    application.job_queue.run_repeating(
        run, interval=seconds, first=seconds, name=name,
        job_kwargs={"max_instances": 1, "coalesce": True, "misfire_grace_time": None},
    )


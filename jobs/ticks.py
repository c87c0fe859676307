"""The one way jobs/ run: a repeating JobQueue tick that never overlaps itself, collapses missed runs
into one, and logs a failed run instead of stopping the next (the database may be away)."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import date, datetime
from zoneinfo import ZoneInfo

from telegram.ext import Application, ContextTypes

from config import ScheduleSettings
from core.quiet import next_allowed

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


def allowed_moment(schedule: ScheduleSettings, now: datetime, tz: ZoneInfo,
                   is_workday: Callable[[date], bool]) -> datetime:
    """The first instant from ``now`` a scheduled message may go out: outside the quiet hours, on a working
    day of the team (``is_workday``); ``now`` itself when it is one."""
    return next_allowed(now, tz=tz, quiet_start=schedule.quiet_hours_start, quiet_end=schedule.quiet_hours_end,
                        is_workday=is_workday)

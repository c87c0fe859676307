"""Time as a dependency: every rule takes `now`; whatever needs the time is handed a Clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current instant, timezone-aware (UTC)."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class ManualClock:
    """A clock that only moves when told to: tests and the demo run a simulated year in seconds."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("ManualClock needs an aware datetime")
        self._now = start.astimezone(UTC)

    def now(self) -> datetime:
        return self._now

    def set(self, instant: datetime) -> None:
        if instant.tzinfo is None:
            raise ValueError("ManualClock needs an aware datetime")
        self._now = instant.astimezone(UTC)

    def advance(self, delta: timedelta) -> datetime:
        self._now += delta
        return self._now


class FileClock:
    """The time read from a file holding one ISO 8601 instant with its offset (`2026-11-30T09:00:00+08:00`),
    re-read at every call: a testing and demo aid (`SAIMA_CLOCK_FILE`) that lets another process move a
    running bot's time, e.g. a test walking `bot.py run` through a simulated week. Whoever writes the file
    should replace it atomically (write a temporary file, then rename); a read that finds it empty or
    half-written keeps the last instant read."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._last: datetime | None = None
        self._last = self.now()  # fails at once, not at the first tick, on a missing or bad file

    def now(self) -> datetime:
        try:
            instant = datetime.fromisoformat(self.path.read_text(encoding="utf-8").strip())
        except (OSError, ValueError):
            if self._last is None:
                raise
            return self._last
        if instant.tzinfo is None:
            raise ValueError(f"{self.path} holds {instant.isoformat()}: an instant needs its UTC offset")
        self._last = instant.astimezone(UTC)
        return self._last

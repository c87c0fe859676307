"""Telegram's flood limits (sliding windows) and injected faults.

`FloodLimiter` answers "would this send exceed a limit, and for how long?" and records accepted
sends; rejected sends never count. The per-second chat limit applies to private chats; groups
are governed by the per-minute group limit, so that a burst into a group behaves as on
Telegram (the first 20 go through). `FaultInjector` holds stacked rules that make matching
requests fail, stall or time out.
"""

from __future__ import annotations

import math
import random
from collections import deque
from dataclasses import dataclass, field
from typing import Any

FAULT_STATUSES = (429, 500, 502, 503, "timeout", "delay")


@dataclass
class FloodConfig:
    enabled: bool = False
    global_per_second: int = 30
    group_per_minute: int = 20
    chat_per_second: int = 1

    def to_json(self) -> dict[str, Any]:
        return {"enabled": self.enabled, "global_per_second": self.global_per_second,
                "group_per_minute": self.group_per_minute, "chat_per_second": self.chat_per_second}


class _Window:
    """Timestamps of accepted sends within the last ``span`` seconds."""

    def __init__(self, span: float) -> None:
        self.span = span
        self.times: deque[float] = deque()

    def retry_after(self, limit: int, now: float) -> int | None:
        while self.times and self.times[0] <= now - self.span:
            self.times.popleft()
        if len(self.times) < limit:
            return None
        # the send becomes possible once enough old sends leave the window
        oldest_blocking = self.times[len(self.times) - limit]
        return max(1, math.ceil(oldest_blocking + self.span - now))


class FloodLimiter:
    def __init__(self) -> None:
        self.config = FloodConfig()
        self._windows: dict[tuple[Any, ...], _Window] = {}

    def configure(self, **settings: Any) -> FloodConfig:
        for key, value in settings.items():
            if value is not None and hasattr(self.config, key):
                setattr(self.config, key, bool(value) if key == "enabled" else int(value))
        self._windows.clear()
        return self.config

    def reset(self) -> None:
        self.config = FloodConfig()
        self._windows.clear()

    def check(self, bot_id: int, chat_id: int, is_group: bool, now: float) -> int | None:
        """Seconds to wait if this send would exceed a limit, else None."""
        if not self.config.enabled:
            return None
        waits = [w.retry_after(limit, now) for w, limit in self._windows_for(bot_id, chat_id, is_group)]
        blocking = [w for w in waits if w is not None]
        return max(blocking) if blocking else None

    def record(self, bot_id: int, chat_id: int, is_group: bool, now: float) -> None:
        if self.config.enabled:
            for window, _ in self._windows_for(bot_id, chat_id, is_group):
                window.times.append(now)

    def _windows_for(self, bot_id: int, chat_id: int, is_group: bool) -> list[tuple[_Window, int]]:
        config = self.config
        windows = [(self._window(("global", bot_id), 1.0), config.global_per_second)]
        if is_group:
            windows.append((self._window(("group", bot_id, chat_id), 60.0), config.group_per_minute))
        else:
            windows.append((self._window(("chat", bot_id, chat_id), 1.0), config.chat_per_second))
        return windows

    def _window(self, key: tuple[Any, ...], span: float) -> _Window:
        window = self._windows.get(key)
        if window is None:
            window = self._windows[key] = _Window(span)
        return window


@dataclass
class FaultRule:
    """Make matching requests fail: ``count`` times (None = forever), each with ``probability``."""

    status: int | str
    method: str | None = None
    retry_after: int = 1
    delay: float | None = None
    count: int | None = None
    probability: float = 1.0
    apply: bool = True
    bot_id: int | None = None
    seed: int | None = None
    hits: int = 0
    rng: random.Random = field(default_factory=random.Random, repr=False)

    @classmethod
    def from_json(cls, spec: dict[str, Any]) -> FaultRule:
        status = spec.get("status")
        if isinstance(status, str) and status.isdigit():
            status = int(status)
        if status not in FAULT_STATUSES:
            raise ValueError(f"status must be one of {FAULT_STATUSES}")
        probability = float(spec.get("probability", 1.0))
        if not 0.0 <= probability <= 1.0:
            raise ValueError("probability must be within 0..1")
        rule = cls(
            status=status,
            method=spec.get("method") or None,
            retry_after=max(1, int(spec.get("retry_after") or 1)),
            delay=float(spec["delay"]) if spec.get("delay") is not None else None,
            count=int(spec["count"]) if spec.get("count") is not None else None,
            probability=probability,
            apply=bool(spec.get("apply", True)),
            bot_id=int(spec["bot_id"]) if spec.get("bot_id") is not None else None,
            seed=spec.get("seed"),
        )
        rule.rng = random.Random(rule.seed)
        return rule

    @property
    def hold_seconds(self) -> float:
        if self.delay is not None:
            return self.delay
        return 30.0 if self.status == "timeout" else 1.0

    def exhausted(self) -> bool:
        return self.count is not None and self.hits >= self.count

    def hits_request(self, method: str, bot_id: int) -> bool:
        if self.exhausted():
            return False
        if self.method is not None and self.method.lower() != method.lower():
            return False
        if self.bot_id is not None and self.bot_id != bot_id:
            return False
        if self.probability < 1.0 and self.rng.random() >= self.probability:
            return False
        self.hits += 1
        return True

    def to_json(self) -> dict[str, Any]:
        return {"status": self.status, "method": self.method, "retry_after": self.retry_after,
                "delay": self.delay, "count": self.count, "probability": self.probability,
                "apply": self.apply, "bot_id": self.bot_id, "seed": self.seed, "hits": self.hits}


class FaultInjector:
    """Stacked fault rules; the first rule that hits a request decides its fate."""

    def __init__(self) -> None:
        self.rules: list[FaultRule] = []

    def add(self, spec: dict[str, Any]) -> FaultRule:
        rule = FaultRule.from_json(spec)
        self.rules.append(rule)
        return rule

    def clear(self) -> None:
        self.rules.clear()

    def pick(self, method: str, bot_id: int) -> FaultRule | None:
        return next((rule for rule in self.rules if rule.hits_request(method, bot_id)), None)

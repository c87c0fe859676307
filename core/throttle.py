"""Per-user load shedding, as a pure rule: a token bucket per sender, refilled with the seconds that pass.

A sender may send `burst` updates at once and then one more every `every_seconds`. The first update
over the allowance is answered with a short "slow down" (WARN); the rest are dropped (DROP) until a
token has come back, and the next time the sender runs dry they are told again.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Verdict(enum.Enum):
    PASS = "pass"  # handle it
    WARN = "warn"  # over the allowance: say "slow down" once, handle nothing
    DROP = "drop"  # over the allowance and told already: drop it, say nothing


@dataclass(frozen=True)
class Allowance:
    """How much a sender may send: ``burst`` updates at once, then one more every ``every_seconds``."""

    burst: int  # updates at once, from a full bucket
    every_seconds: float  # one more token this often


@dataclass(frozen=True)
class Bucket:
    """One sender's token bucket: the tokens left at the last decision, and whether they were told to
    slow down."""

    tokens: float
    at: float  # the monotonic second of the last decision
    warned: bool = False  # told to slow down since the bucket ran dry


def full(allowance: Allowance, now: float) -> Bucket:
    return Bucket(float(allowance.burst), now)


def take(bucket: Bucket | None, allowance: Allowance, now: float) -> tuple[Verdict, Bucket]:
    """The verdict on one update arriving at `now`, and the bucket after it (None: a sender not seen
    yet, who starts full)."""
    if bucket is None:
        bucket = full(allowance, now)
    refill = max(0.0, now - bucket.at) / allowance.every_seconds if allowance.every_seconds > 0 else float("inf")
    tokens = min(float(allowance.burst), bucket.tokens + refill)
    if tokens >= 1.0:
        return Verdict.PASS, Bucket(tokens - 1.0, now, warned=False)
    if bucket.warned:
        return Verdict.DROP, Bucket(tokens, now, warned=True)
    return Verdict.WARN, Bucket(tokens, now, warned=True)


def idle(bucket: Bucket, allowance: Allowance, now: float) -> bool:
    """Whether the bucket has refilled completely (it may be forgotten: a new one starts full)."""
    if allowance.every_seconds <= 0:
        return True
    return bucket.tokens + max(0.0, now - bucket.at) / allowance.every_seconds >= allowance.burst

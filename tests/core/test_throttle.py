"""core/throttle.py: a sender's burst, the one "slow down", and the allowance coming back with time."""

from __future__ import annotations

import pytest

from core.throttle import Allowance, Bucket, Verdict, idle, take

FIVE_EVERY_TWO = Allowance(burst=5, every_seconds=2.0)


def verdicts(times: list[float], allowance: Allowance = FIVE_EVERY_TWO) -> list[str]:
    bucket: Bucket | None = None
    seen = []
    for now in times:
        verdict, bucket = take(bucket, allowance, now)
        seen.append(verdict.value)
    return seen


@pytest.mark.parametrize(("case", "times", "expected"), [
    ("a burst within the allowance passes", [0.0] * 5, ["pass"] * 5),
    ("the first over the allowance is told, the rest dropped", [0.0] * 8,
     ["pass"] * 5 + ["warn", "drop", "drop"]),
    ("a token comes back after every_seconds", [0.0] * 6 + [2.0, 2.0],
     ["pass"] * 5 + ["warn", "pass", "warn"]),
    ("told again only after running dry again", [0.0] * 7 + [2.0, 2.1, 2.2],
     ["pass"] * 5 + ["warn", "drop", "pass", "warn", "drop"]),
    ("a steady sender at the refill rate is never throttled", [float(2 * i) for i in range(20)], ["pass"] * 20),
    ("a long pause refills to the burst, not beyond", [0.0] * 5 + [1000.0] * 7,
     ["pass"] * 5 + ["pass"] * 5 + ["warn", "drop"]),
    ("time going backwards refills nothing", [10.0] * 5 + [3.0], ["pass"] * 5 + ["warn"]),
])
def test_a_senders_updates_get_these_verdicts(case: str, times: list[float], expected: list[str]) -> None:
    assert verdicts(times) == expected, case


def test_one_update_at_a_time_allowance() -> None:
    assert verdicts([0.0, 0.0, 4.9, 5.0], Allowance(burst=1, every_seconds=5.0)) == ["pass", "warn", "drop", "pass"]


@pytest.mark.parametrize(("now", "expected"), [(0.0, False), (5.9, False), (6.0, True), (60.0, True)])
def test_a_bucket_is_idle_once_refilled(now: float, expected: bool) -> None:
    bucket = Bucket(tokens=2.0, at=0.0)
    assert idle(bucket, Allowance(burst=5, every_seconds=2.0), now) is expected


def test_verdict_values_are_stable() -> None:
    assert {v.value for v in Verdict} == {"pass", "warn", "drop"}

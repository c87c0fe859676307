"""Time core.dates on the shared case table (tests/core/date_cases.py).

    python -m bench.bench_dates [repeats]

Warms up (as the bot does at start-up), then times every case of the table
``repeats`` times (default 20) and prints the median / p99 / max time per
call in microseconds, per function and overall, the slowest cases, and the
accuracy on the table. Not a test: nothing is asserted.
"""

from __future__ import annotations

import statistics
import sys
import time

from core.dates import warm_up
from tests.core.date_cases import CASES, Case, passes, run


def _percentile(sorted_values: list[float], fraction: float) -> float:
    index = min(len(sorted_values) - 1, round(fraction * (len(sorted_values) - 1)))
    return sorted_values[index]


def _line(label: str, values: list[float]) -> str:
    ordered = sorted(values)
    return (f"{label:8} n={len(values):6}  median {statistics.median(ordered):7.1f} us"
            f"  p99 {_percentile(ordered, 0.99):8.1f} us  max {ordered[-1]:8.1f} us")


def main(repeats: int = 20) -> None:
    started = time.perf_counter()
    warm_up()
    print(f"warm_up: {(time.perf_counter() - started) * 1000:.0f} ms")

    per_case: dict[Case, list[float]] = {case: [] for case in CASES}
    for _ in range(repeats):
        for case in CASES:
            t0 = time.perf_counter_ns()
            run(case)
            per_case[case].append((time.perf_counter_ns() - t0) / 1000)

    by_fn: dict[str, list[float]] = {}
    for case, timings in per_case.items():
        by_fn.setdefault(case.fn, []).extend(timings)
    everything = [t for timings in per_case.values() for t in timings]
    print(f"{len(CASES)} cases x {repeats} repeats")
    for fn in sorted(by_fn):
        print(_line(fn, by_fn[fn]))
    print(_line("all", everything))

    slowest = sorted(per_case.items(), key=lambda item: statistics.median(item[1]), reverse=True)[:8]
    print("slowest cases (median us):")
    for case, timings in slowest:
        print(f"  {statistics.median(timings):8.1f}  {case.fn:5} {case.text!r}")

    failed = [case for case in CASES if not passes(case)]
    print(f"accuracy: {len(CASES) - len(failed)}/{len(CASES)} = {1 - len(failed) / len(CASES):.1%}")
    for case in failed:
        print(f"  FAIL {case.id}: got {run(case)!r}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20)

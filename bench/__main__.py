"""`make bench`: runs every benchmark in bench/ in turn and prints their tables (not a test).

A module's `SUITE_ARGS` are the arguments its `main()` gets here (smaller than its own defaults, so the
whole suite stays within 15 minutes); `IN_SUITE = False` leaves a module out (run it on its own).
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
import time
import traceback
from pathlib import Path


def main() -> int:
    started_all = time.perf_counter()
    failed: list[str] = []
    names = sorted(m.name for m in pkgutil.iter_modules([str(Path(__file__).parent)]) if m.name.startswith("bench_"))
    for name in names:
        print(f"\n=== {name} ===", flush=True)
        started = time.perf_counter()
        module = importlib.import_module(f"bench.{name}")
        if not getattr(module, "IN_SUITE", True):
            print(f"(left out: {module.IN_SUITE_NOTE})")
            continue
        try:
            module.main(*getattr(module, "SUITE_ARGS", ()))
        except Exception:  # noqa: BLE001 — one broken benchmark must not hide the others' figures
            traceback.print_exc()
            failed.append(name)
        print(f"({name}: {time.perf_counter() - started:.1f} s)", flush=True)
    print(f"\n(make bench: {time.perf_counter() - started_all:.0f} s in all"
          + (f"; failed: {', '.join(failed)})" if failed else ")"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

"""A separate process writing to a ParquetStore, for tests/test_store.py.

    store_worker.py ROOT COHORT LEARNER COUNT

Prints "ready", waits for a line on stdin, then appends COUNT one-event batches (COUNT 0: until
killed), printing each event_id once append has returned (an acknowledged save).
"""

from __future__ import annotations

import sys
import types
from pathlib import Path


def _import_store() -> types.ModuleType:
    # Only workbook.store and what it imports: the package __init__ pulls in the widgets and
    # takes ~1.7 s to import, which 30+ killed children cannot afford.
    if "workbook" not in sys.modules:
        package = types.ModuleType("workbook")
        package.__path__ = [str(Path(__file__).resolve().parents[1] / "src" / "workbook")]
        sys.modules["workbook"] = package
    import workbook.store

    return workbook.store


def main(root: str, cohort: str, learner: str, count: str) -> None:
    store = _import_store()
    parquet = store.ParquetStore(root)
    print("ready", flush=True)
    sys.stdin.readline()
    n = int(count)
    i = 0
    while n == 0 or i < n:
        event = store.Event(cohort, learner, "m03.skills", f"skill-{i % 8}", "score", i % 10)
        parquet.append([event])
        print(event.event_id, flush=True)
        i += 1


if __name__ == "__main__":
    main(*sys.argv[1:])

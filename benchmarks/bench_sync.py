"""Sync throughput into the cohort service on a real JupyterHub, against a bare baseline.

    python benchmarks/bench_sync.py [--events 5000] [--learners 50] [--per-learner 1000]

Starts a hub on 127.0.0.1 with the service (tests/hub/hubharness.py: the example config), then
measures events/s into the service: one learner syncing `--events` events, and `--learners`
learners syncing `--per-learner` events each, all at once (one thread each). Batches of 500,
as `workbook sync` sends them. Baseline, in the same run: the same batches appended straight
into a ParquetStore in this process (the storage floor, no HTTP, no auth, no JSON). Reported
as events/s and as the ratio baseline / sync (how many times slower than bare storage).
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "hub"))

from hubharness import events, running_hub

from workbook.store import Event, MemoryStore, ParquetStore
from workbook.sync.client import BATCH, HttpTarget, sync


def baseline(root: Path, learners: dict[str, list[Event]]) -> float:
    """Events/s appending the same batches straight into a ParquetStore, learners in threads."""
    store = ParquetStore(root)

    def run(learner: str) -> None:
        mine = [
            Event("c", learner, e.exercise_id, e.field, "score", e.value) for e in learners[learner]
        ]
        for start in range(0, len(mine), BATCH):
            store.append(mine[start : start + BATCH])

    started = time.perf_counter()
    with ThreadPoolExecutor(len(learners)) as pool:
        list(pool.map(run, learners))
    return sum(map(len, learners.values())) / (time.perf_counter() - started)


def through_service(
    hub_url: str, tokens: dict[str, str], learners: dict[str, list[Event]], state: Path
) -> float:
    stores = {}
    for learner, evs in learners.items():
        stores[learner] = MemoryStore()
        stores[learner].append(evs)
    targets = {learner: HttpTarget(hub_url, tokens[learner]) for learner in learners}

    def run(learner: str) -> int:
        return sync(stores[learner], state / learner, "local", learner, targets[learner]).sent

    started = time.perf_counter()
    with ThreadPoolExecutor(len(learners)) as pool:
        sent = sum(pool.map(run, learners))
    elapsed = time.perf_counter() - started
    for target in targets.values():
        target.close()
    assert sent == sum(map(len, learners.values())), "not everything was sent"
    return sent / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=5000)
    parser.add_argument("--learners", type=int, default=50)
    parser.add_argument("--per-learner", type=int, default=1000)
    args = parser.parse_args()
    crowd = [f"sim{i:02d}" for i in range(args.learners)]
    cohorts = {"cohort-one": ["solo", "warm"], "cohort-crowd": crowd}
    with tempfile.TemporaryDirectory() as tmp, running_hub(Path(tmp) / "hub", cohorts, {}) as hub:
        base = Path(tmp)
        tokens = {user: hub.token(user) for user in ["solo", *crowd]}
        cases = {
            "1 learner": {"solo": events("solo", args.events)},
            f"{args.learners} learners at once": {u: events(u, args.per_learner) for u in crowd},
        }
        # The service's first push pays its lazy imports and the course's rules (about 0.2 s),
        # once per hub start: timed on its own, not folded into the first case's throughput.
        first = time.perf_counter()
        warm = {"warm": events("warm", 1)}
        through_service(hub.service_url, {"warm": hub.token("warm")}, warm, base / "warm")
        print(f"the service's first push (1 event): {time.perf_counter() - first:.2f} s")
        print(f"{'case':<24}{'events':>8}{'sync ev/s':>12}{'bare ev/s':>12}{'ratio':>8}")
        for n, (name, learners) in enumerate(cases.items()):
            with contextlib.suppress(FileExistsError):
                (base / f"state{n}").mkdir()
            rate = through_service(hub.service_url, tokens, learners, base / f"state{n}")
            bare = baseline(base / f"bare{n}", learners)
            total = sum(map(len, learners.values()))
            print(f"{name:<24}{total:>8}{rate:>12,.0f}{bare:>12,.0f}{bare / rate:>7.1f}x")


if __name__ == "__main__":
    main()

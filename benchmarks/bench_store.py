"""Answer store latency against bare pyarrow, measured in the same run.

    python benchmarks/bench_store.py [--saves 500] [--repeat 30]

Save: one-row appends to a ParquetStore (its background compaction running meanwhile, as a
learner's autosave meets it) versus writing the same one-row table with bare pyarrow (temp file
+ fsync + os.replace + fsync dir), the two interleaved. Restore: latest() of a learner with
10 / 1,000 / 10,000 events saved in small batches (what a notebook's restore reads: checksums
verified, every row checked, current answers found in Arrow), versus pq.read_table on the same
files + concat_tables. Warm page cache. Targets: save p50 <= 1.3x and p99 <= 2x bare; restore
<= 1.5x bare, <= 10 ms at 1,000 and <= 25 ms at 10,000 events.

`--kernel` loads pyarrow as a learner's kernel does (`workbook.store.arrow.lean_arrow`: no NumPy,
malloc instead of jemalloc), for both sides.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

if "--kernel" in sys.argv:  # before pyarrow is imported: see the module's doc
    from workbook.store.arrow import lean_arrow

    lean_arrow()

import pyarrow as pa
import pyarrow.parquet as pq

from workbook.store import COMPACT_AFTER, Event, ParquetStore
from workbook.store.files import SMALL, to_table


def progress(total: int, desc: str) -> Any:
    """A tqdm bar if tqdm is installed, else a stand-in with the same update()/close()."""
    try:
        from tqdm import tqdm
    except ImportError:
        return type("NoBar", (), {"update": lambda self, n=1: None, "close": lambda self: None})()
    return tqdm(total=total, desc=desc, leave=False)


WORDS = [
    "customer",
    "handover",
    "onboarding",
    "account",
    "kickoff",
    "success",
    "value",
    "trust",
    "owner",
    "plan",
]


def random_event(rng: random.Random, learner: str, i: int) -> Event:
    kind = rng.choices(["score", "text", "flag", "date"], [6, 2, 1, 1])[0]
    value: Any = {
        "score": lambda: rng.randint(1, 10),
        "text": lambda: " ".join(rng.choices(WORDS, k=rng.randint(8, 80))),
        "flag": lambda: rng.random() < 0.5,
        "date": lambda: dt.date(2026, 11, 1) + dt.timedelta(days=rng.randint(0, 90)),
    }[kind]()
    return Event("c2026", learner, f"m0{i % 8 + 1}.ex", f"item-{i % 40}", kind, value)  # type: ignore[arg-type]


def bare_save(directory: Path, table: pa.Table, i: int) -> None:
    tmp = directory / f".tmp-{i}"
    with open(tmp, "wb") as f:
        pq.write_table(table, f, **SMALL)  # the store's own write options: same bytes
        f.flush()
        os.fsync(f.fileno())
    os.chmod(tmp, 0o644)
    os.replace(tmp, directory / f"{i}.parquet")
    fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    os.fsync(fd)
    os.close(fd)


def quantile(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, round(q * (len(xs) - 1)))]


def timed(f: Callable[[], object], repeat: int) -> float:
    """Median seconds of `repeat` warm runs."""
    f()
    runs = []
    for _ in range(repeat):
        t = time.perf_counter()
        f()
        runs.append(time.perf_counter() - t)
    return statistics.median(runs)


def fill(store: ParquetStore, learner: str, n: int, rng: random.Random) -> None:
    """Save n events in batches of 1-8, as autosave debouncing produces them."""
    bar, i = progress(n, f"saving {n:,} events"), 0
    while i < n:
        batch = [random_event(rng, learner, j) for j in range(i, min(n, i + rng.randint(1, 8)))]
        store.append(batch)
        bar.update(len(batch))
        i += len(batch)
    bar.close()


def learner_files(root: Path, learner: str) -> list[Path]:
    return sorted((root / "events" / "cohort=c2026" / f"learner={learner}").glob("*.parquet"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--saves", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument(
        "--kernel", action="store_true", help="pyarrow as a learner's kernel has it"
    )
    args = parser.parse_args()
    rng = random.Random(20261125)
    rows: list[tuple[str, str, str, str, str]] = []
    with tempfile.TemporaryDirectory() as tmp:
        root, bare_dir = Path(tmp) / "store", Path(tmp) / "bare"
        bare_dir.mkdir()
        store = ParquetStore(root)
        store.append([random_event(rng, "saver", 0)])  # folders exist, as for a returning learner
        saves, bares = [], []
        bar = progress(args.saves, "save")
        for i in range(args.saves):
            e = Event("c2026", "saver", "m03.skills", f"s{i % 8}", "score", i % 10 + 1)
            t = time.perf_counter()
            store.append([e])
            saves.append(time.perf_counter() - t)
            table = to_table([e])
            t = time.perf_counter()
            bare_save(bare_dir, table, i)
            bares.append(time.perf_counter() - t)
            bar.update()
        bar.close()
        store.wait()
        for name, q in (("p50", 0.5), ("p99", 0.99)):
            s, b = quantile(saves, q), quantile(bares, q)
            target = "<= 1.3x" if q == 0.5 else "<= 2x"
            rows.append(
                (f"save 1 row, {name}", f"{s * 1e3:.2f}", f"{b * 1e3:.2f}", f"{s / b:.2f}x", target)
            )
        s, b = statistics.mean(saves), statistics.mean(bares)
        rows.append(("save 1 row, mean", f"{s * 1e3:.2f}", f"{b * 1e3:.2f}", f"{s / b:.2f}x", ""))

        def restore_row(label: str, learner: str, target: str) -> None:
            paths = learner_files(root, learner)
            s = timed(lambda: store.latest("c2026", learner), args.repeat)
            b = timed(lambda: pa.concat_tables([pq.read_table(p) for p in paths]), args.repeat)
            rows.append(
                (
                    f"{label} ({len(paths)} files)",
                    f"{s * 1e3:.2f}",
                    f"{b * 1e3:.2f}",
                    f"{s / b:.2f}x",
                    target,
                )
            )

        for n, target in ((10, "<= 1.5x"), (1_000, "<= 1.5x, 10 ms"), (10_000, "<= 1.5x, 25 ms")):
            learner = f"l{n}"
            fill(store, learner, n, rng)
            store.wait()
            assert len(store.history("c2026", learner)) == n
            restore_row(f"restore {n:,} events", learner, target)
            if n > COMPACT_AFTER:  # the worst moment: as many small files as compaction allows
                while (
                    sum(not p.name.startswith("compacted-") for p in learner_files(root, learner))
                    < COMPACT_AFTER
                ):
                    store.append([random_event(rng, learner, n)])
                    store.wait()
                restore_row(f"restore {n:,}, worst case", learner, target)
    header = ("measurement", "store ms", "bare ms", "ratio", "target")
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(5)]
    for r in [header, tuple("-" * w for w in widths), *rows]:
        print(
            "  ".join(
                c.ljust(w) if i in (0, 4) else c.rjust(w)
                for i, (c, w) in enumerate(zip(r, widths, strict=True))
            )
        )


if __name__ == "__main__":
    main()

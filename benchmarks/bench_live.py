"""Live progress across notebooks: how soon a save in one kernel reaches another, at what cost.

    python benchmarks/bench_live.py [--saves 20] [--idle 10]

Delay: a writer process (another kernel) saves an answer through its Session once a second; this
process's Session has the store watcher running (default 0.5 s interval), and a listener stamps
when the answer arrives. Measured from the writer's acknowledged save (flush returned) to the
listener, both on the same wall clock. Baseline in the same run: a bare thread doing only
`os.listdir` of the learner folder at the same interval, stamping when a new name appears
(detection with no re-read, no progress computed).

Cost: process CPU over `--idle` seconds with the watcher polling an unchanged store, versus the
bare baseline thread (`Event.wait` at the same interval, doing nothing). Also one fingerprint()
(the per-poll work) against one bare `os.stat` of the folder.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import timeit
from pathlib import Path

from workbook import load_course
from workbook.learner.session import Session
from workbook.learner.watch import WATCH_SECONDS, Watcher
from workbook.store import ParquetStore

WRITER = """
import sys, time
from workbook import load_course
from workbook.learner.session import Session
from workbook.store import ParquetStore
session = Session(load_course(), ParquetStore(sys.argv[1]), "local", "ada", debounce=60)
for i in range(int(sys.argv[2])):
    time.sleep(1.0)
    session.set("m04.gap", "text", f"save {i}")
    session.flush()
    print(f"{i} {time.time()!r}", flush=True)
"""


def delays(root: Path, saves: int) -> tuple[list[float], list[float]]:
    course = load_course()
    reader = Session(course, ParquetStore(root), "local", "ada", debounce=60)
    folder = root / "events" / "cohort=local" / "learner=ada"
    arrived: dict[int, float] = {}
    bare: list[float] = []

    def listener(_: str) -> None:
        text = reader.answers("m04.gap").get("text")
        if isinstance(text, str):
            arrived.setdefault(int(text.split()[-1]), time.time())

    reader.on_change("bench", listener)
    watcher = Watcher(reader, WATCH_SECONDS).start()
    stop = threading.Event()

    def bare_poll() -> None:
        seen: set[str] = set()
        while not stop.wait(WATCH_SECONDS):
            try:
                names = set(os.listdir(folder))
            except FileNotFoundError:
                continue
            if names - seen:
                bare.append(time.time())
            seen = names

    poller = threading.Thread(target=bare_poll, daemon=True)
    poller.start()
    writer = subprocess.run(
        [sys.executable, "-c", WRITER, str(root), str(saves)],
        capture_output=True,
        text=True,
        check=True,
    )
    time.sleep(2 * WATCH_SECONDS)
    watcher.stop()
    stop.set()
    acked = {int(i): float(t) for i, t in (line.split() for line in writer.stdout.splitlines())}
    watched = [arrived[i] - acked[i] for i in sorted(acked)]
    # each bare detection pairs with the latest save before it
    times = sorted(acked.values())
    baseline = [b - max(t for t in times if t <= b) for b in bare if any(t <= b for t in times)]
    return watched, baseline


def idle_cpu(root: Path, seconds: float) -> tuple[float, float]:
    """CPU seconds per wall second: watcher on an unchanged store, bare waiting thread."""
    course = load_course()
    reader = Session(course, ParquetStore(root), "local", "ada", debounce=60)
    reader.refresh()

    def measure(start: object, stop: object) -> float:
        before = time.process_time()
        start()  # type: ignore[operator]
        time.sleep(seconds)
        stop()  # type: ignore[operator]
        return (time.process_time() - before) / seconds

    watcher = Watcher(reader, WATCH_SECONDS)
    watched = measure(watcher.start, watcher.stop)
    event = threading.Event()
    thread = threading.Thread(
        target=lambda: [None for _ in iter(lambda: event.wait(WATCH_SECONDS), True)]
    )
    bare = measure(thread.start, lambda: (event.set(), thread.join()))
    return watched, bare


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--saves", type=int, default=20)
    parser.add_argument("--idle", type=float, default=10.0)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        watched, baseline = delays(root, args.saves)
        store = ParquetStore(root)
        folder = root / "events" / "cohort=local" / "learner=ada"
        files = len(os.listdir(folder))
        n = 2000
        fp = timeit.timeit(lambda: store.fingerprint("local", "ada"), number=n) / n
        st = timeit.timeit(lambda: os.stat(folder), number=n) / n
        cpu, cpu_bare = idle_cpu(root, args.idle)

    def ms(xs: list[float], q: int) -> float:
        """The q-th percentile in ms, within the measured range."""
        cuts = statistics.quantiles(xs, n=100, method="inclusive") if len(xs) > 1 else xs * 99
        return 1000 * cuts[q - 1]

    print(f"save elsewhere → listener here, {len(watched)} saves, poll every {WATCH_SECONDS} s")
    print(
        f"  watcher  p50 {ms(watched, 50):6.0f} ms  p95 {ms(watched, 95):6.0f} ms  "
        f"max {1000 * max(watched):6.0f} ms"
    )
    print(
        f"  bare     p50 {ms(baseline, 50):6.0f} ms  p95 {ms(baseline, 95):6.0f} ms  "
        f"max {1000 * max(baseline):6.0f} ms   (listdir only)"
    )
    print(f"  ratio p50 {statistics.median(watched) / statistics.median(baseline):.2f}x")
    print(
        f"per poll: fingerprint() {fp * 1e6:.1f} µs ({files} files) vs bare os.stat {st * 1e6:.1f} µs"
    )
    print(
        f"idle CPU: watcher {cpu * 100:.3f}% of a core vs bare waiting thread "
        f"{cpu_bare * 100:.3f}% (over {args.idle:.0f} s)"
    )


if __name__ == "__main__":
    main()

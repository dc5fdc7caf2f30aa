"""The facilitator's room on a real JupyterHub, 50 learners × every unit synced, against a bare read.

    python benchmarks/bench_room.py [--learners 50] [--repeat 3]

Starts a hub on 127.0.0.1 from the example config (tests/hub/hubharness.py), syncs
`--learners` learners who answered every exercise (tests/seed.py, three drafts per text) into
one cohort through the service, then times, each `--repeat` times (best and median):

- open: a fresh Python process building the facilitator view (`facilitator_dashboard`: reads
  the cohort from the service, works out the room, lays it out), imports included;
- each `workbook cohort progress|scores|report` command, a fresh process, as a facilitator runs it;
- show: a learner's new answer, from its sync returning to the view's feed holding it and the
  room rebuilt, polling as the view does (every `POLL_SECONDS`);
- CPU: each fresh process's user + system seconds (the service's own work is not in it);
- baseline: a fresh process reading the same cohort store with bare pyarrow
  (`pyarrow.dataset(..., partitioning="hive").to_table()`), and the same read in this process.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "hub"))

from hubharness import running_hub
from seed import seed

from workbook.course.content import load_course
from workbook.hub.dashboard import POLL_SECONDS
from workbook.hub.facilitator import CohortView
from workbook.hub.feed import ServiceFeed
from workbook.hub.room import room
from workbook.store import Event, ParquetStore
from workbook.sync.client import HttpTarget, sync

PY = sys.executable
COHORT = "cohort-bench"
OPEN = """
import time; t = time.perf_counter()
from workbook.hub.dashboard import facilitator_dashboard
view = facilitator_dashboard(poll=3600)
assert "wb-facilitator" in view._dom_classes, view
print(time.perf_counter() - t)
"""
BARE = """
import sys, time; t = time.perf_counter()
import pyarrow.dataset as ds
table = ds.dataset(sys.argv[1], format="parquet", partitioning="hive").to_table()
print(time.perf_counter() - t, table.num_rows)
"""


def timed(argv: list[str], env: dict[str, str], repeat: int) -> tuple[list[float], float]:
    """Wall seconds of each run, and the best run's CPU seconds (user + system): on a machine
    shared with other work the CPU figure moves much less than the wall clock."""
    out, cpu = [], []
    for _ in range(repeat):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        subprocess.run(argv, env=env, check=True, capture_output=True, timeout=300)
        out.append(time.perf_counter() - started)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return out, min(cpu)


def line(name: str, times: tuple[list[float], float] | list[float], bare: float = 0) -> str:
    walls, cpu = times if isinstance(times, tuple) else (times, 0.0)
    best, median = min(walls), statistics.median(walls)
    ratio = f" · {best / bare:.1f}x bare" if bare else ""
    used = f" · CPU {cpu:5.2f} s" if cpu else ""
    return f"{name:<34} best {best:6.2f} s · median {median:6.2f} s{used}{ratio}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--learners", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    learners = [f"bench{i:02d}" for i in range(args.learners)]
    with (
        tempfile.TemporaryDirectory() as tmp,
        running_hub(Path(tmp) / "hub", {COHORT: learners}, {"fac": [COHORT]}) as hub,
    ):
        seeds = Path(tmp) / "seeds"
        for learner in learners:
            seed(seeds, learner=learner, drafts=3, cohort="local")
            target = HttpTarget(hub.service_url, hub.token(learner))
            sync(ParquetStore(seeds), Path(tmp) / "state", "local", learner, target)
            target.close()
        events = hub.data / COHORT / "events"
        count = sum(len(ParquetStore(seeds).history("local", lr)) for lr in learners)
        print(f"{args.learners} learners, every unit answered: {count} events in {events}")

        env = {**os.environ, "WORKBOOK_SYNC_URL": hub.service_url,
               "WORKBOOK_SYNC_TOKEN": hub.token("fac"), "MPLBACKEND": "Agg"}  # fmt: skip
        bare = timed([PY, "-c", BARE, str(events)], env, args.repeat)
        fastest = min(bare[0])
        started = time.perf_counter()
        import pyarrow.dataset as ds

        ds.dataset(events, format="parquet", partitioning="hive").to_table()
        in_process = time.perf_counter() - started
        print(line("bare read, fresh process", bare))
        print(f"{'bare read, in process':<34} {in_process:6.2f} s")
        print(
            line("view opens (fresh process)", timed([PY, "-c", OPEN], env, args.repeat), fastest)
        )
        workbook = str(Path(PY).parent / "workbook")
        report = str(Path(tmp) / "report.html")
        for action, extra in (("progress", []), ("scores", []), ("report", ["--out", report])):
            argv = [workbook, "cohort", action, COHORT, *extra]
            print(line(f"workbook cohort {action}", timed(argv, env, args.repeat), fastest))

        feed = ServiceFeed(HttpTarget(hub.service_url, hub.token("fac")))
        chapter = load_course().chapters[0]
        feed.read(COHORT)
        waits = []
        for n in range(max(args.repeat, 5)):
            answer = Event("local", learners[0], "m04.gap", "text", "text", f"new {n}")
            target = HttpTarget(hub.service_url, hub.token(learners[0]))
            target.push([answer])
            target.close()
            synced = time.perf_counter()
            time.sleep(n * 0.37 % POLL_SECONDS)  # the view's next poll: anywhere in its cycle
            while True:
                snapshot = feed.read(COHORT)
                if any(e.event_id == answer.event_id for e in snapshot.events):
                    room(CohortView(snapshot.events, chapter), COHORT, snapshot.expected)
                    break
                time.sleep(POLL_SECONDS)
            waits.append(time.perf_counter() - synced)
        feed.close()
        print(line(f"new answer shown (poll {POLL_SECONDS:g} s)", waits))


if __name__ == "__main__":
    main()

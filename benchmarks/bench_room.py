"""The facilitator's room on a real JupyterHub, 50 learners × every unit synced, against a bare read.

    nice .venv/bin/python benchmarks/bench_room.py [--learners 50] [--repeat 5]

Starts a hub on 127.0.0.1 from the example config (tests/hub/hubharness.py), syncs
`--learners` learners who answered every exercise (tests/seed.py, three drafts per text) into
one cohort through the service, then times, each `--repeat` times (min / median / max):

- open: a fresh Python process building the facilitator view (`facilitator_dashboard`: reads
  the cohort from the service, works out the room, lays it out), imports included;
- every `workbook cohort …` command that reads a cohort, a fresh process each, as a
  facilitator runs it (list, progress, scores, change, reflections, report HTML and PDF, export);
- show: a learner's new answer, from its sync returning to the view's feed holding it and the
  room rebuilt, polling as the view does (every `POLL_SECONDS`);
- CPU: each fresh process's user + system seconds, median (the service's own work is not in it);
- baseline: a fresh process reading the same cohort store with bare pyarrow
  (`pyarrow.dataset(..., partitioning="hive").to_table()`) run just before each timed run, and
  the same read in this process. "x bare" is the median over the bare read's median, under the
  same load: on a machine shared with other work the ratio moves less than the seconds.
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
from dataclasses import dataclass
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


def _run(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """One fresh process: its wall and CPU (user + system) seconds."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(argv, env=env, check=True, capture_output=True, timeout=300)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime


@dataclass
class Timing:
    walls: list[float]
    cpus: list[float]
    bares: list[float]  # the bare read, run just before each run: the same load on the machine

    def line(self, name: str) -> str:
        median = statistics.median(self.walls)
        spread = f"min {min(self.walls):5.2f} · median {median:5.2f} · max {max(self.walls):5.2f} s"
        cpu = f" · CPU {statistics.median(self.cpus):5.2f} s" if self.cpus else ""
        ratio = f" · {median / statistics.median(self.bares):4.1f}x bare" if self.bares else ""
        return f"{name:<36} {spread}{cpu}{ratio}"


def timed(argv: list[str], env: dict[str, str], repeat: int, bare: list[str]) -> Timing:
    """`repeat` runs of `argv`, each after a bare read: on a machine shared with other work
    the ratio of medians (and the CPU seconds) move much less than the wall clock."""
    out = Timing([], [], [])
    for _ in range(repeat):
        out.bares.append(_run(bare, env)[0])
        wall, cpu = _run(argv, env)
        out.walls.append(wall)
        out.cpus.append(cpu)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--learners", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=5)
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
               "WORKBOOK_SYNC_TOKEN": hub.token("fac"), "MPLBACKEND": "Agg",
               "WORKBOOK_SALT": "bench"}  # fmt: skip  # export: no salt file written
        bare = [PY, "-c", BARE, str(events)]
        started = time.perf_counter()
        import pyarrow.dataset as ds

        ds.dataset(events, format="parquet", partitioning="hive").to_table()
        in_process = time.perf_counter() - started
        print(f"{'bare read, in process':<36} {in_process:5.2f} s")
        opened = timed([PY, "-c", OPEN], env, args.repeat, bare)
        print(Timing(opened.bares, [], []).line("bare read, fresh process"))
        print(opened.line("view opens (fresh process)"))
        workbook = str(Path(PY).parent / "workbook")
        out = Path(tmp)
        commands = [
            ("list", []), ("progress", [COHORT]), ("scores", [COHORT]), ("change", [COHORT]),
            ("reflections", [COHORT]), ("report", [COHORT, "--out", str(out / "r.html")]),
            ("report", [COHORT, "--out", str(out / "r.pdf")]),
            ("export", [COHORT, str(out / "e.csv")]),
        ]  # fmt: skip
        for action, extra in commands:
            name = " ".join(["cohort", action, *extra[1:]]).replace(str(out) + "/", "")
            argv = [workbook, "cohort", action, *extra]
            print(timed(argv, env, args.repeat, bare).line(name))

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
        print(Timing(waits, [], []).line(f"new answer shown (poll {POLL_SECONDS:g} s)"))


if __name__ == "__main__":
    main()

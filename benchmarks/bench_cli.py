"""How soon `workbook` commands answer, against a bare `python -c pass` in the same run.

    python benchmarks/bench_cli.py [--runs 7] [--learners 50]

Each command runs as a learner or facilitator runs it, a fresh process each time (start-up is
what is measured): `workbook --help`; `workbook sync --folder DIR` when the folder already has
every answer (nothing new); `workbook cohort progress` over a cohort of `--learners` learners
(written with `workbook.analytics.write_demo`). Prints min / median / max seconds of `--runs`
runs and the median's ratio to the bare interpreter's. Targets (issue 19): --help ≤ 0.3 s,
sync with nothing new ≤ 0.5 s, cohort progress on 50 learners ≤ 1 s. The machine is shared:
compare ratios within one run, not seconds across runs.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from workbook.analytics import write_demo
from workbook.course.content import load_course
from workbook.learner.session import Session
from workbook.store import ParquetStore

WORKBOOK = str(Path(sys.executable).parent / "workbook")


def timed(args: list[str], env: dict[str, str], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(args, env=env, check=True, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - started)
    return times


def learner_home(home: Path) -> None:
    """A learner's store with a few answers, as a module's widgets save them."""
    course = load_course()
    session = Session(course, ParquetStore(home), "bench", "me")
    texts = [
        e for c in course.chapters for u in c.units for e in u.exercises if e.kind == "free_text"
    ]
    for exercise in texts[:5]:
        session.set(exercise.id, "text", f"My answer to {exercise.id}")
    session.flush()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--learners", type=int, default=50)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        env = os.environ | {"WORKBOOK_HOME": str(root / "home"), "WORKBOOK_COHORT": "bench"}
        learner_home(root / "home")
        folder = root / "bench"
        folder.mkdir()
        sync = [WORKBOOK, "sync", "--folder", str(folder)]
        subprocess.run(sync, env=env, check=True, stdout=subprocess.DEVNULL)  # now nothing new
        write_demo(root / "cohort", cohorts=1, learners=options.learners, progress=False)
        (cohort,) = (p.name.removeprefix("cohort=") for p in (root / "cohort" / "events").iterdir())
        commands = {
            "python -c pass (bare)": [sys.executable, "-c", "pass"],
            "workbook --help": [WORKBOOK, "--help"],
            "workbook sync, nothing new": sync,
            f"workbook cohort progress, {options.learners} learners": [
                WORKBOOK,
                "cohort",
                "progress",
                cohort,
                "--folder",
                str(root / "cohort"),
            ],
        }
        bare = 0.0
        print(
            f"{'command':45} {'min':>7} {'median':>7} {'max':>7} {'× bare':>7}  ({options.runs} runs)"
        )
        for name, args in commands.items():
            times = timed(args, env, options.runs)
            median = statistics.median(times)
            bare = bare or median
            print(
                f"{name:45} {min(times):7.3f} {median:7.3f} {max(times):7.3f} {median / bare:7.1f}"
            )


if __name__ == "__main__":
    main()

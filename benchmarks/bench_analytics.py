"""Cohort analytics at scale against bare DuckDB SQL over the same files, in the same run.

    nice .venv/bin/python benchmarks/bench_analytics.py --events 1000000
    nice .venv/bin/python benchmarks/bench_analytics.py --events 10000000 --repeat 1  # not CI

Demo cohorts (``workbook demo``'s bulk writer) of about `--events` events, kept in `--root` for
the next run. Two questions: the latest answers (the tidy frame of every current answer, text
included: ``wa.answers``) and per-skill aggregates (each learner's current self-scores, matrix
rows averaged per coordination area, then learners, mean, median, std, min, max per cohort ×
exercise × skill × snapshot, groups under 5 left out: ``wa.skill_summary``). Each is timed for
our call on each engine and for the bare DuckDB SQL an analyst would write over the same files
(a pandas DataFrame at the end of both), first over the per-learner layout, then after
``workbook compact`` over the per-cohort one. Every measurement runs in a fresh process: the
time is the best of `--repeat` runs (warm page cache; the course is loaded before the clock
starts), CPU the user + system seconds of that run (every thread; steadier than the time on a
shared machine), memory the peak RSS of the process plus, for Dask, of its LocalCluster's
worker processes (started before the clock). Targets at 10M: within 1.2x of bare SQL, peak
memory under 4 GB. `--json FILE` keeps every figure.

Dask three ways (`--engines`): `dask` on a LocalCluster of two worker processes made in the
process, `dask-threads` on dask's threads (no client: what `--engine dask` does alone), and
`dask-cluster` on a real `dask scheduler` with two `dask worker` processes (one thread each),
started before the clock and reached as `workbook analyze --scheduler` does (its peak memory
adds the scheduler's and the workers').
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

QUESTIONS = ("latest", "skills")


def _bare_source(root: Path, layout: str) -> str:
    if layout == "learner":
        files, types = f"{root}/events/*/*/*.parquet", "{'cohort': VARCHAR, 'learner': VARCHAR}"
    else:
        files, types = f"{root}/cohorts/*/*.parquet", "{'cohort': VARCHAR}"
    return f"read_parquet('{files}', hive_partitioning = true, hive_types = {types})"


def bare(root: Path, layout: str, question: str, skills: Any) -> Any:
    """What an analyst writes in DuckDB for the same question, ending in a pandas DataFrame."""
    import duckdb

    src = _bare_source(root, layout)
    keys = "cohort, learner, exercise_id, snapshot, field"
    with duckdb.connect() as con:
        con.execute("SET enable_progress_bar = false")
        if question == "latest":
            return con.sql(
                f"SELECT {keys}, r.* FROM (SELECT {keys}, arg_max_null(struct_pack(event_id,"
                " value_type, value_text, value_score, value_flag, value_date, saved_at,"
                f" content_version), (saved_at, event_id)) AS r FROM {src} GROUP BY ALL)"
            ).df()
        con.register("skill_map", skills)
        return con.sql(
            f"""WITH latest AS (
                SELECT {keys}, arg_max_null(value_score, (saved_at, event_id)) AS score
                FROM {src} WHERE value_type = 'score' GROUP BY ALL),
            per_learner AS (
                SELECT l.cohort, l.learner, l.exercise_id AS exercise, l.snapshot, m.skill,
                    m.label, avg(l.score) AS score
                FROM latest l JOIN skill_map m ON l.exercise_id = m.exercise AND l.field = m.item
                WHERE l.score IS NOT NULL GROUP BY ALL)
            SELECT cohort, exercise, skill, label, snapshot, count(DISTINCT learner) AS learners,
                avg(score) AS mean, median(score) AS median, stddev_samp(score) AS std,
                min(score) AS min, max(score) AS max
            FROM per_learner GROUP BY ALL HAVING count(DISTINCT learner) >= 5
            ORDER BY cohort, exercise, skill, label, snapshot"""
        ).df()


def ours(root: Path, engine: str, question: str, chapter: Any) -> Any:
    import workbook.analytics as wa

    if question == "latest":
        return wa.answers(root, engine=engine)
    return wa.skill_summary(root, chapter, engine=engine)


def measure(spec: dict[str, Any]) -> dict[str, Any]:
    """Run one measurement here (a fresh process): best time and its CPU, rows, peak RSS."""
    import warnings

    from workbook.analytics import skill_map
    from workbook.course.content import load_course

    warnings.simplefilter("ignore")  # dask's pandas 4 notices are not what is measured
    root = Path(spec["root"])
    chapter = load_course().chapters[0]
    skills = skill_map(chapter)
    engine = spec["engine"]
    with contextlib.ExitStack() as stack:
        client = _dask_client() if engine == "dask" else None
        if engine == "dask-cluster":
            client = _real_cluster(stack)
        result = _timed(spec, root, chapter, skills, client)
        if client is not None:
            result["peak_mb"] += sum(client.run(_peak_mb).values())
            if engine == "dask-cluster":
                result["peak_mb"] += client.run_on_scheduler(_peak_mb)
            client.close()
    return result


def _real_cluster(stack: contextlib.ExitStack) -> Any:
    """`dask scheduler` and two `dask worker` processes (the tests' harness), named in dask's
    config as `--scheduler` names them; a client of our own only to read their memory."""
    import tempfile

    import dask
    from distributed import Client

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
    from servers import dask_cluster

    folder = Path(stack.enter_context(tempfile.TemporaryDirectory()))
    address = stack.enter_context(dask_cluster(folder, workers=2))
    stack.enter_context(dask.config.set({"scheduler-address": address}))
    return Client(address, set_as_default=False)


def _timed(
    spec: dict[str, Any], root: Path, chapter: Any, skills: Any, client: Any
) -> dict[str, Any]:
    engine = "dask" if spec["engine"].startswith("dask") else spec["engine"]
    best, cpu, rows = math.inf, 0.0, 0
    for _ in range(spec["repeat"]):
        used = resource.getrusage(resource.RUSAGE_SELF)
        started = time.perf_counter()
        if engine == "bare":
            frame = bare(root, spec["layout"], spec["question"], skills)
        else:
            frame = ours(root, engine, spec["question"], chapter)
        seconds = time.perf_counter() - started
        now = resource.getrusage(resource.RUSAGE_SELF)
        if seconds < best:
            best = seconds
            cpu = now.ru_utime + now.ru_stime - used.ru_utime - used.ru_stime
            if client is not None:  # the workers' CPU is theirs, not this process's
                cpu = math.nan
        rows = len(frame)
        del frame
    return {"seconds": best, "cpu": cpu, "rows": rows, "peak_mb": _peak_mb()}


def _dask_client() -> Any:
    """A LocalCluster of two single-threaded worker processes: what `past one machine` starts
    as on this one (2 cores)."""
    from distributed import Client, LocalCluster

    cluster = LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None)
    return Client(cluster)


def _peak_mb() -> float:
    """This process's peak RSS (VmHWM: unlike ru_maxrss, not inherited across fork + exec)."""
    with open("/proc/self/status", encoding="ascii") as f:
        line = next(x for x in f if x.startswith("VmHWM:"))
    return int(line.split()[1]) / 1024


def _child(spec: dict[str, Any]) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, __file__, "--measure", json.dumps(spec)],
        check=True,
        capture_output=True,
        text=True,
    )
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def generate(root: Path, events: int) -> None:
    """Demo cohorts of about `events` events (20 saves per text answer on average)."""
    import datetime as dt

    from workbook.analytics.demo import demo_cohort, write_demo
    from workbook.course.content import load_course

    course = load_course()
    edits = 20.0
    sample, _, _ = demo_cohort(
        np.random.default_rng(1), course.chapters[0], dt.datetime(2026, 9, 7, tzinfo=dt.UTC),
        200, edits, course.version,
    )  # fmt: skip
    per_learner = sample.num_rows / 200
    cohorts = max(2, events // 1_000_000)
    learners = math.ceil(events / per_learner / cohorts)
    started = time.perf_counter()
    total = write_demo(root, cohorts=cohorts, learners=learners, edits=edits, progress=True)
    files = sum(1 for _ in (root / "events").glob("*/*/*.parquet"))
    print(
        f"generated {total:,} events of {cohorts * learners:,} learners in {cohorts} cohorts"
        f" ({files:,} files) in {time.perf_counter() - started:.1f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--root", type=Path, help="store folder (default /tmp/wb-bench-<events>)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--engines", default="duckdb,pandas,dask")
    parser.add_argument("--questions", default=",".join(QUESTIONS))
    parser.add_argument("--layouts", default="learner,cohort")
    parser.add_argument(
        "--json", type=Path, help="also append every figure to this JSON-lines file"
    )
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(json.loads(args.measure))))
        return
    root = args.root or Path(f"/tmp/wb-bench-{args.events}")
    if not (root / "events").is_dir():
        generate(root, args.events)
    shutil.rmtree(root / "cohorts", ignore_errors=True)  # start from the per-learner layout
    print(
        f"{'layout':<9} {'question':<8} {'engine':<12} {'seconds':>8} {'x bare':>7}"
        f" {'cpu s':>6} {'peak MB':>8} rows"
    )
    for layout in args.layouts.split(","):
        if layout == "cohort":
            from workbook.analytics import compact

            started = time.perf_counter()
            compact(root)
            print(f"workbook compact: {time.perf_counter() - started:.1f} s")
        for question in args.questions.split(","):
            base: dict[str, Any] | None = None
            for engine in ["bare", *args.engines.split(",")]:
                spec = {"root": str(root), "layout": layout, "question": question,
                        "engine": engine, "repeat": args.repeat}  # fmt: skip
                got = _child(spec)
                base = base or got
                ratio = got["seconds"] / base["seconds"]
                print(
                    f"{layout:<9} {question:<8} {engine:<12} {got['seconds']:>8.2f} {ratio:>7.2f}"
                    f" {got['cpu']:>6.2f} {got['peak_mb']:>8.0f} {got['rows']}",
                    flush=True,
                )
                if args.json:
                    with args.json.open("a", encoding="utf-8") as f:
                        record = {**spec, **got, "events": args.events, "ratio": ratio}
                        f.write(json.dumps(record) + "\n")


if __name__ == "__main__":
    main()

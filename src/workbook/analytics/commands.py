"""`workbook analyze`, `workbook compact`, `workbook demo`: the analytics commands of the CLI."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

__all__ = ["add_commands"]


def _analyze(args: argparse.Namespace) -> int:
    import pandas as pd

    from .export import write_frame
    from .load import score_summary

    try:
        summary = score_summary(args.stores, engine=args.engine, min_group=args.min_group)
        if args.statements:
            _write_statements(args)
    except ValueError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    if args.out:
        try:
            path = write_frame(summary, args.out)
        except ValueError as err:
            print(f"error: {err}", file=sys.stderr)
            return 2
        print(f"wrote {len(summary)} rows to {path}")
        return 0
    if summary.empty:
        print(f"no group has {args.min_group} or more learners with scores")
        return 0
    with pd.option_context("display.max_rows", None, "display.width", 200):
        print(summary.to_string(index=False, float_format=lambda x: f"{x:.2f}"))
    return 0


def _write_statements(args: argparse.Namespace) -> None:
    from ..content import load_course
    from .load import answers
    from .xapi import statements, write_statements

    frame = answers(args.stores, engine=args.engine, salt=args.salt)
    chapter = load_course().chapters[0]
    count = write_statements(statements(frame, chapter), args.statements)
    print(f"wrote {count:,} xAPI statements to {args.statements}")


def _compact(args: argparse.Namespace) -> int:
    from .compact import compact

    started = time.perf_counter()
    for done in compact(args.store):
        print(
            f"{done.cohort}: {done.events:,} events of {done.learners:,} learners"
            f" in {done.parts} part(s)"
        )
    print(f"compacted {args.store} in {time.perf_counter() - started:.1f} s")
    return 0


def _demo(args: argparse.Namespace) -> int:
    from .demo import write_demo

    started = time.perf_counter()
    events = write_demo(
        args.out,
        cohorts=args.cohorts,
        learners=args.learners,
        edits=args.edits,
        seed=args.seed,
        progress=not args.quiet,
    )
    elapsed = time.perf_counter() - started
    learners = args.cohorts * args.learners
    print(f"wrote {events:,} events of {learners:,} learners to {args.out} in {elapsed:.1f} s")
    return 0


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, got {text}")
    return value


def add_commands(sub: Any) -> None:
    """Register the analytics commands on the CLI's subparsers (importing nothing heavy)."""
    analyze = sub.add_parser(
        "analyze",
        help="score summary of stores: learners, mean, median per cohort × exercise × item × snapshot",
    )
    analyze.add_argument("stores", nargs="+", help="store folders, globs or URLs")
    analyze.add_argument(
        "--engine", default="pandas", help="pandas (default), duckdb or dask: same answers"
    )
    analyze.add_argument("--out", type=Path, help="write FILE.csv or FILE.parquet instead")
    analyze.add_argument(
        "--min-group", type=_positive, default=5, help="leave out groups of fewer learners (5)"
    )
    analyze.add_argument("--statements", type=Path, help="also write xAPI statements to FILE.jsonl")
    analyze.add_argument("--salt", help="pseudonymise learners in statements with this secret")
    analyze.set_defaults(run=_analyze)
    compact = sub.add_parser(
        "compact", help="add the per-cohort layout analysts read fast (learner files stay)"
    )
    compact.add_argument("store", type=Path, help="the cohort store folder (holding events/)")
    compact.set_defaults(run=_compact)
    demo = sub.add_parser("demo", help="write synthetic cohorts into a store, to try analytics")
    demo.add_argument("--cohorts", type=_positive, default=3)
    demo.add_argument("--learners", type=_positive, default=40, help="learners per cohort")
    demo.add_argument("--out", type=Path, default=Path("demo-store"), help="store folder")
    demo.add_argument("--edits", type=float, default=8.0, help="mean saves per text answer")
    demo.add_argument("--seed", type=int, default=0)
    demo.add_argument("--quiet", action="store_true", help="no progress bar")
    demo.set_defaults(run=_demo)

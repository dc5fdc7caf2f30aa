"""`workbook analyze`, `compact`, `demo`, `xapi push`: the analytics commands of the CLI.

Nothing heavy is imported until a command runs: `workbook --help` stays fast.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import time
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

__all__ = ["add_commands"]

# 2: the command could not run (usage, no store); 1: files were skipped and not accepted.
PARTIAL = 1


class _Skipped:
    """Files a question skipped, gathered from its AnalyticsWarnings (each file once)."""

    def __init__(self) -> None:
        self.files: dict[tuple[str, ...], tuple[int, int]] = {}  # files → (events, uncounted)

    @property
    def count(self) -> int:
        return len({f for files in self.files for f in files})

    def line(self) -> str:
        events = sum(e for e, _ in self.files.values())
        damaged = sum(u for _, u in self.files.values())
        more = f", and {damaged} file(s) too damaged to count" if damaged else ""
        return f"skipped {self.count} file(s) holding {events:,} event(s){more}"


@contextlib.contextmanager
def _skipped_files() -> Iterator[_Skipped]:
    """Collect AnalyticsWarnings for a summary; any other warning is shown as usual."""
    from .sources import AnalyticsWarning

    found = _Skipped()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield found
    for w in caught:
        if isinstance(w.message, AnalyticsWarning):
            print(f"warning: {w.message}", file=sys.stderr)
            found.files[w.message.files] = (w.message.events, w.message.uncounted)
        else:
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)


def _refused(skipped: _Skipped, allow: bool) -> bool:
    """Say what was skipped; True if that makes the answer one the analyst did not accept."""
    if not skipped.count:
        return False
    if allow:
        print(f"{skipped.line()} (--allow-skipped): the figures leave them out", file=sys.stderr)
        return False
    print(
        f"error: {skipped.line()}, so the figures would be wrong; nothing was written. Move"
        " the files away (`workbook store doctor` quarantines damaged ones) or pass"
        " --allow-skipped to accept figures without them",
        file=sys.stderr,
    )
    return True


def _salt(args: argparse.Namespace) -> str | None:
    if args.raw_ids:
        return None
    from .privacy import installation_salt

    return installation_salt(args.salt_file)


def _analyze(args: argparse.Namespace) -> int:
    from ..content import load_course
    from .aggregates import labelled
    from .export import check_output, write_frame
    from .load import answers, score_summary
    from .xapi import statements, write_statements

    out = check_output(args.out) if args.out else None  # before the work, not after
    jsonl = check_output(args.statements, (".jsonl",)) if args.statements else None
    salt = _salt(args) if jsonl else None
    try:
        with _skipped_files() as skipped, _scheduler(args):
            summary = score_summary(args.stores, engine=args.engine, min_group=args.min_group)
            frame = (
                answers(args.stores, engine=args.engine, salt=salt, event_ids=True)
                if jsonl
                else None
            )
    except ValueError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    if _refused(skipped, args.allow_skipped):
        return PARTIAL
    chapter = load_course().chapters[0]
    summary = labelled(summary, chapter)
    if frame is not None and jsonl is not None:
        made = statements(frame, chapter, home_page=args.home_page, base=args.activity_base)
        count = write_statements(made, jsonl, progress=sys.stderr.isatty())
        print(f"wrote {count:,} xAPI statements to {jsonl}")
    if out is not None:
        print(f"wrote {len(summary)} rows to {write_frame(summary, out)}")
        return 0
    if summary.empty:
        print(f"no group has {args.min_group} or more learners with scores")
        return 0
    import pandas as pd

    with pd.option_context("display.max_rows", None, "display.width", 250):
        _print(summary.to_string(index=False, float_format=lambda x: f"{x:.2f}"))
    return 0


@contextlib.contextmanager
def _scheduler(args: argparse.Namespace) -> Iterator[None]:
    """--scheduler for the dask engine: its tasks run on that cluster's workers."""
    if not args.scheduler:
        yield
        return
    import dask

    with dask.config.set({"scheduler-address": args.scheduler}):
        yield


def _print(text: str) -> None:
    """Print `text`; a reader that stops early (`| head`) ends the command quietly."""
    try:
        print(text, flush=True)
    except BrokenPipeError:
        # Python flushes stdout again on exit: point it at nothing so that is quiet too.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


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


def _add_privacy(cmd: Any) -> None:
    cmd.add_argument(
        "--raw-ids", action="store_true", help="real learner ids instead of pseudonyms"
    )
    cmd.add_argument(
        "--salt-file",
        type=Path,
        help="the pseudonym salt (default: WORKBOOK_SALT, else this installation's salt file)",
    )


def _add_xapi_ids(cmd: Any) -> None:
    from .xapi import BASE, HOME_PAGE

    cmd.add_argument(
        "--home-page", default=HOME_PAGE, help="the actors' account home page (your hub's URL)"
    )
    cmd.add_argument(
        "--activity-base", default=BASE, help="the IRI activities are named under (the course)"
    )


def add_commands(sub: Any) -> None:
    """Register the analytics commands on the CLI's subparsers (importing nothing heavy)."""
    analyze = sub.add_parser(
        "analyze",
        help="score summary of stores: learners, mean, median per cohort × exercise × item × snapshot",
    )
    analyze.add_argument("stores", nargs="+", help="store folders, globs or URLs (s3://…)")
    analyze.add_argument(
        "--engine", default="pandas", help="pandas (default), duckdb or dask: same answers"
    )
    analyze.add_argument(
        "--scheduler",
        default=None,
        help="dask engine: the scheduler's address, e.g. tcp://HOST:8786"
        " (default: DASK_SCHEDULER_ADDRESS; else this machine's threads)",
    )
    analyze.add_argument("--out", type=Path, help="write FILE.csv or FILE.parquet instead")
    analyze.add_argument(
        "--min-group", type=_positive, default=5, help="leave out groups of fewer learners (5)"
    )
    analyze.add_argument("--statements", type=Path, help="also write xAPI statements to FILE.jsonl")
    analyze.add_argument(
        "--allow-skipped",
        action="store_true",
        help="accept figures without files that cannot be read (else exit 1, nothing written)",
    )
    _add_privacy(analyze)
    _add_xapi_ids(analyze)
    analyze.set_defaults(run=_analyze)
    compact = sub.add_parser(
        "compact", help="add the per-cohort layout analysts read fast (learner files stay)"
    )
    compact.add_argument("store", help="the cohort store folder (holding events/) or its URL")
    compact.set_defaults(run=_compact)
    demo = sub.add_parser("demo", help="write synthetic cohorts into a store, to try analytics")
    demo.add_argument("--cohorts", type=_positive, default=3)
    demo.add_argument("--learners", type=_positive, default=40, help="learners per cohort")
    demo.add_argument("--out", type=Path, default=Path("demo-store"), help="store folder")
    demo.add_argument("--edits", type=float, default=8.0, help="mean saves per text answer")
    demo.add_argument("--seed", type=int, default=0)
    demo.add_argument("--quiet", action="store_true", help="no progress bar")
    demo.set_defaults(run=_demo)

"""`workbook analyze`, `xapi push`, `compact`, `demo`: the analytics commands of the CLI.

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

from ..errors import WorkbookError

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
        more = f", {damaged} file(s) too damaged to count theirs" if damaged else ""
        return f"skipped {self.count} file(s): {events:,} event(s) counted{more}"


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
        " the files away (`workbook doctor STORE --repair` sets damaged ones aside) or pass"
        " --allow-skipped to accept figures without them",
        file=sys.stderr,
    )
    return True


def _salt(args: argparse.Namespace) -> str | None:
    if args.raw_ids:
        return None
    from .privacy import installation_salt

    return installation_salt(args.salt_file)


def _read(args: argparse.Namespace, *, summary: bool, answers: bool) -> tuple[Any, Any] | None:
    """The score summary and/or the answers (pseudonymised unless --raw-ids, with event ids)
    that the command needs; None if files were skipped and the analyst did not accept that."""
    from . import load

    salt = _salt(args) if answers else None
    with _skipped_files() as skipped, _scheduler(args), _usage_errors():
        figures = (
            load.score_summary(args.stores, engine=args.engine, min_group=args.min_group)
            if summary
            else None
        )
        frame = (
            load.answers(args.stores, engine=args.engine, salt=salt, event_ids=True)
            if answers
            else None
        )
    return None if _refused(skipped, args.allow_skipped) else (figures, frame)


def _analyze(args: argparse.Namespace) -> int:
    from ..course.content import load_course
    from .aggregates import labelled
    from .export import check_output, write_frame
    from .xapi import write_statements

    out = check_output(args.out) if args.out else None  # before the work, not after
    jsonl = check_output(args.statements, (".jsonl",)) if args.statements else None
    read = _read(args, summary=True, answers=jsonl is not None)
    if read is None:
        return PARTIAL
    chapter = load_course().chapters[0]
    summary, frame = labelled(read[0], chapter), read[1]
    if frame is not None and jsonl is not None:
        count = write_statements(_statements(args, frame), jsonl, progress=sys.stderr.isatty())
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


def _push(args: argparse.Namespace) -> int:
    from .lrs import credentials, push

    auth = credentials(args.lrs_auth_file)  # before the work
    read = _read(args, summary=False, answers=True)
    if read is None:
        return PARTIAL
    made = _statements(args, read[1])
    started = time.perf_counter()
    done = push(made, args.lrs, auth, batch_size=args.batch_size, progress=sys.stderr.isatty())
    rate = done.sent / max(time.perf_counter() - started, 1e-9)
    print(
        f"sent {done.sent:,} statements to {args.lrs} ({rate:,.0f}/s): {done.stored:,} stored,"
        f" {done.already:,} already there, {len(done.rejected):,} rejected"
    )
    for statement_id, why in done.rejected[:10]:
        print(f"rejected {statement_id}: {why}", file=sys.stderr)
    return PARTIAL if done.rejected else 0


class _QuestionError(WorkbookError, ValueError):
    """A question the library cannot ask (an unknown engine, a bad option): exit 2, no trace."""


@contextlib.contextmanager
def _usage_errors() -> Iterator[None]:
    try:
        yield
    except WorkbookError:
        raise
    except ValueError as err:
        raise _QuestionError(str(err)) from None


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
    cmd.add_argument(
        "--home-page",
        help="the actors' account home page: your hub's URL (default https://workbook.invalid/hub)",
    )
    cmd.add_argument(
        "--activity-base",
        help="the IRI activities are named under (default https://workbook.invalid/course)",
    )


def _statements(args: argparse.Namespace, frame: Any) -> Iterator[dict[str, Any]]:
    from ..course.content import load_course
    from .xapi import BASE, HOME_PAGE, statements

    chapter = load_course().chapters[0]
    home_page, base = args.home_page or HOME_PAGE, args.activity_base or BASE
    return statements(frame, chapter, home_page=home_page, base=base)


def _add_reading(cmd: Any) -> None:
    """What every command that reads stores takes: where, on which engine, how strictly."""
    cmd.add_argument("stores", nargs="+", help="store folders, globs or URLs (s3://…)")
    cmd.add_argument(
        "--engine", default="pandas", help="pandas (default), duckdb or dask: same answers"
    )
    cmd.add_argument(
        "--scheduler",
        default=None,
        help="dask engine: the scheduler's address, e.g. tcp://HOST:8786"
        " (default: DASK_SCHEDULER_ADDRESS; else this machine's threads)",
    )
    cmd.add_argument(
        "--allow-skipped",
        action="store_true",
        help="accept answers without files that cannot be read (else exit 1, nothing written)",
    )


def add_commands(sub: Any) -> None:
    """Register the analytics commands on the CLI's subparsers (importing nothing heavy)."""
    analyze = sub.add_parser(
        "analyze",
        help="score summary of stores: learners, mean, median per cohort × exercise × item × snapshot",
    )
    _add_reading(analyze)
    analyze.add_argument("--out", type=Path, help="write FILE.csv or FILE.parquet instead")
    analyze.add_argument(
        "--min-group", type=_positive, default=5, help="leave out groups of fewer learners (5)"
    )
    analyze.add_argument("--statements", type=Path, help="also write xAPI statements to FILE.jsonl")
    _add_privacy(analyze)
    _add_xapi_ids(analyze)
    analyze.set_defaults(run=_analyze)
    xapi = sub.add_parser("xapi", help="xAPI statements of stores, sent to a Learning Record Store")
    pushing = xapi.add_subparsers(dest="xapi_action", required=True).add_parser(
        "push",
        help="send the stores' statements to an LRS in batches (again after a failure: nothing"
        " is stored twice)",
        description="Credentials come from WORKBOOK_LRS_USER and WORKBOOK_LRS_PASSWORD or"
        " --lrs-auth-file, never from the command line.",
    )
    _add_reading(pushing)
    pushing.add_argument(
        "--lrs", required=True, help="the LRS's xAPI endpoint, e.g. https://lrs.example/xAPI/"
    )
    pushing.add_argument(
        "--lrs-auth-file", type=Path, help="a file (chmod 600) holding one line USER:PASSWORD"
    )
    pushing.add_argument(
        "--batch-size", type=_positive, default=1000, help="statements per request (1000)"
    )
    _add_privacy(pushing)
    _add_xapi_ids(pushing)
    pushing.set_defaults(run=_push, min_group=1)
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

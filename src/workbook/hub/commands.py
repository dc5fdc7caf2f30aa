"""`workbook cohort …`: the facilitator's view of a cohort from a terminal, and its report."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..errors import ExportError

__all__ = ["add_commands"]


def _cohort(args: argparse.Namespace) -> int:
    from ..inert import frame_for_terminal
    from ..sync.folder import make_cohort_folder
    from .facilitator import CohortView, readable_cohorts

    if args.action == "list":
        found = readable_cohorts(args.url, args.token, args.folder)
        print("\n".join(found) or "no cohorts you can read")
        return 0
    if args.action == "folder":
        path = make_cohort_folder(Path(args.cohort), args.group)
        print(f"made {path}: mode 3773, root:{args.group}; learners sync with --folder {path}")
        return 0
    if args.action == "report":
        return _report(args)
    salt = None
    if args.action == "export":
        from ..analytics.export import check_output
        from ..analytics.privacy import installation_salt

        if args.out is None:
            raise ExportError("name the file: workbook cohort export COHORT OUT.csv")
        check_output(args.out)  # before reading the cohort
        salt = None if args.raw_ids else installation_salt(args.salt_file)
    view = CohortView.of(
        args.cohort, min_group=args.min_group, url=args.url, token=args.token, folder=args.folder
    )
    if args.action == "export":
        print(f"wrote {view.export(args.out, salt=salt)}")
        return 0
    frame = {
        "progress": view.progress,
        "scores": view.scores,
        "change": view.change,
        "reflections": view.reflections,
    }[args.action]()
    if frame.empty:
        print(f"nothing to show yet (groups under {args.min_group} learners are not shown)")
    else:
        print(frame_for_terminal(frame).to_string())  # learner text: no control characters
    return 0


def _report(args: argparse.Namespace) -> int:
    from ..course.content import load_course
    from .facilitator import CohortView, connect
    from .feed import Feed, FolderFeed, ServiceFeed
    from .layout import write_report
    from .room import room

    out = args.report_out or args.out
    if out is None:
        raise ExportError("name the report: workbook cohort report COHORT --out report.pdf")
    feed: Feed = (
        FolderFeed(args.folder) if args.folder else ServiceFeed(connect(args.url, args.token))
    )
    try:
        snapshot = feed.read(args.cohort)
    finally:
        feed.close()
    course = load_course()
    view = CohortView(snapshot.events, course.chapters[0], args.min_group)
    done = write_report(room(view, args.cohort, snapshot.expected), course.title, out)
    print(f"wrote {done}")
    return 0


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    cohort = sub.add_parser("cohort", help="a facilitator's view of a cohort")
    cohort.add_argument(
        "action",
        choices=[
            "list",
            "progress",
            "scores",
            "change",
            "reflections",
            "report",
            "export",
            "folder",
        ],
        help="list: the cohorts you can read; progress: learner × unit; scores: per skill and"
        " area; change: first day → last day; reflections: what learners shared; report --out"
        " FILE.pdf|.html: progress, change and reflections on a few pages; export OUT;"
        " folder DIR --group G: make a drop-box cohort folder (as root)",
    )
    cohort.add_argument("cohort", nargs="?", default="", help="the cohort (a hub group name)")
    cohort.add_argument("out", nargs="?", type=Path, help="export: a .csv or .parquet file")
    cohort.add_argument(
        "--out", dest="report_out", type=Path, help="report: the .pdf or .html file to write"
    )
    cohort.add_argument("--url", help="the cohort service, e.g. https://HUB/services/workbook/")
    cohort.add_argument("--token", help="your hub token (or set WORKBOOK_SYNC_TOKEN)")
    cohort.add_argument("--folder", type=Path, help="read a cohort folder or store instead")
    cohort.add_argument("--group", default="", help="folder: the facilitators' Unix group")
    cohort.add_argument(
        "--min-group", type=int, default=5, help="smallest group whose scores are shown (5)"
    )
    cohort.add_argument(
        "--raw-ids", action="store_true", help="export: real learner ids instead of pseudonyms"
    )
    cohort.add_argument(
        "--salt-file", type=Path, help="export: the pseudonym salt (default: this installation's)"
    )
    cohort.set_defaults(run=_cohort)

"""`workbook cohort …`: the facilitator's view of a cohort from a terminal, and its report."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import ExportError

if TYPE_CHECKING:
    from .room import Room

__all__ = ["add_commands"]


def _cohort(args: argparse.Namespace) -> int:
    if args.action == "list":
        from .facilitator import readable_cohorts

        found = readable_cohorts(args.url, args.token, args.folder)
        print("\n".join(found) or "no cohorts you can read")
        return 0
    if args.action == "folder":
        from ..sync.folder import drop_superseded, make_cohort_folder

        path = make_cohort_folder(Path(args.cohort), args.group)
        print(f"made {path}: mode 3773, root:{args.group}; learners sync with --folder {path}")
        if removed := drop_superseded(path):
            print(f"removed {len(removed)} older file(s) of learners (each one's newest is kept)")
        return 0
    if args.action in ("progress", "reflections", "report"):
        return _from_room(args)
    if args.action in ("scores", "change"):
        return _figures(args)
    from ..analytics.export import check_output
    from ..analytics.privacy import installation_salt
    from .facilitator import CohortView

    if args.out is None:
        raise ExportError("name the file: workbook cohort export COHORT OUT.csv")
    check_output(args.out)  # before reading the cohort
    salt = None if args.raw_ids else installation_salt(args.salt_file)
    view = CohortView.of(
        args.cohort, min_group=args.min_group, url=args.url, token=args.token, folder=args.folder
    )
    print(f"wrote {view.export(args.out, salt=salt)}")
    return 0


def _figures(args: argparse.Namespace) -> int:
    """scores and change: the analysts' figures (hub.figures), with no pandas to import."""
    from ..course.content import load_course
    from .facilitator import load_cohort
    from .figures import as_text, change_figures, score_figures

    events = load_cohort(args.cohort, url=args.url, token=args.token, folder=args.folder)
    chapter = load_course().chapters[0]
    figures = score_figures if args.action == "scores" else change_figures
    table = figures(events, chapter, args.min_group)
    if not table.rows:
        print(f"nothing to show yet (groups under {args.min_group} learners are not shown)")
    else:
        print(as_text(table))
    return 0


def _from_room(args: argparse.Namespace) -> int:
    """progress, reflections and the report: what the view shows, with no pandas to import."""
    from ..course.content import load_course
    from .facilitator import CohortView, connect
    from .feed import Feed, FolderFeed, ServiceFeed
    from .room import room

    out = args.report_out or args.out
    if args.action == "report" and out is None:
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
    here = room(view, args.cohort, snapshot.expected)
    if args.action == "report":
        from .layout import write_report

        print(f"wrote {write_report(here, course.title, out)}")
    elif args.action == "progress":
        header = ["learner", *(u.label for u in here.units)]
        rows = [[lr.name, *lr.states] for lr in here.learners]
        print(_table(header, rows) if rows else "nobody in this cohort has synced yet")
    else:
        print(_reflections(here) or "nothing shared yet")
    return 0


def _table(header: list[str], rows: list[list[str]]) -> str:
    from ..inert import for_terminal

    cells = [header, *([str(for_terminal(c)) for c in row] for row in rows)]
    widths = [max(len(row[n]) for row in cells) for n in range(len(header))]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()
                     for row in cells)  # fmt: skip


def _reflections(here: Room) -> str:
    """Shared text by prompt, newest first; learner text without control characters."""
    from ..inert import for_terminal

    out = []
    for p in here.reflections:
        out.append(f"{p.title} · {p.unit}\n  {p.prompt}")
        for e in p.entries:
            where = f" · {e.field}" if e.field else ""
            when = e.saved_at.astimezone().strftime("%Y-%m-%d %H:%M")
            text = str(for_terminal(e.text)).replace("\n", "\n    ")
            out.append(f"  {e.learner}{where} · {when}\n    {text}")
    return "\n".join(out)


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

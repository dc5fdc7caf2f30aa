"""`workbook export`: the learner's workbook (or Handover Standard) as HTML, Markdown, PDF or .ics."""

from __future__ import annotations

import argparse
from pathlib import Path

from .names import EXPORT_FORMATS

__all__ = ["add_commands"]


def _export(args: argparse.Namespace) -> int:
    from .formats import export_current  # jinja2 and pandas: only for this command

    done = export_current(
        args.format, out=args.out, handover_standard=args.handover_standard, content=args.content
    )
    print(f"wrote {done.path} ({done.size / 1024:.0f} KB)")
    return 0


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    export = sub.add_parser(
        "export",
        help="write your workbook (or your Handover Standard) as HTML, Markdown, PDF or .ics",
        description="Export the answers of this environment's learner (WORKBOOK_HOME, "
        "WORKBOOK_COHORT, WORKBOOK_LEARNER or the hub user).",
    )
    export.add_argument("--format", choices=EXPORT_FORMATS, default="html", help="default: html")
    export.add_argument(
        "--out", type=Path, default=None, help="file or folder (default: workbook-LEARNER.EXT here)"
    )
    export.add_argument(
        "--handover-standard",
        action="store_true",
        help="only the Handover Standard, as a one-page printable document",
    )
    export.add_argument("--content", type=Path, default=None, help="content folder")
    export.set_defaults(run=_export)

"""The `workbook` command: a thin layer over the library that prints and sets the exit code.

Each layer's `commands` module (COMMANDS) registers its commands' parsers (`add_commands(subparsers)`) and
imports what a command needs only when that command runs, so `workbook --help` or `workbook
sync` never pays for pandas, matplotlib or nbformat. A new command goes into one of these
modules, or into a new module listed here.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from .errors import WorkbookError

__all__ = ["main"]

COMMANDS = (
    "workbook.course.commands",
    "workbook.lab.commands",
    "workbook.export.commands",
    "workbook.sync.commands",
    "workbook.hub.commands",
    "workbook.analytics.commands",
    "workbook.store.commands",
)
# Commands that pass what they do not know to the Jupyter server (--port=8123, --no-browser…).
FORWARDING = ("lab", "app")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="workbook", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    for name in COMMANDS:
        importlib.import_module(name).add_commands(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args, rest = parser.parse_known_args(argv)
    if rest and args.command not in FORWARDING:
        parser.error(f"unrecognized arguments: {' '.join(rest)}")
    args.jupyter_args = rest
    try:
        return int(args.run(args))
    except WorkbookError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())

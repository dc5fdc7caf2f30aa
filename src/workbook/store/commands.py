"""The `workbook doctor` command: check a whole store, and repair it when asked."""

from __future__ import annotations

import argparse
import shlex
from pathlib import Path

__all__ = ["add_commands"]


def _doctor(args: argparse.Namespace) -> int:
    from .doctor import doctor
    from .folders import default_root

    root = args.store or args.root or default_root()
    checkup = doctor(root, repair=args.repair)
    for p in checkup.problems:
        print(f"{p.path}: {p.problem}" + (f"\n    repaired: {p.repaired}" if p.repaired else ""))
    left = len(checkup.unresolved)
    summary = (
        f"{root}: {checkup.learners} learner folder(s), {checkup.files} file(s),"
        f" {checkup.rows} row(s) checked"
    )
    if not checkup.problems:
        print(f"ok: {summary}, no problems")
    elif left:
        hint = (
            ""
            if args.repair
            else f"; `workbook doctor {shlex.quote(str(root))} --repair` fixes what can be fixed"
        )
        print(f"{summary}: {left} problem(s) left{hint}")
    else:
        print(f"ok: {summary}, {len(checkup.problems)} problem(s) repaired")
    return 1 if left else 0


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    cmd = sub.add_parser("doctor", help="check every file and row of the answer store")
    cmd.add_argument(
        "store", nargs="?", type=Path, help="the store (default: WORKBOOK_HOME, else per user)"
    )
    # The old spelling: `STORE` is the argument everywhere a store is the command's object.
    cmd.add_argument("--root", type=Path, help=argparse.SUPPRESS)
    cmd.add_argument(
        "--repair",
        action="store_true",
        help="set bad files aside (good rows kept) and merge a killed compaction's leftovers",
    )
    cmd.set_defaults(run=_doctor)

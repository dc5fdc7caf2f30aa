"""`workbook validate` and `workbook build`: check content/, and make the notebooks from it.

`load_course` pulls in PyYAML and `build` nbformat: imported when the command runs.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from ..paths import notebooks_for

__all__ = ["add_commands"]


def _validate(args: argparse.Namespace) -> int:
    from .content import load_course

    course = load_course(args.content)
    chapters = course.chapters
    modules = sum(len(c.modules) for c in chapters)
    homework = sum(len(c.homework) for c in chapters)
    exercises = sum(len(u.exercises) for c in chapters for u in c.units)
    several = f"{len(chapters)} chapters, " if len(chapters) > 1 else ""
    print(
        f"ok: {course.title} {course.version}: {several}{modules} modules, "
        f"{homework} homework, {exercises} exercises"
    )
    return 0


def _build(args: argparse.Namespace) -> int:
    from .content import load_course
    from .generate import build, render, stale  # nbformat takes a second to import

    started = time.perf_counter()
    course = load_course(args.content)
    out = notebooks_for(args.out, args.content)
    if args.check:
        changed = stale(render(course), out)
        if changed:
            print(f"stale in {out}: {', '.join(changed)}", file=sys.stderr)
            print("run `workbook build` and commit the notebooks", file=sys.stderr)
            return 1
        print(f"ok: {out} matches content")
        return 0
    changed = build(course, out)
    elapsed = time.perf_counter() - started
    print(
        f"wrote {len(changed)} notebook(s) to {out} in {elapsed:.2f} s"
        + (f": {', '.join(changed)}" if changed else "")
    )
    return 0


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    validate = sub.add_parser("validate", help="check content/ and say what is wrong, where")
    validate.add_argument("content", nargs="?", type=Path, default=None, help="content folder")
    validate.set_defaults(run=_validate)
    build = sub.add_parser("build", help="generate notebooks/ from content/")
    build.add_argument("--content", type=Path, default=None, help="content folder")
    build.add_argument("--out", type=Path, default=None, help="notebooks folder")
    build.add_argument("--check", action="store_true", help="fail if notebooks are stale")
    build.set_defaults(run=_build)

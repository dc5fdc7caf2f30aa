"""`workbook validate`, `build`, `lab`, `app` and `export`: the course's own commands.

Registered by cli.py; what a command needs is imported when it runs (`load_course` pulls in
PyYAML, `build` nbformat, `export` jinja2, pandas and WeasyPrint).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from .jupyter import app_command, install_lab_settings, lab_command, learner_environment
from .paths import notebooks_root

__all__ = ["add_commands"]

# The names of workbook.export.FORMATS, kept here so `--help` does not import the exporters.
EXPORT_FORMATS = ("html", "md", "pdf", "ics")


def _notebooks(args: argparse.Namespace) -> Path:
    """--out, else the notebooks folder beside --content, else beside the default content."""
    if args.out is not None:
        return Path(args.out)
    return args.content.parent / "notebooks" if args.content else notebooks_root()


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
    out = _notebooks(args)
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


def _for_a_learner(args: argparse.Namespace) -> bool:
    """No --out or --content: the learner's own folder and Lab, not an author's."""
    return args.out is None and not args.content


def _served(args: argparse.Namespace) -> Path:
    """The notebooks `lab` and `app` serve: the learner's own folder, else --out/--content's.

    The learner's folder (`WORKBOOK_HOME/notebooks`) holds the course notebooks only, never the
    facilitator's or analyst's, and not inside site-packages or a checkout: a learner's files
    are theirs. Each start adds what is missing and updates what they did not edit.
    """
    if not _for_a_learner(args):
        return _notebooks(args)  # an author's or facilitator's folder, served as it is
    from .install import install
    from .store import default_root

    out = default_root() / "notebooks"
    installed = install(out)
    if installed.added or installed.updated:
        print(f"course notebooks in {out}: {installed.summary}", file=sys.stderr)
    return out


def _lab(args: argparse.Namespace) -> int:
    out = _served(args)
    install_lab_settings()
    command = lab_command(out, *args.jupyter_args)
    # The learner's folder gets the course-only Lab; an author's or facilitator's the full one.
    env = learner_environment(os.environ) if _for_a_learner(args) else dict(os.environ)
    os.execve(command[0], command, env)


def _app(args: argparse.Namespace) -> int:
    command = app_command(_served(args), *args.jupyter_args)
    os.execv(command[0], command)


def _export(args: argparse.Namespace) -> int:
    from .export import export_current  # jinja2 and pandas: only for this command

    done = export_current(
        args.format, out=args.out, handover_standard=args.handover_standard, content=args.content
    )
    print(f"wrote {done.path} ({done.size / 1024:.0f} KB)")
    return 0


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    validate = sub.add_parser("validate", help="check content/ and say what is wrong, where")
    validate.add_argument("content", nargs="?", type=Path, default=None, help="content folder")
    validate.set_defaults(run=_validate)
    for name, run, text in (
        ("build", _build, "generate notebooks/ from content/"),
        ("lab", _lab, "open JupyterLab on the course index"),
        ("app", _app, "open the course code-free (Voilà), on the course index"),
    ):
        cmd = sub.add_parser(name, help=text)
        cmd.add_argument("--content", type=Path, default=None, help="content folder")
        cmd.add_argument("--out", type=Path, default=None, help="notebooks folder")
        cmd.set_defaults(run=run)
    sub.choices["build"].add_argument(
        "--check", action="store_true", help="fail if notebooks are stale"
    )
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

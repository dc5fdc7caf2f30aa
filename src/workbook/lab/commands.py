"""`workbook lab`, `workbook app` and `workbook install`: the course in JupyterLab or Voilà, and
the notebooks copied into a folder."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from ..paths import notebooks_for
from .jupyter import app_command, install_lab_settings, lab_command, learner_environment

__all__ = ["add_commands"]


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
        return notebooks_for(
            args.out, args.content
        )  # an author's or facilitator's folder, served as it is
    from ..store import default_root
    from .install import install

    out = default_root() / "notebooks"
    installed = install(out)
    if installed.added or installed.updated or installed.removed:
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


def _install(args: argparse.Namespace) -> int:
    from ..lab.install import install

    result = install(args.folder, facilitator=args.facilitator, analyst=args.analyst)
    print(f"{args.folder}: {result.summary}")
    return 0


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    for name, run, text in (
        ("lab", _lab, "open JupyterLab on the course index"),
        ("app", _app, "open the course code-free (Voilà), on the course index"),
    ):
        cmd = sub.add_parser(name, help=text)
        cmd.add_argument("--content", type=Path, default=None, help="content folder")
        cmd.add_argument("--out", type=Path, default=None, help="notebooks folder")
        cmd.set_defaults(run=run)
    inst = sub.add_parser("install", help="copy the course notebooks into a folder, or update them")
    inst.add_argument("folder", nargs="?", type=Path, default=Path("customer-onboarding"))
    inst.add_argument("--facilitator", action="store_true", help="add the facilitator notebook")
    inst.add_argument("--analyst", action="store_true", help="add the cohort analytics notebook")
    inst.set_defaults(run=_install)

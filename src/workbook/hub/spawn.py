"""``python -m workbook.hub.spawn [--facilitator] [--dir DIR] -- CMD...``: install, then serve.

The example hub config starts every user's server through this: it installs (or updates) the
course notebooks in the user's home — the facilitator view too for members of a facilitators
group — as the user, then becomes the server command, with the workbook server config and,
for a learner, the course-only Lab `workbook lab` gives (`jupyter.LEARNER_LAB`). An install
problem is logged, never a reason for the server not to start.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from ..errors import WorkbookError
from ..lab.install import install
from ..lab.jupyter import SERVER_CONFIG, learner_environment

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m workbook.hub.spawn", description=__doc__)
    parser.add_argument("--facilitator", action="store_true", help="add the facilitator view")
    parser.add_argument("--dir", type=Path, default=Path("customer-onboarding"))
    parser.add_argument("command", nargs=argparse.REMAINDER, help="-- then the server command")
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("give the server command after --")
    try:
        done = install(args.dir, facilitator=args.facilitator)
        print(f"workbook: {args.dir}: {done.summary}", file=sys.stderr)
    except (WorkbookError, OSError) as err:
        print(f"workbook: could not install the notebooks in {args.dir}: {err}", file=sys.stderr)
    # The workbook server config (Voilà's hook, the spare kernel), as `workbook lab` loads it.
    env = dict(os.environ) if args.facilitator else learner_environment(os.environ)
    os.execvpe(command[0], [*command, f"--config={SERVER_CONFIG}"], env)


if __name__ == "__main__":
    raise SystemExit(main())

"""`./scripts/setup` and `./scripts/lab` work on every run, not only the first, in one clone.

A learner runs `./scripts/lab` every day; a `git pull` that changes pyproject.toml makes set-up
reinstall. Set-up must never write into the checkout (an editable install once wrote the wheel's
shared data through the venv's link to `labextension/dist`, and the third run's wheel build
refused the second `install.json`).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from clone import SetUp, git, setup
from lab_server import lab_contents

# With test_install.py on one worker: they share the clone's first set-up (tests/clone.py),
# and xdist hands out the largest groups first, so pip and the build start at once, not last
# with the other worker idle.
pytestmark = [pytest.mark.install, pytest.mark.xdist_group("install")]


def _pull(clone: Path, change: str) -> None:
    """What a `git pull` that changes the dependencies does: set-up must reinstall."""
    with (clone / "pyproject.toml").open("a") as file:
        file.write(f"# {change}\n")
    git("commit", "-q", "-am", change, cwd=clone)


def test_setup_three_times_and_lab_twice(set_up_clone: SetUp) -> None:
    clone, env, first = set_up_clone.clone, set_up_clone.env, set_up_clone.first
    # A first run takes minutes: it says so first, then what it is doing, step by step, and how
    # long each took.
    assert first.startswith("setup: first run: installing everything, about a minute"), first
    for step in ("creating .venv", "installing Python packages", "building the JupyterLab"):
        assert re.search(rf"^setup: {step}.*: done in \d+\.\d s$", first, re.M), first
    assert "npm ci" not in first, "npm ci ran though node_modules is newer than the lockfile"
    for change in ("second day", "third day"):
        _pull(clone, change)
        assert "installing Python packages" in setup(clone, env)[1]
    seconds, said = setup(clone, env)
    assert seconds <= 3, "a set-up with nothing to do takes over 3 s"
    assert said.startswith("setup: ready in "), said
    for _ in range(2):
        model = lab_contents([clone / "scripts" / "lab"], "index.ipynb", env, cwd=clone)
        assert model["name"] == "index.ipynb"
    # Nothing set-up or the lab did changed the checkout; the build output holds only the build.
    assert git("status", "--porcelain", cwd=clone) == ""
    assert not (clone / "labextension" / "dist" / "install.json").exists()
    lab = set_up_clone.venv / "share" / "jupyter" / "labextensions" / "workbook-lab"
    assert (lab / "package.json").is_file(), "JupyterLab does not find the built extension"

"""`./scripts/setup` and `./scripts/lab` work on every run, not only the first, in one clone.

A learner runs `./scripts/lab` every day; a `git pull` that changes pyproject.toml makes set-up
reinstall. Set-up must never write into the checkout (an editable install once wrote the wheel's
shared data through the venv's link to `labextension/dist`, and the third run's wheel build
refused the second `install.json`).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from lab_server import lab_contents

# With test_install.py on one worker: xdist hands out the largest groups first, so the two
# slowest non-browser tests (pip and npm at work) start at once, not last with the other worker
# idle (in a `-m "not browser"` run this test ended the run 23 s after the other worker).
pytestmark = [pytest.mark.install, pytest.mark.xdist_group("install")]

REPO = Path(__file__).resolve().parents[1]


def _git(*args: str, cwd: Path) -> str:
    done = subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@t", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


def _clone(to: Path) -> Path:
    """The checkout as it is now (uncommitted changes too), as a fresh clone with one commit,
    and the checkout's labextension/node_modules (hard links: seconds, not npm ci's 15-25 s of
    unpacking; a clean clone's npm ci is CI's own first step)."""
    listed = _git("ls-files", "-z", "--cached", "--others", "--exclude-standard", cwd=REPO)
    for name in filter(None, listed.split("\0")):
        source = REPO / name
        if source.is_file():
            (to / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, to / name)
    modules = "labextension/node_modules"
    subprocess.run(["cp", "-al", REPO / modules, to / modules], check=True)
    _git("init", "-q", cwd=to)
    _git("add", "-A", cwd=to)
    _git("commit", "-q", "-m", "clone", cwd=to)
    return to


def _setup(clone: Path, env: dict[str, str]) -> tuple[float, str]:
    """(seconds, what set-up printed)."""
    started = time.monotonic()
    done = subprocess.run(
        ["./scripts/setup"], cwd=clone, env=env, capture_output=True, text=True, timeout=1200
    )
    assert done.returncode == 0, f"setup exited {done.returncode}:\n{done.stdout}\n{done.stderr}"
    return time.monotonic() - started, done.stdout


def _pull(clone: Path, change: str) -> None:
    """What a `git pull` that changes the dependencies does: set-up must reinstall."""
    with (clone / "pyproject.toml").open("a") as file:
        file.write(f"# {change}\n")
    _git("commit", "-q", "-am", change, cwd=clone)


def test_setup_three_times_and_lab_twice(tmp_path: Path) -> None:
    clone = _clone(tmp_path / "clone")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("WORKBOOK_", "PYTHON"))}
    env.pop("VIRTUAL_ENV", None)
    env |= {
        "WORKBOOK_HOME": str(tmp_path / "home"),
        "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"),
        "JUPYTER_CONFIG_DIR": str(tmp_path / "config"),
        "JUPYTER_DATA_DIR": str(tmp_path / "data"),
        # Byte-compiling every installed module is pip's work, not set-up's (a third of pip's
        # CPU here); `./scripts/lab` below compiles what it imports.
        "PIP_NO_COMPILE": "1",
    }
    _, first = _setup(clone, env)
    # A first run takes minutes: it says so first, then what it is doing, step by step, and how
    # long each took.
    assert first.startswith("setup: first run: installing everything, about 2–4 minutes"), first
    for step in ("creating .venv", "installing Python packages", "building the JupyterLab"):
        assert re.search(rf"^setup: {step}.*: done in \d+\.\d s$", first, re.M), first
    assert "npm ci" not in first, "npm ci ran though node_modules is newer than the lockfile"
    for change in ("second day", "third day"):
        _pull(clone, change)
        assert "installing Python packages" in _setup(clone, env)[1]
    seconds, said = _setup(clone, env)
    assert seconds <= 3, "a set-up with nothing to do takes over 3 s"
    assert said.startswith("setup: ready in "), said
    for _ in range(2):
        model = lab_contents([clone / "scripts" / "lab"], "index.ipynb", env, cwd=clone)
        assert model["name"] == "index.ipynb"
    # Nothing set-up or the lab did changed the checkout; the build output holds only the build.
    assert _git("status", "--porcelain", cwd=clone) == ""
    assert not (clone / "labextension" / "dist" / "install.json").exists()
    lab = clone / ".venv" / "share" / "jupyter" / "labextensions" / "workbook-lab"
    assert (lab / "package.json").is_file(), "JupyterLab does not find the built extension"

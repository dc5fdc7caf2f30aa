"""A pytest plugin (`-p clone` in pyproject.toml): a fresh clone of the checkout, set up once per
run by its first `./scripts/setup`. The set-up test (test_setup.py) runs set-up again on it, the
wheel tests (test_install.py) install the wheel into its venv (runtime dependencies only, as pip
resolved them from pyproject.toml). Both are on one worker (xdist group "install")."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class SetUp:
    clone: Path
    env: dict[str, str]  # the environment set-up ran in: none of this run's venv or settings
    first: str  # what the first set-up printed

    @property
    def venv(self) -> Path:
        return self.clone / ".venv"


def git(*args: str, cwd: Path) -> str:
    done = subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@t", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


def setup(clone: Path, env: dict[str, str]) -> tuple[float, str]:
    """Run `./scripts/setup` in `clone`: (seconds, what it printed)."""
    started = time.monotonic()
    done = subprocess.run(
        ["./scripts/setup"], cwd=clone, env=env, capture_output=True, text=True, timeout=1200
    )
    assert done.returncode == 0, f"setup exited {done.returncode}:\n{done.stdout}\n{done.stderr}"
    return time.monotonic() - started, done.stdout


def _clone(to: Path) -> Path:
    """The checkout as it is now (uncommitted changes too), as a fresh clone with one commit,
    and the checkout's labextension/node_modules (hard links: seconds, not npm ci's 15-25 s of
    unpacking; a clean clone's npm ci is CI's own first step)."""
    listed = git("ls-files", "-z", "--cached", "--others", "--exclude-standard", cwd=REPO)
    for name in filter(None, listed.split("\0")):
        source = REPO / name
        if source.is_file():
            (to / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, to / name)
    modules = "labextension/node_modules"
    subprocess.run(["cp", "-al", REPO / modules, to / modules], check=True)
    git("init", "-q", cwd=to)
    git("add", "-A", cwd=to)
    git("commit", "-q", "-m", "clone", cwd=to)
    return to


def set_up(base: Path) -> SetUp:
    """Clone into `base` and run the clone's first set-up."""
    clone = _clone(base / "clone")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("WORKBOOK_", "PYTHON"))}
    env.pop("VIRTUAL_ENV", None)
    env |= {
        "WORKBOOK_HOME": str(base / "home"),
        "JUPYTER_RUNTIME_DIR": str(base / "runtime"),
        "JUPYTER_CONFIG_DIR": str(base / "config"),
        "JUPYTER_DATA_DIR": str(base / "data"),
    }
    return SetUp(clone, env, setup(clone, env)[1])


@pytest.fixture(scope="session")
def set_up_clone(tmp_path_factory: pytest.TempPathFactory) -> SetUp:
    """A fresh clone after its first `./scripts/setup` (once per run: pip and the build take
    most of a minute of CPU)."""
    return set_up(tmp_path_factory.mktemp("set-up"))

"""`python -m workbook.hub.spawn`: a hub server's start installs the course notebooks (the
facilitator view only when asked), then becomes the server command with the app's config."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from workbook.lab.install import STAFF

SERVER = "import sys; print('served', *sys.argv[1:])"


@pytest.mark.parametrize("facilitator", [False, True])
def test_the_server_starts_after_the_notebooks_are_installed(
    tmp_path: Path, facilitator: bool
) -> None:
    folder = tmp_path / "customer-onboarding"
    flag = ["--facilitator"] if facilitator else []
    argv = [sys.executable, "-m", "workbook.hub.spawn", *flag, "--dir", str(folder), "--",
            sys.executable, "-c", SERVER]  # fmt: skip
    done = subprocess.run(argv, capture_output=True, text=True, check=True, timeout=120)
    assert done.stdout.startswith("served --config=")
    # A file that is there: Jupyter skips a --config it cannot find, and the app pages then
    # showed the "Run all" hints (once the config file moved into lab/).
    config = Path(done.stdout.split()[1].removeprefix("--config="))
    assert config.name == "server_config.py" and config.is_file(), config
    assert (folder / "index.ipynb").exists() and (folder / "my-progress.ipynb").exists()
    assert (folder / STAFF["facilitator"]).exists() == facilitator


def test_an_install_problem_does_not_stop_the_server(tmp_path: Path) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    argv = [sys.executable, "-m", "workbook.hub.spawn", "--dir", str(blocked / "x"), "--",
            sys.executable, "-c", SERVER]  # fmt: skip
    done = subprocess.run(argv, capture_output=True, text=True, check=True, timeout=120)
    assert done.stdout.startswith("served") and "could not install" in done.stderr

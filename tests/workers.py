"""`./scripts/test` runs pytest on two xdist workers (`--dist loadgroup`): the tests of a folder
that share one session's servers (a JupyterLab and Chromium, a JupyterHub) go to one worker,
which starts them once; every other test goes wherever a worker is free."""

from __future__ import annotations

from pathlib import Path

import pytest


def one_worker(items: list[pytest.Item], conftest: str, group: str) -> None:
    """Send the collected tests under `conftest`'s folder to one worker."""
    folder = Path(conftest).parent
    for item in items:
        if item.path.is_relative_to(folder):
            item.add_marker(pytest.mark.xdist_group(group))

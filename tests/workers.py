"""`./scripts/test` runs pytest on two xdist workers (`--dist loadgroup`): tests that share
servers go to one worker, which starts them once; every other test goes wherever a worker is
free. The hub tests share one session's JupyterHub, so their folder goes to one worker; a browser
module shares its JupyterLab (a module is one learner's story), so each browser module goes to
one worker, and the two workers run browser modules side by side (one Chromium each). A few
other modules, or tests, name their own group (`install`, `lrs`, `s3`, `export`, `dashboard`,
`retake`, `widgets-restored`): a module fixture they share (a first set-up, a server, rendered
exports, a kernel's run) is made once, on the worker that runs them, not once per worker.

A conftest that groups its folder does it in a `tryfirst` hook: xdist's worker turns the group
into the test's id in its own `pytest_collection_modifyitems`, and where the folder's conftest is
loaded before the worker's plugin (its tests named on the command line) pytest would otherwise
call xdist's hook first, and the group would silently vanish."""

from __future__ import annotations

from pathlib import Path

import pytest


def one_worker(
    items: list[pytest.Item], conftest: str, group: str, per_module: bool = False
) -> None:
    """Send the collected tests under `conftest`'s folder to one worker, or with `per_module`
    each module's tests to one worker (`group`-`module name`)."""
    folder = Path(conftest).parent
    for item in items:
        if item.path.is_relative_to(folder):
            name = f"{group}-{item.path.stem}" if per_module else group
            item.add_marker(pytest.mark.xdist_group(name))

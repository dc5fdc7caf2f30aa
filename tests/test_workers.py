"""`./scripts/test` relies on `tests/workers.py` keeping a folder's tests on one xdist worker.

pytest 9.2 gave nodes structured ids and pytest-xdist 3.8's loadgroup still renames `_nodeid`,
so the groups silently vanished (pytest-dev/pytest-xdist#1386): browser tests ran on both
workers at once, and a module's second hub test met a fresh hub without the first one's data.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent

CONFTEST = """
import pytest
from workers import one_worker

@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items):
    one_worker(items, __file__, {group!r}, per_module={per_module})
"""
# Each test says which worker ran it; a short sleep keeps the other worker busy meanwhile.
MODULE = """
import os, time

def test_{name}_{n}():
    time.sleep(0.2)
    print("ran-on", os.environ["PYTEST_XDIST_WORKER"])
"""
# One run, laid out as tests/ is: a folder grouped whole (as hub/), a folder grouped per module
# (as browser/), tests free to go anywhere. A browser-like module is the largest unit, so the
# first two go out first, one to each worker, and must run side by side.
LAYOUT = {  # folder: (grouped per module, modules, tests per module)
    "hubish": (False, 3, 1),
    "browserish": (True, 2, 4),
    "": (None, 2, 2),
}


@pytest.mark.parametrize("named", ["the folder", "each module"])
def test_a_folder_grouped_by_one_worker_runs_on_one_worker(tmp_path: Path, named: str) -> None:
    """The hub folder on one worker; each browser module on one worker, side by side: whether
    pytest is given the tests' folder or each module (where the folders' conftests are loaded
    before xdist's worker plugin)."""
    for folder, (per_module, modules, tests) in LAYOUT.items():
        name = folder or "free"
        (tmp_path / folder).mkdir(exist_ok=True)
        if per_module is not None:
            conftest = CONFTEST.format(group=name, per_module=per_module)
            (tmp_path / folder / "conftest.py").write_text(conftest)
        for module in range(modules):
            code = "".join(MODULE.format(name=name, n=f"{module}_{n}") for n in range(tests))
            (tmp_path / folder / f"test_{name}_{module}.py").write_text(textwrap.dedent(code))
    paths = (
        [str(tmp_path)] if named == "the folder" else sorted(map(str, tmp_path.rglob("test_*.py")))
    )
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-n", "2", "--dist", "loadgroup", "-rA", "-q",
         "-p", "no:cacheprovider", f"--rootdir={tmp_path}",
         "-o", f"pythonpath={TESTS}", *paths],
        cwd=tmp_path, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    # -rA prints each passed test's captured output under its name: "___ test_hubish_1_0 ___".
    workers: dict[str, set[str]] = {}  # unit ("hubish", "browserish_0", "free") → its workers
    unit = ""
    for line in done.stdout.splitlines():
        if line.startswith("_") and " test_" in line:
            name, file, _ = line.strip("_ ").removeprefix("test_").split("_")
            unit = {"hubish": name, "browserish": f"{name}_{file}"}.get(name, "free")
        elif line.startswith("ran-on "):
            workers.setdefault(unit, set()).add(line.split()[1])
    assert sorted(workers) == ["browserish_0", "browserish_1", "free", "hubish"], done.stdout
    for group in ("hubish", "browserish_0", "browserish_1"):
        assert len(workers[group]) == 1, done.stdout  # one worker ran the folder, or module
    assert workers["browserish_0"] != workers["browserish_1"], done.stdout  # side by side

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
from workers import one_worker

def pytest_collection_modifyitems(items):
    one_worker(items, __file__, "together", per_module={per_module})
"""
# Each test says which worker ran it; a short sleep keeps the other worker busy meanwhile.
MODULE = """
import os, time

def test_{name}_{n}():
    time.sleep(0.2)
    print("ran-on", os.environ["PYTEST_XDIST_WORKER"])
"""


@pytest.mark.parametrize("per_module", [False, True], ids=["folder", "module"])
def test_a_folder_grouped_by_one_worker_runs_on_one_worker(
    tmp_path: Path, per_module: bool
) -> None:
    """The hub folder on one worker; each browser module on one worker."""
    grouped = tmp_path / "grouped"
    grouped.mkdir()
    (grouped / "conftest.py").write_text(CONFTEST.format(per_module=per_module))
    for name, folder in (("grouped", grouped), ("free", tmp_path)):
        for file in range(3):
            tests = "".join(MODULE.format(name=name, n=f"{file}_{n}") for n in range(2))
            (folder / f"test_{name}_{file}.py").write_text(textwrap.dedent(tests))
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-n", "2", "--dist", "loadgroup", "-rA", "-q",
         "-p", "no:cacheprovider", f"--rootdir={tmp_path}",
         "-o", f"pythonpath={TESTS}", str(tmp_path)],
        cwd=tmp_path, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    # -rA prints each passed test's captured output under its name.
    workers: dict[str, set[str]] = {}
    kind = ""
    for line in done.stdout.splitlines():
        if line.startswith("_") and " test_" in line:  # e.g. "___ test_grouped_1_0 ___"
            name = line.strip("_ ").removeprefix("test_")
            kind = name.rsplit("_", 1)[0] if name.startswith("grouped") else "free"
            if not per_module:
                kind = kind.rstrip("_0123456789")
        elif line.startswith("ran-on "):
            workers.setdefault(kind, set()).add(line.split()[1])
    groups = {k: v for k, v in workers.items() if k != "free"}
    assert len(groups) == (3 if per_module else 1), done.stdout
    for ran in groups.values():
        assert len(ran) == 1, done.stdout  # one worker ran the whole folder, or module
    if per_module:  # the largest groups go out first, one to each worker: modules side by side
        assert len(set().union(*groups.values())) == 2, done.stdout
    assert workers["free"], done.stdout

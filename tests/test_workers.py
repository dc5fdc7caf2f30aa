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

TESTS = Path(__file__).resolve().parent

CONFTEST = """
from workers import one_worker

def pytest_collection_modifyitems(items):
    one_worker(items, __file__, "together")
"""
# Each test says which worker ran it; a short sleep keeps the other worker busy meanwhile.
MODULE = """
import os, time

def test_{name}_{n}():
    time.sleep(0.2)
    print("ran-on", os.environ["PYTEST_XDIST_WORKER"])
"""


def test_a_folder_grouped_by_one_worker_runs_on_one_worker(tmp_path: Path) -> None:
    grouped = tmp_path / "grouped"
    grouped.mkdir()
    (grouped / "conftest.py").write_text(CONFTEST)
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
    workers: dict[str, set[str]] = {"grouped": set(), "free": set()}
    kind = ""
    for line in done.stdout.splitlines():
        if line.startswith("_") and " test_" in line:
            kind = "grouped" if "test_grouped_" in line else "free"
        elif line.startswith("ran-on "):
            workers[kind].add(line.split()[1])
    assert len(workers["grouped"]) == 1, done.stdout  # one worker ran the whole folder
    assert workers["free"], done.stdout

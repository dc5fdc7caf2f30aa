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


def test_a_folder_grouped_by_one_worker_runs_on_one_worker(tmp_path: Path) -> None:
    """The hub folder on one worker; each browser module on one worker, side by side."""
    for folder, (per_module, modules, tests) in LAYOUT.items():
        name = folder or "free"
        (tmp_path / folder).mkdir(exist_ok=True)
        if per_module is not None:
            conftest = CONFTEST.format(group=name, per_module=per_module)
            (tmp_path / folder / "conftest.py").write_text(conftest)
        for module in range(modules):
            code = "".join(MODULE.format(name=name, n=f"{module}_{n}") for n in range(tests))
            (tmp_path / folder / f"test_{name}_{module}.py").write_text(textwrap.dedent(code))
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-n", "2", "--dist", "loadgroup", "-rA", "-q",
         "-p", "no:cacheprovider", f"--rootdir={tmp_path}",
         "-o", f"pythonpath={TESTS}", str(tmp_path)],
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

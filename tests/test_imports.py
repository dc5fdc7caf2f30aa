"""Imports follow use: a command or a learner's notebook loads only the libraries it needs.

`import workbook.cli` once took 1.7 s because every command (and every kernel) imported the
analysts' pandas and the charts' matplotlib. Each check runs in a fresh interpreter.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from kernel import cell, code_cells, printed_json, run
from nbformat import NotebookNode
from seed import seed
from store_server import store_service

from workbook.cli import _parser

# Libraries a command or a notebook must not load unless it draws, exports or analyses.
HEAVY = (
    "pandas",
    "matplotlib",
    "duckdb",
    "dask",
    "distributed",
    "weasyprint",
    "jinja2",
    "nbformat",
    "polars",
)
# …and what starting the CLI (parsing, --help) does without as well.
CLI = (*HEAVY, "pyarrow", "numpy", "ipywidgets", "httpx", "yaml", "jupyter_server")

_LOADED = "import json, sys; print(json.dumps(sorted(m for m in {names!r} if m in sys.modules)))"


def _loaded(code: str, names: tuple[str, ...], tmp_path: Path) -> list[str]:
    """Which of `names` a fresh interpreter has imported after running `code`."""
    env = os.environ | {"WORKBOOK_HOME": str(tmp_path / "home")}
    done = subprocess.run(
        [sys.executable, "-c", f"{code}\n{_LOADED.format(names=names)}"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    loaded: list[str] = json.loads(done.stdout.splitlines()[-1])
    return loaded


def _commands() -> list[str]:
    """Every `workbook` command, as the modules in cli.COMMANDS register them."""
    sub = next(a for a in _parser()._actions if isinstance(a, argparse._SubParsersAction))
    return list(sub.choices)


def _cli(*argv: str) -> str:
    return (
        "import contextlib, io, workbook.cli\n"
        "with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):\n"
        f"    workbook.cli.main({list(argv)!r})"
    )


@pytest.mark.parametrize(
    ("what", "code"),
    [
        ("import workbook.cli", "import workbook.cli"),
        ("workbook --help", _cli("--help")),
        *((f"workbook {c} --help", _cli(c, "--help")) for c in _commands()),
        ("import workbook", "import workbook"),
    ],
)
def test_starting_the_cli_imports_nothing_heavy(what: str, code: str, tmp_path: Path) -> None:
    assert _loaded(code, CLI, tmp_path) == [], what


def test_workbook_validate_reads_the_course_only(tmp_path: Path) -> None:
    assert _loaded(_cli("validate"), HEAVY, tmp_path) == []


# A learner saving: a text answer typed into module 3's second exercise, written at once.
_SAVE = """
import workbook.learner.session
s = workbook.learner.session.current()
s.set("m03.skill-actions", "lowest-1/action", "Ask a trainer", s.in_view(s.exercise("m03.skill-actions")))
s.flush()
"""


# …and what a learner's kernel holds without as well: charts and exports are drawn in a child
# process (learner/offload.py),
# pyarrow is loaded without NumPy (learner/__init__.py); the learner's kernel starts without its
# debugger (lab/kernel.py).
KERNEL = (*HEAVY, "numpy", "PIL", "weasyprint", "icalendar", "pyarrow._s3fs", "debugpy")

# My progress: its charts drawn and shown (they come on a thread, after the cell has run).
_DRAWN = """
from workbook.learner.dashboard import _shown
assert _shown[0].ready(120) and "<svg" in _shown[0].charts[0][1].value
"""


@pytest.mark.kernel
@pytest.mark.parametrize("served", [False, True], ids=["direct", "served"])
@pytest.mark.parametrize(
    ("notebook", "after"),
    [
        ("module-03-onboarding-team.ipynb", _SAVE),
        ("index.ipynb", _SAVE),
        ("homework-2-handover-standard.ipynb", _SAVE),
        ("my-progress.ipynb", _DRAWN),
    ],
    ids=["module-3", "index", "homework-2", "my-progress"],
)
def test_a_learners_notebook_imports_nothing_heavy(
    notebook: str, after: str, served: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A unit's cells (progress bar, exercises) in a real kernel, every answer restored from a
    store a learner filled, then one more saved; My progress with every chart drawn: pandas
    too stays out (pyarrow's pandas shim would import it for any Python value turned into
    Arrow: store/columns.py), and NumPy. A kernel whose server keeps the store (`served`: the
    kernel inherits its socket) holds no pyarrow at all, after the first cell and after saves."""
    monkeypatch.setenv("WORKBOOK_HOME", str(tmp_path))
    monkeypatch.setenv("WORKBOOK_LEARNER", "ada")
    seed(tmp_path, "ada", cohort="local")
    deny = (*KERNEL, "pyarrow") if served else KERNEL
    check = (  # a None in sys.modules is a module made unimportable
        "import json, sys\n"
        f"print(json.dumps(sorted(m for m in {deny!r} if sys.modules.get(m) is not None)))"
    )
    first = [*code_cells([notebook])[:1], cell(check)]
    store = "from workbook.learner.session import current\nprint(type(current().store).__name__)"
    with contextlib.ExitStack() as stack:
        if served:
            service = stack.enter_context(store_service(tmp_path, "local", "ada"))
            monkeypatch.setenv("WORKBOOK_STORE_SOCKET", service.socket_path)
        nb = run([*first, *code_cells([notebook])[1:], cell(after), cell(store), cell(check)])
    assert printed_json(nb) == []
    assert _printed(nb.cells[len(first) - 1]) == "[]\n"  # after the first cell too
    assert _printed(nb.cells[-2]) == ("RemoteStore\n" if served else "ParquetStore\n")


def _printed(cell: NotebookNode) -> str:
    return "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")


_STORE = """
import datetime as dt
from workbook.store import Event, ParquetStore
store = ParquetStore("store")
day = dt.datetime(2026, 12, 7, tzinfo=dt.UTC)
for n in range(30):
    store.append([Event("c", "ada", "m03.skills", "patience", "score", n % 5 + 1, saved_at=day),
                  Event("c", "ada", "m04.gap", "text", "text", f"draft {n}", saved_at=day)])
store.wait()
store.compact("c", "ada")
assert len(store.history("c", "ada")) == 60 and len(store.latest("c", "ada")) == 2
"""


def test_the_store_saves_compacts_and_restores_without_pandas(tmp_path: Path) -> None:
    """What a learner's kernel does with the store, the background compaction included."""
    assert _loaded(_STORE, HEAVY, tmp_path) == []


def test_sync_with_nothing_new_reads_no_answers(tmp_path: Path) -> None:
    """A second `workbook sync` lists the learner's folder, finds it as it was, and stops: no
    Arrow to read the store, no course, no HTTP client."""
    from workbook.store import Event, ParquetStore

    ParquetStore(tmp_path / "home").append([Event("local", "me", "m03.skills", "x", "score", 5)])
    folder = tmp_path / "cohort-x"
    folder.mkdir()
    sync = _cli("sync", "--folder", str(folder))
    assert "pyarrow" in _loaded(sync, CLI, tmp_path)  # the first one reads and sends
    assert _loaded(sync, CLI, tmp_path) == []


def test_an_http_target_imports_its_client_when_it_sends(tmp_path: Path) -> None:
    code = "from workbook.sync.client import HttpTarget\nHttpTarget('http://127.0.0.1:9/', 't').close()"
    assert _loaded(code, CLI, tmp_path) == []


def test_an_html_export_loads_no_pdf_or_calendar_library(tmp_path: Path) -> None:
    from workbook.store import Event, ParquetStore

    ParquetStore(tmp_path / "home").append([Event("local", "me", "m03.skills", "x", "score", 5)])
    export = _cli("export", "--format", "html", "--out", str(tmp_path))
    assert _loaded(export, ("weasyprint", "icalendar", "jinja2"), tmp_path) == ["jinja2"]
    assert (tmp_path / "workbook-me.html").is_file()

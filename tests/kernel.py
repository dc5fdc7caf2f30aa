"""Run generated notebooks in real kernels (nbclient), the way a learner's "Run all" does."""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from nbformat import NotebookNode
from traitlets.config import Config

from workbook.lab.jupyter import learner_environment

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"


@contextlib.contextmanager
def learner_home(root: Path, learner: str = "ada") -> Iterator[Path]:
    """A store folder and learner for the kernels started inside (a module fixture's store)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("WORKBOOK_HOME", str(root))
        mp.setenv("WORKBOOK_LEARNER", learner)
        yield root


def code_cells(names: Iterable[str]) -> list[NotebookNode]:
    cells: list[NotebookNode] = []
    for name in names:
        nb = nbformat.read(NOTEBOOKS / name, as_version=4)
        cells += [c for c in nb.cells if c.cell_type == "code"]
    return cells


def run(cells: list[NotebookNode], timeout: int = 120) -> NotebookNode:
    """Execute cells in a fresh kernel started in notebooks/, the kernel a learner's Lab starts
    (`learner_environment`: no debugger); errors raise CellExecutionError."""
    nb: NotebookNode = nbformat.v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    # Over Unix sockets in a folder of its own, not TCP: a TCP kernel is handed five free ports
    # that it binds only once started, and another worker's kernel or server took one meanwhile.
    learner = learner_environment(os.environ)["JUPYTER_PATH"]
    with tempfile.TemporaryDirectory(prefix="kernel-") as sockets, _env("JUPYTER_PATH", learner):
        ipc = Config(KernelManager={"transport": "ipc", "ip": f"{sockets}/ipc"})
        NotebookClient(
            nb,
            timeout=timeout,
            kernel_name="python3",
            config=ipc,
            resources={"metadata": {"path": str(NOTEBOOKS)}},
        ).execute()
    return nb


@contextlib.contextmanager
def _env(name: str, value: str) -> Iterator[None]:
    """`name` set in this process (where nbclient finds the kernelspec) while inside."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(name, value)
        yield


def cell(source: str) -> NotebookNode:
    new: NotebookNode = nbformat.v4.new_code_cell(source)
    return new


def shows_no_problem(nb: NotebookNode) -> None:
    """No cell of a notebook that ran raised, or showed a problem box or a warning sign."""
    for c in nb.cells:
        kinds = [o.output_type for o in c.outputs]
        assert "error" not in kinds, c.source
        shown = json.dumps([o.get("data", {}) for o in c.outputs])
        assert "wb-problem" not in shown and "⚠" not in shown, c.source


def printed_json(nb: NotebookNode) -> object:
    """The JSON the last cell printed."""
    text = "".join(o.get("text", "") for o in nb.cells[-1].outputs if o.output_type == "stream")
    return json.loads(text)

"""The save hook: workbook notebooks save as generated; others only lose dead widget views."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import nbformat
import pytest
from jupyter_server.services.contents.filemanager import FileContentsManager
from traitlets.config import Config

from workbook import load_course
from workbook.course.generate import GeneratedNotebook, render
from workbook.lab.jupyter import (
    APP_URL,
    CULL_IDLE_SECONDS,
    LAB_URL,
    PRE_SAVE_HOOK,
    app_command,
    app_prelaunch,
    install_lab_settings,
    lab_command,
    pre_save,
)

VIEW = {
    "output_type": "display_data",
    "data": {"application/vnd.jupyter.widget-view+json": {"model_id": "x"}, "text/plain": "VBox()"},
    "metadata": {},
}
TEXT = {"output_type": "stream", "name": "stdout", "text": "hello"}


def _model(outputs: list[dict[str, Any]]) -> dict[str, Any]:
    cell = {"cell_type": "code", "source": "x", "outputs": outputs, "metadata": {}}
    return {
        "type": "notebook",
        "content": {"cells": [cell, {"cell_type": "markdown", "source": "m"}]},
    }


def test_widget_views_are_dropped_other_outputs_kept() -> None:
    model = _model([VIEW, TEXT])
    pre_save(model, path="module-03.ipynb", contents_manager=None)
    assert model["content"]["cells"][0]["outputs"] == [TEXT]
    assert model["content"]["cells"][1] == {"cell_type": "markdown", "source": "m"}


def test_files_that_are_not_notebooks_are_untouched() -> None:
    model = {"type": "file", "content": "text"}
    pre_save(model)
    assert model == {"type": "file", "content": "text"}


def _as_after_a_session(text: str) -> dict[str, Any]:
    """A generated notebook as JupyterLab sends it to be saved after the learner worked in it."""
    notebook: dict[str, Any] = json.loads(text)
    notebook["metadata"]["language_info"] = {
        "codemirror_mode": {"name": "ipython", "version": 3},
        "file_extension": ".py",
        "mimetype": "text/x-python",
        "name": "python",
        "nbconvert_exporter": "python",
        "pygments_lexer": "ipython3",
        "version": "3.13.5",
    }
    notebook["metadata"]["widgets"] = {"application/vnd.jupyter.widget-state+json": {}}
    for count, cell in enumerate(notebook["cells"], 1):
        cell["source"] = "".join(cell["source"])  # the browser sends strings, not line lists
        cell["metadata"]["scrolled"] = True
        cell["metadata"].setdefault("jupyter", {})["outputs_hidden"] = False
        if cell["cell_type"] == "code":
            cell["execution_count"] = count
            cell["outputs"] = [copy.deepcopy(VIEW), TEXT]
            cell["metadata"]["execution"] = {"iopub.status.busy": "2026-11-26T10:00:00Z"}
    return notebook


def _contents_manager(root: Path) -> FileContentsManager:
    """The server's own contents manager, with the hook named as `workbook lab` names it."""
    config = Config({"ContentsManager": {"pre_save_hook": PRE_SAVE_HOOK}})
    return FileContentsManager(config=config, root_dir=str(root))


@pytest.fixture(scope="module")
def generated() -> list[GeneratedNotebook]:
    return list(render(load_course()))


def test_a_worked_notebook_saves_as_generated_byte_for_byte(
    generated: list[GeneratedNotebook], tmp_path: Path
) -> None:
    manager = _contents_manager(tmp_path)
    for nb in generated:
        manager.save({"type": "notebook", "content": _as_after_a_session(nb.text)}, nb.name)
        assert (tmp_path / nb.name).read_text(encoding="utf-8") == nb.text, nb.name


def test_a_real_edit_to_a_workbook_notebook_still_shows(
    generated: list[GeneratedNotebook], tmp_path: Path
) -> None:
    manager = _contents_manager(tmp_path)
    notebook = _as_after_a_session(generated[1].text)
    notebook["cells"][2]["source"] += "\n\nA note of my own."
    manager.save({"type": "notebook", "content": notebook}, "edited.ipynb")
    saved = (tmp_path / "edited.ipynb").read_text(encoding="utf-8")
    assert saved != generated[1].text
    assert "A note of my own." in saved
    assert '"outputs": []' in saved and '"execution_count": null' in saved


def test_a_learners_own_notebook_keeps_its_outputs_and_metadata(tmp_path: Path) -> None:
    manager = _contents_manager(tmp_path)
    notebook = _as_after_a_session(next(iter(render(load_course()))).text)
    del notebook["metadata"]["workbook"]
    manager.save({"type": "notebook", "content": notebook}, "mine.ipynb")
    saved = nbformat.read(tmp_path / "mine.ipynb", as_version=4)
    code = next(c for c in saved.cells if c.cell_type == "code")
    assert code.outputs == [TEXT] and code.execution_count is not None
    assert saved["metadata"]["language_info"]["version"] == "3.13.5"


@pytest.mark.parametrize(
    ("make", "app", "landing"),
    [(lab_command, "lab", LAB_URL), (app_command, "server", APP_URL)],
    ids=["lab", "app"],
)
def test_server_commands_land_on_the_index_save_as_generated_and_cull_idle_kernels(
    make: Callable[..., list[str]], app: str, landing: str
) -> None:
    command = make(Path("notebooks"), "--port=8123")
    assert command[1:4] == ["-m", "jupyter", app]
    assert f"--ContentsManager.pre_save_hook={PRE_SAVE_HOOK}" in command
    assert f"--ServerApp.default_url={landing}" in command
    assert f"--MappingKernelManager.cull_idle_timeout={CULL_IDLE_SECONDS}" in command
    assert command[-1] == "--port=8123"  # the caller's options come last and win


def test_lab_settings_merge_into_existing_overrides(tmp_path: Path) -> None:
    settings = tmp_path / "share" / "jupyter" / "lab" / "settings"
    settings.mkdir(parents=True)
    (settings / "overrides.json").write_text(
        '{"@jupyterlab/apputils-extension:themes": {"theme": "JupyterLab Dark"}}'
    )
    path = install_lab_settings(tmp_path)
    merged = json.loads(path.read_text())
    assert merged["@jupyterlab/apputils-extension:themes"] == {"theme": "JupyterLab Dark"}
    assert merged["@jupyterlab/apputils-extension:notification"]["fetchNews"] == "false"


def test_the_app_drops_the_run_all_hint_from_workbook_notebooks_only(
    generated: list[GeneratedNotebook],
) -> None:
    notebook = nbformat.reads(generated[1].text, as_version=4)
    shown = app_prelaunch(None, notebook=notebook, cwd=".")
    assert len(shown.cells) == len(nbformat.reads(generated[1].text, as_version=4).cells) - 1
    assert not any("Run all" in c.source for c in shown.cells if c.cell_type == "markdown")
    del notebook.metadata["workbook"]
    mine = nbformat.reads(generated[1].text, as_version=4)
    del mine.metadata["workbook"]
    assert len(app_prelaunch(None, notebook=mine, cwd=".").cells) == len(mine.cells)

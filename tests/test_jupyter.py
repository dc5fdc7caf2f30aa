"""The save hook keeps dead widget views out of saved notebooks; everything else stays."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from workbook.jupyter import PRE_SAVE_HOOK, install_lab_settings, lab_command, strip_widget_outputs

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
    strip_widget_outputs(model, path="module-03.ipynb", contents_manager=None)
    assert model["content"]["cells"][0]["outputs"] == [TEXT]
    assert model["content"]["cells"][1] == {"cell_type": "markdown", "source": "m"}


def test_files_that_are_not_notebooks_are_untouched() -> None:
    model = {"type": "file", "content": "text"}
    strip_widget_outputs(model)
    assert model == {"type": "file", "content": "text"}


def test_lab_command_opens_the_index_with_the_hook() -> None:
    command = lab_command(Path("notebooks"))
    assert command[1:4] == ["-m", "jupyter", "lab"]
    assert f"--ContentsManager.pre_save_hook={PRE_SAVE_HOOK}" in command
    assert command[-1] == str(Path("notebooks").resolve() / "index.ipynb")


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

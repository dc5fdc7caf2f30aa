"""Jupyter server integration: launching the learner's JupyterLab and the notebook save hook."""

from __future__ import annotations

from pathlib import Path
from typing import Any

__all__ = ["PRE_SAVE_HOOK", "lab_command", "strip_widget_outputs"]

PRE_SAVE_HOOK = "workbook.jupyter.strip_widget_outputs"
_WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def strip_widget_outputs(model: dict[str, Any], **_: Any) -> None:
    """Drop widget views from a notebook before it is saved.

    A saved widget view points at a model that dies with the kernel, so reopening shows
    "Error displaying widget". The answers live in the store; the notebook tells the learner
    to run all to load them.
    """
    if model.get("type") != "notebook" or not isinstance(model.get("content"), dict):
        return
    for cell in model["content"].get("cells", []):
        outputs = cell.get("outputs")
        if outputs:
            cell["outputs"] = [o for o in outputs if _WIDGET_VIEW not in o.get("data", {})]


def lab_command(notebooks: Path, *extra: str) -> list[str]:
    """`jupyter lab` on the course index, with the save hook on."""
    return [
        "jupyter",
        "lab",
        f"--ServerApp.root_dir={notebooks}",
        f"--ContentsManager.pre_save_hook={PRE_SAVE_HOOK}",
        *extra,
        "index.ipynb",
    ]

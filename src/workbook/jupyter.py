"""Jupyter server integration: launching the learner's JupyterLab and the notebook save hook."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

__all__ = [
    "LAB_SETTINGS",
    "PRE_SAVE_HOOK",
    "install_lab_settings",
    "lab_command",
    "pre_save",
]

# A learner's lab should not ask about Jupyter news or updates over the course page.
LAB_SETTINGS: dict[str, dict[str, Any]] = {
    "@jupyterlab/apputils-extension:notification": {"fetchNews": "false", "checkForUpdates": False},
}

PRE_SAVE_HOOK = "workbook.jupyter.pre_save"
_WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def pre_save(model: dict[str, Any], **_: Any) -> None:
    """The server's save hook: keep session state out of saved notebooks.

    A workbook notebook is saved exactly as generated (`generate.normalise`), so a session
    leaves `git status` and `workbook build --check` clean. Any other notebook keeps its outputs
    but loses widget views: they point at models that die with the kernel, and reopening would
    show "Error displaying widget".
    """
    if model.get("type") != "notebook" or not isinstance(model.get("content"), dict):
        return
    from .generate import is_generated, normalise  # the server imports this hook at start

    notebook = model["content"]
    if is_generated(notebook):
        normalise(notebook)
        return
    for cell in notebook.get("cells", []):
        outputs = cell.get("outputs")
        if outputs:
            cell["outputs"] = [o for o in outputs if _WIDGET_VIEW not in o.get("data", {})]


def lab_command(notebooks: Path, *extra: str) -> list[str]:
    """`jupyter lab` on the course index, with the save hook on."""
    # Containers and cloud workspaces often run as root, which jupyter refuses unless told.
    as_root = ["--allow-root"] if os.geteuid() == 0 else []
    return [
        sys.executable,  # this environment's jupyter, whether or not it is on PATH
        "-m",
        "jupyter",
        "lab",
        f"--ServerApp.root_dir={notebooks.resolve()}",
        f"--ContentsManager.pre_save_hook={PRE_SAVE_HOOK}",
        *as_root,
        *extra,
        str(notebooks.resolve() / "index.ipynb"),
    ]


def install_lab_settings(prefix: Path | None = None) -> Path:
    """Merge :data:`LAB_SETTINGS` into the environment's JupyterLab overrides.json."""
    path = (
        (prefix or Path(sys.prefix)) / "share" / "jupyter" / "lab" / "settings" / "overrides.json"
    )
    current: dict[str, Any] = {}
    if path.is_file():
        current = json.loads(path.read_text(encoding="utf-8") or "{}")
    for plugin, values in LAB_SETTINGS.items():
        current.setdefault(plugin, {}).update(values)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(current, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return path

"""Refuse to build a wheel without the JupyterLab extension.

The wheel carries `labextension/dist` as shared data, and hatchling skips a shared-data folder
that is missing without a word: the wheel would install, and a hub image built from it would give
learners plain JupyterLab (no auto-run, dead widgets after a restart, "Save changes?"). Editable
installs are let through: `scripts/setup` makes one before it builds the extension and links the
build into the venv itself.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class ExtensionBuilt(BuildHookInterface):  # type: ignore[type-arg]
    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        built = Path(self.root) / "labextension" / "dist" / "package.json"
        if version != "editable" and not built.is_file():
            raise RuntimeError(
                "The JupyterLab extension is not built (no labextension/dist/package.json): "
                "run ./scripts/setup first, then build the wheel."
            )

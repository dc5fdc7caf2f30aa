"""The JupyterLab extension in the wheel: each built file mapped once, never a wheel without it.

A standard wheel carries `labextension/dist` (the build) and `labextension/install.json` as
shared data under `share/jupyter/labextensions/workbook-lab/`. The files are listed here one by
one, not as a folder in pyproject.toml: a missing folder would be skipped without a word (a hub
image would give learners plain JupyterLab), and a stray `dist/install.json` (an older
`scripts/setup` let pip write one through the venv's link) would be a second file at one path.

An editable install carries none of it: `scripts/setup` builds the extension after installing
and links the venv to the build, and pip must not write through that link into the checkout.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

SHARED = "share/jupyter/labextensions/workbook-lab"


class ExtensionBuilt(BuildHookInterface):  # type: ignore[type-arg]
    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if version == "editable":
            return
        extension = Path(self.root) / "labextension"
        built = extension / "dist"
        if not (built / "package.json").is_file():
            raise RuntimeError(
                "The JupyterLab extension is not built (no labextension/dist/package.json): "
                "run ./scripts/setup first, then build the wheel."
            )
        shared = {str(extension / "install.json"): f"{SHARED}/install.json"}
        for path in sorted(built.rglob("*")):
            target = f"{SHARED}/{path.relative_to(built).as_posix()}"
            if path.is_file() and target not in shared.values():
                shared[str(path)] = target
        build_data["shared_data"].update(shared)

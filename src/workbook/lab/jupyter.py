"""Jupyter server integration: launching the learner's JupyterLab and the notebook save hook."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

__all__ = [
    "APP_URL",
    "CULL_IDLE_SECONDS",
    "LAB_SETTINGS",
    "LAB_URL",
    "LEARNER_KERNELS",
    "LEARNER_LAB",
    "PRE_SAVE_HOOK",
    "SERVER_CONFIG",
    "app_command",
    "app_prelaunch",
    "install_lab_settings",
    "lab_command",
    "learner_environment",
    "pre_save",
]

# A learner's lab should not ask about Jupyter news or updates over the course page.
LAB_SETTINGS: dict[str, dict[str, Any]] = {
    "@jupyterlab/apputils-extension:notification": {"fetchNews": "false", "checkForUpdates": False},
}

PRE_SAVE_HOOK = "workbook.lab.jupyter.pre_save"
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
    from ..course.generate import is_generated, normalise  # the server imports this hook at start

    notebook = model["content"]
    if is_generated(notebook):
        normalise(notebook)
        return
    for cell in notebook.get("cells", []):
        outputs = cell.get("outputs")
        if outputs:
            cell["outputs"] = [o for o in outputs if _WIDGET_VIEW not in o.get("data", {})]


# The server config every workbook server loads (`workbook lab`, `workbook app`, a hub's spawn):
# Voilà's prelaunch hook and the kernel manager that keeps a spare kernel (lab/kernels.py).
SERVER_CONFIG = Path(__file__).with_name("server_config.py")

INDEX = "index.ipynb"
LAB_URL = f"/lab/tree/{INDEX}"
APP_URL = f"/voila/render/{INDEX}"
# A kernel idle this long with no browser tab connected is shut down: a learner who closes the
# browser, or a Jupyter without the extension (which shuts a kernel when its tab closes), does
# not hold a kernel per notebook visited. Open tabs keep theirs (cull_connected is off).
CULL_IDLE_SECONDS = 600
CULL_INTERVAL_SECONDS = 60


def server_options(notebooks: Path, landing: str) -> list[str]:
    """Jupyter server options the course needs, landing on `landing` (its path on the server)."""
    # Containers and cloud workspaces often run as root, which jupyter refuses unless told.
    as_root = ["--allow-root"] if os.geteuid() == 0 else []
    return [
        f"--config={SERVER_CONFIG}",
        f"--ServerApp.root_dir={notebooks.resolve()}",
        # The URL the server prints and `/` both land here, not on an empty JupyterLab.
        f"--ServerApp.default_url={landing}",
        f"--ContentsManager.pre_save_hook={PRE_SAVE_HOOK}",
        f"--MappingKernelManager.cull_idle_timeout={CULL_IDLE_SECONDS}",
        f"--MappingKernelManager.cull_interval={CULL_INTERVAL_SECONDS}",
        *as_root,
    ]


def lab_command(notebooks: Path, *extra: str) -> list[str]:
    """`jupyter lab` on the course index, with the save hook on and idle kernels culled."""
    return [
        sys.executable,  # this environment's jupyter, whether or not it is on PATH
        "-m",
        "jupyter",
        "lab",
        *server_options(notebooks, LAB_URL),
        f"--LabApp.default_url={LAB_URL}",
        *extra,
    ]


# A Jupyter config folder whose labconfig/default_setting_overrides.json makes a learner's Lab
# about the course: no status bar ("Mode: Command"), no Edit/View/Run/Kernel/Tabs/Settings/Help
# menus (the extension's Course menu instead), the file browser folded away. Settings overrides,
# not CSS: a learner who changes one in Settings keeps their choice, and a hub applies the same
# folder with `c.Spawner.environment = {"JUPYTER_CONFIG_PATH": str(LEARNER_LAB)}`.
LEARNER_LAB = Path(__file__).with_name("learner_lab")


# A Jupyter data folder whose `python3` kernelspec starts ipykernel without its debugger
# (`kernel.py`: 8 MB less per kernel); first on JUPYTER_PATH, it stands in for the stock one.
LEARNER_KERNELS = Path(__file__).with_name("learner_kernels")


def _first_on(environ: dict[str, str] | os._Environ[str], name: str, folder: Path) -> str:
    return os.pathsep.join([str(folder), *filter(None, environ.get(name, "").split(os.pathsep))])


def learner_environment(environ: dict[str, str] | os._Environ[str]) -> dict[str, str]:
    """`environ` with :data:`LEARNER_LAB` first on JUPYTER_CONFIG_PATH and
    :data:`LEARNER_KERNELS` first on JUPYTER_PATH."""
    return {
        **environ,
        "JUPYTER_CONFIG_PATH": _first_on(environ, "JUPYTER_CONFIG_PATH", LEARNER_LAB),
        "JUPYTER_PATH": _first_on(environ, "JUPYTER_PATH", LEARNER_KERNELS),
    }


def app_command(notebooks: Path, *extra: str) -> list[str]:
    """A Jupyter server showing the course code-free with Voilà, landing on the index."""
    return [
        sys.executable,
        "-m",
        "jupyter",
        "server",
        *server_options(notebooks, APP_URL),
        *extra,
    ]


def app_prelaunch(_handler: Any, notebook: Any, cwd: str) -> Any:
    """Voilà's prelaunch hook: an app page runs itself, so it drops the "Run all" hint cells."""
    from ..course.generate import WITHOUT_EXTENSION_TAG, is_generated

    if is_generated(notebook):
        notebook.cells = [
            cell
            for cell in notebook.cells
            if WITHOUT_EXTENSION_TAG not in cell.get("metadata", {}).get("tags", [])
        ]
    return notebook


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

"""The package reads like its architecture: layers in folders, imports only going down.

The contracts live in pyproject.toml (`[tool.importlinter]`): each layer imports only the layers
below it, and no package's modules import each other in a cycle. These tests run them, show they
catch an upward import and a cycle, and keep every module inside a layer and under 400 lines.
"""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "workbook"
LINT = "from importlinter.cli import lint_imports; raise SystemExit(lint_imports(no_cache=True))"


def _lint(project: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(project / "src")}
    return subprocess.run(
        [sys.executable, "-c", LINT], cwd=project, env=env, capture_output=True, text=True
    )


def _layers() -> list[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    (layers,) = [c for c in config["contracts"] if c["type"] == "layers"]
    return [name.strip() for line in layers["layers"] for name in line.split("|")]


def test_the_contracts_hold() -> None:
    done = _lint(ROOT)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "2 kept, 0 broken" in done.stdout


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    shutil.copytree(PACKAGE, tmp_path / "src" / "workbook", ignore=shutil.ignore_patterns("*.pyc"))
    return tmp_path


@pytest.mark.parametrize(
    ("module", "line", "broken"),
    [
        # the course reaching up to the learner's session
        ("course/model.py", "from ..learner import session", "each layer imports only"),
        # a lower layer's sibling reaching sideways
        ("charts/data.py", "from ..sync import client", "each layer imports only"),
        # the store importing the hub's service
        ("store/ids.py", "from ..hub import service", "each layer imports only"),
        # a cycle inside one layer: facilitator imports feed
        ("hub/feed.py", "from . import facilitator", "no import cycle"),
    ],
)
def test_an_upward_import_or_a_cycle_breaks_them(
    copy: Path, module: str, line: str, broken: str
) -> None:
    path = copy / "src" / "workbook" / module
    text = path.read_text()
    at = text.index("\n\n", text.index("from __future__")) + 2
    path.write_text(text[:at] + line + "  # noqa\n" + text[at:])
    done = _lint(copy)
    assert done.returncode == 1, done.stdout
    assert f"{broken}" in done.stdout.split("Broken contracts")[1]


def test_every_module_is_in_a_layer() -> None:
    top = {p.stem for p in PACKAGE.glob("*.py") if p.stem not in {"__init__", "__main__"}}
    top |= {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists()}
    assert top - set(_layers()) == set()


def _docstring(path: Path) -> str:
    return ast.get_docstring(ast.parse(path.read_text())) or ""


@pytest.mark.parametrize(
    "path", sorted(PACKAGE.rglob("*.py")), ids=lambda p: str(p.relative_to(PACKAGE))
)
def test_a_long_module_says_why(path: Path) -> None:
    lines = len(path.read_text().splitlines())
    assert lines <= 400 or "400 lines" in _docstring(path), f"{lines} lines and no reason"

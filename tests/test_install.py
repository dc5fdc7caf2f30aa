"""The built wheel works without a checkout: install it in a fresh venv, use it from elsewhere."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import nbformat
import pytest
from clone import SetUp
from lab_server import lab_contents

# With test_setup.py on one worker: the wheel goes into the venv of the clone's first set-up
# (tests/clone.py), not a venv of its own (pip resolving and unpacking it all again: 25-35 s).
pytestmark = [pytest.mark.install, pytest.mark.xdist_group("install")]

REPO = Path(__file__).resolve().parents[1]


def _run(*args: str | Path, cwd: Path, env: dict[str, str]) -> str:
    done = subprocess.run(
        [str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, f"{args} exited {done.returncode}:\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.fixture(scope="module")
def venv(
    set_up_clone: SetUp, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Path, Path, dict[str, str]]]:
    """(venv bin folder, a folder outside the checkout, an environment without the checkout).

    The venv is a fresh clone's, as its first set-up made it: the runtime dependencies pip
    resolved from pyproject.toml (no test tools) and workbook installed editable. The editable
    install and set-up's copy of the extension go; the wheel comes in their place, and `pip check`
    says every requirement the wheel names is installed."""
    tmp = tmp_path_factory.mktemp("install")
    elsewhere = tmp / "elsewhere"
    elsewhere.mkdir()
    env = set_up_clone.env | {
        "WORKBOOK_HOME": str(tmp / "home"),
        "JUPYTER_RUNTIME_DIR": str(tmp / "runtime"),
        "JUPYTER_CONFIG_DIR": str(tmp / "config"),
        "JUPYTER_DATA_DIR": str(tmp / "data"),
    }
    # hatchling is a test dependency, so the build needs no network.
    pip = (sys.executable, "-m", "pip", "--disable-pip-version-check", "-q")
    _run(*pip, "wheel", "--no-deps", "--no-build-isolation", "-w", tmp, REPO, cwd=tmp, env=env)
    (wheel,) = tmp.glob("workbook-*.whl")
    bin_ = set_up_clone.venv / "bin"
    shutil.rmtree(set_up_clone.venv / "share" / "jupyter" / "labextensions" / "workbook-lab")
    venv_pip = (bin_ / "python", "-m", "pip", "-q")
    _run(*venv_pip, "uninstall", "-y", "workbook", cwd=elsewhere, env=env)
    _run(*venv_pip, "install", "--no-deps", wheel, cwd=elsewhere, env=env)
    _run(*venv_pip, "check", cwd=elsewhere, env=env)
    yield bin_, elsewhere, env


def test_the_wheel_is_imported_not_the_checkout(venv: tuple[Path, Path, dict[str, str]]) -> None:
    bin_, elsewhere, env = venv
    code = (
        "import json, workbook.paths as p; print(json.dumps([p.__file__, str(p.content_root())]))"
    )
    module, content = json.loads(_run(bin_ / "python", "-c", code, cwd=elsewhere, env=env))
    assert Path(module).is_relative_to(bin_.parent) and not Path(module).is_relative_to(REPO)
    assert Path(content).is_relative_to(bin_.parent)


def test_validate_and_build(venv: tuple[Path, Path, dict[str, str]]) -> None:
    bin_, elsewhere, env = venv
    assert _run(bin_ / "workbook", "validate", cwd=elsewhere, env=env).startswith("ok: ")
    assert _run(bin_ / "workbook", "build", "--check", cwd=elsewhere, env=env).startswith("ok: ")
    out = elsewhere / "notebooks"
    _run(bin_ / "workbook", "build", "--out", out, cwd=elsewhere, env=env)
    built = sorted(p.name for p in out.glob("*.ipynb"))
    assert built == sorted(p.name for p in (REPO / "notebooks").glob("*.ipynb"))
    for name in built:
        assert (out / name).read_bytes() == (REPO / "notebooks" / name).read_bytes(), name


def test_lab_serves_a_copy_of_the_notebooks(venv: tuple[Path, Path, dict[str, str]]) -> None:
    bin_, elsewhere, env = venv
    model = lab_contents([bin_ / "workbook", "lab"], "index.ipynb", env, cwd=elsewhere)
    assert model["type"] == "notebook"
    # The learner's own copy, outside site-packages, so saving never writes into the install.
    # The JupyterLab extension ships in the wheel, where JupyterLab finds prebuilt extensions.
    extension = bin_.parent / "share" / "jupyter" / "labextensions" / "workbook-lab"
    assert (extension / "package.json").is_file() and (extension / "install.json").is_file()
    copy = Path(env["WORKBOOK_HOME"]) / "notebooks"
    assert (copy / "index.ipynb").read_bytes() == (REPO / "notebooks" / "index.ipynb").read_bytes()


EXECUTE = """
import json, sys
import nbformat
from nbclient import NotebookClient
from workbook.paths import notebooks_root

nb = nbformat.read(notebooks_root() / sys.argv[1], as_version=4)
# After Run all: which exercises have a live form, and does a save reach the store?
nb.cells.append(nbformat.v4.new_code_cell('''
import datetime, json
from workbook.course.kinds import fields_of
from workbook.learner.session import current
from workbook.learner.widgets import live_view
shown = []
for exercise_id in %s:
    try:
        shown.append(live_view(exercise_id).exercise.id)
    except KeyError:
        pass
session = current()
exercise = session.exercise(shown[0])
field = fields_of(exercise)[0]
value = {"text": "x", "flag": True, "date": datetime.date.today()}.get(field.type)
session.set(exercise.id, field.key, exercise.scale.min if value is None else value)
session.flush()
print(json.dumps([shown, len(session.store.history(session.cohort, session.learner))]))
''' % sys.argv[3]))
NotebookClient(nb, timeout=120, kernel_name="python3").execute(cwd=sys.argv[2])
errors = [o for c in nb.cells for o in c.get("outputs", []) if o.output_type == "error"]
assert not errors, errors
print("".join(o.get("text", "") for o in nb.cells[-1].outputs))
"""


def test_a_packaged_notebook_runs(venv: tuple[Path, Path, dict[str, str]]) -> None:
    """Run all in the fresh venv's kernel: every exercise gets its form and a save is kept."""
    bin_, elsewhere, env = venv
    name = "module-03-onboarding-team.ipynb"
    notebook = nbformat.read(REPO / "notebooks" / name, as_version=4)
    source = "".join(c.source for c in notebook.cells if c.cell_type == "code")
    ids = re.findall(r'workbook\.exercise\("([^"]+)"\)', source)
    args = (EXECUTE, name, elsewhere, json.dumps(ids))
    shown, saved = json.loads(_run(bin_ / "python", "-c", *args, cwd=elsewhere, env=env))
    assert ids and shown == ids and saved == 1


def test_no_wheel_without_the_built_extension(tmp_path: Path) -> None:
    """A checkout where `scripts/setup` never built the extension gets a clear refusal."""
    checkout = tmp_path / "checkout"
    ignore = shutil.ignore_patterns("__pycache__")
    for folder in ("src", "content", "notebooks"):
        shutil.copytree(REPO / folder, checkout / folder, ignore=ignore)
    for name in ("pyproject.toml", "hatch_build.py", "README.md", "labextension/install.json"):
        (checkout / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(REPO / name, checkout / name)
    out = tmp_path / "out"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            out,
            checkout,
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode != 0
    assert "run ./scripts/setup first" in done.stdout + done.stderr
    assert not list(out.glob("*.whl"))

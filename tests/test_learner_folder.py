"""A learner's folder holds the course: the facilitator's and analyst's notebooks only on request."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from lab_server import lab_contents

from workbook.cli import main
from workbook.lab.install import STAFF, learner_notebooks
from workbook.paths import notebooks_root

SHIPPED = sorted(p.name for p in notebooks_root().glob("*.ipynb"))
LEARNER = sorted(set(SHIPPED) - set(STAFF.values()))
WORKBOOK = Path(sys.executable).with_name("workbook")


def test_the_staff_notebooks_are_shipped_and_the_learner_ones_are_the_rest() -> None:
    assert set(STAFF.values()) <= set(SHIPPED)
    assert learner_notebooks(notebooks_root()) == LEARNER
    assert "index.ipynb" in LEARNER and "my-progress.ipynb" in LEARNER


@pytest.mark.parametrize(
    ("flags", "staff"),
    [
        ([], []),
        (["--facilitator"], ["facilitator.ipynb"]),
        (["--analyst"], ["cohort-analytics.ipynb"]),
        (["--facilitator", "--analyst"], ["cohort-analytics.ipynb", "facilitator.ipynb"]),
    ],
    ids=["learner", "facilitator", "analyst", "both"],
)
def test_install_copies_the_staff_notebooks_only_when_asked(
    flags: list[str], staff: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "course"
    assert main(["install", str(folder), *flags]) == 0
    assert sorted(p.name for p in folder.glob("*.ipynb")) == sorted(LEARNER + staff)
    assert f"{len(LEARNER) + len(staff)} added" in capsys.readouterr().out


def test_staff_notebooks_an_earlier_install_left_go_unless_edited(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "course"
    assert main(["install", str(folder), "--facilitator", "--analyst"]) == 0
    edited = folder / STAFF["analyst"]
    edited.write_text(edited.read_text().replace("Cohort", "My cohort", 1))
    capsys.readouterr()

    assert main(["install", str(folder)]) == 0
    out = capsys.readouterr().out
    assert f"removed {STAFF['facilitator']}" in out and edited.name not in out  # theirs now
    assert sorted(p.name for p in folder.glob("*.ipynb")) == sorted([*LEARNER, edited.name])
    assert main(["install", str(folder)]) == 0  # again: nothing more goes
    assert "removed" not in capsys.readouterr().out and edited.is_file()


def test_workbook_lab_serves_a_learner_folder_without_the_staff_notebooks(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("WORKBOOK_", "JUPYTER"))}
    env |= {
        "WORKBOOK_HOME": str(tmp_path / "home"),
        "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"),
        "JUPYTER_CONFIG_DIR": str(tmp_path / "config"),
    }
    model = lab_contents(
        [WORKBOOK, "lab"], "index.ipynb", env, cwd=tmp_path, also=["", *STAFF.values()]
    )
    listing = model["also"][""]
    assert sorted(item["name"] for item in listing["content"] if item["type"] == "notebook") == (
        LEARNER
    )
    for name in STAFF.values():
        assert model["also"][name] == {"status": 404}, name
    assert (tmp_path / "home" / "notebooks" / "index.ipynb").is_file()  # theirs, not the checkout

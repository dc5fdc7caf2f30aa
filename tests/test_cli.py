"""The CLI is a thin layer: exit codes and messages."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest
from lab_server import lab_contents

from workbook.cli import main
from workbook.paths import content_root


def test_validate_ok(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate"]) == 0
    assert capsys.readouterr().out.startswith("ok: Customer Onboarding")


def test_validate_broken_content_says_where(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "content"
    shutil.copytree(content_root(), root)
    module = root / "chapter-01" / "modules" / "06-coordination.yaml"
    module.write_text(
        module.read_text(encoding="utf-8").replace("minutes: 13", "minutes: soon"), encoding="utf-8"
    )
    assert main(["validate", str(root)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: chapter-01/modules/06-coordination.yaml:")
    assert "minutes: expected a whole number" in err


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["frobnicate"])
    assert caught.value.code == 2


def test_the_public_api_is_what_all_says() -> None:
    import workbook

    assert sorted(workbook.__all__) == sorted(dir(workbook))
    for name in workbook.__all__:
        assert getattr(workbook, name) is not None


def test_unknown_options_are_refused_outside_lab() -> None:
    with pytest.raises(SystemExit) as caught:
        main(["validate", "--port=1"])
    assert caught.value.code == 2


def test_lab_serves_the_course_index(tmp_path: Path) -> None:
    """The README's main job, for real: `workbook lab` answers with the index notebook."""
    env = dict(
        os.environ, WORKBOOK_HOME=str(tmp_path / "home"), JUPYTER_RUNTIME_DIR=str(tmp_path / "rt")
    )
    model = lab_contents(Path(sys.executable).with_name("workbook"), "index.ipynb", env)
    assert model["type"] == "notebook" and model["path"] == "index.ipynb"

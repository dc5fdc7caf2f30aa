"""`workbook export`: the learner comes from the environment; errors are one line, exit 2."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from seed import COHORT, LEARNER, Seeded, seed

from workbook.cli import main
from workbook.export import FORMATS
from workbook.export.names import EXPORT_FORMATS


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Seeded:
    return seed(tmp_path_factory.mktemp("store"))


@pytest.fixture
def learner_env(seeded: Seeded, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.setenv("WORKBOOK_HOME", str(seeded.root))
    monkeypatch.setenv("WORKBOOK_COHORT", COHORT)
    monkeypatch.setenv("WORKBOOK_LEARNER", LEARNER)
    monkeypatch.delenv("JUPYTERHUB_USER", raising=False)
    monkeypatch.setenv("WORKBOOK_EXPORTS", str(tmp_path))  # the learner's exports folder
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_the_cli_offers_every_format() -> None:
    assert tuple(FORMATS) == EXPORT_FORMATS


@pytest.mark.parametrize(
    ("args", "written"),
    [([], "workbook-ada.html"), (["--format", "md"], "workbook-ada.md"),
     (["--format", "ics"], "workbook-ada.ics"),
     (["--handover-standard", "--format", "md"], "handover-standard-ada.md"),
     (["--out", "mine.html"], "mine.html")],
)  # fmt: skip
def test_writes_where_it_says(
    learner_env: Path, capsys: pytest.CaptureFixture[str], args: list[str], written: str
) -> None:
    assert main(["export", *args]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"wrote {learner_env / written} (")
    assert (learner_env / written).stat().st_size > 0
    assert (learner_env / written).stat().st_mode & 0o777 == 0o600  # reflections: the learner's


def test_the_default_folder_is_made_private(
    learner_env: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = learner_env / "new" / "exports"
    monkeypatch.setenv("WORKBOOK_EXPORTS", str(folder))
    assert main(["export", "--format", "md"]) == 0
    assert capsys.readouterr().out.startswith(f"wrote {folder / 'workbook-ada.md'} (")
    assert folder.stat().st_mode & 0o777 == 0o700
    assert sorted(p.name for p in learner_env.iterdir()) == ["new"]  # nothing in the cwd


@pytest.mark.parametrize(
    ("args", "env", "message"),
    [([], {"WORKBOOK_LEARNER": "zoe"}, "error: nothing answered yet by zoe in cohort c2026: answer"),
     (["--out", "missing/x.pdf", "--format", "pdf"], {}, "missing does not exist; create the folder"),
     (["--format", "ics", "--handover-standard"], {}, "not offered as ics"),
     ([], {"WORKBOOK_LEARNER": "../etc"}, "error: learner '../etc' is not allowed")],
)  # fmt: skip
def test_errors_are_one_clear_line(
    learner_env: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    env: dict[str, str],
    message: str,
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert main(["export", *args]) == 2
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err and err.count("\n") == 1


def test_the_installed_command_exports_without_a_traceback(
    learner_env: Path, seeded: Seeded
) -> None:
    workbook = Path(sys.executable).with_name("workbook")
    run = subprocess.run(
        [workbook, "export", "--out", str(learner_env / "nope" / "x.html")],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert run.returncode == 2 and run.stderr.startswith("error: could not write")
    assert "Traceback" not in run.stderr

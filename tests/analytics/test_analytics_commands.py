"""`workbook analyze` and `workbook demo` from the command line."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from workbook.analytics import labelled, score_summary
from workbook.cli import main
from workbook.course.content import load_course


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_analyze_writes_the_summary(
    demo_store: Path, tmp_path: Path, suffix: str, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / f"summary{suffix}"
    assert main(["analyze", str(demo_store), "--engine", "duckdb", "--out", str(out)]) == 0
    written = pd.read_csv(out) if suffix == ".csv" else pd.read_parquet(out)
    expected = labelled(score_summary(demo_store), load_course().chapters[0])
    assert len(written) == len(expected) > 0
    assert list(written.columns) == list(expected.columns)
    assert written["learners"].min() >= 5
    assert f"wrote {len(expected)} rows" in capsys.readouterr().out


def test_analyze_prints_a_table(demo_store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["analyze", str(demo_store), "--min-group", "3"]) == 0
    out = capsys.readouterr().out
    assert out.split("\n", 1)[0].split()[:3] == ["cohort", "exercise", "exercise_title"]
    assert "m03.skills" in out and "first-day" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["no-such-store"], "no store at"),
        (["{store}", "--out", "x.xlsx"], "use a file ending in .csv or .parquet"),
        (["{store}", "--engine", "spark"], "unknown engine 'spark'"),
    ],
)
def test_analyze_errors_say_what_to_do(
    demo_store: Path, args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["analyze", *(a.format(store=demo_store) for a in args)]
    assert main(argv) == 2
    assert message in capsys.readouterr().err


def test_analyze_an_empty_store_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "events").mkdir()
    assert main(["analyze", str(tmp_path)]) == 0
    assert "no group has 5 or more learners" in capsys.readouterr().out


def test_demo_writes_a_store(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "demo"
    argv = ["demo", "--cohorts", "1", "--learners", "3", "--out", str(out), "--quiet"]
    assert main(argv) == 0
    assert "of 3 learners" in capsys.readouterr().out
    assert len(list((out / "events").glob("cohort=*/learner=*"))) == 3


def test_analyze_writes_xapi_statements(
    demo_store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "statements.jsonl"
    argv = ["analyze", str(demo_store), "--statements", str(out)]
    assert main(argv) == 0
    lines = out.read_text(encoding="utf-8").splitlines()
    assert f"wrote {len(lines):,} xAPI statements" in capsys.readouterr().out
    assert "learner-01" not in out.read_text(encoding="utf-8")

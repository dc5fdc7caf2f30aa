"""`workbook analyze` never answers wrongly in silence: no store, skipped files, bad outputs."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from workbook.analytics import ENGINES
from workbook.cli import main

ENGINE_NAMES = list(ENGINES)


def _not_a_store(tmp_path: Path, kind: str) -> Path:
    target = tmp_path / kind
    if kind == "empty-folder":
        target.mkdir()
    elif kind == "file.csv":
        target.write_text("cohort,learner\nnorth,ada\n", encoding="utf-8")
    elif kind == "parquet-folder":
        target.mkdir()
        pq.write_table(pa.table({"x": [1, 2]}), target / "data.parquet")
    return target


@pytest.mark.parametrize("engine", ENGINE_NAMES)
@pytest.mark.parametrize("kind", ["empty-folder", "file.csv", "parquet-folder"])
def test_a_source_without_a_store_is_an_error_naming_it(
    tmp_path: Path, kind: str, engine: str, capsys: pytest.CaptureFixture[str]
) -> None:
    source = _not_a_store(tmp_path, kind)
    assert main(["analyze", str(source), "--engine", engine]) == 2
    err = capsys.readouterr().err
    assert f"{source} holds no store" in err


def _with_damage(demo_store: Path, tmp_path: Path) -> tuple[Path, Path, Path]:
    """A copy of the demo store with one truncated learner file and one stray 3-row file."""
    root = tmp_path / "store"
    shutil.copytree(demo_store, root)
    victim = sorted(next((root / "events").glob("cohort=*/learner=*")).glob("*.parquet"))[0]
    victim.write_bytes(victim.read_bytes()[:100])
    stray = root / "events" / "stray.parquet"
    pq.write_table(pa.table({"x": [1, 2, 3]}), stray)
    return root, victim, stray


@pytest.mark.parametrize("engine", ENGINE_NAMES)
def test_skipped_files_fail_the_command_unless_allowed(
    demo_store: Path, tmp_path: Path, engine: str, capsys: pytest.CaptureFixture[str]
) -> None:
    root, victim, stray = _with_damage(demo_store, tmp_path)
    out = tmp_path / "summary.csv"
    argv = ["analyze", str(root), "--engine", engine, "--out", str(out)]
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert "skipped 2 file(s): 3 event(s) counted, 1 file(s) too damaged to count theirs" in err
    assert victim.name in err and stray.name in err and "--allow-skipped" in err
    assert not out.exists()
    assert main([*argv, "--allow-skipped"]) == 0
    assert "skipped 2 file(s)" in capsys.readouterr().err
    assert len(pd.read_csv(out)) > 0


@pytest.mark.parametrize(
    ("flag", "name", "message"),
    [
        ("--out", "missing/dir/out.csv", "the folder {tmp}/missing/dir does not exist"),
        ("--out", "summary.xlsx", "use a file ending in .csv or .parquet"),
        ("--out", "folder.csv", "it is a folder"),
        ("--statements", "missing/s.jsonl", "the folder {tmp}/missing does not exist"),
        ("--statements", "s.json", "use a file ending in .jsonl"),
    ],
)
def test_outputs_are_checked_before_any_work(
    demo_store: Path,
    tmp_path: Path,
    flag: str,
    name: str,
    message: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    (tmp_path / "folder.csv").mkdir()
    good = {"--out": "ok.csv", "--statements": "ok.jsonl"}
    other = "--statements" if flag == "--out" else "--out"
    argv = ["analyze", "no-such-store", flag, str(tmp_path / name)]
    argv += [other, str(tmp_path / good[other])]
    assert main(argv) == 2  # the output is refused before the store is even looked for
    err = capsys.readouterr().err
    assert message.format(tmp=tmp_path) in err and str(tmp_path / name) in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["folder.csv"]  # nothing created


def test_a_reader_that_stops_early_ends_the_command_quietly(demo_store: Path) -> None:
    code = "from workbook.cli import main; raise SystemExit(main())"
    argv = [sys.executable, "-c", code, "analyze", str(demo_store), "--min-group", "1"]
    with subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as proc:
        assert proc.stdout is not None and proc.stderr is not None
        proc.stdout.close()  # like `| head` that has read what it wanted
        err = proc.stderr.read().decode()
        assert proc.wait(timeout=120) == 0
    assert "Traceback" not in err and "BrokenPipe" not in err, err


def test_the_summary_has_labels_and_whole_counts(demo_store: Path, tmp_path: Path) -> None:
    out = tmp_path / "summary.csv"
    assert main(["analyze", str(demo_store), "--out", str(out)]) == 0
    summary = pd.read_csv(out)
    assert list(summary.columns) == [
        "cohort", "exercise", "exercise_title", "item", "item_label", "snapshot",
        "learners", "mean", "median", "std", "min", "max",
    ]  # fmt: skip
    for name in ("learners", "min", "max"):
        assert summary[name].dtype == "int64", name
    assert summary["item_label"].str.len().min() > 0
    assert summary["exercise_title"].str.len().min() > 0

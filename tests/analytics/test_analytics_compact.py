"""The per-cohort layout: no event lost or duplicated, learner folders still the live store's."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from workbook.analytics import ENGINES, answers, scan
from workbook.analytics.compact import compact
from workbook.cli import main
from workbook.errors import StoreNotFoundError
from workbook.store import Event, ParquetStore


@pytest.fixture
def copy(demo_store: Path, tmp_path: Path) -> Path:
    root = tmp_path / "store"
    shutil.copytree(demo_store, root)
    return root


def _parts(root: Path) -> list[Path]:
    return sorted(root.glob("cohorts/cohort=*/part-*.parquet"))


@pytest.mark.parametrize("engine", list(ENGINES))
def test_compaction_keeps_every_event_once(demo_store: Path, copy: Path, engine: str) -> None:
    before = {h: answers(demo_store, history=h, engine=engine) for h in (False, True)}
    results = compact(copy)
    assert sum(r.events for r in results) == len(before[True])
    assert all(not p.learner_files for p in scan(copy).parts)  # everything read from parts
    for history, frame in before.items():
        pd.testing.assert_frame_equal(answers(copy, history=history, engine=engine), frame)


def test_learner_folders_stay_readable_by_the_live_store(demo_store: Path, copy: Path) -> None:
    store, original = ParquetStore(copy), ParquetStore(demo_store)
    compact(copy)
    for cohort, learner in original.learners():
        assert store.history(cohort, learner) == original.history(cohort, learner)
        folder = copy / "events" / f"cohort={cohort}" / f"learner={learner}"
        assert len(list(folder.glob("*.parquet"))) == 1  # compacted by the store itself


def test_saves_after_compaction_are_read_once(copy: Path) -> None:
    compact(copy)
    store = ParquetStore(copy)
    cohort, learner = store.learners()[0]
    event = Event(
        cohort, learner, "m03.skills", "patience", "score", 10, snapshot="last-day",
        saved_at=dt.datetime(2027, 1, 1, tzinfo=dt.UTC),
    )  # fmt: skip
    store.append([event])
    history = answers(copy, history=True)
    mine = answers(copy)
    assert (mine["saved_at"] == event.saved_at).sum() == 1
    store.compact(cohort, learner)  # the live store merges covered and new files into one
    after = answers(copy, history=True)
    pd.testing.assert_frame_equal(after, history)
    assert any(p.learner_files for p in scan(copy).parts)  # read beside the cohort part


def test_a_crashed_compaction_leaves_nothing_that_is_read(copy: Path) -> None:
    compact(copy)
    expected = answers(copy, history=True)
    part = _parts(copy)[0]
    leftover = part.with_name("part-crashed-0000.parquet")
    shutil.copy(part, leftover)  # written, but the manifest never named it
    pd.testing.assert_frame_equal(answers(copy, history=True), expected)
    compact(copy)
    assert not leftover.exists()
    assert len(_parts(copy)) == 2  # one per cohort: the previous ones are gone
    pd.testing.assert_frame_equal(answers(copy, history=True), expected)


def test_a_manifest_naming_a_missing_part_falls_back_to_learner_files(copy: Path) -> None:
    expected = answers(copy, history=True)
    compact(copy)
    manifest = next(copy.glob("cohorts/cohort=*/manifest.json"))
    listing = json.loads(manifest.read_text())
    for part in listing["parts"]:
        (manifest.parent / part).unlink()
    with pytest.warns(UserWarning, match="missing"):
        pd.testing.assert_frame_equal(answers(copy, history=True), expected)


def test_compact_command(copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["compact", str(copy)]) == 0
    out = capsys.readouterr().out
    assert out.count("events of 12 learners in 1 part(s)") == 2
    assert main(["compact", str(copy / "nowhere")]) == 2
    assert "no store at" in capsys.readouterr().err
    with pytest.raises(StoreNotFoundError):
        compact(copy / "nowhere")

"""The per-cohort layout: no event lost or duplicated, learner folders still the live store's."""

from __future__ import annotations

import datetime as dt
import importlib
import json
import os
import shutil
import warnings
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from workbook.analytics import ENGINES, AnalyticsWarning, answers, scan
from workbook.analytics.compact import compact
from workbook.cli import main
from workbook.errors import StoreNotFoundError
from workbook.store import Event, ParquetStore

compaction = importlib.import_module("workbook.analytics.compact")  # the name is the function's


@pytest.fixture
def copy(demo_store: Path, tmp_path: Path) -> Path:
    root = tmp_path / "store"
    shutil.copytree(demo_store, root)
    return root


def _late_save(cohort: str, learner: str, score: int = 10, snapshot: str = "last-day") -> Event:
    """A self-score saved after every demo save."""
    return Event(
        cohort, learner, "m03.skills", "patience", "score", score, snapshot=snapshot,
        saved_at=dt.datetime(2027, 1, 1, tzinfo=dt.UTC),
    )  # fmt: skip


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
    event = _late_save(cohort, learner)
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


def test_learner_folders_unchanged_since_compaction_are_not_listed(copy: Path) -> None:
    compact(copy)
    expected = answers(copy, history=True)
    folder = next(copy.glob("events/cohort=*/learner=*"))
    manifest = copy / "cohorts" / folder.parent.name / "manifest.json"
    listing = json.loads(manifest.read_text())
    # A file that appeared while the folder's time says nothing changed since a minute before
    # compaction (no save does that): it is not read, so the folder was not listed.
    (folder / "zz-not-listed.parquet").write_bytes(b"not parquet")
    then = listing["listed_after_ns"] - 60 * 10**9
    os.utime(folder, ns=(then, then))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        pd.testing.assert_frame_equal(answers(copy, history=True), expected)
    # A manifest from before the watermark: every folder is listed, the file found.
    del listing["listed_after_ns"]
    manifest.write_text(json.dumps(listing))
    with pytest.warns(AnalyticsWarning, match="zz-not-listed"):
        pd.testing.assert_frame_equal(answers(copy, history=True), expected)


def test_a_new_learner_after_compaction_is_read(copy: Path) -> None:
    compact(copy)
    store = ParquetStore(copy)
    cohort = store.learners()[0][0]
    event = _late_save(cohort, "newcomer", 4, "first-day")
    store.append([event])
    mine = answers(copy)
    assert (mine["learner"] == "newcomer").sum() == 1


@pytest.mark.parametrize("engine", list(ENGINES))
def test_a_save_during_compaction_is_read_once(
    copy: Path, monkeypatch: pytest.MonkeyPatch, engine: str
) -> None:
    store = ParquetStore(copy)
    cohort, learner = store.learners()[0]
    event = _late_save(cohort, learner)
    expected = answers(copy, history=True, engine=engine)
    read_part = compaction.read_part

    def save_meanwhile(*args: Any) -> Any:  # after compaction listed the folders
        if not (copy / "cohorts").exists() or not list(copy.glob("cohorts/*/manifest.json")):
            store.append([event])
        return read_part(*args)

    monkeypatch.setattr(compaction, "read_part", save_meanwhile)
    compact(copy)
    history = answers(copy, history=True, engine=engine)
    assert len(history) == len(expected) + 1
    assert (history["saved_at"] == event.saved_at).sum() == 1
    latest = answers(copy, engine=engine)
    mine = latest[(latest["learner"] == learner) & (latest["snapshot"] == "last-day")]
    assert mine.loc[mine["item"] == "patience", "value"].tolist() == [10]

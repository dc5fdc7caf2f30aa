"""Bad paths, empty stores, corrupt files, newer schemas, many stores: clear results or errors."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from workbook.analytics import (
    COLUMNS,
    ENGINES,
    AnalyticsWarning,
    answers,
    pseudonym,
    scores,
    skill_summary,
)
from workbook.course.content import load_course
from workbook.errors import SchemaVersionError, StoreNotFoundError
from workbook.store import SCHEMA

ENGINE_NAMES = list(ENGINES)
CHAPTER = load_course().chapters[0]


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("no-such-store", "no store at"),
        ("no-such-*", "no store matches"),
    ],
)
def test_a_bad_path_says_what_to_pass(tmp_path: Path, source: str, message: str) -> None:
    with pytest.raises(StoreNotFoundError, match=message) as caught:
        answers(str(tmp_path / source))
    assert isinstance(caught.value, FileNotFoundError)


def test_no_source_at_all_is_an_error() -> None:
    with pytest.raises(StoreNotFoundError, match="no store given"):
        answers([])


@pytest.mark.parametrize("engine", ENGINE_NAMES)
@pytest.mark.parametrize("history", [False, True])
def test_an_empty_store_gives_an_empty_tidy_frame(
    tmp_path: Path, engine: str, history: bool
) -> None:
    (tmp_path / "events").mkdir()
    frame = answers(tmp_path, engine=engine, history=history)
    assert frame.empty
    summary = skill_summary(tmp_path, CHAPTER, engine=engine)
    assert summary.empty and "median" in summary.columns
    assert list(frame.columns) == list(COLUMNS)
    assert str(frame["saved_at"].dtype) == "datetime64[us, UTC]"


def _learner_dir(root: Path) -> Path:
    return next((root / "events").glob("cohort=*/learner=*"))


@pytest.mark.parametrize("engine", ENGINE_NAMES)
def test_a_corrupt_file_is_skipped_with_a_warning_naming_it(
    demo_store: Path, tmp_path: Path, engine: str
) -> None:
    root = tmp_path / "store"
    shutil.copytree(demo_store, root)
    before = len(answers(root, history=True))
    folder = _learner_dir(root)
    victim = sorted(folder.glob("*.parquet"))[0]
    lost = pq.read_table(victim).num_rows
    victim.write_bytes(victim.read_bytes()[:100])  # truncated, as a crash without rename leaves
    with pytest.warns(AnalyticsWarning, match=f"skipped 1 file.* cannot be read.*{victim.name}"):
        frame = answers(root, history=True, engine=engine)
    assert len(frame) == before - lost
    with pytest.warns(AnalyticsWarning, match=f"skipped 1 file.* cannot be read.*{victim.name}"):
        assert len(skill_summary(root, CHAPTER, engine=engine, min_group=1)) > 10


@pytest.mark.parametrize("engine", ENGINE_NAMES)
def test_a_newer_schema_version_asks_for_an_upgrade(small_store: Path, engine: str) -> None:
    folder = _learner_dir(small_store)
    table = pq.read_table(sorted(folder.glob("*.parquet"))[0], schema=SCHEMA)
    newer = table.set_column(
        table.schema.get_field_index("schema_version"),
        "schema_version",
        pa.array([2] * table.num_rows, pa.int32()),
    ).append_column("mood", pa.array(["fine"] * table.num_rows))
    pq.write_table(newer, folder / "20990101T000000000000Z-newer.parquet")
    with pytest.raises(SchemaVersionError, match=r"schema version 2.*pip install -U workbook"):
        answers(small_store, engine=engine, history=True)
    with pytest.raises(SchemaVersionError, match=r"schema version 2.*pip install -U workbook"):
        skill_summary(small_store, CHAPTER, engine=engine, min_group=1)


def test_many_stores_by_glob_and_url_read_each_event_once(small_store: Path) -> None:
    copy = small_store.parent / "laptop-ada"
    shutil.copytree(small_store, copy)  # a learner store synced to the hub: the same events
    one = scores(small_store, history=True)
    both = scores(str(small_store.parent / "*"), history=True)
    assert len(both) == len(one)
    url = scores([small_store.as_uri(), copy.as_uri()], history=True)
    assert len(url) == len(one)


def test_a_folder_that_is_not_a_store_is_named_and_skipped(small_store: Path) -> None:
    stray = small_store / "events" / "cohort=north" / "notes.parquet"
    pq.write_table(pa.table({"x": [1]}), stray)
    with pytest.warns(AnalyticsWarning, match="notes.parquet"):
        assert len(scores(small_store)) == 3


def test_pseudonyms_are_salted_and_stable(small_store: Path) -> None:
    plain = scores(small_store)
    hidden = scores(small_store, salt="s3cret")
    assert set(hidden["learner"]) == {pseudonym(x, "s3cret") for x in plain["learner"]}
    assert not set(hidden["learner"]) & set(plain["learner"])
    assert set(scores(small_store, salt="other")["learner"]).isdisjoint(hidden["learner"])
    assert pseudonym("ada", "s3cret") == pseudonym("ada", "s3cret")
    with pytest.raises(ValueError, match="salt"):
        scores(small_store, salt="")

"""The tidy answers frame, built from events and from the Parquet store, gives the same rows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from workbook.course.kinds import Value, ValueType
from workbook.store import Event, MemoryStore, ParquetStore
from workbook.store.answers import COLUMNS, answers_frame, learner_answers, store_answers

T0 = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)


def _at(minutes: int) -> dt.datetime:
    return T0 + dt.timedelta(minutes=minutes)


def _events() -> list[Event]:
    def ev(
        learner: str, ex: str, field: str, type_: ValueType, value: Value, snap: str, m: int
    ) -> Event:
        return Event(
            "north",
            learner,
            ex,
            field,
            type_,
            value,
            snap,
            _at(m),
            "2026.11",
        )

    return [
        ev("ada", "m03.skills", "patience", "score", 4, "first-day", 0),
        ev("ada", "m03.skills", "patience", "score", 6, "first-day", 1),  # changed her mind
        ev("ada", "m03.skills", "patience", "score", 9, "last-day", 50),
        ev("ada", "m04.gap", "text", "text", "The briefing", "", 2),
        ev("ada", "m04.gap", "text", "text", None, "", 3),  # cleared: no current answer
        ev("ada", "m07.readiness", "setup-complete", "flag", False, "", 4),
        ev("ada", "m08.plan", "close-mistake/date", "date", dt.date(2026, 12, 1), "", 5),
        ev("bob", "m03.skills", "patience", "score", 3, "first-day", 6),
    ]


def _parquet(tmp_path: Path, history: bool) -> pd.DataFrame:
    ParquetStore(tmp_path).append(_events())
    return store_answers(tmp_path, history=history)


def _memory(_: Path, history: bool) -> pd.DataFrame:
    return answers_frame(_events(), history=history)


Frame = Callable[[Path, bool], pd.DataFrame]
SOURCES = pytest.mark.parametrize("frame", [_memory, _parquet], ids=["events", "parquet"])


@SOURCES
def test_latest_keeps_the_current_answer_of_each_item_and_snapshot(
    frame: Frame, tmp_path: Path
) -> None:
    df = frame(tmp_path, False)
    assert tuple(df.columns) == COLUMNS
    rows = {
        (r.learner, r.exercise, r.item, r.snapshot): r.value for r in df.itertuples(index=False)
    }
    assert rows == {
        ("ada", "m03.skills", "patience", "first-day"): 6,
        ("ada", "m03.skills", "patience", "last-day"): 9,
        ("ada", "m07.readiness", "setup-complete", ""): False,
        ("ada", "m08.plan", "close-mistake/date", ""): dt.date(2026, 12, 1),
        ("bob", "m03.skills", "patience", "first-day"): 3,
    }
    assert type(rows["ada", "m03.skills", "patience", "last-day"]) is int
    assert str(df["saved_at"].dtype) == "datetime64[us, UTC]"
    assert set(df["cohort"]) == {"north"} and set(df["content_version"]) == {"2026.11"}


@SOURCES
def test_history_keeps_every_event_oldest_first(frame: Frame, tmp_path: Path) -> None:
    df = frame(tmp_path, True)
    assert len(df) == len(_events())
    assert df["saved_at"].is_monotonic_increasing
    patience = df[(df.learner == "ada") & (df.item == "patience")]
    assert list(patience["value"]) == [4, 6, 9]
    assert list(patience["snapshot"]) == ["first-day", "first-day", "last-day"]
    cleared = df[df.exercise == "m04.gap"]
    assert list(cleared["value"]) == ["The briefing", None]


def test_one_learner_from_a_store_interface() -> None:
    store = MemoryStore()
    store.append(_events())
    df = learner_answers(store, "north", "bob")
    assert list(df["learner"]) == ["bob"] and list(df["value"]) == [3]


def test_no_events_give_an_empty_frame_with_the_columns() -> None:
    for df in (answers_frame([]), answers_frame([], history=True)):
        assert df.empty and tuple(df.columns) == COLUMNS


def test_an_empty_store_gives_an_empty_frame(tmp_path: Path) -> None:
    df = store_answers(tmp_path)
    assert df.empty and tuple(df.columns) == COLUMNS

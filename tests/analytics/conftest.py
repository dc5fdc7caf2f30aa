"""Shared demo stores: written once per session by the demo's bulk writer, read by every test."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from workbook.analytics.demo import write_demo
from workbook.store import Event, ParquetStore


@pytest.fixture(scope="session")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two cohorts of 12 learners: enough for groups of 5, small enough to write in a second."""
    root = tmp_path_factory.mktemp("demo") / "store"
    write_demo(root, cohorts=2, learners=12, edits=3, seed=7)
    return root


T0 = dt.datetime(2026, 10, 1, 9, tzinfo=dt.UTC)


def score(learner: str, field: str, value: int | None, minutes: int, **kw: str) -> Event:
    """A self-score of m03.skills saved `minutes` after T0."""
    return Event(
        cohort=kw.pop("cohort", "north"),
        learner=learner,
        exercise_id="m03.skills",
        field=field,
        value_type="score",
        value=value,
        snapshot=kw.pop("snapshot", "first-day"),
        saved_at=T0 + dt.timedelta(minutes=minutes),
        content_version="2026.11",
        **kw,
    )


@pytest.fixture
def small_store(tmp_path: Path) -> Iterator[Path]:
    """Hand-made events whose current answers are known (retakes, a clear, a time tie)."""
    root = tmp_path / "store"
    store = ParquetStore(root)
    store.append([score("ada", "patience", 3, 0), score("ada", "patience", 7, 5, event_id="b1")])
    store.append(
        [score("ada", "patience", 2, 5, event_id="a0")]
    )  # same time as 7, lower id: 7 wins
    store.append([score("bo", "patience", 4, 0), score("bo", "patience", None, 9)])  # cleared
    store.append(
        [score("cy", "patience", 9, 1), score("cy", "patience", 6, 2, snapshot="last-day")]
    )
    yield root


@pytest.fixture(autouse=True)
def own_config(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test its own configuration folder: the pseudonym salt made there, not in ~/.config."""
    folder = tmp_path_factory.mktemp("config")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(folder))
    monkeypatch.delenv("WORKBOOK_SALT", raising=False)
    monkeypatch.delenv("WORKBOOK_SALT_FILE", raising=False)
    return folder

"""Every engine gives the same answer on the same files, and the answer the store's rule gives."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from workbook.analytics import (
    ENGINES,
    SKILL_GROUPS,
    answers,
    score_summary,
    scores,
    skill_scores,
    skill_summary,
    summarise,
)
from workbook.course.content import load_course
from workbook.store import ParquetStore, latest

ENGINE_NAMES = list(ENGINES)
CHAPTER = load_course().chapters[0]


@pytest.fixture(scope="module")
def dask_client() -> Iterator[object]:
    """A real dask.distributed cluster in this process: threads, not processes, on two cores."""
    from distributed import Client, LocalCluster

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        # Its HTTP server on a free port: None still takes 8787, which another test process
        # (an xdist worker, a neighbour's run) may hold, and the warning fails the test.
        cluster = LocalCluster(
            n_workers=2, threads_per_worker=1, processes=False, dashboard_address=":0"
        )
        client = Client(cluster)
    yield client
    client.close()
    cluster.close()


@pytest.mark.parametrize("history", [False, True], ids=["latest", "history"])
def test_engines_agree_on_the_demo_cohorts(
    demo_store: Path, dask_client: Any, history: bool
) -> None:
    frames = {name: answers(demo_store, history=history, engine=name) for name in ENGINE_NAMES}
    reference = frames["pandas"]
    assert len(reference) > 1000
    assert (
        "read_part" in dask_client.cluster.scheduler.task_prefixes
    )  # dask's parts ran on the cluster's workers
    for name, frame in frames.items():
        pd.testing.assert_frame_equal(frame, reference, obj=f"{name} vs pandas")


def test_engines_agree_on_the_score_summary(demo_store: Path, dask_client: object) -> None:
    summaries = {name: score_summary(demo_store, engine=name) for name in ENGINE_NAMES}
    assert len(summaries["pandas"]) > 50
    for name, summary in summaries.items():
        pd.testing.assert_frame_equal(summary, summaries["pandas"], obj=name)


@pytest.mark.parametrize(
    "by", [SKILL_GROUPS, ("cohort", "skill", "snapshot"), ("exercise", "label")], ids=str
)
@pytest.mark.parametrize("min_group", [1, 5, 12])
def test_engines_agree_on_the_skill_summary(
    demo_store: Path, dask_client: object, by: tuple[str, ...], min_group: int
) -> None:
    # The chain an analyst writes in pandas is the reference; DuckDB answers it in one query.
    skills = skill_scores(scores(demo_store), CHAPTER)
    expected = summarise(skills, by, value="score", min_group=min_group)
    assert len(expected) > 3
    for name in ENGINE_NAMES:
        got = skill_summary(demo_store, CHAPTER, by=by, engine=name, min_group=min_group)
        pd.testing.assert_frame_equal(got, expected, obj=name)


def test_a_skill_summary_of_unknown_groups_says_which_exist(demo_store: Path) -> None:
    with pytest.raises(ValueError, match="group by some of cohort, learner"):
        skill_summary(demo_store, CHAPTER, by=["cohort", "value"])


@pytest.mark.parametrize("engine", ENGINE_NAMES)
def test_latest_is_the_stores_current_answer(small_store: Path, engine: str) -> None:
    frame = scores(small_store, engine=engine)
    got = {(r.learner, r.snapshot): r.value for r in frame.itertuples()}
    # ada: 7 (a tie on saved_at goes to the higher event id); bo cleared his; cy kept two.
    assert got == {("ada", "first-day"): 7, ("cy", "first-day"): 9, ("cy", "last-day"): 6}
    assert frame["value"].dtype == "int64"
    store = ParquetStore(small_store)
    for cohort, learner in store.learners():
        current = latest(store.history(cohort, learner))
        expected = {k[1]: e.value for k, e in current.items() if e.value is not None}
        assert {s: v for (who, s), v in got.items() if who == learner} == expected


@pytest.mark.parametrize("engine", ENGINE_NAMES)
def test_history_keeps_every_event_once(small_store: Path, engine: str) -> None:
    frame = scores(small_store, history=True, engine=engine)
    assert len(frame) == 7
    assert frame["saved_at"].is_monotonic_increasing
    assert frame["value"].isna().sum() == 1  # bo's clear is an event too


def test_tidy_frame_columns_and_types(demo_store: Path) -> None:
    frame = answers(demo_store)
    assert list(frame.columns) == [
        "cohort", "learner", "exercise", "item", "snapshot", "value", "saved_at", "content_version"
    ]  # fmt: skip
    assert str(frame["saved_at"].dtype) == "datetime64[us, UTC]"
    for column in ("cohort", "learner", "exercise", "item", "snapshot", "content_version"):
        assert all(isinstance(v, str) for v in frame[column]), column
    kinds = {type(v).__name__ for v in frame["value"]}
    assert kinds == {"str", "int", "bool", "date"}
    key = ["cohort", "learner", "exercise", "item", "snapshot"]
    assert not frame.duplicated(key).any()


@pytest.mark.parametrize("history", [False, True], ids=["latest", "history"])
def test_a_learners_frame_is_the_one_workbook_answers_builds(
    demo_store: Path, history: bool
) -> None:
    """The scan of many stores and the single-learner builder charts use give the same frame."""
    from workbook.store.answers import learner_answers

    store = ParquetStore(demo_store)
    cohort, learner = store.learners()[3]
    folder = demo_store / "events" / f"cohort={cohort}" / f"learner={learner}"
    ours = answers(folder, history=history)
    theirs = learner_answers(store, cohort, learner, history=history)
    pd.testing.assert_frame_equal(ours, theirs)

"""Aggregates against figures computed by hand, and the minimum group size."""

from __future__ import annotations

import statistics
from pathlib import Path

import pandas as pd
import pytest

from workbook.analytics import (
    answers,
    change,
    cohort_change,
    completion,
    score_summary,
    scores,
    skill_scores,
    summarise,
)
from workbook.course.content import load_course
from workbook.course.kinds import Value
from workbook.course.progress import progress
from workbook.store import ParquetStore

CHAPTER = load_course().chapters[0]


def _frame(rows: list[tuple[str, str, str, int]]) -> pd.DataFrame:
    """Latest scores of m06.audit: (learner, snapshot, item, value)."""
    return pd.DataFrame(
        [("north", who, "m06.audit", item, snap, value) for who, snap, item, value in rows],
        columns=["cohort", "learner", "exercise", "item", "snapshot", "value"],
    )


def test_summary_figures_match_statistics() -> None:
    values = [1, 2, 2, 5, 4, 3]
    frame = _frame(
        [(f"l{i}", "first-day", "handover-1/unified-messaging", v) for i, v in enumerate(values)]
    )
    row = summarise(frame).iloc[0]
    assert row["learners"] == 6
    assert row["mean"] == pytest.approx(statistics.mean(values))
    assert row["median"] == statistics.median(values)
    assert row["std"] == pytest.approx(statistics.stdev(values))
    assert (row["min"], row["max"]) == (1, 5)


@pytest.mark.parametrize(("learners", "min_group", "shown"), [(4, 5, 0), (5, 5, 1), (2, 1, 1)])
def test_groups_under_the_minimum_are_left_out(learners: int, min_group: int, shown: int) -> None:
    frame = _frame(
        [(f"l{i}", "first-day", "handover-1/unified-messaging", 3) for i in range(learners)]
    )
    assert len(summarise(frame, min_group=min_group)) == shown


def test_matrix_columns_are_averaged_over_handovers_and_change_is_last_minus_first() -> None:
    rows = []
    for i in range(5):
        for h, (first, last) in enumerate([(1, 4), (2, 4), (3, 4)], 1):
            rows.append((f"l{i}", "first-day", f"handover-{h}/unified-messaging", first))
            rows.append((f"l{i}", "last-day", f"handover-{h}/unified-messaging", last))
    skills = skill_scores(_frame(rows), CHAPTER)
    assert set(skills["skill"]) == {"unified-messaging"}
    assert set(skills.loc[skills["snapshot"] == "first-day", "score"]) == {2.0}
    per_learner = change(skills)
    assert len(per_learner) == 5 and set(per_learner["change"]) == {2.0}
    label = next(
        c.label for c in CHAPTER.exercise("m06.audit").columns if c.id == "unified-messaging"
    )
    assert set(per_learner["label"]) == {label}  # labels come from content
    per_cohort = cohort_change(per_learner)
    assert per_cohort[["learners", "mean", "median"]].values.tolist() == [[5, 2.0, 2.0]]
    assert cohort_change(per_learner, min_group=6).empty


def test_completion_counts_what_each_learners_progress_says(demo_store: Path) -> None:
    table = completion(answers(demo_store), CHAPTER, min_group=1)
    store = ParquetStore(demo_store)
    expected: dict[tuple[str, str], int] = {}
    for cohort, learner in store.learners():
        mine = answers(demo_store / "events" / f"cohort={cohort}" / f"learner={learner}")
        merged: dict[str, dict[str, Value]] = {}
        for r in mine.sort_values("saved_at").to_dict("records"):
            merged.setdefault(str(r["exercise"]), {})[str(r["item"])] = r["value"]
        for unit in progress(CHAPTER, merged).units:
            expected[(cohort, unit.unit.id)] = expected.get((cohort, unit.unit.id), 0) + unit.done
    got = {(r.cohort, r.unit): r.completed for r in table.itertuples()}
    assert got == expected
    assert 0 < table["rate"].min() < table["rate"].max() == 1.0  # partial completion happens


def test_score_summary_reads_each_learners_latest_score(demo_store: Path) -> None:
    summary = score_summary(demo_store, min_group=1)
    latest = scores(demo_store)
    one = summary.iloc[0]
    picked = latest[
        (latest["cohort"] == one["cohort"]) & (latest["exercise"] == one["exercise"])
        & (latest["item"] == one["item"]) & (latest["snapshot"] == one["snapshot"])
    ]  # fmt: skip
    assert one["learners"] == len(picked) == picked["learner"].nunique()
    assert one["median"] == statistics.median(picked["value"])

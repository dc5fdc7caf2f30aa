"""Cohort charts: workbook.charts drawn per cohort from its mean, small snapshots left out."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from workbook import charts
from workbook.analytics import cohort_charts, save_charts, scores
from workbook.analytics.charts import cohort_scores
from workbook.charts.data import latest
from workbook.course.content import load_course

CHAPTER = load_course().chapters[0]


@pytest.fixture(scope="module")
def frame(demo_store: Path) -> pd.DataFrame:
    return scores(demo_store)


def test_a_cohorts_chart_plots_its_learners_mean(frame: pd.DataFrame) -> None:
    drawn = cohort_charts(frame, CHAPTER, charts=[charts.latest_scores])
    cohorts = sorted(frame["cohort"].unique())
    assert [c.cohort for c in drawn if c.exercise == "m03.skills"] == cohorts
    for chart in drawn:
        assert chart.name == f"{chart.cohort}-{chart.exercise.replace('.', '-')}-latest-scores"
        svg = charts.to_bytes(chart.figure, "svg").decode()
        assert f"Cohort {chart.cohort}" in svg
    one = next(c for c in drawn if c.exercise == "m03.skills")
    mine = frame[frame["cohort"] == one.cohort]
    # The bars are the cohort's means, shown to one decimal.
    means = latest(mine, CHAPTER.exercise("m03.skills"))
    svg = charts.to_bytes(one.figure, "svg").decode()
    assert all(f">{round(v, 1):g}<" in svg for v in means)


# 12 learners a cohort: at 5 every chart is drawn; at 12 only what all 12 completed (first
# day of m03, the audits come later), so no first → last; at 13 nothing is a group.
@pytest.mark.parametrize(("min_group", "per_cohort"), [(5, 7), (12, 2), (13, 0)])
def test_snapshots_fewer_learners_completed_are_left_out(
    frame: pd.DataFrame, min_group: int, per_cohort: int
) -> None:
    cohort = sorted(frame["cohort"].unique())[0]
    kept = cohort_scores(frame, CHAPTER, cohort, min_group=min_group)
    assert set(kept["cohort"]) <= {cohort}
    held = kept.groupby(["exercise", "snapshot"])["learner"].nunique()
    assert (held >= min_group).all()
    assert not any(s.startswith("check-in") for s in kept["snapshot"])  # dated per learner
    drawn = cohort_charts(frame, CHAPTER, min_group=min_group)
    assert len([c for c in drawn if c.cohort == cohort]) == per_cohort
    assert per_cohort != 7 or len(drawn) == 2 * len(charts.charts_for(CHAPTER))
    assert per_cohort != 0 or kept.empty


def test_charts_are_saved_in_each_format(frame: pd.DataFrame, tmp_path: Path) -> None:
    drawn = cohort_charts(frame, CHAPTER, charts=[charts.audit_heatmap])
    written = save_charts(drawn, tmp_path / "charts")
    assert len(written) == 2 * len(drawn) > 0
    assert {p.suffix for p in written} == {".png", ".svg"}
    assert all(p.read_bytes()[:4] in (b"\x89PNG", b"<?xm") for p in written)

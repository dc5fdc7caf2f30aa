"""Cohort charts: the self-score charts of :mod:`workbook.charts`, drawn once per cohort.

Those charts take a tidy frame of one learner or many and plot each value as the mean over the
learners who have it. Here each cohort's current scores go in, keeping only the snapshots that
at least `min_group` of its learners completed (check-ins are dated per learner, so most stay
personal and are left out), and the cohort is named in each chart's title.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from pathlib import Path

import pandas as pd
from matplotlib.figure import Figure

from ..charts import Chart, chart_name, charts_for, save
from ..charts.data import taken
from ..charts.output import Format
from ..course.model import Chapter
from .aggregates import MIN_GROUP

__all__ = ["CohortChart", "cohort_charts", "cohort_scores", "save_charts"]


@dataclasses.dataclass(frozen=True)
class CohortChart:
    """One chart of one cohort; `name` is a file stem (`c2026-09-07-m03-skills-latest-scores`)."""

    cohort: str
    exercise: str
    chart: Chart
    name: str
    figure: Figure


def cohort_scores(
    scores: pd.DataFrame, chapter: Chapter, cohort: str, *, min_group: int = MIN_GROUP
) -> pd.DataFrame:
    """A cohort's rows of the tidy scores frame, in snapshots completed by `min_group` or more."""
    mine = scores[scores["cohort"] == cohort]
    keep = []
    for exercise in dict.fromkeys(e for e, _ in charts_for(chapter)):  # each once, in order
        done = taken(mine, exercise).groupby("snapshot")["learner"].nunique()
        held = set(done.index[done >= min_group])
        keep.append(mine[(mine["exercise"] == exercise.id) & mine["snapshot"].isin(held)])
    return pd.concat(keep, ignore_index=True) if keep else mine.iloc[:0]


def cohort_charts(
    scores: pd.DataFrame,
    chapter: Chapter,
    *,
    charts: Sequence[Chart] | None = None,
    min_group: int = MIN_GROUP,
) -> list[CohortChart]:
    """Every cohort's charts of each self-score (those in `charts`, or all), cohort by cohort.

    `scores` is the tidy frame of current self-scores (:func:`workbook.analytics.scores`); a
    chart with nothing to draw from the kept snapshots (first → last with one of them) is left
    out, not drawn as the message a learner would see.
    """
    out = []
    for cohort in sorted(scores["cohort"].unique()):
        frame = cohort_scores(scores, chapter, str(cohort), min_group=min_group)
        for exercise, chart in charts_for(chapter):
            if charts is not None and chart not in charts:
                continue
            learners = frame.loc[frame["exercise"] == exercise.id, "learner"].nunique()
            if learners < min_group:
                continue
            figure = chart(frame, chapter, exercise.id)
            if not figure.axes:  # nothing to draw: the chart's message is for a learner
                continue
            ax = figure.axes[0]  # the subtitle, not the title: a legend may sit beside that
            ax.set_title(
                f"Cohort {cohort} · {learners} learners\n{ax.get_title('left')}", loc="left"
            )
            stem = f"{cohort}-{chart_name(exercise, chart)}"
            out.append(CohortChart(str(cohort), exercise.id, chart, stem, figure))
    return out


def save_charts(
    charts: Sequence[CohortChart], folder: Path | str, formats: Sequence[Format] = ("png", "svg")
) -> list[Path]:
    """Each chart written once per format to `folder`, named by its `name`."""
    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    return [save(c.figure, target / f"{c.name}.{f}") for c in charts for f in formats]

"""The aggregates analysts always need, from tidy frames: pandas in, pandas out.

Group figures leave out groups of fewer than `min_group` learners (a score of two people is
theirs, not a cohort's). Scores are each learner's current answer (the store's rule), so a
learner counts once per group whatever they retook.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from ..course.kinds import KINDS, Value, fields_of
from ..course.model import Chapter
from ..course.progress import unit_progress
from .privacy import MIN_GROUP

__all__ = [
    "MIN_GROUP",
    "SUMMARY",
    "change",
    "cohort_change",
    "completion",
    "labelled",
    "scores_by_skill",
    "skill_map",
    "skill_scores",
    "summarise",
    "unit_progress_frame",
]

# The figures of every score summary, after its group columns.
SUMMARY = ("learners", "mean", "median", "std", "min", "max")


def summarise(
    scores: pd.DataFrame,
    by: Sequence[str] = ("cohort", "exercise", "item", "snapshot"),
    *,
    value: str = "value",
    min_group: int = MIN_GROUP,
) -> pd.DataFrame:
    """Learners counted, mean, median, spread (std), min and max of `value` per group of `by`.

    std is the sample standard deviation (n - 1; empty for a single learner), median the middle
    value or the mean of the two middle ones; min and max stay whole numbers for whole values.
    """
    keys = list(by)
    if scores.empty:
        out = pd.DataFrame({k: pd.Series(dtype=str) for k in keys})
        for name in SUMMARY:
            out[name] = pd.Series(dtype="int64" if name == "learners" else "float64")
        return out
    grouped = scores.groupby(keys, sort=True, observed=True)
    out = grouped[value].agg(["mean", "median", "std", "min", "max"])
    out.insert(0, "learners", grouped["learner"].nunique())
    out = out.reset_index()
    out = out[out["learners"] >= min_group].reset_index(drop=True)
    out["learners"] = out["learners"].astype("int64")
    whole = pd.api.types.is_integer_dtype(scores[value])
    for name in ("mean", "median", "std", "min", "max"):
        out[name] = out[name].astype("int64" if whole and name in ("min", "max") else "float64")
    return out


def labelled(summary: pd.DataFrame, chapter: Chapter) -> pd.DataFrame:
    """`summary` with the course's words beside its ids: ``exercise_title`` after ``exercise``,
    ``item_label`` after ``item`` (what a chart or a BI tool shows instead of ``m03.skills``)."""
    titles = {ex.id: ex.title for unit in chapter.units for ex in unit.exercises}
    items = {
        (ex.id, f.key): f.label
        for unit in chapter.units
        for ex in unit.exercises
        for f in fields_of(ex)
    }
    out = summary.copy()
    if "exercise" in out:
        at = list(out.columns).index("exercise") + 1
        out.insert(at, "exercise_title", out["exercise"].map(titles).fillna("").astype(str))
    if "exercise" in out and "item" in out:
        pairs = zip(out["exercise"], out["item"], strict=True)
        at = list(out.columns).index("item") + 1
        out.insert(at, "item_label", pd.Series([items.get(p, "") for p in pairs], dtype=str))
    return out


def skill_map(chapter: Chapter) -> pd.DataFrame:
    """(exercise, item) → skill: a scale's item, or a matrix's column (its rows are averaged)."""
    rows = []
    for unit in chapter.units:
        for ex in unit.exercises:
            if not KINDS[ex.kind].self_score:
                continue
            if ex.kind == "score_scale":
                rows += [(ex.id, i.id, i.id, i.label) for i in ex.items]
            else:
                rows += [
                    (ex.id, f"{r.id}/{c.id}", c.id, c.label) for r in ex.rows for c in ex.columns
                ]
    return pd.DataFrame(rows, columns=["exercise", "item", "skill", "label"]).astype(str)


def skill_scores(scores: pd.DataFrame, chapter: Chapter) -> pd.DataFrame:
    """Each learner's score per skill or coordination area and snapshot (matrix rows averaged)."""
    return scores_by_skill(scores, skill_map(chapter))


def scores_by_skill(scores: pd.DataFrame, skills: pd.DataFrame) -> pd.DataFrame:
    """:func:`skill_scores` with the chapter's :func:`skill_map` given."""
    keys = ["cohort", "learner", "exercise", "snapshot", "skill", "label"]
    merged = scores.merge(skills, on=["exercise", "item"], how="inner")
    if merged.empty:
        return pd.DataFrame({k: pd.Series(dtype=str) for k in keys}).assign(
            score=pd.Series(dtype="float64")
        )
    out = merged.groupby(keys, sort=True, observed=True)["value"].mean().reset_index()
    return out.rename(columns={"value": "score"}).astype({"score": "float64"})


def change(
    skills: pd.DataFrame, *, before: str = "first-day", after: str = "last-day"
) -> pd.DataFrame:
    """Per learner and skill: the score `before` and `after` (snapshots) and their difference."""
    keys = ["cohort", "learner", "exercise", "skill", "label"]
    pair = skills[skills["snapshot"].isin([before, after])]
    wide = pair.pivot_table(index=keys, columns="snapshot", values="score", observed=True)
    if before not in wide or after not in wide:
        empty = pd.DataFrame({k: pd.Series(dtype=str) for k in keys})
        return empty.assign(
            **{n: pd.Series(dtype="float64") for n in ("before", "after", "change")}
        )
    wide = wide.dropna(subset=[before, after]).reset_index()
    out = wide[keys].copy()
    out["before"], out["after"] = wide[before].astype(float), wide[after].astype(float)
    out["change"] = out["after"] - out["before"]
    return out.reset_index(drop=True)


def cohort_change(changes: pd.DataFrame, *, min_group: int = MIN_GROUP) -> pd.DataFrame:
    """Per cohort and skill: learners with both snapshots, and their change's summary."""
    return summarise(
        changes, ("cohort", "exercise", "skill", "label"), value="change", min_group=min_group
    )


def unit_progress_frame(answers: pd.DataFrame, chapter: Chapter) -> pd.DataFrame:
    """Per learner and unit: started, exercises complete of required, done, last saved.

    `answers` is the latest tidy frame of all value types; a unit is done by the same rule as
    the learner's own progress (snapshots merged, newest value winning).
    """
    rows = []
    ordered = answers.sort_values("saved_at", kind="stable")
    newest = ordered.drop_duplicates(["cohort", "learner", "exercise", "item"], keep="last")
    unit_of = {ex.id: unit.id for unit in chapter.units for ex in unit.exercises}
    for (cohort, learner), mine in newest.groupby(["cohort", "learner"], sort=True, observed=True):
        merged: dict[str, dict[str, Value]] = {}
        for ex, item, value in zip(mine["exercise"], mine["item"], mine["value"], strict=True):
            merged.setdefault(ex, {})[item] = value
        last = mine.groupby(mine["exercise"].map(unit_of), observed=True)["saved_at"].max()
        for unit in chapter.units:
            done = unit_progress(unit, merged)
            rows.append(
                (str(cohort), str(learner), unit.id, unit.id in last.index, done.complete,
                 done.required, done.done, last.get(unit.id, pd.NaT))
            )  # fmt: skip
    columns = ["cohort", "learner", "unit", "started", "complete", "required", "done", "last_saved"]
    out = pd.DataFrame(rows, columns=columns)
    out = out.astype({"cohort": str, "learner": str, "unit": str, "started": bool, "done": bool})
    out["last_saved"] = pd.to_datetime(out["last_saved"], utc=True).astype("datetime64[us, UTC]")
    return out.astype({"complete": "int64", "required": "int64"})


def completion(
    answers: pd.DataFrame, chapter: Chapter, *, min_group: int = MIN_GROUP
) -> pd.DataFrame:
    """Per cohort and unit: learners who started the course, started the unit, completed it.

    `rate` is completed / learners; cohorts of fewer than `min_group` learners are left out.
    """
    units = unit_progress_frame(answers, chapter)
    grouped = units.groupby(["cohort", "unit"], sort=False, observed=True)
    out = grouped.agg(
        learners=("learner", "nunique"), started=("started", "sum"), completed=("done", "sum")
    ).reset_index()
    order = {u.id: n for n, u in enumerate(chapter.units)}
    out = out.sort_values(["cohort", "unit"], key=lambda c: c.map(order) if c.name == "unit" else c)
    out = out[out["learners"] >= min_group].reset_index(drop=True)
    names = {u.id: (u.label, u.title) for u in chapter.units}
    out.insert(2, "label", out["unit"].map(lambda u: names[u][0]).astype(str))
    out.insert(3, "title", out["unit"].map(lambda u: names[u][1]).astype(str))
    out = out.astype({"learners": "int64", "started": "int64", "completed": "int64"})
    out["rate"] = (out["completed"] / out["learners"]).astype("float64")
    return out

"""What each chart plots, computed from the tidy answers frame: tested here, drawn in `figures`.

Every function takes the frame (one learner or many) and a self-score exercise of the course
model. Only complete snapshots are plotted (a learner × snapshot with every slot scored): a
partial retake is "in progress" and changes no chart until it is finished. With many learners
a value is the mean over those who have it.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..course.kinds import is_complete
from ..course.model import Chapter, Exercise, Item
from ..course.scores import item_scores, ranked
from ..course.snapshots import SnapshotState, ordered, snapshot_label, states

__all__ = [
    "FirstLast",
    "derived_from",
    "first_last",
    "grid",
    "in_progress",
    "items_of",
    "latest",
    "lowest_of",
    "snapshot_means",
    "taken",
]


def items_of(exercise: Exercise) -> tuple[Item, ...]:
    """The scored items: a scale's items, a matrix's columns (averaged over its rows)."""
    return exercise.items or exercise.columns


def _answers(frame: pd.DataFrame, exercise: Exercise) -> pd.DataFrame:
    rows = frame[(frame["exercise"] == exercise.id) & frame["value"].notna()]
    return rows[["learner", "snapshot", "item", "value"]]


def taken(frame: pd.DataFrame, exercise: Exercise) -> pd.DataFrame:
    """One row per learner × complete snapshot × scored item: learner, snapshot, item, score."""
    out: list[tuple[str, str, str, float]] = []
    for (learner, snapshot), group in _answers(frame, exercise).groupby(
        ["learner", "snapshot"], sort=True
    ):
        answers = dict(zip(group["item"], group["value"], strict=True))
        if is_complete(exercise, answers):
            out += [
                (str(learner), str(snapshot), i.id, s) for i, s in item_scores(exercise, answers)
            ]
    return pd.DataFrame(out, columns=["learner", "snapshot", "item", "score"])


def in_progress(frame: pd.DataFrame, exercise: Exercise) -> list[SnapshotState]:
    """Partial snapshots of a single learner's frame, after their last complete one."""
    by_snapshot: dict[str, dict[str, object]] = {}
    for row in _answers(frame, exercise).itertuples(index=False):
        by_snapshot.setdefault(str(row.snapshot), {})[str(row.item)] = row.value
    found = states(exercise, by_snapshot)  # type: ignore[arg-type]
    last_complete = max((n for n, s in enumerate(found) if s.complete), default=-1)
    return [s for s in found[last_complete + 1 :] if not s.complete]


def _course_order(exercise: Exercise, values: pd.Series | pd.DataFrame) -> pd.Series | pd.DataFrame:
    ids = [i.id for i in items_of(exercise) if i.id in values.index]
    return values.loc[ids]


def snapshot_means(frame: pd.DataFrame, exercise: Exercise) -> pd.DataFrame:
    """Items (course order) × complete snapshots (course order): the mean score."""
    rows = taken(frame, exercise)
    if rows.empty:
        return pd.DataFrame(dtype=float)
    table = rows.pivot_table(index="item", columns="snapshot", values="score", aggfunc="mean")
    table = table[ordered(table.columns)]
    table.columns.name = None
    return _course_order(exercise, table)  # type: ignore[return-value]


def _per_learner(rows: pd.DataFrame, pick: int) -> pd.DataFrame:
    """Each learner's scores of their first (`pick=0`) or last (`-1`) complete snapshot."""
    chosen = {
        learner: ordered(group["snapshot"])[pick] for learner, group in rows.groupby("learner")
    }
    keep = rows["snapshot"] == rows["learner"].map(chosen)
    return rows[keep]


def latest(frame: pd.DataFrame, exercise: Exercise) -> pd.Series:
    """Each item's score in each learner's last complete snapshot (the one in effect), mean."""
    rows = taken(frame, exercise)
    if rows.empty:
        return pd.Series(dtype=float)
    chosen = _per_learner(rows, -1)
    series = chosen.groupby("item")["score"].mean()
    series.name = _label(chosen["snapshot"])
    return _course_order(exercise, series)  # type: ignore[return-value]


def _label(snapshots: pd.Series) -> str:
    """The snapshot's label when every learner's is the same one, else a neutral word."""
    names = set(snapshots)
    return snapshot_label(names.pop()) if len(names) == 1 else "each learner's latest day"


def derived_from(chapter: Chapter, exercise: Exercise, frame: pd.DataFrame) -> tuple[int, str]:
    """How many lowest items the course names for this exercise, and what it calls them: for
    one learner ("Your two lowest skills"), or for the means of several (a cohort's chart)."""
    group = frame["learner"].nunique() > 1
    for unit in chapter.units:
        for other in unit.exercises:
            if other.derive is not None and other.derive.lowest_of == exercise.id:
                derive = other.derive
                return derive.count, derive.group_label if group else derive.label
    return 0, ""


def lowest_of(exercise: Exercise, scores: pd.Series, count: int) -> list[str]:
    """The `count` lowest item ids of `scores` (ties keep course order), as prompts name them."""
    pairs = [(i, float(scores[i.id])) for i in items_of(exercise) if i.id in scores.index]
    return [item.id for item, _ in ranked(exercise, pairs)[:count]]


def marked_lowest(
    exercise: Exercise, scores: pd.Series, count: int, frame: pd.DataFrame
) -> list[str]:
    """:func:`lowest_of` for a chart: of one learner, as their prompt names them; of a group's
    means, none when the cut falls inside a tie (course order would pick, not the scores)."""
    ids = lowest_of(exercise, scores, count)
    if frame["learner"].nunique() > 1 and 0 < count < len(scores):
        values = sorted(round(float(v), 6) for v in scores)
        if values[count - 1] == values[count]:
            return []
    return ids


@dataclass(frozen=True)
class FirstLast:
    """Per item: the first and last complete snapshot's score and the change between them."""

    table: pd.DataFrame  # index item id (course order); columns first, last, change
    first: str  # labels of the two snapshots
    last: str


def first_last(frame: pd.DataFrame, exercise: Exercise) -> FirstLast | None:
    """None until some learner has two complete snapshots."""
    rows = taken(frame, exercise)
    counts = rows.groupby("learner")["snapshot"].nunique()
    rows = rows[rows["learner"].isin(counts[counts >= 2].index)]
    if rows.empty:
        return None
    first, last = _per_learner(rows, 0), _per_learner(rows, -1)
    table = pd.DataFrame(
        {
            "first": first.groupby("item")["score"].mean(),
            "last": last.groupby("item")["score"].mean(),
        }
    )
    table["change"] = table["last"] - table["first"]
    return FirstLast(
        _course_order(exercise, table),  # type: ignore[arg-type]
        _label(first["snapshot"]),
        _label(last["snapshot"]),
    )


def grid(frame: pd.DataFrame, exercise: Exercise) -> tuple[pd.DataFrame, str]:
    """A matrix's rows × columns in each learner's last complete snapshot (mean), and its label."""
    rows = _answers(frame, exercise)
    complete = taken(frame, exercise)
    if complete.empty:
        return pd.DataFrame(dtype=float), ""
    chosen = _per_learner(complete, -1)[["learner", "snapshot"]].drop_duplicates()
    cells = rows.merge(chosen, on=["learner", "snapshot"])
    cells = cells.assign(
        row=cells["item"].str.split("/").str[0],
        column=cells["item"].str.split("/").str[1],
        score=cells["value"].astype(float),
    )
    table = cells.pivot_table(index="row", columns="column", values="score", aggfunc="mean")
    table = table.loc[[r.id for r in exercise.rows], [c.id for c in exercise.columns]]
    table.index.name = table.columns.name = None
    return table, _label(chosen["snapshot"])

"""My progress, beside the cohort: each of the learner's scores on their cohort's distribution.

The cohort service gives a learner only counts of learners per scale point, and only for
snapshots at least the minimum group of learners completed (``GET api/room/mine``); nothing
else about other learners reaches the learner's kernel. Without a cohort service (a laptop with
no hub) there is nothing to show and the section stays empty.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from ..charts.data import taken
from ..course.model import Chapter
from ..course.snapshots import snapshot_label
from ..errors import WorkbookError
from ..sync.client import HttpTarget, target_from_env
from .layout import templates

__all__ = ["cohort_scores", "compare_html"]


def cohort_scores(target: HttpTarget | None = None) -> dict[str, Any] | None:
    """The cohort's distributions from the service, or None without one (or when offline)."""
    target = target or _target()
    if target is None:
        return None
    try:
        return dict(target.request("GET", "api/room/mine"))
    except WorkbookError:
        return None
    finally:
        target.close()


def _target() -> HttpTarget | None:
    try:
        target = target_from_env()
    except WorkbookError:
        return None
    return target if isinstance(target, HttpTarget) else None


def compare_html(payload: dict[str, Any] | None, mine: pd.DataFrame, chapter: Chapter) -> str:
    """One block per self-score snapshot the cohort shares: each item's distribution, with the
    learner's own score marked (where they have one)."""
    if not payload or not payload.get("scores"):
        return ""
    blocks = []
    for entry in payload["scores"]:
        try:
            exercise = chapter.exercise(entry["exercise"])
        except KeyError:
            continue  # another course version's exercise
        done = taken(mine, exercise)
        done = done[done["snapshot"] == entry["snapshot"]]
        own = dict(zip(done["item"], done["score"].round().astype("int64"), strict=True))
        labels = {i.id: i.label for i in (exercise.items or exercise.columns)}
        rows = [
            (labels.get(item, item), counts, own.get(item))
            for item, counts in entry["items"].items()
        ]
        unit = chapter.unit_of(exercise.id)
        blocks.append(
            {"title": f"{unit.label} · {exercise.title}", "snapshot": snapshot_label(entry["snapshot"]),
             "learners": entry["learners"], "points": entry["points"], "rows": rows}
        )  # fmt: skip
    return (
        templates().get_template("compare.html.j2").render(cohort=payload["cohort"], blocks=blocks)
    )

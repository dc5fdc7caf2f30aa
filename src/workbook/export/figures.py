"""The charts section of an export: the learner's progress charts as embeddable images.

:mod:`workbook.charts` draws them (the same figures the My progress notebook shows); here each
becomes a :class:`Chart` holding SVG, which every format embeds as a data URI and none links.
Only self-scores the learner has scored are drawn: an export is no place for "score this first".
"""

from __future__ import annotations

import pandas as pd

from ..course.kinds import KINDS
from ..course.model import Chapter
from .document import Chart

__all__ = ["embedded_charts"]


def embedded_charts(chapter: Chapter, frame: pd.DataFrame) -> tuple[Chart, ...]:
    """The charts of one learner's latest answers, in course order."""
    scored = set(frame["exercise"])
    if not any(
        KINDS[e.kind].self_score and e.id in scored for u in chapter.units for e in u.exercises
    ):
        return ()
    from .. import charts  # matplotlib takes a second to import: only when there is a score

    out = []
    for exercise, draw in charts.charts_for(chapter):
        if exercise.id not in scored:
            continue
        figure = draw(frame, chapter, exercise.id)
        subtitle = figure.axes[0].get_title(loc="left") if figure.axes else ""
        unit = chapter.unit_of(exercise.id)
        out.append(
            Chart(
                title=f"{unit.label} · {unit.title}",  # the figure names the exercise itself
                description=": ".join(t for t in (figure.get_suptitle(), subtitle) if t),
                media_type="image/svg+xml",
                data=charts.to_bytes(figure, "svg"),
            )
        )
    return tuple(out)

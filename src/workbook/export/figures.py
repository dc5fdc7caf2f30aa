"""The charts section of an export: the learner's progress charts as embeddable images.

:mod:`workbook.charts` draws them (the same figures the My progress notebook shows); here each
becomes a :class:`Chart` holding SVG, which every format embeds as a data URI and none links.
Only self-scores the learner has scored are drawn: an export is no place for "score this first".

Drawing is most of an export's time, so the last few sets drawn are kept, keyed by the chapter
and the answers: exporting the same answers as HTML, then Markdown, then PDF (the dashboard's
buttons) draws each chart once; any changed answer draws them again.
"""

from __future__ import annotations

import hashlib
import threading

import pandas as pd

from ..course.kinds import KINDS
from ..course.model import Chapter
from .document import Chart

__all__ = ["embedded_charts", "forget_charts"]

KEPT = 4  # sets of charts (~120 KB each): a kernel exporting one learner needs one
# Keyed by the chapter's value (a frozen dataclass: a course loaded again is equal, ~1 ms to
# compare), not its identity: each export loads the course afresh.
_drawn: dict[tuple[Chapter, str], tuple[Chart, ...]] = {}
_lock = threading.Lock()


def _answers_key(frame: pd.DataFrame) -> str:
    hashed = pd.util.hash_pandas_object(frame.astype(str), index=False).to_numpy()
    return hashlib.sha256(hashed.tobytes() + ",".join(frame.columns).encode()).hexdigest()


def embedded_charts(chapter: Chapter, frame: pd.DataFrame) -> tuple[Chart, ...]:
    """The charts of one learner's latest answers, in course order."""
    key = (chapter, _answers_key(frame))
    with _lock:
        kept = _drawn.get(key)
    if kept is not None:
        return kept
    charts = _draw(chapter, frame)
    with _lock:
        _drawn[key] = charts
        while len(_drawn) > KEPT:
            del _drawn[next(iter(_drawn))]
    return charts


def forget_charts() -> None:
    """Drop the charts kept (a benchmark timing the drawing)."""
    with _lock:
        _drawn.clear()


def _draw(chapter: Chapter, frame: pd.DataFrame) -> tuple[Chart, ...]:
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

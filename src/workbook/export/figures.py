"""The charts section of an export: the learner's progress charts as embeddable images.

:mod:`workbook.charts` draws them (the same figures the My progress notebook shows); here each
becomes a :class:`Chart` holding SVG, which every format embeds as a data URI and none links.
Only self-scores the learner has scored are drawn: an export is no place for "score this first".

Drawing is most of an export's time, so the last few sets drawn are kept, keyed by the chapter
and the answers: exporting the same answers as HTML, then Markdown, then PDF (the dashboard's
buttons) draws each chart once; any changed answer draws them again. Charts drawn elsewhere
(My progress's drawing child, which has just drawn them all) can be offered with
:func:`offer_charts`: an export of the very same answers embeds them instead of drawing.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import pandas as pd

from ..course.kinds import KINDS
from ..course.model import Chapter, Exercise
from .document import Chart

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["answers_key", "embedded_chart", "embedded_charts", "forget_charts", "offer_charts"]

KEPT = 4  # sets of charts (~120 KB each): a kernel exporting one learner needs one
# Keyed by the chapter's value (a frozen dataclass: a course loaded again is equal, ~1 ms to
# compare), not its identity: each export loads the course afresh.
_drawn: dict[tuple[Chapter, str], tuple[Chart, ...]] = {}
_lock = threading.Lock()
# Charts drawn elsewhere, by answers key, then by exercise: its charts in course order.
_offered: dict[str, dict[str, tuple[Chart, ...]]] = {}


def answers_key(frame: pd.DataFrame) -> str:
    """A digest of a learner's answers frame: equal frames, equal keys."""
    hashed = pd.util.hash_pandas_object(frame.astype(str), index=False).to_numpy()
    return hashlib.sha256(hashed.tobytes() + ",".join(frame.columns).encode()).hexdigest()


def embedded_charts(chapter: Chapter, frame: pd.DataFrame) -> tuple[Chart, ...]:
    """The charts of one learner's latest answers, in course order."""
    answers = answers_key(frame)
    key = (chapter, answers)
    with _lock:
        kept = _drawn.get(key)
    if kept is not None:
        return kept
    charts = _draw(chapter, frame, answers)
    with _lock:
        _drawn[key] = charts
        while len(_drawn) > KEPT:
            del _drawn[next(iter(_drawn))]
    return charts


def forget_charts() -> None:
    """Drop the charts kept and offered (a benchmark timing the drawing)."""
    with _lock:
        _drawn.clear()
        _offered.clear()


def offer_charts(answers: str, charts: Mapping[str, Sequence[Chart]]) -> None:
    """Charts already drawn (per exercise, in order) from the answers whose
    :func:`answers_key` is `answers`:
    an export of those answers embeds them rather than drawing them again; any other ignores
    them."""
    with _lock:
        _offered[answers] = {e: tuple(c) for e, c in charts.items()}


def embedded_chart(chapter: Chapter, exercise: Exercise, figure: Figure) -> Chart:
    """What an export embeds of one drawn chart (here and in My progress's drawing child, so
    a chart drawn there is byte for byte the one drawn here)."""
    from ..charts import to_bytes

    subtitle = figure.axes[0].get_title(loc="left") if figure.axes else ""
    unit = chapter.unit_of(exercise.id)
    return Chart(
        title=f"{unit.label} · {unit.title}",  # the figure names the exercise itself
        description=": ".join(t for t in (figure.get_suptitle(), subtitle) if t),
        media_type="image/svg+xml",
        data=to_bytes(figure, "svg"),
    )


def _draw(chapter: Chapter, frame: pd.DataFrame, key: str) -> tuple[Chart, ...]:
    scored = set(frame["exercise"])
    wanted = [
        e.id
        for u in chapter.units
        for e in u.exercises
        if KINDS[e.kind].self_score and e.id in scored
    ]
    with _lock:
        offered = _offered.get(key, {})
    drawn: dict[str, list[Chart]] = {}
    if any(e not in offered for e in wanted):
        from .. import charts  # matplotlib takes a second to import: only to draw

        for exercise, draw in charts.charts_for(chapter):
            if exercise.id in scored and exercise.id not in offered:
                figure = draw(frame, chapter, exercise.id)
                drawn.setdefault(exercise.id, []).append(embedded_chart(chapter, exercise, figure))
    return tuple(c for e in wanted for c in (offered[e] if e in offered else drawn.get(e, ())))

"""The charts section of an export: the learner's progress charts as embeddable images.

:mod:`workbook.charts` draws them (the same figures the My progress notebook shows); here each
becomes a :class:`Chart` holding an image every format embeds as a data URI and none links:
SVG for HTML and Markdown (text a browser lays out, small), an opaque print PNG for PDF (Agg
draws it in C++; WeasyPrint would lay out every label of an SVG in Python, and an SVG's text
is no more readable there than the image's text alternative, which the PDF's tags carry).
Only self-scores the learner has scored are drawn: an export is no place for "score this first".

Drawing is most of an export's time, so the last few sets drawn are kept, keyed by the chapter
and the answers: exporting the same answers as HTML, then Markdown, then PDF (the dashboard's
buttons) draws each chart once. The newest set also keeps its figures, laid out, until each
image kind is made: a PDF after an HTML export renders the PNGs without drawing or laying out
the charts again. Any changed answer draws them again.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

import pandas as pd

from ..course.kinds import KINDS
from ..course.model import Chapter
from .document import Chart

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["MEDIA_TYPES", "Image", "embedded_charts", "forget_charts"]

Image = Literal["svg", "png"]
MEDIA_TYPES: dict[Image, str] = {"svg": "image/svg+xml", "png": "image/png"}

KEPT = 4  # sets of images (~120 KB of SVG, ~400 KB of PNG each): one learner needs one


@dataclass
class _Drawn:
    """One set of charts: each one's caption, its figures while an image kind is still to be
    made (~1 MB each: the newest set only), and the images made so far."""

    captions: tuple[tuple[str, str], ...]  # (title, description), in course order
    figures: tuple[Figure, ...] | None
    images: dict[Image, tuple[bytes, ...]] = field(default_factory=dict)


# Keyed by the chapter's value (a frozen dataclass: a course loaded again is equal, ~1 ms to
# compare), not its identity: each export loads the course afresh.
_drawn: dict[tuple[Chapter, str], _Drawn] = {}
# Held while drawing: two exports at once would otherwise render one matplotlib figure together.
_lock = threading.Lock()


def _answers_key(frame: pd.DataFrame) -> str:
    hashed = pd.util.hash_pandas_object(frame.astype(str), index=False).to_numpy()
    return hashlib.sha256(hashed.tobytes() + ",".join(frame.columns).encode()).hexdigest()


def embedded_charts(
    chapter: Chapter, frame: pd.DataFrame, image: Image = "svg"
) -> tuple[Chart, ...]:
    """The charts of one learner's latest answers, in course order, as `image`s."""
    key = (chapter, _answers_key(frame))
    with _lock:
        drawn = _drawn.get(key)
        if drawn is None:
            drawn = _drawn[key] = _draw(chapter, frame)
            for old in list(_drawn)[:-1]:  # figures for the newest set only
                _drawn[old].figures = None
            while len(_drawn) > KEPT:
                del _drawn[next(iter(_drawn))]
        if image not in drawn.images:
            if drawn.figures is None:  # an older set's figures were let go: draw it again
                drawn.figures = _draw(chapter, frame).figures
            assert drawn.figures is not None
            drawn.images[image] = tuple(_render(f, image) for f in drawn.figures)
            if drawn.images.keys() == MEDIA_TYPES.keys():
                drawn.figures = None  # every kind made: nothing more to render from them
        images = drawn.images[image]
    return tuple(
        Chart(title, description, MEDIA_TYPES[image], data)
        for (title, description), data in zip(drawn.captions, images, strict=True)
    )


def forget_charts() -> None:
    """Drop the charts kept (a benchmark timing the drawing)."""
    with _lock:
        _drawn.clear()


def _draw(chapter: Chapter, frame: pd.DataFrame) -> _Drawn:
    scored = set(frame["exercise"])
    if not any(
        KINDS[e.kind].self_score and e.id in scored for u in chapter.units for e in u.exercises
    ):
        return _Drawn((), ())
    from .. import charts  # matplotlib takes a second to import: only when there is a score

    captions, figures = [], []
    for exercise, draw in charts.charts_for(chapter):
        if exercise.id not in scored:
            continue
        figure = draw(frame, chapter, exercise.id)
        subtitle = figure.axes[0].get_title(loc="left") if figure.axes else ""
        unit = chapter.unit_of(exercise.id)
        captions.append(
            (
                f"{unit.label} · {unit.title}",  # the figure names the exercise itself
                ": ".join(t for t in (figure.get_suptitle(), subtitle) if t),
            )
        )
        figures.append(figure)
    return _Drawn(tuple(captions), tuple(figures))


def _render(figure: Figure, image: Image) -> bytes:
    from .. import charts

    data = charts.to_bytes(figure, "svg") if image == "svg" else charts.print_png(figure)
    # Laid out once (constrained layout measures every label at each save): another image
    # kind of the same figure is only rendered. The layout is in figure fractions, so a
    # PNG at another resolution places everything where the SVG has it.
    figure.set_layout_engine("none")
    return data

"""The "My progress" dashboard: what is next, then every self-score chart, redrawn on demand.

Charts are inline SVG in an HTML widget: crisp at any zoom, shown by JupyterLab and Voilà
alike with no image files, and their text stays text. `refresh()` redraws every dashboard in
the kernel from the store: the re-run of the cell, its Redraw button and a live-progress
watcher all call it.
"""

from __future__ import annotations

import html

import ipywidgets as w

from .answers import answers_frame
from .charts import charts_for, to_bytes
from .errors import WorkbookError
from .progress import progress
from .session import Session, current
from .widgets.style import problem

__all__ = ["ProgressView", "my_progress", "refresh"]

_STYLE = "<style>.wb-chart svg{max-width:100%;height:auto}</style>"

# The dashboard last shown in this kernel: a re-run cell replaces its old view, as listeners do.
_shown: list[ProgressView] = []


class ProgressView:
    """What is next, and one chart per self-score chart of the chapter."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.next = w.HTML()
        self.next.add_class("wb-next")
        redraw = w.Button(
            description="Redraw my charts", icon="refresh", layout=w.Layout(width="auto")
        )
        redraw.add_class("wb-redraw")
        redraw.on_click(lambda _: self.refresh())
        self.charts: list[tuple[str, w.HTML]] = []
        # Every chapter's self-score charts, each drawn against its own chapter.
        self._pairs = [(c, e, chart) for c in session.course.chapters for e, chart in charts_for(c)]
        parts: list[w.Widget] = [self.next, redraw]
        heading = ""
        for chapter, exercise, chart in self._pairs:
            unit = chapter.unit_of(exercise.id)
            title = f"{unit.label} · {exercise.title or exercise.id}"
            if title != heading:
                parts.append(w.HTML(f"<h3>{html.escape(title)}</h3>"))
                heading = title
            view = w.HTML()
            view.add_class("wb-chart")
            view.add_class(
                f"wb-chart-{exercise.id.replace('.', '-')}-{chart.__name__.replace('_', '-')}"
            )
            self.charts.append((exercise.id, view))
            parts.append(view)
        self.box = w.VBox(parts, layout=w.Layout(width="100%"))
        self.box.add_class("wb-my-progress")
        self.refresh(reread=False)

    def refresh(self, reread: bool = True) -> None:
        """Re-read the store (other notebooks' saves) and redraw everything."""
        if reread:
            self.session.refresh()
        self.next.value = _next_html(self.session)
        frame = answers_frame(self.session.events())
        for (chapter, exercise, chart), (_, view) in zip(self._pairs, self.charts, strict=True):
            figure = chart(frame, chapter, exercise.id)
            svg = to_bytes(figure, "svg").decode("utf-8")
            view.value = _STYLE + svg[svg.index("<svg") :]


def _next_html(session: Session) -> str:
    answers = session.all_answers()
    units = [u for c in session.course.chapters for u in progress(c, answers).units]
    todo = [u for u in units if not u.done]
    if not todo:
        text = "Every module and homework is done ✓ · retake your self-scores as Last day"
    else:
        unit = todo[0]
        text = (
            f"Next: {unit.unit.label} · {unit.unit.title} "
            f"({unit.complete} of {unit.required} exercises complete)"
        )
    return f'<div class="wb-next-step"><b>{html.escape(text)}</b></div>'


def my_progress() -> w.Widget:
    """The dashboard for the generated "My progress" notebook."""
    try:
        view = ProgressView(current())
    except WorkbookError as error:
        return problem(error)
    _shown[:] = [view]
    return view.box


def refresh() -> None:
    """Redraw every "My progress" dashboard in this kernel (the hook for live progress)."""
    for view in list(_shown):
        view.refresh()

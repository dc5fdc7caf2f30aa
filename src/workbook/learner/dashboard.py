"""The "My progress" dashboard: what is next, every self-score chart, and files to take away.

Charts are inline SVG in an HTML widget: crisp at any zoom, shown by JupyterLab and Voilà
alike with no image files, and their text stays text. The view shows at once what is next;
the charts come on a thread, each as it is drawn, so the first paint does not wait for them.
They are drawn, and the take-away files written, by a child process (`offload`): the kernel
never imports matplotlib, pandas or WeasyPrint, and stays as small as a module's. `refresh()`
redraws every dashboard in the kernel from the store: the re-run of the cell and its Redraw
button call it. The view also listens to the session (`Session.on_change`): a live-progress
watcher that re-reads the store and notifies the session's listeners redraws it, a burst of
saves once. The buttons at the end write the learner's export (each format of
`workbook.export`) or every chart as PNG and SVG into the learner's exports folder (never the
served notebooks folder: they hold personal reflections), and say where.
"""

from __future__ import annotations

import html
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import ipywidgets as w

from ..course.kinds import KINDS
from ..course.progress import progress
from ..course.snapshots import LAST, states
from ..debounce import Debounce
from ..errors import WorkbookError
from ..export.names import HOLDS
from .offload import chart_lines, export_file, save_charts
from .session import Session, current
from .widgets.style import problem

__all__ = ["ProgressView", "my_progress", "refresh"]

REDRAW_SECONDS = 0.3  # a retake arriving from another notebook is many saves: draw once
# Charts shrink with the page, but not below 600 px (labels would fall under ~12 px): a
# narrower page scrolls the chart sideways inside its own box.
_STYLE = (
    "<style>.wb-chart .widget-html-content{overflow-x:auto}"
    ".wb-chart svg{max-width:100%;min-width:600px;height:auto}</style>"
)
_INTRO = (
    "<h2>Your self-scores over time</h2><p>Each chart draws your complete snapshots: First day, "
    "any check-ins, Last day. Saved a new one in another notebook? Press <b>Redraw my charts</b> "
    "or run this again.</p>"
)

# The dashboard last shown in this kernel: a re-run cell replaces its old view, as listeners do.
_shown: list[ProgressView] = []


class ProgressView:
    """What is next, and one chart per self-score chart of the chapter."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.next = w.HTML(_next_html(session))
        self.next.add_class("wb-next")
        redraw = w.Button(
            description="Redraw my charts",
            icon="refresh",
            layout=w.Layout(width="auto", align_self="flex-start"),
        )
        redraw.add_class("wb-redraw")
        redraw.on_click(lambda _: self.refresh())
        self.charts: list[tuple[str, w.HTML]] = []
        self.chart_box = w.VBox([w.HTML("<p><i>Drawing your charts…</i></p>")])
        self.cohort = w.HTML()  # beside the cohort: filled in when a cohort service answers
        self.cohort.add_class("wb-cohort-compare")
        self.take_away = w.HBox(layout=w.Layout(flex_flow="row wrap"))
        self.written = w.HTML()
        self.written.add_class("wb-written")
        parts = [self.next, w.HTML(_INTRO), redraw, self.chart_box, self.cohort]
        parts += [w.HTML("<h3>Take it with you</h3>"), self.take_away, self.written]
        self.box = w.VBox(parts, layout=w.Layout(width="100%"))
        self.box.add_class("wb-my-progress")
        self._redraw_later = Debounce(self._redraw_quietly)
        self._stale_lock = threading.Lock()
        self._draw_lock = threading.Lock()
        self._stale = False  # a charted answer changed since the last drawing
        # The charts shown, as an export embeds them, while they are current: the take-away
        # buttons hand them to the export child, which then need not draw them again.
        self.shown_charts: dict[str, Any] | None = None
        self.drawings = 0  # how many times the charts were drawn (tests)
        self._drawing = threading.Thread(target=self._first_draw, daemon=True)
        self._drawing.start()
        session.on_change("dashboard", self._changed)

    def ready(self, timeout: float | None = None) -> bool:
        """Wait until the charts and buttons are shown; False if `timeout` passed first."""
        self._drawing.join(timeout)
        return not self._drawing.is_alive()

    def _first_draw(self) -> None:
        try:
            self._draw()
        except WorkbookError as error:
            self.next.value = f'<div style="color:#b00020">⚠ {html.escape(str(error))}</div>'
        # Last, below the charts drawn (or not): the Course menu's Export scrolls to them once
        # they exist, and charts laid out after would push them out of view.
        self.take_away.children = self._buttons()

    def _lay_out_charts(self, layout: list[dict[str, str]]) -> None:
        """One view per chart (the child names them), under its unit's heading."""
        parts: list[w.Widget] = []
        heading = ""
        for chart in layout:
            if chart["heading"] != heading:
                heading = chart["heading"]
                parts.append(w.HTML(f"<h3>{html.escape(heading)}</h3>"))
            view = w.HTML("<p><i>Drawing…</i></p>")
            view.add_class("wb-chart")
            view.add_class(f"wb-chart-{chart['name']}")
            self.charts.append((chart["exercise"], view))
            parts.append(view)
        self.chart_box.children = parts

    def _buttons(self) -> list[w.Button]:
        def export(name: str) -> Callable[[], list[Path]]:
            # the learner's exports folder
            return lambda: export_file(name, self.shown_charts)

        actions: list[tuple[str, str, Callable[[], list[Path]]]] = [
            (f"Export {name.upper()}", holds, export(name)) for name, holds in HOLDS.items()
        ]
        actions.append(
            (
                "Save my charts",
                "every chart above as PNG and SVG",
                lambda: save_charts(self.session),
            )
        )
        buttons = []
        for label, tooltip, action in actions:
            button = w.Button(description=label, tooltip=tooltip, layout=w.Layout(width="auto"))
            button.add_class("wb-take-away")
            button.on_click(self._writer(action))
            buttons.append(button)
        return buttons

    def _writer(self, action: Callable[[], list[Path]]) -> Callable[[w.Button], None]:
        def write(_: w.Button) -> None:
            self.written.value = "<small>Writing…</small>"
            try:
                self.session.flush()  # the last edit goes into the store the export reads
                paths = action()
            except (WorkbookError, OSError) as error:
                self.written.value = f'<div style="color:#b00020">⚠ {html.escape(str(error))}</div>'
                return
            folder = paths[0].parent
            names = ", ".join(p.name for p in paths[:4]) + (" …" if len(paths) > 4 else "")
            self.written.value = (
                f"✓ Wrote {len(paths)} file{'s' if len(paths) != 1 else ''} to "
                f"<code>{html.escape(str(folder))}</code>: {html.escape(names)} · "
                "(your exports folder, not the course's)"
            )

        return write

    def _changed(self, exercise_id: str) -> None:
        with self._stale_lock:
            self._stale = self._stale or _charted(self.session, exercise_id)
            if self._stale:
                self.shown_charts = None  # the export child would not use them
        self._redraw_later.after(REDRAW_SECONDS)

    def _redraw_quietly(self) -> None:
        with self._stale_lock:
            charts, self._stale = self._stale, False
        try:
            # Whoever notified has the session up to date; charts only if a self-score changed:
            # each drawing is a child process (a second or two of CPU), a reflection typed in
            # another notebook changes only what is next.
            self.refresh(reread=False, charts=charts)
        except WorkbookError as error:
            self.next.value = f'<div style="color:#b00020">⚠ {html.escape(str(error))}</div>'

    def refresh(self, reread: bool = True, charts: bool = True) -> None:
        """Re-read the store (other notebooks' saves) and redraw everything (`charts`: them too)."""
        if reread:
            self.session.refresh()
        self.next.value = _next_html(self.session)
        if charts:
            self.ready()  # the first drawing laid the charts out
            self._draw()

    def _draw(self) -> None:
        """Each chart as the child process draws it, then the cohort beside the learner (its
        network call is the child's too; nothing without a cohort service)."""
        with self._draw_lock:  # one drawing at a time: the last one shows the last answers
            self.drawings += 1
            self.shown_charts = None
            shown: dict[str, Any] = {"charts": {}}
            for line in chart_lines(self.session):
                if "layout" in line:
                    if not self.charts:
                        self._lay_out_charts(line["layout"])
                elif "answers" in line:
                    shown["answers"] = line["answers"]
                elif "index" in line:
                    svg: str = line["svg"]
                    embed = line["embed"]
                    shown["charts"].setdefault(embed["exercise"], []).append(embed | {"svg": svg})
                    # An image to a screen reader, named by its titles (its text is paths).
                    self.charts[line["index"]][1].value = (
                        f'{_STYLE}<div role="img" aria-label="{html.escape(line["label"])}">'
                        f'<svg aria-hidden="true"{svg[svg.index("<svg") + 4 :]}</div>'
                    )
                elif "compare" in line:
                    self.cohort.value = line["compare"]
            with self._stale_lock:
                if not self._stale:  # a self-score changed while drawing: a redraw is due
                    self.shown_charts = shown


def _charted(session: Session, exercise_id: str) -> bool:
    """Whether the charts draw this exercise's answers: self-scores only."""
    try:
        return KINDS[session.exercise(exercise_id).kind].self_score
    except (KeyError, WorkbookError):
        return True  # not in this course: redraw rather than miss a change


def _next_html(session: Session) -> str:
    """The true next step: the first unit not done; then the Last day retakes still to take."""
    answers = session.all_answers()
    units = [u for c in session.course.chapters for u in progress(c, answers).units]
    todo = [u for u in units if not u.done]
    if todo:
        unit = todo[0]
        text = (
            f"Next: {unit.unit.label} · {unit.unit.title} "
            f"({unit.complete} of {unit.required} exercises complete)"
        )
    else:
        retakes = [
            session.course.unit_of(e.id).label
            for u in units
            for e in u.unit.exercises
            if e.snapshots
            and not any(
                s.snapshot == LAST and s.complete for s in states(e, session.by_snapshot(e.id))
            )
        ]
        text = "Every module and homework is done ✓ · " + (
            f"retake your self-scores as Last day: {', '.join(dict.fromkeys(retakes))}"
            if retakes
            else "your Last day scores are in: take your workbook with you below"
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

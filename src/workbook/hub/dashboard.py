"""The facilitator notebook's live view: pick a cohort, watch who is where, read the figures.

Runs in the facilitator's own hub server: the kernel's hub token holds the facilitator's read
scope for the cohorts they run (and nothing more), so the view shows exactly those.
"""

from __future__ import annotations

import datetime as dt
import threading
import weakref

import ipywidgets as w
import pandas as pd

from ..analytics import MIN_GROUP
from ..errors import WorkbookError
from .facilitator import CohortView, readable_cohorts

__all__ = ["facilitator_dashboard"]

REFRESH_SECONDS = 20.0


def _table(frame: pd.DataFrame, empty: str) -> str:
    if frame.empty:
        return f"<p><em>{empty}</em></p>"
    return frame.to_html(index=False, float_format=lambda x: f"{x:.1f}", border=0)


class _Dashboard:
    def __init__(self, cohorts: list[str], refresh: float, min_group: int) -> None:
        self.min_group = min_group
        self.picker = w.Dropdown(options=cohorts, description="Cohort")
        self.updated = w.HTML()
        self.button = w.Button(description="Refresh now", icon="refresh")
        self.heatmap, self.scores, self.change, self.reflections, self.charts = (
            w.HTML() for _ in range(5)
        )
        self._drawn: object = None  # what the charts were drawn from: redrawn only on change
        few = f"groups under {min_group} learners are not shown"
        self.notes = {"scores": f"No scores yet ({few}).", "change": f"No change yet ({few})."}
        self.widget = w.VBox(
            [
                w.HBox([self.picker, self.button, self.updated]),
                w.HTML("<h3>Who is where</h3>"),
                self.heatmap,
                w.HTML("<h3>Scores per skill and coordination area</h3>"),
                self.scores,
                w.HTML("<h3>First day → last day</h3>"),
                self.change,
                self.charts,
                w.HTML("<h3>Shared reflections</h3>"),
                self.reflections,
            ],
            layout={"width": "100%"},
        )
        self.widget.add_class("wb-facilitator")
        self.button.on_click(lambda _: self.update())
        self.picker.observe(lambda _: self.update(), names="value")
        self._refresh = refresh
        self.update()
        self._tick()

    def update(self) -> None:
        try:
            view = CohortView.of(self.picker.value, min_group=self.min_group)
        except WorkbookError as err:
            self.updated.value = f"<span>Could not read the cohort: {err}</span>"
            return
        self.heatmap.value = view.heatmap_html()
        self.scores.value = _table(view.scores(), self.notes["scores"])
        self.change.value = _table(view.change(), self.notes["change"])
        shared = view.reflections().drop(columns=["exercise"])
        shared["saved_at"] = shared["saved_at"].dt.tz_convert(None).dt.strftime("%Y-%m-%d %H:%M")
        self.reflections.value = _table(shared, "Nothing shared yet.")
        drawn = (
            self.picker.value,
            len(view.events),
            max((e.saved_at for e in view.events), default=None),
        )
        if drawn != self._drawn:  # matplotlib takes a second a chart: not every refresh
            # Each chart carries its own title.
            self.charts.value = "".join(
                f'<figure class="wb-chart">{svg}</figure>' for _, svg in view.charts()
            )
            self._drawn = drawn
        self.updated.value = f"Updated {dt.datetime.now():%H:%M:%S}"

    def _tick(self) -> None:
        ref = weakref.ref(self)

        def run() -> None:
            me = ref()
            if me is not None and me.widget.comm is not None:  # closed: stop refreshing
                me.update()
                me._tick()

        timer = threading.Timer(self._refresh, run)
        timer.daemon = True
        timer.start()


def facilitator_dashboard(refresh: float = REFRESH_SECONDS, min_group: int = MIN_GROUP) -> w.Widget:
    """The live view of the cohorts this hub lets you read, refreshed every `refresh` seconds."""
    try:
        cohorts = readable_cohorts()
    except WorkbookError as err:
        return w.HTML(f"<p>The facilitator view needs the cohort service: {err}</p>")
    if not cohorts:
        return w.HTML(
            "<p>No cohort to show: you facilitate no cohort on this hub yet, or no learner of"
            " yours has synced. Ask the hub admin for your cohort's facilitator role.</p>"
        )
    return _Dashboard(cohorts, refresh, min_group).widget

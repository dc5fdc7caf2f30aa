"""The facilitator's view of a cohort: who is where, scores, change, shared reflections.

Reads a cohort from the service (a facilitator's hub token), a cohort folder or a store folder,
always through :func:`workbook.hub.sharing.redact`. Individual progress is shown per learner;
score figures are group figures, shown only for groups of at least `min_group` learners.
"""

from __future__ import annotations

import html
import os
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..analytics import MIN_GROUP, change, cohort_change, skill_scores, summarise, write_frame
from ..analytics.aggregates import unit_progress_frame
from ..answers import answers_frame
from ..content import load_course
from ..errors import SyncError
from ..model import Chapter
from ..rules import course_rules
from ..store import Event, ParquetStore, StoreWarning
from . import wire
from .folder import folder_events, is_drop_box
from .sharing import PRIVATE, SHARE_FIELD, redact
from .sync import HttpTarget

__all__ = ["CohortView", "load_cohort", "readable_cohorts"]


def _service(url: str | None, token: str | None) -> HttpTarget:
    url = url or os.environ.get("WORKBOOK_SYNC_URL", "")
    token = token or os.environ.get("WORKBOOK_SYNC_TOKEN") or os.environ.get("JUPYTERHUB_API_TOKEN")
    if not url:
        raise SyncError("no cohort service: pass --url https://HUB/services/workbook/ or a folder")
    return HttpTarget(url, token or "")


def readable_cohorts(url: str | None = None, token: str | None = None) -> list[str]:
    service = _service(url, token)
    try:
        return list(service.request("GET", "api/cohorts")["cohorts"])
    finally:
        service.close()


def load_cohort(
    cohort: str, *, url: str | None = None, token: str | None = None, folder: Path | None = None
) -> list[Event]:
    """A cohort's events, redacted: from a store or cohort folder, else from the service."""
    if folder is not None:
        if is_drop_box(folder):  # by its mode: a learner can't make a store of it by planting
            events = folder_events(folder, cohort)
        else:  # a store folder: the service's DATA/<cohort>, or any store
            store = ParquetStore(folder)
            stored = [e for c, lr in store.learners() if c == cohort for e in store.history(c, lr)]
            events, problems = course_rules().checked(stored)
            for problem in problems:
                warnings.warn(f"skipped {problem}", StoreWarning, stacklevel=2)
        return redact(events)
    service = _service(url, token)
    try:
        body = service.request("GET", f"api/cohorts/{cohort}/events")
    finally:
        service.close()
    return [wire.from_json(e, cohort, e["learner"]) for e in body["events"]]


@dataclass
class CohortView:
    events: Sequence[Event]
    chapter: Chapter
    min_group: int = MIN_GROUP

    @classmethod
    def of(cls, cohort: str, *, min_group: int = MIN_GROUP, **source: object) -> CohortView:
        chapter = load_course().chapters[0]
        return cls(load_cohort(cohort, **source), chapter, min_group)  # type: ignore[arg-type]

    @property
    def latest(self) -> pd.DataFrame:
        return answers_frame(e for e in self.events if e.field != SHARE_FIELD)

    def progress(self) -> pd.DataFrame:
        """Learner × unit: "done", "started" or "" (every learner is shown: it is their own)."""
        units = unit_progress_frame(self.latest, self.chapter)
        labels = {u.id: u.label for u in self.chapter.units}
        if units.empty:
            return pd.DataFrame(columns=list(labels.values()), index=pd.Index([], name="learner"))
        state = (
            units["done"]
            .map({True: "done", False: ""})
            .where(units["done"] | ~units["started"], "started")
        )
        table = units.assign(state=state, unit=units["unit"].map(labels)).pivot(
            index="learner", columns="unit", values="state"
        )
        return table.reindex(columns=[u.label for u in self.chapter.units]).fillna("")

    def heatmap_html(self) -> str:
        colours = {"done": "#2e7d32", "started": "#f9a825", "": "#e0e0e0"}
        table = self.progress()
        head = "".join(f"<th>{html.escape(str(c))}</th>" for c in table.columns)
        rows = []
        for learner, row in table.iterrows():
            cells = "".join(
                f'<td class="wb-{v or "none"}" title="{v or "not started"}" '
                f'style="background:{colours[v]};color:#fff;text-align:center;min-width:2.2em">{"✓" if v == "done" else ""}</td>'
                for v in row
            )
            rows.append(f"<tr><th>{html.escape(str(learner))}</th>{cells}</tr>")
        return (
            '<table class="wb-heatmap"><thead><tr><th>learner</th>'
            f"{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
        )

    def _scores(self) -> pd.DataFrame:
        latest = self.latest
        return latest[latest["value"].map(lambda v: isinstance(v, int) and not isinstance(v, bool))]

    def _skills(self) -> pd.DataFrame:
        return skill_scores(self._scores(), self.chapter)

    def scores(self) -> pd.DataFrame:
        """Per skill or coordination area and snapshot: learners, mean, median, spread."""
        by = ("cohort", "exercise", "label", "snapshot")
        return summarise(self._skills(), by, value="score", min_group=self.min_group)

    def change(self) -> pd.DataFrame:
        """First day → last day per skill: learners with both, and their change's summary."""
        return cohort_change(change(self._skills()), min_group=self.min_group)

    def charts(self) -> list[tuple[str, str]]:
        """(title, SVG) of the cohort's self-score charts (workbook.charts drawn from its means by
        `workbook.analytics.cohort_charts`): only snapshots `min_group` learners completed, so a
        check-in one learner took is not drawn as the group's."""
        from ..analytics.charts import cohort_charts
        from ..charts import to_bytes

        drawn = cohort_charts(self._scores(), self.chapter, min_group=self.min_group)
        return [
            (self.chapter.exercise(c.exercise).title, to_bytes(c.figure, "svg").decode("utf-8"))
            for c in drawn
        ]

    def reflections(self) -> pd.DataFrame:
        """The text answers learners shared, newest first (choices are item ids, not text)."""
        exercises = {e.id: e for u in self.chapter.units for e in u.exercises}
        columns = ["learner", "exercise", "title", "item", "value", "saved_at"]
        latest = self.latest
        rows = [
            (learner, ex, exercises[ex].title, item, value, at)
            for learner, ex, item, value, at in zip(
                latest["learner"], latest["exercise"], latest["item"], latest["value"],
                latest["saved_at"], strict=True,
            )
            if isinstance(value, str) and value not in ("", PRIVATE)
            and ex in exercises and exercises[ex].kind != "choice"
        ]  # fmt: skip
        frame = pd.DataFrame(rows, columns=columns)
        frame["saved_at"] = pd.to_datetime(frame["saved_at"], utc=True)
        return frame.sort_values("saved_at", ascending=False).reset_index(drop=True)

    def export(self, path: Path) -> Path:
        """The cohort's latest answers (redacted) as CSV or Parquet, by the file's suffix."""
        frame = self.latest.copy()
        frame["value"] = frame["value"].astype(str)
        return write_frame(frame, path)

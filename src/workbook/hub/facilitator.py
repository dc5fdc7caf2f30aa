"""A cohort as a facilitator reads it: its redacted events, and the analysts' score tables.

Reads a cohort from the service (a facilitator's hub token), a cohort folder or a store folder,
always through :func:`workbook.store.sharing.redact`. Individual progress is shown per learner;
score figures are group figures, shown only for groups of at least `min_group` learners.
"""

from __future__ import annotations

import functools
import os
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..analytics.privacy import MIN_GROUP
from ..course.content import load_course
from ..course.model import Chapter
from ..errors import StoreNotFoundError, SyncError
from ..store import Event, StoreWarning
from ..store.rules import course_rules
from ..store.sharing import SHARE_FIELD, redact
from ..sync.client import HttpTarget

if TYPE_CHECKING:  # the score tables need pandas; the room (hub.room) and the view do not
    import pandas as pd

__all__ = ["CohortView", "connect", "load_cohort", "readable_cohorts"]


def connect(url: str | None, token: str | None) -> HttpTarget:
    url = url or os.environ.get("WORKBOOK_SYNC_URL", "")
    token = token or os.environ.get("WORKBOOK_SYNC_TOKEN") or os.environ.get("JUPYTERHUB_API_TOKEN")
    if not url:
        raise SyncError("no cohort service: pass --url https://HUB/services/workbook/ or a folder")
    return HttpTarget(url, token or "")


def readable_cohorts(
    url: str | None = None, token: str | None = None, folder: Path | None = None
) -> list[str]:
    """The cohorts the caller facilitates, learners synced or not (hub groups included), or
    those in a store folder (a drop-box cohort folder is one cohort, named as the folder)."""
    if folder is not None:
        from ..store import ParquetStore  # Parquet (pyarrow) only for a folder: not the service's
        from ..sync.folder import is_drop_box

        if is_drop_box(folder):
            return [folder.name]
        if not (folder / "events").is_dir():
            raise StoreNotFoundError(
                f"no store at {folder}: pass a cohort store (the folder holding events/)"
                " or a drop-box cohort folder"
            )
        return sorted({cohort for cohort, _ in ParquetStore(folder).learners()})
    from .feed import ServiceFeed

    feed = ServiceFeed(connect(url, token))
    try:
        return feed.cohorts()
    finally:
        feed.close()


def load_cohort(
    cohort: str, *, url: str | None = None, token: str | None = None, folder: Path | None = None
) -> list[Event]:
    """A cohort's events, redacted: from a store or cohort folder, else from the service."""
    if folder is not None:
        from ..store import ParquetStore
        from ..sync.folder import folder_events, is_drop_box

        if is_drop_box(folder):  # by its mode: a learner can't make a store of it by planting
            events = folder_events(folder, cohort)
        else:  # a store folder: the service's DATA/<cohort>, or any store
            store = ParquetStore(folder)
            stored = [e for c, lr in store.learners() if c == cohort for e in store.history(c, lr)]
            events, problems = course_rules().checked(stored)
            for problem in problems:
                warnings.warn(f"skipped {problem}", StoreWarning, stacklevel=2)
        return redact(events)
    from .feed import ServiceFeed

    feed = ServiceFeed(connect(url, token))
    try:
        return list(feed.read(cohort).events)
    finally:
        feed.close()


@dataclass
class CohortView:
    events: Sequence[Event]
    chapter: Chapter
    min_group: int = MIN_GROUP

    @classmethod
    def of(cls, cohort: str, *, min_group: int = MIN_GROUP, **source: object) -> CohortView:
        chapter = load_course().chapters[0]
        return cls(load_cohort(cohort, **source), chapter, min_group)  # type: ignore[arg-type]

    @functools.cached_property
    def latest(self) -> pd.DataFrame:  # every table starts here: built once per view
        from ..store.answers import answers_frame

        return answers_frame(e for e in self.events if e.field != SHARE_FIELD)

    def _scores(self) -> pd.DataFrame:
        latest = self.latest
        return latest[latest["value"].map(lambda v: isinstance(v, int) and not isinstance(v, bool))]

    def _skills(self) -> pd.DataFrame:
        from ..analytics import skill_scores

        return skill_scores(self._scores(), self.chapter)

    def scores(self) -> pd.DataFrame:
        """Per skill or coordination area and snapshot: learners, mean, median, spread."""
        from ..analytics import summarise

        by = ("cohort", "exercise", "label", "snapshot")
        return summarise(self._skills(), by, value="score", min_group=self.min_group)

    def change(self) -> pd.DataFrame:
        """First day → last day per skill: learners with both, and their change's summary."""
        from ..analytics import change, cohort_change

        return cohort_change(change(self._skills()), min_group=self.min_group)

    def export(self, path: Path, *, salt: str | None) -> Path:
        """The cohort's latest answers (redacted) as CSV or Parquet, by the file's suffix;
        learners pseudonymised with `salt` (None: their real ids)."""
        from ..analytics import pseudonym, write_frame

        frame = self.latest.copy()
        if salt is not None:
            frame["learner"] = frame["learner"].map(lambda learner: pseudonym(learner, salt))
        frame["value"] = frame["value"].astype(str)
        return write_frame(frame, path)

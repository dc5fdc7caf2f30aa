"""The service's side of the data: one Parquet store per cohort, fed idempotently by event id."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path

from ..store import Event, ParquetStore, check_id

__all__ = ["CohortStores"]


class CohortStores:
    """``<root>/<cohort>/`` is a :class:`ParquetStore` holding that cohort's learners.

    A learner's known event ids are read once from their files and kept in memory, so a
    retried or repeated batch is appended only for the events the store does not hold yet.
    Files are written before the ids are remembered: a crash in between costs a re-send, which
    the next process (reading the files afresh) drops.
    """

    def __init__(self, root: Path | str) -> None:
        self.root = Path(root).absolute()
        self._guard = threading.Lock()
        self._locks: dict[tuple[str, str], threading.Lock] = {}
        self._known: dict[tuple[str, str], set[str]] = {}
        self._stores: dict[str, ParquetStore] = {}

    def store(self, cohort: str) -> ParquetStore:
        check_id(cohort, "cohort")
        with self._guard:
            if cohort not in self._stores:
                self._stores[cohort] = ParquetStore(self.root / cohort)
            return self._stores[cohort]

    def _lock(self, key: tuple[str, str]) -> threading.Lock:
        with self._guard:
            return self._locks.setdefault(key, threading.Lock())

    def ingest(self, cohort: str, learner: str, events: Sequence[Event]) -> int:
        """Append the events this learner's store lacks; return how many were new."""
        store, key = self.store(cohort), (cohort, check_id(learner, "learner"))
        with self._lock(key):
            known = self._known.get(key)
            if known is None:
                known = {e.event_id for e in store.history(cohort, learner)}
                self._known[key] = known
            new: dict[str, Event] = {}
            for e in events:
                if e.cohort != cohort or e.learner != learner:
                    raise ValueError("events must belong to the cohort and learner ingested")
                if e.event_id not in known:
                    new.setdefault(e.event_id, e)
            if new:
                store.append(list(new.values()))
                known.update(new)
            return len(new)

    def count(self, cohort: str, learner: str) -> int:
        return len(self.store(cohort).history(cohort, learner))

    def cohorts(self) -> list[str]:
        if not self.root.is_dir():
            return []
        return sorted(p.name for p in self.root.iterdir() if (p / "events").is_dir())

    def events(self, cohort: str) -> list[Event]:
        """Every event of a cohort, learner by learner."""
        store = self.store(cohort)
        return [e for c, learner in store.learners() for e in store.history(c, learner)]

"""The service's side of the data: one Parquet store per cohort, fed idempotently by event id."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from pathlib import Path

from ..errors import QuotaError
from ..store import Event, ParquetStore, check_id

__all__ = ["MAX_LEARNER_EVENTS", "MAX_LEARNER_TEXT", "CohortStores"]

# What one learner may keep on the service: a whole course's typing is a few thousand events.
MAX_LEARNER_EVENTS = 200_000
MAX_LEARNER_TEXT = 100_000_000  # characters of text values


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
        self._text: dict[tuple[str, str], int] = {}  # characters of text each learner holds
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
        """Append the events this learner's store lacks; return how many were new.

        QuotaError, and nothing appended, when they would take the learner past the limits.
        """
        store, key = self.store(cohort), (cohort, check_id(learner, "learner"))
        with self._lock(key):
            known = self._known.get(key)
            if known is None:
                held = store.history(cohort, learner)
                known = self._known[key] = {e.event_id for e in held}
                self._text[key] = _text(held)
            new: dict[str, Event] = {}
            for e in events:
                if e.cohort != cohort or e.learner != learner:
                    raise ValueError("events must belong to the cohort and learner ingested")
                if e.event_id not in known:
                    new.setdefault(e.event_id, e)
            text = self._text[key] + _text(new.values())
            if len(known) + len(new) > MAX_LEARNER_EVENTS or text > MAX_LEARNER_TEXT:
                raise QuotaError(
                    f"{learner} has reached the service's limit of {MAX_LEARNER_EVENTS:,} answer"
                    f" changes or {MAX_LEARNER_TEXT:,} characters: ask your facilitator"
                )
            if new:
                store.append(list(new.values()))
                known.update(new)
                self._text[key] = text
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


def _text(events: Iterable[Event]) -> int:
    return sum(len(e.value) for e in events if isinstance(e.value, str))

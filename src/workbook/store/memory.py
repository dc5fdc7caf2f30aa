"""The store's one small interface and its in-memory twin."""

from __future__ import annotations

import threading
from collections.abc import Hashable, Sequence
from typing import Protocol

from .events import Event, latest
from .ids import check_id

__all__ = ["MemoryStore", "Store", "StoreWarning"]


class StoreWarning(UserWarning):
    """A corrupt file was set aside, or a compaction failed; saved answers are not affected."""


class Store(Protocol):
    def append(self, events: Sequence[Event]) -> None:
        """Save a batch; durable when it returns (one learner's events land in one file)."""

    def history(self, cohort: str, learner: str) -> list[Event]:
        """All events of one learner, deduped by event_id, ordered by (saved_at, event_id)."""

    def latest(self, cohort: str, learner: str) -> dict[tuple[str, str, str], Event]:
        """One learner's current answers per (exercise_id, snapshot, field), as events.latest."""

    def learners(self) -> list[tuple[str, str]]:
        """The (cohort, learner) pairs that have saved events."""

    def fingerprint(self, cohort: str, learner: str) -> Hashable:
        """Differs whenever the learner's events may have changed; cheap enough to ask often.

        A watcher compares it to decide whether to re-read :meth:`history`.
        """


class MemoryStore:
    """The in-memory twin of ParquetStore, for tests and previews."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._events: dict[tuple[str, str], list[Event]] = {}

    def append(self, events: Sequence[Event]) -> None:
        with self._lock:
            for e in events:
                self._events.setdefault((e.cohort, e.learner), []).append(e)

    def history(self, cohort: str, learner: str) -> list[Event]:
        key = (check_id(cohort, "cohort"), check_id(learner, "learner"))
        with self._lock:
            events = sorted(self._events.get(key, ()), key=lambda e: (e.saved_at, e.event_id))
        unique: dict[str, Event] = {}
        for e in events:
            unique.setdefault(e.event_id, e)  # dicts keep insertion order: still sorted
        return list(unique.values())

    def latest(self, cohort: str, learner: str) -> dict[tuple[str, str, str], Event]:
        return latest(self.history(cohort, learner))

    def learners(self) -> list[tuple[str, str]]:
        with self._lock:
            return sorted(self._events)

    def fingerprint(self, cohort: str, learner: str) -> Hashable:
        with self._lock:
            return len(self._events.get((cohort, learner), ()))  # events are only ever added

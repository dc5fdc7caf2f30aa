"""A cohort kept current for a live view: ask what changed, fetch only those learners.

:class:`ServiceFeed` polls the cohort service's ``api/room`` (the cohorts the caller runs, their
expected learners, one fingerprint per synced learner) and re-fetches the events of the
learners whose fingerprint moved; :class:`FolderFeed` does the same over a store folder. Each
:meth:`Feed.read` returns a :class:`Snapshot`: the events, the expected learners, and whether
anything changed since the last read.
"""

from __future__ import annotations

import datetime as dt
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from ..store import Event, StoreWarning, wire
from ..store.rules import course_rules
from ..store.sharing import redact
from ..sync.client import HttpTarget

__all__ = ["Feed", "FolderFeed", "ServiceFeed", "Snapshot"]


@dataclass(frozen=True)
class Snapshot:
    cohort: str
    events: tuple[Event, ...]
    expected: tuple[str, ...]  # the learners of the cohort's hub group
    changed: bool
    checked_at: dt.datetime
    cohorts: tuple[str, ...]  # every cohort the reader may see now: one added shows at once


class Feed(Protocol):
    def cohorts(self) -> list[str]: ...

    def read(self, cohort: str) -> Snapshot: ...

    def close(self) -> None: ...


@dataclass
class _Cache:
    fingerprints: dict[str, str] = field(default_factory=dict)
    events: dict[str, list[Event]] = field(default_factory=dict)
    expected: tuple[str, ...] = ()


def _snapshot(cohort: str, cache: _Cache, changed: bool, cohorts: Sequence[str]) -> Snapshot:
    events = tuple(e for learner in sorted(cache.events) for e in cache.events[learner])
    now = dt.datetime.now(dt.UTC)
    return Snapshot(cohort, events, cache.expected, changed, now, tuple(sorted(cohorts)))


class ServiceFeed:
    """The cohort service, called with a facilitator's hub token."""

    def __init__(self, service: HttpTarget) -> None:
        self.service = service
        self._caches: dict[str, _Cache] = {}
        # The room that `cohorts` asked for, kept for the next `read`: a view opening asks once.
        self._asked: dict[str, dict[str, object]] | None = None

    def _room(self) -> dict[str, dict[str, object]]:
        return dict(self.service.request("GET", "api/room")["cohorts"])

    def cohorts(self) -> list[str]:
        self._asked = self._room()
        return sorted(self._asked)

    def read(self, cohort: str) -> Snapshot:
        rooms, self._asked = self._asked or self._room(), None
        room = rooms.get(cohort)
        if room is None:
            from ..errors import SyncError

            raise SyncError(f"you do not facilitate {cohort} (any more): ask the hub admin")
        cache = self._caches.setdefault(cohort, _Cache())
        prints: dict[str, str] = dict(room["learners"])  # type: ignore[call-overload]
        expected = tuple(str(m) for m in room["members"])  # type: ignore[attr-defined]
        stale = sorted(lr for lr, fp in prints.items() if cache.fingerprints.get(lr) != fp)
        gone = set(cache.events) - set(prints)
        changed = bool(stale or gone) or expected != cache.expected
        for start in range(0, len(stale), 50):  # a URL stays short
            names = stale[start : start + 50]
            body = self.service.request(
                "GET", f"api/room/{cohort}/events", params=[("learner", n) for n in names]
            )
            fresh: dict[str, list[Event]] = {n: [] for n in names}
            for item in body["events"]:
                fresh[item["learner"]].append(wire.from_json(item, cohort, item["learner"]))
            cache.events.update(fresh)
            cache.fingerprints.update({n: prints[n] for n in names})
        for learner in gone:
            cache.events.pop(learner, None)
            cache.fingerprints.pop(learner, None)
        cache.expected = expected
        return _snapshot(cohort, cache, changed, list(rooms))

    def close(self) -> None:
        self.service.close()


class FolderFeed:
    """A store folder (the service's ``DATA/<cohort>`` or any store), or a drop-box cohort
    folder, read by a facilitator; events that break the course's rules are left out."""

    def __init__(self, folder: Path, expected: Sequence[str] = ()) -> None:
        from ..store import ParquetStore  # pyarrow: only a folder's reader pays for it

        self.folder = Path(folder)
        self.store = ParquetStore(folder)
        self.expected = tuple(expected)
        self._caches: dict[str, _Cache] = {}

    def cohorts(self) -> list[str]:
        from ..sync.folder import is_drop_box

        if is_drop_box(self.folder):
            return [self.folder.name]
        return sorted({c for c, _ in self.store.learners()})

    def read(self, cohort: str) -> Snapshot:
        from ..sync.folder import folder_events, is_drop_box

        if is_drop_box(self.folder):  # by its mode: what a learner planted inside is no store
            cache = _Cache(expected=self.expected)
            for e in redact(folder_events(self.folder, cohort)):
                cache.events.setdefault(e.learner, []).append(e)
            return _snapshot(cohort, cache, True, self.cohorts())
        cache = self._caches.setdefault(cohort, _Cache(expected=self.expected))
        learners = [lr for c, lr in self.store.learners() if c == cohort]
        changed = set(learners) != set(cache.events)
        for learner in learners:
            fp = repr(self.store.fingerprint(cohort, learner))
            if cache.fingerprints.get(learner) != fp:
                stored = self.store.history(cohort, learner)
                kept, problems = course_rules().checked(stored)
                for problem in problems:
                    warnings.warn(f"skipped {problem}", StoreWarning, stacklevel=2)
                cache.events[learner] = redact(kept)
                cache.fingerprints[learner] = fp
                changed = True
        return _snapshot(cohort, cache, changed, self.cohorts())

    def close(self) -> None:
        pass

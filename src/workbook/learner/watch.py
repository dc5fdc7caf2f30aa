"""Answers saved in another notebook show up here: one daemon thread per kernel watches the store.

Each notebook runs in its own kernel with its own :class:`~workbook.learner.session.Session`. The watcher
asks the store for the learner's :meth:`~workbook.store.Store.fingerprint` (for Parquet, the
names in the learner's folder: one `scandir`) every `interval` seconds; only when it differs does
it re-read the answers, and only the exercises whose answers changed are passed to the session's
listeners (progress, derived prompts, charts). Polling one small folder costs microseconds and
works on any file system, network homes included, where inotify misses other machines' writes.
"""

from __future__ import annotations

import threading
from collections.abc import Hashable

from ..errors import WorkbookError
from .session import Session

__all__ = ["WATCH_SECONDS", "Watcher", "watch"]

# Half a second: a save made elsewhere shows well within the two seconds a learner waits.
WATCH_SECONDS = 0.5


class Watcher:
    """Polls the learner's fingerprint and refreshes the session when it changes."""

    def __init__(self, session: Session, interval: float = WATCH_SECONDS) -> None:
        self.session = session
        self.interval = interval
        self.refreshes = 0  # how often the store was re-read (for the benchmark and tests)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="workbook-watch", daemon=True)
        self._last = self._fingerprint()

    def _fingerprint(self) -> Hashable:
        return self.session.store.fingerprint(self.session.cohort, self.session.learner)

    def start(self) -> Watcher:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    @property
    def alive(self) -> bool:
        return self._thread.is_alive()

    def check(self) -> set[str]:
        """One poll: the exercises that changed since the last one (already notified)."""
        now = self._fingerprint()
        if now == self._last:
            return set()
        # Taken before the read: a save landing during it changes the names again, next poll.
        self._last = now
        self.refreshes += 1
        changed = self.session.refresh()  # this kernel's own saves change nothing here
        self.session.notify(changed)
        return changed

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self.check()
            except WorkbookError:
                # The store is unreadable just now (a disk hiccup): the session keeps what it
                # has and the next poll tries again; the learner's saves report their own errors.
                self._last = None
            except Exception:
                # A listener failed (a widget closed mid-update): a dead watcher would silently
                # freeze progress for the rest of the session, so it keeps watching.
                continue


_watchers: dict[int, Watcher] = {}
_lock = threading.Lock()


def watch(session: Session, interval: float = WATCH_SECONDS) -> Watcher:
    """The session's running watcher, started on first call (idempotent: every widget asks)."""
    with _lock:
        watcher = _watchers.get(id(session))
        if watcher is None or watcher.session is not session or not watcher.alive:
            watcher = _watchers[id(session)] = Watcher(session, interval).start()
        return watcher

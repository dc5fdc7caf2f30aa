"""A learner's session: who they are, their answers, and the autosave that keeps them.

Widgets call :meth:`Session.set` on every change. Changes are validated at once, held in memory,
and written in one batch after a short quiet period (`Debounce`).
A failed write keeps the answers pending and retries; nothing a learner typed is dropped.
Under a workbook server the store is the server's (`store.remote`: the kernel loads no pyarrow);
elsewhere the session writes Parquet itself.
"""

from __future__ import annotations

import atexit
import contextlib
import datetime as dt
import os
import sys
import tempfile
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from ..course.content import load_course
from ..course.kinds import Value, filled
from ..course.model import Course, Exercise
from ..course.snapshots import SNAPSHOTS, current_answers, in_effect, in_view, snapshot_label
from ..debounce import Debounce
from ..errors import WorkbookError
from ..store import Event, Store, check_id, default_root, identity, latest
from ..store.remote import direct_store, open_store
from ..store.rules import Rules

__all__ = ["SNAPSHOTS", "Session", "Status", "current", "snapshot_label"]

DEBOUNCE_SECONDS = 0.5
RETRY_SECONDS = 5.0

Key = tuple[str, str, str]  # exercise_id, snapshot, field


@dataclass(frozen=True)
class Status:
    state: Literal["idle", "pending", "saved", "failed"]
    message: str


class Session:
    def __init__(
        self,
        course: Course,
        store: Store,
        cohort: str,
        learner: str,
        *,
        where: str = "on this computer",
        debounce: float = DEBOUNCE_SECONDS,
    ) -> None:
        self.course = course
        self.rules = Rules(course)
        self.store = store
        self.cohort = check_id(cohort, "cohort")
        self.learner = check_id(learner, "learner")
        self.where = where
        self.debounce = debounce
        self.status = Status("idle", "Nothing to save yet")
        self._latest: dict[Key, Event] = {}  # the store's newest, overlaid with pending edits
        self._pending: dict[Key, Event] = {}
        self._lock = threading.RLock()  # guards _latest and _pending
        self._write_lock = threading.Lock()  # one batch written at a time
        self._save_later = Debounce(self._flush_quietly)
        # Keyed by view name so a re-run cell replaces its old view's listener instead of piling up.
        self._listeners: dict[str, Callable[[str], None]] = {}
        self._status_listeners: dict[str, Callable[[Status], None]] = {}
        atexit.register(self._flush_at_exit)

    # reading ---------------------------------------------------------------------------------

    def refresh(self) -> set[str]:
        """Re-read the store (another kernel may have saved); keep pending edits.

        Returns the exercises whose answers changed; :meth:`notify` tells the listeners.
        """
        current = self.store.latest(self.cohort, self.learner)
        with self._lock:
            old, self._latest = self._latest, latest([*current.values(), *self._pending.values()])
            keys = old.keys() | self._latest.keys()
            return {
                k[0]
                for k in keys
                if getattr(old.get(k), "event_id", None)
                != getattr(self._latest.get(k), "event_id", None)
            }

    def exercise(self, exercise_id: str) -> Exercise:
        return self.rules.exercise(exercise_id)

    def answers(self, exercise_id: str, snapshot: str = "") -> dict[str, Value]:
        with self._lock:
            return {
                f: ev.value
                for (e, s, f), ev in self._latest.items()
                if e == exercise_id and s == snapshot
            }

    def snapshots(self, exercise_id: str) -> list[str]:
        """Snapshots holding answers to this exercise, oldest first by their last save."""
        with self._lock:
            last: dict[str, dt.datetime] = {}
            for (e, s, _), ev in self._latest.items():
                if e == exercise_id and filled(ev.value):
                    last[s] = max(last.get(s, ev.saved_at), ev.saved_at)
        return sorted(last, key=lambda s: last[s])

    def events(self) -> list[Event]:
        """The current event of every answer slot, pending edits included (for the answers frame)."""
        with self._lock:
            return list(self._latest.values())

    def by_snapshot(self, exercise_id: str) -> dict[str, dict[str, Value]]:
        """An exercise's answers per snapshot (`""` for exercises without snapshots)."""
        out: dict[str, dict[str, Value]] = {}
        with self._lock:
            for (e, s, f), ev in self._latest.items():
                if e == exercise_id:
                    out.setdefault(s, {})[f] = ev.value
        return out

    def in_effect(self, exercise_id: str) -> str | None:
        """The snapshot of a self-score that counts: the last complete one (see `snapshots`)."""
        return in_effect(self.exercise(exercise_id), self.by_snapshot(exercise_id))

    def in_view(self, exercise: Exercise) -> str:
        """The snapshot an exercise shows and counts (see `snapshots.in_view`)."""
        source = self.snapshot_source(exercise)
        ids = [exercise.id, *([source.id] if source else [])]
        return in_view(exercise, source, {i: self.by_snapshot(i) for i in ids})

    def all_answers(self) -> dict[str, dict[str, Value]]:
        """Every exercise's answers in view: a self-score's snapshot in effect, a derived
        exercise's rows for that snapshot, otherwise its one set (see `current_answers`)."""
        by: dict[str, dict[str, dict[str, Value]]] = {}
        with self._lock:
            for (e, s, f), ev in self._latest.items():
                by.setdefault(e, {}).setdefault(s, {})[f] = ev.value
        # Answers saved against an older course stay in the store, not shown.
        return current_answers(by, self.course.find)

    def snapshot_source(self, exercise: Exercise) -> Exercise | None:
        """The self-score a derived exercise follows, whose snapshots its answers belong to."""
        return self.rules.snapshot_source(exercise)

    # writing ---------------------------------------------------------------------------------

    def set(self, exercise_id: str, key: str, value: Value, snapshot: str = "") -> None:
        """Validate and queue one change; it is written within the debounce period."""
        f = self.rules.change(exercise_id, key, value, snapshot)
        # Built now so the store's own checks (ids, types, size) refuse it before it is queued.
        event = Event(
            cohort=self.cohort,
            learner=self.learner,
            exercise_id=exercise_id,
            field=key,
            value_type=f.type,
            value=value,
            snapshot=snapshot,
            content_version=self.course.version,
        )
        k = (exercise_id, snapshot, key)
        with self._lock:
            self._pending[k] = event
            self._latest[k] = event
            # Before the timer starts, so "Saving…" can never land after the "Saved" it leads to.
            self._set_status(Status("pending", "Saving…"))
            self._save_later.after(self.debounce)
        self.notify({exercise_id})

    def _flush_quietly(self) -> None:
        # The status already tells the learner; the answers stay pending.
        with contextlib.suppress(Exception):
            self.flush()

    def flush(self) -> None:
        """Write everything pending as one batch. On failure keep it pending and retry."""
        with self._write_lock:
            with self._lock:
                batch, self._pending = self._pending, {}
            if not batch:
                return
            try:
                self.store.append(list(batch.values()))
            except Exception as error:  # whatever failed, nothing typed may be dropped
                with self._lock:
                    self._pending = {**batch, **self._pending}
                    self._save_later.after(RETRY_SECONDS)
                self._set_status(
                    Status(
                        "failed",
                        (
                            f"Not saved yet: {error}. Your answers are kept here and retried every "
                            f"{RETRY_SECONDS:.0f} s; keep this notebook open and check the disk or ask "
                            "your facilitator."
                        ),
                    )
                )
                raise
        local = dt.datetime.now().strftime("%H:%M")
        self._set_status(Status("saved", f"Saved {local} · {self.where}"))

    def _flush_at_exit(self) -> None:
        """The kernel is going: save what is pending, or keep it in a rescue store and say where."""
        try:
            self.flush()
        except Exception as error:
            with self._lock:
                batch = list(self._pending.values())
            print(f"workbook: {len(batch)} answer(s) not saved: {error}", file=sys.stderr)
            print(rescue(batch, getattr(self.store, "root", None)), file=sys.stderr)

    @property
    def pending(self) -> int:
        with self._lock:
            return len(self._pending)

    # listening -------------------------------------------------------------------------------

    def on_change(self, name: str, callback: Callable[[str], None]) -> None:
        """Call `callback(exercise_id)` after every change: accepted here (before it is written)
        or saved in another notebook and seen by :func:`workbook.learner.watch.watch`.

        `name` identifies the listener: registering it again replaces it (a re-run cell).
        Callbacks may run on a widget thread or the watcher's; keep them quick.
        """
        self._listeners[name] = callback

    def notify(self, exercise_ids: Iterable[str]) -> None:
        """Call every listener for each exercise; one that fails doesn't silence the others
        (its first error is raised after all have run)."""
        failure: Exception | None = None
        for exercise_id in sorted(exercise_ids):
            for listener in list(self._listeners.values()):
                try:
                    listener(exercise_id)
                except Exception as error:
                    failure = failure or error
        if failure is not None:
            raise failure

    def on_status(self, name: str, callback: Callable[[Status], None]) -> None:
        self._status_listeners[name] = callback

    def report(self, message: str) -> Status:
        """Show a "saved" status from outside the save path (the background sync's outcome)."""
        status = Status("saved", message)
        self._set_status(status)
        return status

    def _set_status(self, status: Status) -> None:
        self.status = status
        for listener in list(self._status_listeners.values()):
            listener(status)


def rescue(events: list[Event], failed: Path | None) -> str:
    """Save `events` in the first rescue store that works; a line saying where (or that not)."""
    import platformdirs

    places = [
        Path(platformdirs.user_data_dir("workbook")),
        Path.home() / "workbook-rescue",
        Path(tempfile.gettempdir()) / f"workbook-rescue-{os.getuid()}",
    ]
    for root in places:
        if root == failed:
            continue
        try:
            direct_store(root).append(events)
        except (WorkbookError, OSError):
            continue
        return (
            f"workbook: they were kept in {root}: set WORKBOOK_HOME={root} to see them, or run "
            "`workbook doctor` there; fix WORKBOOK_HOME before the next session"
        )
    return "workbook: no folder could take them; they are lost"


_current: Session | None = None
_current_lock = threading.Lock()


def current() -> Session:
    """The kernel's session, made on first use from the environment (WORKBOOK_HOME, identity):
    saving through the learner's server where there is one (`store.remote`), else directly."""
    global _current
    with _current_lock:
        if _current is None:
            cohort, learner = identity()
            root = default_root()
            _current = Session(load_course(), open_store(root, cohort, learner), cohort, learner)
            from ..sync.client import attach_from_env  # sync only where the environment asks

            attach_from_env(_current, root)
        _current.refresh()
        return _current

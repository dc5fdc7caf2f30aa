"""The Parquet engine: one immutable file per saved batch, merged per learner by compaction.

Layout: ``<root>/events/cohort=<cohort>/learner=<learner>/<name>.parquet``. Every file is written
once, atomically, and never modified. A save takes no lock: it only adds a file. Compaction runs
on a background thread under the folder's ``.lock`` (flock; one compactor at a time), merges the
files it read into a new one and only then deletes exactly those, so a save landing meanwhile
is never touched. Folders are 0700 and files 0600: reflections are personal.
"""

from __future__ import annotations

import atexit
import contextlib
import errno
import fcntl
import logging
import os
import threading
import uuid
import warnings
from collections.abc import Hashable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from ..errors import AnswerError, IdError, StoreError
from .checks import bad_rows
from .columns import scalar
from .events import SCHEMA, SCHEMA_VERSION, Event
from .files import (
    BIG,
    SMALL,
    count_small,
    event_files,
    fsync_dir,
    make_dirs,
    sorted_unique,
    stamp,
    to_events,
    to_table,
    write_atomic,
)
from .folders import fingerprint, learner_folder, stale_temps
from .memory import StoreWarning
from .newest import latest_rows
from .reader import Report, read_folder

__all__ = ["COMPACT_AFTER", "ParquetStore"]

# Small files a learner folder may hold before a compaction merges them all: a restore reads
# each (~0.18 ms apiece), so 24 keeps 1,000 events under 10 ms even just before a compaction.
COMPACT_AFTER = 24

_log = logging.getLogger("workbook.store")


def _warn(message: str) -> None:
    warnings.warn(message, StoreWarning, stacklevel=5)


class ParquetStore:
    """The store on disk: one immutable Parquet file per saved batch, compacted per learner."""

    def __init__(self, root: Path | str) -> None:
        self.root = Path(root).absolute()
        self._made: set[Path] = set()
        self._due: dict[Path, tuple[str, str]] = {}  # folders to compact in the background
        self._due_lock = threading.Lock()
        self._compactor: threading.Thread | None = None
        self._compacted = threading.Condition(self._due_lock)

    def __repr__(self) -> str:
        return f"ParquetStore({str(self.root)!r})"

    def _dir(self, cohort: str, learner: str) -> Path:
        return learner_folder(self.root, cohort, learner)

    # saving ----------------------------------------------------------------------------------

    def append(self, events: Sequence[Event]) -> None:
        """Write each learner's part of the batch as one new file; durable on return."""
        groups: dict[tuple[str, str], list[Event]] = {}
        for e in events:
            groups.setdefault((e.cohort, e.learner), []).append(e)
        for (cohort, learner), batch in groups.items():
            self._write(cohort, learner, to_table(batch), SMALL)

    def append_rows(self, cohort: str, learner: str, rows: pa.Table) -> None:
        """Save rows already in the store schema as one new file (bulk writers: imports, demos).

        Rows are checked as a read checks them; nothing is written if any row does not fit.
        """
        where = f"rows for {cohort}/{learner}"
        try:
            table = rows.select(SCHEMA.names).cast(SCHEMA)
        except (KeyError, pa.ArrowInvalid, pa.ArrowNotImplementedError) as err:
            raise AnswerError(f"{where} do not fit the store schema: {err}") from err
        if pc.any(
            pc.not_equal(table["schema_version"], scalar(SCHEMA_VERSION, pa.int32()))
        ).as_py():
            raise AnswerError(f"{where}: schema_version must be {SCHEMA_VERSION}")
        if (bad := bad_rows(table)) is not None:
            raise AnswerError(f"{where}: {pc.sum(bad).as_py()} rows break the event rules")
        self._write(cohort, learner, table, BIG if table.num_rows > 100 else SMALL)

    def _write(self, cohort: str, learner: str, table: pa.Table, options: dict[str, Any]) -> None:
        d = self._dir(cohort, learner)
        try:
            if d not in self._made:
                make_dirs(d)
                self._made.add(d)
            write_atomic(d, f"{stamp()}.parquet", table, options)
            if count_small(d) > COMPACT_AFTER:
                self._compact_later(cohort, learner, d)
        except OSError as err:
            self._made.discard(d)
            raise StoreError(f"could not save answers in {d}: {_why(err)}") from err

    # compaction ------------------------------------------------------------------------------

    def _compact_later(self, cohort: str, learner: str, d: Path) -> None:
        with self._due_lock:
            self._due[d] = (cohort, learner)
            if self._compactor is None:
                self._compactor = threading.Thread(
                    target=self._compact_due, name="workbook-compaction", daemon=True
                )
                self._compactor.start()
                atexit.register(self.wait)  # a kernel shutting down finishes the merge

    def _compact_due(self) -> None:
        while True:
            with self._due_lock:
                if not self._due:
                    self._compactor = None
                    self._compacted.notify_all()
                    return
                d, (cohort, learner) = self._due.popitem()
            try:  # the saves are durable already: a failed compaction is retried on a later one
                with self._locked(d, _log.warning):
                    if count_small(d) > COMPACT_AFTER:  # not merged by another meanwhile
                        self._compact_locked(cohort, learner, d, _log.warning)
            except Exception as err:  # a background thread has no caller to raise to
                _log.warning("could not compact %s: %s; saved answers are safe", d, err)

    def wait(self) -> None:
        """Return once background compaction has finished (tests, benchmarks, kernel exit)."""
        with self._due_lock:
            self._compacted.wait_for(lambda: self._compactor is None)

    def compact(self, cohort: str, learner: str, *, report: Report = _warn) -> None:
        """Merge a learner's files into one, deduped and sorted; nothing to do if none.

        What is set aside on the way is told to `report` (a StoreWarning by default).
        """
        d = self._dir(cohort, learner)
        if not d.is_dir():
            return
        try:
            with self._locked(d, report):
                self._compact_locked(cohort, learner, d, report)
        except StoreError:
            raise
        except OSError as err:
            raise StoreError(f"could not compact {d}: {_why(err)}") from err

    @contextlib.contextmanager
    def _locked(self, d: Path, report: Report) -> Iterator[None]:
        """The folder's compaction lock (flock: the kernel drops it if we are killed)."""
        path = d / ".lock"
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC | os.O_NOFOLLOW, 0o600)
        except IsADirectoryError:  # not ours: set it aside so compaction works again
            dest = self.root / "quarantine" / f"lock-{uuid.uuid4().hex[:8]}"
            make_dirs(dest.parent)
            os.rename(path, dest)
            report(f"{path} was a folder, not the compaction lock: moved it to {dest}")
            fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC | os.O_NOFOLLOW, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)

    def _compact_locked(self, cohort: str, learner: str, d: Path, report: Report) -> None:
        for path in stale_temps(d):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(path)
        names, table = self._read_all(cohort, learner, d, report)
        if len(names) <= 1 and not any("/" in n for n in names):
            return
        write_atomic(d, f"compacted-{stamp()}.parquet", sorted_unique(table), BIG)
        # Only now that the merged file is durable; a crash in between leaves duplicates,
        # which every reader drops by event_id.
        for n in names:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(d / n)
        for n in {n.split("/")[0] for n in names if "/" in n}:  # emptied `x.parquet/` folders
            with contextlib.suppress(OSError):
                os.removedirs(d / n)
        fsync_dir(d)

    # reading ---------------------------------------------------------------------------------

    def _read_all(
        self, cohort: str, learner: str, d: Path, report: Report = _warn
    ) -> tuple[list[str], pa.Table]:
        """Read a learner's files (its own folder: a scan of the root costs 300 ms at 10k files)."""
        return read_folder(d, self.root / "quarantine" / cohort / learner, report)

    def _read(self, cohort: str, learner: str) -> pa.Table:
        d = self._dir(cohort, learner)
        try:
            return self._read_all(cohort, learner, d)[1]
        except StoreError:
            raise
        except OSError as err:
            raise StoreError(f"could not read answers in {d}: {_why(err)}") from err

    def history(self, cohort: str, learner: str) -> list[Event]:
        return to_events(cohort, learner, sorted_unique(self._read(cohort, learner)))

    def latest(self, cohort: str, learner: str) -> dict[tuple[str, str, str], Event]:
        """The current answers, found in Arrow: Event objects only for those (not every save)."""
        events = to_events(cohort, learner, latest_rows(self._read(cohort, learner)))
        return {(e.exercise_id, e.snapshot, e.field): e for e in events}

    def fingerprint(self, cohort: str, learner: str) -> Hashable:
        return fingerprint(self.root, cohort, learner)

    def learners(self) -> list[tuple[str, str]]:
        pairs = []
        for d in sorted(self.root.glob("events/cohort=*/learner=*")):
            pair = (d.parent.name.removeprefix("cohort="), d.name.removeprefix("learner="))
            with contextlib.suppress(IdError, OSError):  # not ours, or gone meanwhile
                if self._dir(*pair) == d and event_files(d):
                    pairs.append(pair)
        return pairs


def _why(err: OSError) -> str:
    """An OSError in words a learner can act on."""
    if err.errno in (errno.ENOTDIR, errno.EEXIST) and err.filename:
        path = Path(err.filename)
        for p in [*reversed(path.parents), path]:
            if p.exists() and not p.is_dir():
                return f"{p} is a file where a folder should be: move it away ({err.strerror})"
    if err.errno in (errno.EACCES, errno.EPERM):
        return f"{err.strerror} for {err.filename}: check that you own these files"
    return str(err)

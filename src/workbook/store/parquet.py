"""The Parquet engine: one immutable file per saved batch, merged per learner by compaction.

Layout: ``<root>/events/cohort=<cohort>/learner=<learner>/<name>.parquet``. Every file is written
once, atomically, and never modified: compaction merges a learner's files into a new one and only
then deletes them.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
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
from .events import SCHEMA, SCHEMA_VERSION, Event
from .files import (
    BIG,
    SMALL,
    count_small,
    event_files,
    fsync_dir,
    read_file,
    rows_problem,
    sorted_unique,
    stamp,
    to_events,
    to_table,
    write_atomic,
)
from .ids import check_id
from .memory import StoreWarning

__all__ = ["COMPACT_AFTER", "ParquetStore"]

# Small files a learner folder may hold before an append merges them all: a restore reads each
# (~0.18 ms apiece), so 24 keeps 1,000 events under 10 ms even just before a compaction.
COMPACT_AFTER = 24

_THREAD_LOCKS: dict[str, threading.Lock] = {}
_THREAD_LOCKS_GUARD = threading.Lock()


class ParquetStore:
    """The store on disk: one immutable Parquet file per saved batch, compacted per learner."""

    def __init__(self, root: Path | str) -> None:
        self.root = Path(root).absolute()
        self._made: set[Path] = set()

    def __repr__(self) -> str:
        return f"ParquetStore({str(self.root)!r})"

    def _dir(self, cohort: str, learner: str) -> Path:
        cohort, learner = check_id(cohort, "cohort"), check_id(learner, "learner")
        return self.root / "events" / f"cohort={cohort}" / f"learner={learner}"

    def _make_dir(self, d: Path) -> None:
        if d in self._made:
            return
        self.root.mkdir(parents=True, exist_ok=True)
        for p in (d.parent.parent, d.parent, d):
            try:
                os.mkdir(p, 0o755)
            except FileExistsError:
                if not p.is_dir():
                    raise NotADirectoryError(errno.ENOTDIR, "not a folder", str(p)) from None
            else:
                fsync_dir(p.parent)  # a crash must not lose the new folder's entry
        self._made.add(d)

    @contextlib.contextmanager
    def _locked(self, d: Path) -> Iterator[None]:
        # The thread lock because ipykernel 7 runs widget callbacks on several threads; flock
        # because several processes may write; the kernel releases it if we are killed.
        with _THREAD_LOCKS_GUARD:
            lock = _THREAD_LOCKS.setdefault(str(d), threading.Lock())
        with lock:
            fd = os.open(d / ".lock", os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)
                yield
            finally:
                os.close(fd)

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
        if problem := rows_problem(table):
            raise AnswerError(f"{where}: {problem}")
        if pc.any(pc.not_equal(table["schema_version"], SCHEMA_VERSION)).as_py():
            raise AnswerError(f"{where}: schema_version must be {SCHEMA_VERSION}")
        self._write(cohort, learner, table, BIG if table.num_rows > 100 else SMALL)

    def _write(self, cohort: str, learner: str, table: pa.Table, options: dict[str, Any]) -> None:
        d = self._dir(cohort, learner)
        try:
            self._make_dir(d)
            with self._locked(d):
                write_atomic(d, f"{stamp()}.parquet", table, options)
                if count_small(d) > COMPACT_AFTER:
                    self._compact_quietly(cohort, learner, d)
        except OSError as err:
            self._made.discard(d)
            raise StoreError(f"could not save answers in {d}: {err}") from err

    def _compact_quietly(self, cohort: str, learner: str, d: Path) -> None:
        try:  # the batch is durable already: a failed compaction must not fail the save
            self._compact_locked(cohort, learner, d)
        except OSError as err:
            msg = f"could not compact {d}: {err}; saved answers are safe, retried on a later save"
            warnings.warn(msg, StoreWarning, stacklevel=3)

    def compact(self, cohort: str, learner: str) -> None:
        """Merge a learner's files into one, deduped and sorted; nothing to do if none."""
        d = self._dir(cohort, learner)
        if not d.is_dir():
            return
        try:
            with self._locked(d):
                self._compact_locked(cohort, learner, d)
        except OSError as err:
            raise StoreError(f"could not compact {d}: {err}") from err

    def _compact_locked(self, cohort: str, learner: str, d: Path) -> None:
        # Under the lock no writer is mid-save, so a dot-temp file is a killed writer's leftover.
        with os.scandir(d) as it:
            stale = [e.path for e in it if e.name.startswith(".") and e.name.endswith(".tmp")]
        for path in stale:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(path)
        names, table = self._read_all(cohort, learner, d)
        if len(names) <= 1:
            return
        write_atomic(d, f"compacted-{stamp()}.parquet", sorted_unique(table), BIG)
        # Only now that the merged file is durable; a crash in between leaves duplicates,
        # which every reader drops by event_id.
        for n in names:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(d / n)
        fsync_dir(d)

    def _read_all(self, cohort: str, learner: str, d: Path) -> tuple[list[str], pa.Table]:
        """Read a learner's files (its own folder: a scan of the root costs 300 ms at 10k files)."""
        tables: dict[str, pa.Table] = {}  # files never change: a retry reads only new ones
        bad: set[str] = set()  # set aside (or failed to) in this call: not read or warned twice
        for _ in range(50):
            try:
                names = [n for n in event_files(d) if n not in bad]
            except FileNotFoundError:
                return [], SCHEMA.empty_table()
            try:
                for n in names:
                    if n not in tables:
                        try:
                            tables[n] = read_file(os.path.join(d, n))
                        except FileNotFoundError:
                            raise
                        except (pa.ArrowException, OSError, ValueError, KeyError) as err:
                            bad.add(n)
                            self._quarantine(cohort, learner, d / n, err)
            except FileNotFoundError:  # a compaction merged and deleted it: list again
                continue
            names = [n for n in names if n not in bad]
            table = pa.concat_tables([tables[n] for n in names] or [SCHEMA.empty_table()])
            if rows_problem(table):  # checked once for all; per file only to find the culprit
                for n in names:
                    if problem := rows_problem(tables[n]):
                        bad.add(n)
                        self._quarantine(cohort, learner, d / n, ValueError(problem))
                continue
            return names, table
        raise StoreError(f"{d} kept changing while it was read; try again")

    def _quarantine(self, cohort: str, learner: str, path: Path, err: Exception) -> None:
        dest = self.root / "quarantine" / cohort / learner / path.name
        try:
            dest.parent.mkdir(parents=True, exist_ok=True)
            if dest.exists():
                dest = dest.with_name(f"{path.name}.{uuid.uuid4().hex[:8]}")
            os.rename(path, dest)
            done = f"moved it to {dest}"
        except FileNotFoundError:
            return  # another reader set it aside first, and warned
        except OSError as move_err:
            done = f"skipped it (could not move it: {move_err})"
        warnings.warn(
            f"unreadable answer file {path} ({err}): set aside, {done}; the other answers"
            " were restored",
            StoreWarning,
            stacklevel=4,
        )

    def history(self, cohort: str, learner: str) -> list[Event]:
        d = self._dir(cohort, learner)
        try:
            return to_events(cohort, learner, self._read_all(cohort, learner, d)[1])
        except OSError as err:
            raise StoreError(f"could not read answers in {d}: {err}") from err

    def fingerprint(self, cohort: str, learner: str) -> Hashable:
        # Files are never modified, only added (a save) or merged under a new name (compaction):
        # the folder's file names change exactly when its events may have. One scandir, ~20 µs.
        try:
            return tuple(event_files(self._dir(cohort, learner)))
        except FileNotFoundError:
            return ()
        except OSError as err:
            raise StoreError(
                f"could not list answers in {self._dir(cohort, learner)}: {err}"
            ) from err

    def learners(self) -> list[tuple[str, str]]:
        pairs = []
        for d in sorted(self.root.glob("events/cohort=*/learner=*")):
            pair = (d.parent.name.removeprefix("cohort="), d.name.removeprefix("learner="))
            with contextlib.suppress(IdError, OSError):  # not ours, or gone meanwhile
                if self._dir(*pair) == d and event_files(d):
                    pairs.append(pair)
        return pairs

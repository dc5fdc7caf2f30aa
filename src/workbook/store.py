"""The answer store: an append-only event log of saved answers, as hive-partitioned Parquet.

Layout: ``<root>/events/cohort=<cohort>/learner=<learner>/<name>.parquet``. Every file is written
once, atomically, and never modified: compaction merges a learner's files into a new one and only
then deletes them. The schema is the contract analysts read (README, "Store schema (v1)").
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import errno
import fcntl
import os
import re
import threading
import uuid
import warnings
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from .errors import AnswerError, IdError, StoreError
from .kinds import Value, ValueType

__all__ = [
    "SCHEMA",
    "SCHEMA_VERSION",
    "Event",
    "MemoryStore",
    "ParquetStore",
    "Store",
    "StoreWarning",
    "check_id",
    "default_root",
    "latest",
    "read_dataset",
]

SCHEMA_VERSION = 1
SCHEMA: pa.Schema = pa.schema(
    [
        ("event_id", pa.string()),
        ("exercise_id", pa.string()),
        ("field", pa.string()),
        ("snapshot", pa.string()),
        ("value_type", pa.string()),
        ("value_text", pa.string()),
        ("value_score", pa.int32()),
        ("value_flag", pa.bool_()),
        ("value_date", pa.date32()),
        ("saved_at", pa.timestamp("us", tz="UTC")),
        ("content_version", pa.string()),
        ("schema_version", pa.int32()),
    ]
)
# Partition directories are strings to us, whatever an engine would infer from them.
PARTITIONING_SCHEMA: pa.Schema = pa.schema([("cohort", pa.string()), ("learner", pa.string())])
VALUE_TYPES: tuple[ValueType, ...] = ("text", "score", "flag", "date")
MAX_TEXT = 1_000_000
# Small files a learner folder may hold before an append merges them all: a restore reads each
# (~0.18 ms apiece), so 24 keeps 1,000 events under 10 ms even just before a compaction.
COMPACT_AFTER = 24
# One-row files: dictionaries, statistics and the Arrow schema only grow the footer every read
# parses (0.18 vs 0.23 ms per file); compacted files get dictionaries and zstd for size.
_SMALL: dict[str, Any] = dict(
    compression="none", use_dictionary=False, write_statistics=False, store_schema=False
)
_BIG: dict[str, Any] = dict(compression="zstd", store_schema=False)
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


class StoreWarning(UserWarning):
    """A corrupt file was set aside, or a compaction failed; saved answers are not affected."""


# Partition values are type-inferred by engines: DuckDB reads "inf"/"infinity" and "epoch" as
# DATEs, "2025-09-01" as a DATE, "00123" as an integer. A leading letter and this list avoid all.
_PATH_ID = re.compile(r"[A-Za-z][A-Za-z0-9._-]{0,63}")
_RESERVED = frozenset({"inf", "infinity", "nan", "null", "true", "false", "epoch"})
_EXERCISE_ID = re.compile(r"[a-z0-9][a-z0-9.-]{0,63}")
_FIELD = re.compile(r"[a-z0-9][a-z0-9./-]{0,127}")
_EVENT_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")


def _show(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def check_id(value: str, what: str) -> str:
    """Return `value` if it is safe as a cohort or learner directory name, else raise IdError."""
    if (
        not isinstance(value, str)
        or not _PATH_ID.fullmatch(value)
        or ".." in value
        or value.lower() in _RESERVED
    ):
        raise IdError(
            f"{what} {_show(value)} is not allowed: use 1-64 characters, an ASCII letter first,"
            " then ASCII letters, digits, '.', '_' or '-', without '..', and not one of"
            " inf, infinity, nan, null, true, false, epoch"
        )
    return value


def _check_key(value: object, what: str, pattern: re.Pattern[str], rule: str) -> None:
    if not isinstance(value, str) or not pattern.fullmatch(value) or ".." in value:
        raise IdError(f"{what} {_show(value)} is not allowed: use {rule}, without '..'")


def _value_problem(v: object, t: str) -> str | None:
    """What was expected, if `v` is not a value of type `t`; None means it fits."""
    if v is None:  # the answer was cleared
        return None
    if t == "text":
        if not isinstance(v, str):
            return "text (a str)"
        if len(v) > MAX_TEXT:
            return f"text of at most {MAX_TEXT:,} characters, got {len(v):,}"
        try:
            v.encode("utf-8")
        except UnicodeEncodeError:  # lone surrogates have no UTF-8 form
            return "text that is valid Unicode (no lone surrogates)"
        return None
    if t == "score":  # bool is an int subclass: True must not become a score of 1
        ok = isinstance(v, int) and not isinstance(v, bool) and -(2**31) <= v < 2**31
        return None if ok else "a score (an int, not a bool, within 32 bits)"
    if t == "flag":
        return None if isinstance(v, bool) else "a flag (True or False)"
    # datetime is a date subclass: its time of day would be dropped silently
    ok = isinstance(v, dt.date) and not isinstance(v, dt.datetime)
    return None if ok else "a date (datetime.date, not datetime)"


@dataclasses.dataclass(frozen=True)
class Event:
    """One saved change of one answer field; invalid ids or values raise on construction."""

    cohort: str
    learner: str
    exercise_id: str
    field: str
    value_type: ValueType
    value: Value
    snapshot: str = ""
    saved_at: dt.datetime = dataclasses.field(default_factory=lambda: dt.datetime.now(dt.UTC))
    content_version: str = ""
    event_id: str = dataclasses.field(default_factory=lambda: uuid.uuid4().hex)

    def __post_init__(self) -> None:
        check_id(self.cohort, "cohort")
        check_id(self.learner, "learner")
        _check_key(self.exercise_id, "exercise id", _EXERCISE_ID, "1-64 of a-z 0-9 . -")
        _check_key(self.field, "field", _FIELD, "1-128 of a-z 0-9 . / -")
        if self.snapshot != "":
            _check_key(self.snapshot, "snapshot", _EXERCISE_ID, '"" or 1-64 of a-z 0-9 . -')
        where = f"{self.exercise_id} / {self.field}"
        if self.value_type not in VALUE_TYPES:
            expected = f"value_type one of {', '.join(VALUE_TYPES)}"
            raise AnswerError(f"{where}: expected {expected}, got {_show(self.value_type)}")
        problem = _value_problem(self.value, self.value_type)
        if problem:
            got = "" if ", got" in problem else f", got {type(self.value).__name__}"
            raise AnswerError(f"{where}: expected {problem}{got} {_show(self.value)}")
        at = self.saved_at
        if not isinstance(at, dt.datetime) or at.utcoffset() is None:
            raise AnswerError(f"{where}: saved_at must be a timezone-aware datetime")
        object.__setattr__(self, "saved_at", at.astimezone(dt.UTC))
        if not isinstance(self.content_version, str) or len(self.content_version) > 200:
            raise AnswerError(f"{where}: content_version must be a str of <= 200 characters")
        if not isinstance(self.event_id, str) or not _EVENT_ID.fullmatch(self.event_id):
            raise IdError(f"event_id {_show(self.event_id)}: use 1-64 of A-Z a-z 0-9 _ -")


def latest(events: Iterable[Event]) -> dict[tuple[str, str, str], Event]:
    """The current answers per (exercise_id, snapshot, field): last by (saved_at, event_id)."""
    out: dict[tuple[str, str, str], Event] = {}
    for e in events:
        key = (e.exercise_id, e.snapshot, e.field)
        cur = out.get(key)
        if cur is None or (e.saved_at, e.event_id) > (cur.saved_at, cur.event_id):
            out[key] = e
    return out


class Store(Protocol):
    def append(self, events: Sequence[Event]) -> None:
        """Save a batch; durable when it returns (one learner's events land in one file)."""

    def history(self, cohort: str, learner: str) -> list[Event]:
        """All events of one learner, deduped by event_id, ordered by (saved_at, event_id)."""

    def learners(self) -> list[tuple[str, str]]:
        """The (cohort, learner) pairs that have saved events."""


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

    def learners(self) -> list[tuple[str, str]]:
        with self._lock:
            return sorted(self._events)


def default_root() -> Path:
    """$WORKBOOK_HOME if set, else the platform's per-user data folder."""
    if home := os.environ.get("WORKBOOK_HOME"):
        return Path(home).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("workbook"))


# ---- Parquet files ---------------------------------------------------------------------------


def _to_table(events: Sequence[Event]) -> pa.Table:
    def values(t: str) -> list[Any]:
        return [e.value if e.value_type == t else None for e in events]

    def attr(name: str) -> list[Any]:
        return [getattr(e, name) for e in events]

    cols = [attr(n) for n in ("event_id", "exercise_id", "field", "snapshot", "value_type")]
    cols += [values(t) for t in VALUE_TYPES]
    cols += [attr("saved_at"), attr("content_version"), [SCHEMA_VERSION] * len(events)]
    arrays = [pa.array(c, type=f.type) for c, f in zip(cols, SCHEMA, strict=True)]
    return pa.Table.from_arrays(arrays, schema=SCHEMA)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_atomic(directory: Path, name: str, table: pa.Table, options: dict[str, Any]) -> None:
    """Temp file (a dot name: engines skip it) + fsync + chmod + rename + fsync of the folder."""
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink, **options)
    data = memoryview(sink.getvalue())
    tmp = directory / f".{uuid.uuid4().hex}.tmp"  # what mkstemp does, 30 us cheaper
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
    try:
        try:
            while data:
                data = data[os.write(fd, data) :]
            os.fchmod(fd, 0o644)  # the mode we mean, whatever the umask
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, directory / name)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _fsync_dir(directory)


def _stamp() -> str:
    return f"{dt.datetime.now(dt.UTC):%Y%m%dT%H%M%S%fZ}-{uuid.uuid4().hex}"


def _read_file(path: str) -> pa.Table:
    with open(path, "rb") as f:  # whole file, no pre-buffering or threads: cheapest for small
        data = f.read()
    table = pq.ParquetFile(pa.BufferReader(data), pre_buffer=False).read(use_threads=False)
    if not table.schema.equals(SCHEMA):  # columns a later version adds are dropped
        table = table.select(SCHEMA.names).cast(SCHEMA)
    return table


def _rows_problem(table: pa.Table) -> str | None:
    if pc.all(pc.is_in(table["value_type"], value_set=_TYPES)).as_py() is False:
        return "rows with a missing or unknown value_type"
    if table["saved_at"].null_count or table["event_id"].null_count:
        return "rows without saved_at or event_id"
    return None


_TYPES = pa.array(VALUE_TYPES, pa.string())


def _sorted_unique(table: pa.Table) -> pa.Table:
    """Rows ordered by (saved_at, event_id), the first of each event_id kept."""
    order = [("saved_at", "ascending"), ("event_id", "ascending")]
    table = table.take(pc.sort_indices(table, sort_keys=order))
    ids = table["event_id"].to_pylist()
    if len(set(ids)) == len(ids):
        return table
    seen: set[str] = set()
    keep = []
    for i in ids:
        keep.append(i not in seen)
        seen.add(i)
    return table.filter(pa.array(keep))


def _to_events(cohort: str, learner: str, table: pa.Table) -> list[Event]:
    """Events without __init__: rows were checked on read, and 10k validating inits cost 36 ms."""
    table = _sorted_unique(table)
    types = table["value_type"].to_pylist()
    by_type = {t: table[f"value_{t}"].to_pylist() for t in VALUE_TYPES}
    values = [by_type[t][i] for i, t in enumerate(types)]
    # to_pylist of tz-aware timestamps goes through zoneinfo: 30 ms per 10k; integers: 0.2 ms.
    epoch, delta = _EPOCH, dt.timedelta
    saved = [epoch + delta(0, 0, us) for us in table["saved_at"].cast(pa.int64()).to_pylist()]
    new = object.__new__

    def make(x: str, f: str, t: str, v: Value, s: str, at: dt.datetime, c: str, i: str) -> Event:
        e = new(Event)
        e.__dict__.update(
            {"cohort": cohort, "learner": learner, "exercise_id": x, "field": f, "value_type": t,
             "value": v, "snapshot": s, "saved_at": at, "content_version": c, "event_id": i}
        )  # fmt: skip
        return e

    cols = [table[n].to_pylist() for n in ("exercise_id", "field")]
    cols += [types, values, table["snapshot"].to_pylist(), saved]
    cols += [table[n].to_pylist() for n in ("content_version", "event_id")]
    return list(map(make, *cols))


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
                _fsync_dir(p.parent)  # a crash must not lose the new folder's entry
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
            d = self._dir(cohort, learner)
            table = _to_table(batch)
            try:
                self._make_dir(d)
                with self._locked(d):
                    _write_atomic(d, f"{_stamp()}.parquet", table, _SMALL)
                    if _count_small(d) > COMPACT_AFTER:
                        self._compact_quietly(cohort, learner, d)
            except OSError as err:
                self._made.discard(d)
                raise StoreError(f"could not save answers in {d}: {err}") from err

    def append_rows(self, cohort: str, learner: str, rows: pa.Table) -> None:
        """Save rows already in the store schema (an import, demo data) as one new file.

        For bulk writers that build Arrow tables instead of Events; rows are checked as a read
        checks them, and the file is written like any other save.
        """
        d = self._dir(cohort, learner)
        try:
            table = rows.select(SCHEMA.names).cast(SCHEMA)
        except (KeyError, pa.ArrowInvalid, pa.ArrowNotImplementedError) as err:
            raise AnswerError(f"rows for {cohort}/{learner} do not fit the store schema: {err}")
        if problem := _rows_problem(table):
            raise AnswerError(f"rows for {cohort}/{learner}: {problem}")
        if pc.any(pc.not_equal(table["schema_version"], SCHEMA_VERSION)).as_py():
            raise AnswerError(f"rows for {cohort}/{learner}: schema_version must be {SCHEMA_VERSION}")
        try:
            self._make_dir(d)
            with self._locked(d):
                _write_atomic(d, f"{_stamp()}.parquet", table, _BIG)
                if _count_small(d) > COMPACT_AFTER:
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
        _write_atomic(d, f"compacted-{_stamp()}.parquet", _sorted_unique(table), _BIG)
        # Only now that the merged file is durable; a crash in between leaves duplicates,
        # which every reader drops by event_id.
        for n in names:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(d / n)
        _fsync_dir(d)

    def _read_all(self, cohort: str, learner: str, d: Path) -> tuple[list[str], pa.Table]:
        """Read a learner's files (its own folder: a scan of the root costs 300 ms at 10k files)."""
        tables: dict[str, pa.Table] = {}  # files never change: a retry reads only new ones
        bad: set[str] = set()  # set aside (or failed to) in this call: not read or warned twice
        for _ in range(50):
            try:
                names = [n for n in _names(d) if n not in bad]
            except FileNotFoundError:
                return [], SCHEMA.empty_table()
            try:
                for n in names:
                    if n not in tables:
                        try:
                            tables[n] = _read_file(os.path.join(d, n))
                        except FileNotFoundError:
                            raise
                        except (pa.ArrowException, OSError, ValueError, KeyError) as err:
                            bad.add(n)
                            self._quarantine(cohort, learner, d / n, err)
            except FileNotFoundError:  # a compaction merged and deleted it: list again
                continue
            names = [n for n in names if n not in bad]
            table = pa.concat_tables([tables[n] for n in names] or [SCHEMA.empty_table()])
            if _rows_problem(table):  # checked once for all; per file only to find the culprit
                for n in names:
                    if problem := _rows_problem(tables[n]):
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
            return _to_events(cohort, learner, self._read_all(cohort, learner, d)[1])
        except OSError as err:
            raise StoreError(f"could not read answers in {d}: {err}") from err

    def learners(self) -> list[tuple[str, str]]:
        pairs = []
        for d in sorted(self.root.glob("events/cohort=*/learner=*")):
            pair = (d.parent.name.removeprefix("cohort="), d.name.removeprefix("learner="))
            with contextlib.suppress(IdError, OSError):  # not ours, or gone meanwhile
                if self._dir(*pair) == d and _names(d):
                    pairs.append(pair)
        return pairs


def _names(d: Path) -> list[str]:
    with os.scandir(d) as it:
        return sorted(
            e.name
            for e in it
            if e.name.endswith(".parquet") and not e.name.startswith((".", "_")) and e.is_file()
        )


def _count_small(d: Path) -> int:
    with os.scandir(d) as it:
        return sum(
            e.name.endswith(".parquet") and not e.name.startswith((".", "_", "compacted-"))
            for e in it
        )


def read_dataset(root: Path | str) -> pa.Table:
    """The whole store as one table plus string columns cohort and learner, deduped by event_id."""
    full = pa.schema([*SCHEMA, *PARTITIONING_SCHEMA])
    events = Path(root) / "events"
    if not events.is_dir():
        return full.empty_table()
    table = ds.dataset(
        events,
        format="parquet",
        schema=full,
        partitioning=ds.partitioning(PARTITIONING_SCHEMA, flavor="hive"),
        ignore_prefixes=[".", "_"],
    ).to_table()
    # A crash between a compaction's write and its deletes leaves duplicates: keep the first.
    index = pa.array(np.arange(table.num_rows, dtype=np.int64))
    groups = table.select(["event_id"]).append_column("_i", index).group_by("event_id")
    keep = groups.aggregate([("_i", "min")])["_i_min"]
    if len(keep) == table.num_rows:
        return table
    return table.take(keep.take(pc.sort_indices(keep)))

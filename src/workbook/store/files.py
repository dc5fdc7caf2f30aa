"""Parquet files of events: written once, atomically; read back whole and turned into events."""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import os
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from ..course.kinds import Value
from ..errors import StoreError
from .columns import column, scalar
from .events import SCHEMA, SCHEMA_VERSION, VALUE_TYPES, Event
from .folders import event_files  # the listing, kept Arrow-free for callers that only list

__all__ = [
    "BIG",
    "SMALL",
    "NewerSchema",
    "Unreadable",
    "count_small",
    "event_files",
    "fsync_dir",
    "make_dirs",
    "newer_error",
    "newer_rows",
    "parse",
    "read_bytes",
    "sorted_unique",
    "stamp",
    "to_events",
    "to_table",
    "write_atomic",
    "write_bytes",
]

# One-row files: dictionaries, statistics and the Arrow schema only grow the footer every read
# parses (0.18 vs 0.23 ms per file); compacted files get dictionaries and zstd for size.
# Page checksums (CRC32 of every data page) let a reader tell a flipped byte from an answer.
SMALL: dict[str, Any] = dict(
    compression="none",
    use_dictionary=False,
    write_statistics=False,
    store_schema=False,
    write_page_checksum=True,
)
BIG: dict[str, Any] = dict(compression="zstd", store_schema=False, write_page_checksum=True)
_VERIFY: dict[str, Any] = dict(page_checksum_verification=True)
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_VERSION = scalar(SCHEMA_VERSION, pa.int32())


def to_table(events: Sequence[Event]) -> pa.Table:
    def values(t: str) -> list[Any]:
        return [e.value if e.value_type == t else None for e in events]

    def attr(name: str) -> list[Any]:
        return [getattr(e, name) for e in events]

    cols = [attr(n) for n in ("event_id", "exercise_id", "field", "snapshot", "value_type")]
    cols += [values(t) for t in VALUE_TYPES]
    cols += [attr("saved_at"), attr("content_version"), [SCHEMA_VERSION] * len(events)]
    arrays = [column(c, f.type) for c, f in zip(cols, SCHEMA, strict=True)]
    return pa.Table.from_arrays(arrays, schema=SCHEMA)


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_atomic(directory: Path, name: str, table: pa.Table, options: dict[str, Any]) -> None:
    """`table` as Parquet, written by :func:`write_bytes`."""
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink, **options)
    write_bytes(directory, name, memoryview(sink.getvalue()))


def write_bytes(directory: Path, name: str, data: memoryview | bytes) -> None:
    """Temp file (a dot name: engines skip it) + fsync + chmod + rename + fsync of the folder."""
    data = memoryview(data)
    tmp = directory / f".{uuid.uuid4().hex}.tmp"  # what mkstemp does, 30 us cheaper
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
    try:
        try:
            while data:
                data = data[os.write(fd, data) :]
            os.fchmod(fd, 0o600)  # private: reflections are personal; whatever the umask
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, directory / name)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    fsync_dir(directory)


def make_dirs(path: Path) -> None:
    """Create `path` and missing parents as private folders (0700), each entry made durable."""
    missing = []
    while not path.is_dir():
        missing.append(path)
        path = path.parent
    for p in reversed(missing):
        try:
            os.mkdir(p, 0o700)
        except FileExistsError:
            if not p.is_dir():
                raise NotADirectoryError(errno.ENOTDIR, "not a folder", str(p)) from None
            continue
        os.chmod(p, 0o700)  # the mode we mean, whatever the umask
        fsync_dir(p.parent)  # a crash must not lose the new folder's entry


def stamp() -> str:
    return f"{dt.datetime.now(dt.UTC):%Y%m%dT%H%M%S%fZ}-{uuid.uuid4().hex}"


class Unreadable(Exception):
    """A file's bytes are not an event file of ours: corrupt, so it may be set aside.

    Never raised for an I/O error (permissions, too many open files, a failing disk): those
    leave every file where it is and reach the learner as a StoreError.
    """


class NewerSchema(Exception):
    """A file written by a newer workbook (more columns or a higher schema_version)."""


def newer_error(path: str | Path, why: str) -> StoreError:
    """The refusal of a newer workbook's file: never moved, rewritten or dropped."""
    return StoreError(
        f"{path} was saved by a newer workbook ({why}; this one reads schema_version"
        f" {SCHEMA_VERSION}): upgrade workbook (pip install -U workbook) to read these answers;"
        " nothing was changed"
    )


def read_bytes(path: str | Path) -> bytes:
    """The whole file: I/O errors are raised as they are, never taken for corruption."""
    with open(path, "rb") as f:  # whole file, no pre-buffering or threads: cheapest for small
        return f.read()


def parse(data: bytes) -> pa.Table:
    """The events of a file's bytes, in SCHEMA; Unreadable if they are not, NewerSchema if newer.

    Page checksums are verified: a flipped byte in a data page is found here, not restored.
    """
    try:
        file = pq.ParquetFile(pa.BufferReader(data), pre_buffer=False, **_VERIFY)
        table = file.read(use_threads=False)
    except MemoryError:  # ArrowMemoryError too: the machine's trouble, not the file's
        raise
    except Exception as err:  # bytes in memory: whatever else pyarrow raises, the file is corrupt
        raise Unreadable(f"not a readable Parquet file: {err}") from err
    if table.schema.equals(SCHEMA):
        return table
    names = set(table.schema.names)
    missing = [f.name for f in SCHEMA if f.name not in names]
    if missing:  # a newer version adds columns, never drops ours
        raise Unreadable(f"no column {', '.join(missing)}")
    if extra := sorted(names - set(SCHEMA.names)):
        raise NewerSchema(f"columns {', '.join(extra)} this workbook does not know")
    try:
        return table.select(SCHEMA.names).cast(SCHEMA)
    except MemoryError:
        raise
    except (pa.ArrowException, ValueError) as err:
        raise Unreadable(f"a column of the wrong type: {err}") from err


def newer_rows(table: pa.Table) -> int:
    """How many rows a newer workbook wrote (schema_version above ours)."""
    return int(pc.sum(pc.greater(table["schema_version"], _VERSION)).as_py() or 0)


def sorted_unique(table: pa.Table) -> pa.Table:
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
    return table.filter(column(keep, pa.bool_()))


def to_events(cohort: str, learner: str, table: pa.Table) -> list[Event]:
    """Events without __init__: rows were checked on read, and 10k validating inits cost 36 ms."""
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


def count_small(d: Path) -> int:
    with os.scandir(d) as it:
        return sum(
            e.name.endswith(".parquet") and not e.name.startswith((".", "_", "compacted-"))
            for e in it
        )

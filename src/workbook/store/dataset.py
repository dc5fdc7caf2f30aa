"""The whole store as one Arrow table, for analysts: what the README's one-liners promise."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds

from .checks import bad_rows
from .events import SCHEMA
from .files import NewerSchema, Unreadable, newer_error, newer_rows, parse, read_bytes
from .memory import StoreWarning

__all__ = ["PARTITIONING_SCHEMA", "read_dataset"]

# Partition directories are strings to us, whatever an engine would infer from them.
PARTITIONING_SCHEMA: pa.Schema = pa.schema([("cohort", pa.string()), ("learner", pa.string())])
_FULL = pa.schema([*SCHEMA, *PARTITIONING_SCHEMA])
_PARTS = re.compile(r"(?:^|/)cohort=([^/]*)/learner=([^/]*)/")
_FORMAT = ds.ParquetFileFormat(
    default_fragment_scan_options=ds.ParquetFragmentScanOptions(page_checksum_verification=True)
)


def read_dataset(root: Path | str) -> pa.Table:
    """The whole store as one table plus string columns cohort and learner, deduped by event_id.

    Page checksums and the event rules are checked as a learner's restore checks them. A file
    that cannot be read, or rows that break the rules, are skipped and named in a StoreWarning
    (`workbook doctor --repair` sets them aside for good); a newer workbook's file is refused.
    """
    events = Path(root) / "events"
    if not events.is_dir():
        return _FULL.empty_table()
    dataset = ds.dataset(
        events,
        format=_FORMAT,
        schema=_FULL,
        partitioning=ds.partitioning(PARTITIONING_SCHEMA, flavor="hive"),
        ignore_prefixes=[".", "_"],
    )
    try:  # the fast way, threaded; one file at a time only to find and name a bad one
        table = dataset.to_table()
        if newer_rows(table) or bad_rows(table.select(SCHEMA.names)) is not None:
            table = _file_by_file(events, dataset.files)
    except (pa.ArrowException, OSError):
        table = _file_by_file(events, dataset.files)
    # A crash between a compaction's write and its deletes leaves duplicates: keep the first.
    index = pa.array(np.arange(table.num_rows, dtype=np.int64))
    groups = table.select(["event_id"]).append_column("_i", index).group_by("event_id")
    keep = groups.aggregate([("_i", "min")])["_i_min"]
    if len(keep) == table.num_rows:
        return table
    return table.take(keep.take(pc.sort_indices(keep)))


def _file_by_file(events: Path, files: list[str]) -> pa.Table:
    tables = [_FULL.empty_table()]
    for path in files:
        parts = _PARTS.search(Path(path).relative_to(events).as_posix())
        if parts is None:
            continue  # not in a learner folder: the store never wrote it
        try:
            table = parse(read_bytes(path))
        except (Unreadable, OSError) as err:
            _skipped(path, str(err))
            continue
        except NewerSchema as err:
            raise newer_error(path, str(err)) from None
        if newer_rows(table):
            raise newer_error(path, "rows of a higher schema_version")
        if (mask := bad_rows(table)) is not None:
            _skipped(path, f"{pc.sum(mask).as_py()} of {table.num_rows} rows break the event rules")
            table = table.filter(pc.invert(mask))
        n = table.num_rows
        cohort, learner = (pa.array([v] * n, pa.string()) for v in parts.groups())
        tables.append(table.append_column("cohort", cohort).append_column("learner", learner))
    return pa.concat_tables(tables)


def _skipped(path: str, why: str) -> None:
    warnings.warn(
        f"skipped {path} ({why}): run `workbook doctor --repair` to set it aside",
        StoreWarning,
        stacklevel=4,
    )

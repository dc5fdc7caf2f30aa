"""The whole store as one Arrow table, for analysts: what the README's one-liners promise."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds

from .events import SCHEMA

__all__ = ["PARTITIONING_SCHEMA", "read_dataset"]

# Partition directories are strings to us, whatever an engine would infer from them.
PARTITIONING_SCHEMA: pa.Schema = pa.schema([("cohort", pa.string()), ("learner", pa.string())])


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

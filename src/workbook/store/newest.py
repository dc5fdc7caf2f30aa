"""The current answers of a learner, found in Arrow: the newest row of each answer slot."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

__all__ = ["KEY", "latest_rows"]

KEY = ("exercise_id", "snapshot", "field")  # one answer slot: events.latest's key


def latest_rows(table: pa.Table) -> pa.Table:
    """One row per KEY: the last by (saved_at, event_id), as `events.latest` picks it."""
    if table.num_rows <= 1:
        return table
    order = [(k, "ascending") for k in KEY]
    order += [("saved_at", "descending"), ("event_id", "descending")]
    table = table.take(pc.sort_indices(table, sort_keys=order))
    # Sorted, the first row of each run of equal keys is the newest: keep where a key changes.
    head, tail = table.slice(0, table.num_rows - 1), table.slice(1)
    changed = pc.not_equal(head[KEY[0]], tail[KEY[0]])
    for k in KEY[1:]:
        changed = pc.or_(changed, pc.not_equal(head[k], tail[k]))
    return table.filter(pa.concat_arrays([pa.array([True]), changed.combine_chunks()]))

"""The current answers of a learner, found in Arrow: the newest row of each answer slot."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

__all__ = ["KEY", "latest_rows"]

KEY = ("exercise_id", "snapshot", "field")  # one answer slot: events.latest's key


def latest_rows(table: pa.Table) -> pa.Table:
    """One row per KEY: the last by (saved_at, event_id), as `events.latest` picks it.

    Only indices move until the end: the slot becomes one integer (dictionary codes), rows are
    ordered by time (a compacted file already is), and an ordered group-by keeps each slot's
    last index, so the text column is copied for the current answers only.
    """
    if table.num_rows <= 1:
        return table
    slot = pa.array([0] * table.num_rows, pa.int64())
    for name in KEY:
        codes = pc.dictionary_encode(table[name]).combine_chunks()
        slot = pc.add(pc.multiply(slot, len(codes.dictionary)), codes.indices.cast(pa.int64()))
    order = pc.sort_indices(table, sort_keys=[("saved_at", "ascending"), ("event_id", "ascending")])
    ordered = pa.table({"slot": slot.take(order), "row": order})
    last = ordered.group_by("slot", use_threads=False).aggregate([("row", "last")])
    return table.take(last["row_last"])

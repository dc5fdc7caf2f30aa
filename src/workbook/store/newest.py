"""The current answers of a learner, found in Arrow: the newest row of each answer slot."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from .columns import column, scalar

__all__ = ["KEY", "latest_rows"]

KEY = ("exercise_id", "snapshot", "field")  # one answer slot: events.latest's key


def latest_rows(table: pa.Table) -> pa.Table:
    """One row per KEY: the last by (saved_at, event_id), as `events.latest` picks it.

    Only indices move until the end: the slot becomes one integer (dictionary codes), rows are
    sorted by (slot, saved_at, event_id) and each slot's last row kept, so the text column is
    copied for the current answers only. A sort, not a group-by: pyarrow's group-by loads
    Acero and pyarrow.dataset, and with them pandas (+50 MB in a learner's kernel).
    """
    n = table.num_rows
    if n <= 1:
        return table
    slot: pa.Array | None = None
    for name in KEY:
        codes = pc.dictionary_encode(table[name]).combine_chunks()
        code = codes.indices.cast(pa.int64())
        size = scalar(len(codes.dictionary), pa.int64())
        slot = code if slot is None else pc.add(pc.multiply(slot, size), code)
    keys = pa.Table.from_arrays(
        [slot, table["saved_at"], table["event_id"]], names=["slot", "saved_at", "event_id"]
    )
    order = pc.sort_indices(keys, sort_keys=[(k, "ascending") for k in keys.column_names])
    slots = slot.take(order)  # type: ignore[union-attr]
    last = pc.not_equal(slots.slice(0, n - 1), slots.slice(1))  # a slot's last row
    last = pa.concat_arrays([last, column([True], pa.bool_())])
    rows = order.filter(last)
    return table.take(rows.take(pc.sort_indices(rows)))  # in the files' order

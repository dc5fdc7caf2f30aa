"""Store rows to the tidy answers frame: the latest-answer rule, dedup, pseudonyms, in Arrow.

Every engine hands back store rows (the store schema plus ``cohort`` and ``learner``); these
functions turn them into the tidy frame all of workbook shares (README, "Tidy answers frame"),
so the engines cannot disagree on types, order or the current-answer rule.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..errors import SchemaVersionError
from ..store import PARTITIONING_SCHEMA, SCHEMA, SCHEMA_VERSION
from ..store.answers import COLUMNS

__all__ = [
    "COLUMNS",
    "KEY",
    "ROW_SCHEMA",
    "dedupe",
    "latest_rows",
    "pseudonym",
    "tidy",
]

# What makes an answer "the same answer" in the store's rows.
KEY = ("cohort", "learner", "exercise_id", "snapshot", "field")
ROW_SCHEMA: pa.Schema = pa.schema([*PARTITIONING_SCHEMA, *SCHEMA])
_RENAME = {"exercise_id": "exercise", "field": "item"}
_TYPES = ("text", "score", "flag", "date")


def check_version(rows: pa.Table) -> None:
    """Raise SchemaVersionError if any row was written by a newer workbook."""
    if "schema_version" not in rows.column_names or rows.num_rows == 0:
        return
    newest = pc.max(rows["schema_version"]).as_py()
    if newest is not None and newest > SCHEMA_VERSION:
        raise SchemaVersionError(
            f"answers written by a newer workbook (schema version {newest}; this one reads"
            f" version {SCHEMA_VERSION}): upgrade with `pip install -U workbook`"
        )


def latest_rows(rows: pa.Table) -> pa.Table:
    """The last row of each answer by (saved_at, event_id): the store's current-answer rule."""
    n = rows.num_rows
    if n == 0:
        return rows
    order = pc.sort_indices(
        rows.select(["saved_at", "event_id"]),
        sort_keys=[("saved_at", "ascending"), ("event_id", "ascending")],
    ).to_numpy()
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n, dtype=np.int64)
    keys = rows.select(list(KEY)).append_column("_rank", pa.array(rank))
    best = keys.group_by(list(KEY)).aggregate([("_rank", "max")])["_rank_max"].to_numpy()
    return rows.take(np.sort(order[best]))


def dedupe(rows: pa.Table) -> pa.Table:
    """One row per event_id: a row can sit in two files after an interrupted compaction."""
    if rows.num_rows == 0:
        return rows
    index = pa.array(np.arange(rows.num_rows, dtype=np.int64))
    first = (
        rows.select(["event_id"])
        .append_column("_i", index)
        .group_by("event_id")
        .aggregate([("_i", "min")])["_i_min"]
    )
    if len(first) == rows.num_rows:
        return rows
    return rows.take(np.sort(first.to_numpy()))


def pseudonym(learner: str, salt: str) -> str:
    """A stable id for `learner` that cannot be reversed without `salt` (HMAC-SHA256)."""
    digest = hmac.new(salt.encode(), learner.encode(), hashlib.sha256).hexdigest()
    return f"p{digest[:20]}"


def _pseudonymise(learners: pa.ChunkedArray, salt: str) -> pa.Array:
    encoded = learners.combine_chunks().dictionary_encode()
    names = [pseudonym(x, salt) for x in encoded.dictionary.to_pylist()]
    return pa.array(names, pa.string()).take(encoded.indices)


def _values(rows: pa.Table, value_types: Sequence[str]) -> pd.Series:
    """One `value` column: ints for a scores-only frame, else Python objects by value_type."""
    if list(value_types) == ["score"]:
        scores = rows["value_score"].cast(pa.int64())
        if scores.null_count == 0:
            return pd.Series(scores.to_numpy(), dtype="int64")
    out = np.empty(rows.num_rows, dtype=object)
    out[:] = None
    types = rows["value_type"].to_numpy(zero_copy_only=False)
    for t in value_types:
        mask = types == t
        if mask.any():
            picked = rows[f"value_{t}"].filter(pa.array(mask))
            out[mask] = np.asarray(picked.to_pylist(), dtype=object)
    return pd.Series(out, dtype=object)


def tidy(
    rows: pa.Table,
    *,
    history: bool,
    value_types: Sequence[str] = _TYPES,
    salt: str | None = None,
    event_ids: bool = False,
) -> pd.DataFrame:
    """The tidy frame of store rows: latest answers sorted by key, or history by time; with
    `event_ids`, an ``event_id`` column after the others (what xAPI statement ids derive from)."""
    if salt is not None:
        rows = rows.set_column(
            rows.schema.get_field_index("learner"), "learner", _pseudonymise(rows["learner"], salt)
        )
    if history:
        order = [("saved_at", "ascending"), ("event_id", "ascending")]
    else:
        rows = rows.filter(_answered(rows))  # a cleared answer is no answer
        order = [
            (k, "ascending") for k in ("cohort", "learner", "exercise_id", "field", "snapshot")
        ]
    rows = rows.take(pc.sort_indices(rows, sort_keys=order))
    frame = pd.DataFrame(
        {
            _RENAME.get(name, name): rows[name].to_pandas().astype(str)
            for name in ("cohort", "learner", "exercise_id", "field", "snapshot")
        }
    )
    frame["value"] = _values(rows, value_types)
    frame["saved_at"] = rows["saved_at"].to_pandas().astype("datetime64[us, UTC]")
    frame["content_version"] = rows["content_version"].to_pandas().astype(str)
    if event_ids:
        frame["event_id"] = rows["event_id"].to_pandas().astype(str)
        return frame[[*COLUMNS, "event_id"]]
    return frame[list(COLUMNS)]


def _answered(rows: pa.Table) -> pa.Array:
    mask = None
    for t in _TYPES:
        if f"value_{t}" not in rows.column_names:
            continue
        this = pc.and_(pc.equal(rows["value_type"], t), pc.is_valid(rows[f"value_{t}"]))
        mask = this if mask is None else pc.or_(mask, this)
    return mask if mask is not None else pa.array([False] * rows.num_rows)

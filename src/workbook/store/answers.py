"""The tidy answers frame: the one pandas shape charts, exports, analytics and the hub all read.

Columns (see README, "Tidy answers frame"): `cohort`, `learner`, `exercise`, `item` (the store's
`field`), `snapshot` (`""` when the exercise has none), `value` (the answer: str, int for scores,
bool, datetime.date; None when it was cleared), `saved_at` (UTC), `content_version`.

`latest` (the default) keeps the current answer of each learner × exercise × item × snapshot, by
the store's rule (last by `saved_at`, then `event_id`) and drops answers whose current value was
cleared; `history=True` keeps every event, oldest first.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pandas as pd
import pyarrow as pa

from . import Event, Store, read_dataset

__all__ = ["COLUMNS", "answers_frame", "learner_answers", "store_answers"]

COLUMNS = (
    "cohort",
    "learner",
    "exercise",
    "item",
    "snapshot",
    "value",
    "saved_at",
    "content_version",
)
_KEY = ["cohort", "learner", "exercise", "item", "snapshot"]
_VALUE_COLUMNS = {
    "text": "value_text",
    "score": "value_score",
    "flag": "value_flag",
    "date": "value_date",
}


def _from_events(events: Iterable[Event]) -> pd.DataFrame:
    rows = [
        (
            e.cohort,
            e.learner,
            e.exercise_id,
            e.field,
            e.snapshot,
            e.value,
            e.saved_at,
            e.content_version,
            e.event_id,
        )
        for e in events
    ]
    frame = pd.DataFrame.from_records(rows, columns=[*COLUMNS, "event_id"])
    # As the answers were: ints beside None (a cleared score) would be read as floats.
    frame["value"] = pd.Series([row[5] for row in rows], dtype=object)
    return frame


def _from_table(table: pa.Table) -> pd.DataFrame:
    """A store table (schema v1 plus cohort and learner) with the value columns folded into one."""
    types = table.column("value_type").to_pylist()
    columns = {t: table.column(c).to_pylist() for t, c in _VALUE_COLUMNS.items()}
    values = [columns[t][n] if t in columns else None for n, t in enumerate(types)]
    return pd.DataFrame(
        {
            "cohort": table.column("cohort").to_pylist(),
            "learner": table.column("learner").to_pylist(),
            "exercise": table.column("exercise_id").to_pylist(),
            "item": table.column("field").to_pylist(),
            "snapshot": table.column("snapshot").to_pylist(),
            "value": pd.Series(values, dtype=object),
            "saved_at": table.column("saved_at").to_pandas(),
            "content_version": table.column("content_version").to_pylist(),
            "event_id": table.column("event_id").to_pylist(),
        }
    )


def answers_frame(source: Iterable[Event] | pa.Table, *, history: bool = False) -> pd.DataFrame:
    """The tidy frame of store events (`Store.history` output) or a store table (`read_dataset`)."""
    df = _from_table(source) if isinstance(source, pa.Table) else _from_events(source)
    df["saved_at"] = pd.to_datetime(df["saved_at"], utc=True).astype("datetime64[us, UTC]")
    df["value"] = df["value"].astype(object)
    for column in (*_KEY, "content_version"):
        df[column] = df[column].astype(str)
    df = df.sort_values(["saved_at", "event_id"], kind="stable")
    if not history:
        df = df.drop_duplicates(_KEY, keep="last")
        df = df[df["value"].notna()]
        df = df.sort_values(_KEY, kind="stable")
    return df.drop(columns="event_id").reset_index(drop=True)[list(COLUMNS)]


def learner_answers(
    store: Store, cohort: str, learner: str, *, history: bool = False
) -> pd.DataFrame:
    """One learner's answers as the tidy frame."""
    return answers_frame(store.history(cohort, learner), history=history)


def store_answers(root: Path | str, *, history: bool = False) -> pd.DataFrame:
    """Every learner of a Parquet store under `root` as the tidy frame."""
    return answers_frame(read_dataset(root), history=history)

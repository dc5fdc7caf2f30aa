"""The answer store: an append-only event log of saved answers, as hive-partitioned Parquet.

One concern per module: ``ids`` (what may name a folder, exercise, field or event), ``events``
(the event, its value rules and the stored schema), ``checks`` (the same rules over Arrow
rows), ``memory`` (the interface and its in-memory twin), ``files`` (writing and reading one
Parquet file), ``reader`` (a learner folder read back, corrupt files set aside), ``newest``
(current answers found in Arrow), ``parquet`` (the engine: folders, background compaction),
``dataset`` (the whole store for analysts), ``doctor`` and ``commands`` (`workbook doctor`).
"""

from __future__ import annotations

from .dataset import PARTITIONING_SCHEMA, read_dataset
from .doctor import Checkup, Problem, doctor
from .events import SCHEMA, SCHEMA_VERSION, VALUE_TYPES, Event, latest
from .ids import check_id, store_id
from .memory import MemoryStore, Store, StoreWarning, default_root
from .parquet import COMPACT_AFTER, ParquetStore

__all__ = [
    "COMPACT_AFTER",
    "PARTITIONING_SCHEMA",
    "SCHEMA",
    "SCHEMA_VERSION",
    "VALUE_TYPES",
    "Checkup",
    "Event",
    "MemoryStore",
    "ParquetStore",
    "Problem",
    "Store",
    "StoreWarning",
    "check_id",
    "default_root",
    "doctor",
    "latest",
    "read_dataset",
    "store_id",
]

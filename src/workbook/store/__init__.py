"""The answer store: an append-only event log of saved answers, as hive-partitioned Parquet.

One concern per module: ``ids`` (what may name a folder, exercise, field or event), ``events``
(the event, its value rules and the stored schema), ``memory`` (the interface and its in-memory
twin), ``files`` (writing and reading one Parquet file), ``parquet`` (the engine: folders,
locks, compaction, quarantine) and ``dataset`` (the whole store for analysts).
"""

from __future__ import annotations

from .dataset import PARTITIONING_SCHEMA, read_dataset
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
    "Event",
    "MemoryStore",
    "ParquetStore",
    "Store",
    "StoreWarning",
    "check_id",
    "default_root",
    "latest",
    "read_dataset",
    "store_id",
]

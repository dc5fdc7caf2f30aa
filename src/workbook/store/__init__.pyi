# The package's names, imported lazily by __init__.py (lazy_loader reads this file).
from .dataset import PARTITIONING_SCHEMA, read_dataset
from .doctor import Checkup, Problem, doctor
from .events import SCHEMA, SCHEMA_VERSION, VALUE_TYPES, Event, latest
from .folders import default_root
from .ids import check_id, identity, store_id
from .lazy import LazyParquetStore
from .memory import MemoryStore, Store, StoreWarning
from .parquet import COMPACT_AFTER, ParquetStore

__all__ = [
    "COMPACT_AFTER",
    "PARTITIONING_SCHEMA",
    "SCHEMA",
    "SCHEMA_VERSION",
    "VALUE_TYPES",
    "Checkup",
    "Event",
    "LazyParquetStore",
    "MemoryStore",
    "ParquetStore",
    "Problem",
    "Store",
    "StoreWarning",
    "check_id",
    "default_root",
    "doctor",
    "identity",
    "latest",
    "read_dataset",
    "store_id",
]

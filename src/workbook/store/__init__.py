"""The answer store: an append-only event log of saved answers, as hive-partitioned Parquet.

One concern per module: ``ids`` (what may name a folder, exercise, field or event), ``events``
(the event, its value rules and the stored schema), ``checks`` (the same rules over Arrow
rows), ``memory`` (the interface and its in-memory twin), ``folders`` (the default root, a
learner folder's listing: no Arrow), ``lazy`` (a ParquetStore opened on first read),
``files`` (writing and reading one Parquet file), ``reader`` (a learner folder read back,
corrupt files set aside), ``newest`` (current answers found in Arrow), ``parquet`` (the engine:
folders, background compaction), ``dataset`` (the whole store for analysts), ``doctor`` and
``commands`` (`workbook doctor`), ``wire`` (events as JSON), ``remote`` (a learner's kernel's
store: calls to its server, which holds the ParquetStore; stdlib only) and ``arrow`` (pyarrow
loaded lean where a kernel writes Parquet itself).
"""

import lazy_loader

# Names listed in __init__.pyi, imported on first use: pyarrow.dataset (the analysts' reader)
# imports pandas, which a learner's kernel and `workbook sync` do without.
__getattr__, __dir__, __all__ = lazy_loader.attach_stub(__name__, __file__)

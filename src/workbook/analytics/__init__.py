"""Cohort analytics: many stores to one tidy frame, the aggregates analysts need, on three engines.

import workbook.analytics as wa
frame = wa.answers(["hub-store/", "laptops/*/"], engine="duckdb", salt=wa.installation_salt())
wa.score_summary("hub-store/")  # cohort × exercise × item × snapshot: learners, mean, median
"""

import lazy_loader

# Names listed in __init__.pyi, imported on first use: `workbook analyze --help` and the other
# commands registered from .commands need none of pandas, matplotlib, DuckDB or Dask.
__getattr__, __dir__, __all__ = lazy_loader.attach_stub(__name__, __file__)

"""The learner's live workbook in a kernel: the session that saves every answer, the widgets,
the live watcher and My progress.

The top layer for a learner: it may use every layer below (the store, sync, charts, exports,
the cohort's figures through `hub.compare`); nothing below imports it. A kernel under a workbook
server saves through the server and never loads pyarrow; elsewhere the session loads it lean
(:func:`~workbook.store.arrow.lean_arrow`) as it opens the store.
"""

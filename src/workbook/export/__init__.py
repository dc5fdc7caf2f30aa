"""Exports of a learner's workbook: HTML, Markdown, PDF, an .ics of dated actions, and the
Handover Standard alone as a one-page document.

    from workbook.export import export
    export(store, course, cohort, learner, format="pdf", out=Path("~/Desktop").expanduser())

The formats are the rows of :data:`FORMATS`; :func:`render_as` returns bytes without writing.
"""

import lazy_loader

# Names listed in __init__.pyi, imported on first use: the CLI registers `workbook export` from
# .commands without importing jinja2, pandas and WeasyPrint.
__getattr__, __dir__, __all__ = lazy_loader.attach_stub(__name__, __file__)

"""Exports of a learner's workbook: HTML, Markdown, PDF, an .ics of dated actions, and the
Handover Standard alone as a one-page document.

    from workbook.export import export
    export(store, course, cohort, learner, format="pdf", out=Path("~/Desktop").expanduser())

The formats are the rows of :data:`FORMATS`; :func:`render_as` returns bytes without writing.
"""

from __future__ import annotations

from .document import Chart, Workbook, workbook
from .formats import (
    FORMATS,
    Exported,
    Format,
    Source,
    default_name,
    export,
    export_current,
    render_as,
)
from .render import escape_markdown
from .standard import Standard, standard

__all__ = [
    "FORMATS",
    "Chart",
    "Exported",
    "Format",
    "Source",
    "Standard",
    "Workbook",
    "default_name",
    "escape_markdown",
    "export",
    "export_current",
    "render_as",
    "standard",
    "workbook",
]

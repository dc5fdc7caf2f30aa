"""The export formats by name, with what a file of each holds: read by `--help` and My
progress's buttons without importing the exporters (jinja2, pandas, WeasyPrint)."""

from __future__ import annotations

__all__ = ["EXPORT_FORMATS", "HOLDS"]

HOLDS = {
    "html": "one self-contained page: styles and charts inside",
    "md": "Markdown, charts as embedded images",
    "pdf": "a printable PDF of the HTML page",
    "ics": "the dated actions of the action plans, one event each",
}
EXPORT_FORMATS = tuple(HOLDS)

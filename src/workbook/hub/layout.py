"""A :class:`workbook.hub.room.Room` laid out: the live view, projector mode, the report.

Jinja2 with autoescape, as the exports: a learner's `<script>` in a shared reflection is
printed as text. The report's PDF is its HTML laid out for A4 by WeasyPrint (no browser).
"""

from __future__ import annotations

import functools
from pathlib import Path

import jinja2

from ..errors import ExportError
from ..paths import write_private
from .room import Room

__all__ = ["REPORT_FORMATS", "report", "room_html", "templates", "write_report"]

REPORT_FORMATS = ("html", "pdf")


@functools.cache
def templates() -> jinja2.Environment:
    """The hub's page templates (the view, the report, My progress beside the cohort)."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("workbook.hub", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
    env.trim_blocks = env.lstrip_blocks = True
    return env


def room_html(room: Room, *, projector: bool = False) -> str:
    """The view's body; projector mode names no learner and shows no reflection."""
    return templates().get_template("room.html.j2").render(room=room, projector=projector)


def report(room: Room, course: str, format: str = "html") -> bytes:
    """The cohort's progress, first day → last day, and shared reflections: a few A4 pages."""
    page = templates().get_template("report.html.j2").render(room=room, course=course)
    if format == "html":
        return page.encode("utf-8")
    if format != "pdf":
        raise ExportError(f"a report is {' or '.join(REPORT_FORMATS)}, not {format!r}")
    import weasyprint  # a second to import: only when a PDF is asked for

    # Tagged, as a learner's export is: a report reaches a screen reader too.
    return bytes(weasyprint.HTML(string=page).write_pdf(pdf_variant="pdf/ua-1"))


def write_report(room: Room, course: str, out: Path) -> Path:
    """The report written atomically to `out`, its format from the suffix (.html or .pdf)."""
    format = out.suffix.lstrip(".").lower()
    if format not in REPORT_FORMATS:
        raise ExportError(f"{out}: name the report .html or .pdf")
    if not out.parent.is_dir():
        raise ExportError(f"{out.parent} is not a folder: make it first or pick another --out")
    try:
        write_private(out, report(room, course, format))
    except OSError as err:
        raise ExportError(f"could not write {out}: {err.strerror}") from err
    return out

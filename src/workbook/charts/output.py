"""Figures to bytes and files: PNG, and SVG whose bytes depend only on what is drawn."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any, Literal

import matplotlib as mpl
from matplotlib.figure import Figure

from ..errors import WorkbookError
from ..paths import write_private

__all__ = ["Format", "describe", "save", "to_bytes"]

Format = Literal["png", "svg"]

# svg.hashsalt fixes the ids of clip paths; Date=None drops the timestamp; fonttype "none" keeps
# text as <text> (selectable, searchable, readable by a browser test) instead of glyph paths.
_RC: dict[str, Any] = {"svg.hashsalt": "workbook", "svg.fonttype": "none"}
_METADATA: dict[Format, dict[str, None]] = {
    "svg": {"Date": None},
    "png": {"Software": None},
}


def to_bytes(figure: Figure, format: Format = "svg", dpi: int = 110) -> bytes:
    """The figure as PNG or SVG bytes; the same figure gives the same bytes every time."""
    if format not in _METADATA:
        raise WorkbookError(f"Cannot save a chart as {format!r}: use png or svg")
    buffer = io.BytesIO()
    with mpl.rc_context(_RC):  # type: ignore[arg-type]
        figure.savefig(buffer, format=format, dpi=dpi, metadata=_METADATA[format])
    return buffer.getvalue()


def describe(figure: Figure) -> str:
    """The chart's titles in one line: the text alternative of a chart shown as an image."""
    titles = [figure.get_suptitle()]
    for ax in figure.axes:
        titles += [ax.get_title(loc="left"), ax.get_title()]
    return " · ".join(t for t in titles if t)


def save(figure: Figure, path: Path | str, dpi: int = 110) -> Path:
    """Write the figure to `path`; its suffix (.png or .svg) picks the format."""
    target = Path(path)
    suffix = target.suffix.lower().lstrip(".")
    if suffix not in _METADATA:
        raise WorkbookError(f"{target.name}: name the file .png or .svg")
    write_private(target, to_bytes(figure, "png" if suffix == "png" else "svg", dpi))
    return target

"""Figures to bytes and files: PNG, and SVG whose bytes depend only on what is drawn; an
opaque PNG at print resolution for a PDF."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any, Literal

import matplotlib as mpl
from matplotlib.figure import Figure

from ..errors import WorkbookError
from ..paths import write_private

__all__ = ["PRINT_DPI", "Format", "describe", "print_png", "save", "to_bytes"]

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


# Pixels per inch of a chart printed at its own width (WIDTH, 8 in). A4 between 16 mm margins is
# 7 in wide, so a chart shrunk to fit prints at 8 / 7 × this: ~200 dpi, sharp text on paper.
PRINT_DPI = 175


def print_png(figure: Figure, dpi: int = PRINT_DPI) -> bytes:
    """The figure as an opaque RGB PNG, for a PDF: drawn by Agg (C++), where SVG would leave a
    PDF writer (WeasyPrint) to lay out every label of the chart itself.

    matplotlib writes RGBA; the alpha channel (opaque: the figure is white) is dropped so a PDF
    writer stores one image, not an image and a mask. Its PNG is written uncompressed and the
    RGB one fast: the PDF writer decodes and compresses the pixels again anyway.
    """
    from PIL import Image

    rgba = io.BytesIO()
    figure.savefig(rgba, format="png", dpi=dpi, pil_kwargs={"compress_level": 0})
    out = io.BytesIO()
    with Image.open(rgba) as image:
        image.convert("RGB").save(out, format="png", dpi=(dpi, dpi), compress_level=1)
    return out.getvalue()


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

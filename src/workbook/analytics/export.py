"""Frames to files analysts open elsewhere: CSV, Parquet; xAPI statements as JSON lines."""

from __future__ import annotations

import csv
import os
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from ..errors import ExportError
from ..inert import frame_for_spreadsheet

__all__ = ["FORMATS", "check_output", "write_frame"]

FORMATS = (".csv", ".parquet")


def check_output(path: Path | str, formats: Sequence[str] = FORMATS) -> Path:
    """`path` if a file of one of `formats` can be written there now, else ExportError.

    Checked before any work, so a long question is not lost to a typo; no folder is created
    (a mistyped folder would otherwise appear wherever the typo points).
    """
    path = Path(path)
    if path.suffix.lower() not in formats:
        raise ExportError(f"cannot write {path}: use a file ending in {' or '.join(formats)}")
    parent = path.parent
    if not parent.is_dir():
        raise ExportError(f"cannot write {path}: the folder {parent} does not exist; create it")
    if path.is_dir():
        raise ExportError(f"cannot write {path}: it is a folder; name a file inside it")
    if not os.access(parent, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise ExportError(f"cannot write {path}: permission denied; pick a folder you can write")
    return path


def write_frame(frame: pd.DataFrame, path: Path | str) -> Path:
    """Write `frame` as CSV or Parquet, chosen by the file's suffix; return the path.

    Text cells a spreadsheet would run as a formula are neutralised (see workbook.inert).
    """
    path = check_output(path)
    frame = frame_for_spreadsheet(frame)
    try:
        if path.suffix.lower() == ".csv":
            # Every text cell quoted: a CR inside one must not start a new row a spreadsheet runs.
            frame.to_csv(path, index=False, quoting=csv.QUOTE_NONNUMERIC)
        else:
            frame.to_parquet(path, index=False, engine="pyarrow")
    except OSError as err:
        raise ExportError(f"cannot write {path}: {err}") from err
    return path

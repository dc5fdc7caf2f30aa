"""Frames to files analysts open elsewhere: CSV, Parquet; xAPI statements as JSON lines."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd

from ..inert import frame_for_spreadsheet

__all__ = ["FORMATS", "write_frame"]

FORMATS = (".csv", ".parquet")


def write_frame(frame: pd.DataFrame, path: Path | str) -> Path:
    """Write `frame` as CSV or Parquet, chosen by the file's suffix; return the path.

    Text cells a spreadsheet would run as a formula are neutralised (see workbook.inert).
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise ValueError(f"cannot write {path.name}: use a file ending in {' or '.join(FORMATS)}")
    path.parent.mkdir(parents=True, exist_ok=True)
    frame = frame_for_spreadsheet(frame)
    if suffix == ".csv":
        # Every text cell quoted: a CR inside one must not start a new row a spreadsheet runs.
        frame.to_csv(path, index=False, quoting=csv.QUOTE_NONNUMERIC)
    else:
        frame.to_parquet(path, index=False, engine="pyarrow")
    return path

"""Frames to files analysts open elsewhere: CSV, Parquet; xAPI statements as JSON lines."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

__all__ = ["FORMATS", "write_frame"]

FORMATS = (".csv", ".parquet")


def write_frame(frame: pd.DataFrame, path: Path | str) -> Path:
    """Write `frame` as CSV or Parquet, chosen by the file's suffix; return the path."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise ValueError(f"cannot write {path.name}: use a file ending in {' or '.join(FORMATS)}")
    path.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".csv":
        frame.to_csv(path, index=False)
    else:
        frame.to_parquet(path, index=False, engine="pyarrow")
    return path

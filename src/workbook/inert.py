"""Learner text made inert where others open it: spreadsheets and terminals.

A cell a spreadsheet opens that begins with ``=``, ``+``, ``-``, ``@``, tab or CR runs as a
formula (OWASP "CSV injection"): such text gets a leading ``'``; a plain number stays as it is.
A terminal obeys control characters (ESC sequences move the cursor, rewrite the title, write
the clipboard with OSC 52): printed learner text keeps only printable characters and newlines,
a tab becoming a space (it would also break the columns of a printed table).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the frame helpers take pandas frames; text helpers need no pandas
    import pandas as pd

__all__ = ["for_spreadsheet", "for_terminal", "frame_for_spreadsheet"]

_FORMULA = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def for_spreadsheet(value: object) -> object:
    if isinstance(value, str) and value.startswith(_FORMULA) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def for_terminal(value: object) -> object:
    if not isinstance(value, str):
        return value
    text = value.replace("\t", " ")
    return "".join(c for c in text if c == "\n" or not unicodedata.category(c).startswith("C"))


def _cells(frame: pd.DataFrame, clean: Callable[[object], object]) -> pd.DataFrame:
    import pandas as pd

    out = frame.copy()
    for name in out.columns:
        if out[name].dtype == object or pd.api.types.is_string_dtype(out[name]):
            out[name] = out[name].map(clean)
    return out


def frame_for_spreadsheet(frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` with every text cell neutralised; number columns untouched."""
    return _cells(frame, for_spreadsheet)

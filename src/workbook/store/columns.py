"""Arrow arrays and scalars from Python values without pyarrow's pandas shim.

`pa.array`, `pa.scalar` and a compute function given a Python literal all ask pyarrow's
pandas shim whether the value is a pandas object, and the shim imports pandas to find out:
+45 MB in every learner's kernel for one save. These build the same arrays from buffers
(`pa.Array.from_buffers`), for the types of the store's schema.
"""

from __future__ import annotations

import array
import datetime as dt
from collections.abc import Sequence
from typing import Any

import pyarrow as pa

__all__ = ["column", "scalar"]

_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_EPOCH_DAY = dt.date(1970, 1, 1).toordinal()
_US = dt.timedelta(microseconds=1)


def _bits(flags: Sequence[bool]) -> pa.Buffer:
    """Arrow's bitmap: bit i of byte i // 8, least significant first."""
    number = int("".join("1" if f else "0" for f in reversed(flags)) or "0", 2)
    return pa.py_buffer(number.to_bytes((len(flags) + 7) // 8, "little"))


def _int(v: Any, t: pa.DataType) -> int:
    if pa.types.is_timestamp(t):
        at: dt.datetime = v
        return (at - _EPOCH) // _US
    if pa.types.is_date32(t):
        day: dt.date = v
        return day.toordinal() - _EPOCH_DAY
    return int(v)


_CODES = {32: "i", 64: "q"}


def _whole(t: pa.DataType) -> bool:
    """A type stored as 32 or 64-bit signed integers that `_int` makes."""
    if pa.types.is_timestamp(t):
        return bool(t.unit == "us")
    return pa.types.is_date32(t) or (pa.types.is_signed_integer(t) and t.bit_width in _CODES)


def column(values: Sequence[Any], t: pa.DataType) -> pa.Array:
    """`pa.array(values, t)` for string, bool, int32/64, date32 and timestamp("us") values.

    Raises TypeError for another type, or OverflowError for an integer that does not fit.
    """
    n = len(values)
    valid = [v is not None for v in values]
    nulls = n - sum(valid)
    validity = _bits(valid) if nulls else None
    if pa.types.is_string(t):
        data = [v.encode() if v is not None else b"" for v in values]
        offsets = array.array("i", [0])
        for d in data:
            offsets.append(offsets[-1] + len(d))
        buffers = [validity, pa.py_buffer(offsets), pa.py_buffer(b"".join(data))]
    elif pa.types.is_boolean(t):
        buffers = [validity, _bits([bool(v) for v in values])]
    elif _whole(t):
        ints = array.array(_CODES[t.bit_width], [0 if v is None else _int(v, t) for v in values])
        buffers = [validity, pa.py_buffer(ints)]
    else:
        raise TypeError(f"column() does not build {t} arrays")
    return pa.Array.from_buffers(t, n, buffers, null_count=nulls)


def scalar(value: Any, t: pa.DataType) -> pa.Scalar:
    """`pa.scalar(value, t)`, for a compute function's operand (see module doc)."""
    return column([value], t)[0]

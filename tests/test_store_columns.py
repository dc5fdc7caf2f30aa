"""Arrow columns built from buffers (store/columns.py) equal what `pa.array` builds."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pyarrow as pa
import pytest

from workbook.store.columns import column, scalar

UTC = dt.UTC
STAMP = pa.timestamp("us", tz="UTC")


@pytest.mark.parametrize(
    ("values", "t"),
    [
        ([], pa.string()),
        (["", "a", None, "ünïcødé ✓", "x" * 1000], pa.string()),
        ([None, None], pa.string()),
        ([True, False, None, True] * 5, pa.bool_()),
        ([False] * 9, pa.bool_()),
        ([0, -(2**31), 2**31 - 1, None], pa.int32()),
        ([1, None, -(2**63), 2**63 - 1], pa.int64()),
        ([dt.date(1970, 1, 1), dt.date(1, 1, 1), dt.date(9999, 12, 31), None], pa.date32()),
        (
            [dt.datetime(2026, 12, 7, 4, 5, 6, 789012, tzinfo=UTC), None,
             dt.datetime(1969, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),
             dt.datetime(2026, 1, 1, 12, tzinfo=dt.timezone(dt.timedelta(hours=5)))],
            STAMP,
        ),
    ],
)  # fmt: skip
def test_a_column_equals_pyarrows_array(values: list[Any], t: pa.DataType) -> None:
    built = column(values, t)
    built.validate(full=True)
    assert built.equals(pa.array(values, t))
    assert built.to_pylist() == pa.array(values, t).to_pylist()
    assert built.null_count == sum(v is None for v in values)


@pytest.mark.parametrize(
    ("value", "t"),
    [("", pa.string()), (7, pa.int32()), (True, pa.bool_()), (None, pa.int64())],
)
def test_a_scalar_equals_pyarrows_scalar(value: Any, t: pa.DataType) -> None:
    assert scalar(value, t).equals(pa.scalar(value, t))


@pytest.mark.parametrize(
    ("values", "t", "error"),
    [
        ([1.5], pa.float64(), TypeError),
        ([1], pa.uint32(), TypeError),
        ([2**31], pa.int32(), OverflowError),
        ([dt.datetime(2026, 1, 1)], STAMP, TypeError),  # naive: no instant to store
    ],
)
def test_what_it_does_not_build_raises(values: list[Any], t: pa.DataType, error: type) -> None:
    with pytest.raises(error):
        column(values, t)

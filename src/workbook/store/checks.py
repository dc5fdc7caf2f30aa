"""Event rules over Arrow columns: which rows of a file read back may be restored.

The same rules as :class:`~workbook.store.events.Event` (ids, value types, ranges, UTF-8), so
a row that passes becomes an Event without its constructor (36 ms saved per 10,000 rows) and
without raising: a flipped byte must cost one row or file, never a learner's every cell.
"""

from __future__ import annotations

import functools

import pyarrow as pa
import pyarrow.compute as pc

from .columns import column, scalar
from .events import MAX_TEXT, SAVED_AT_RANGE, SCHEMA_VERSION, VALUE_TYPES
from .ids import EVENT_ID, EXERCISE_ID, FIELD

__all__ = ["bad_rows"]

_TYPES = column(VALUE_TYPES, pa.string())
# Compute operands as Arrow scalars: a Python literal would import pandas (see columns.py).
_TYPE = {t: scalar(t, pa.string()) for t in VALUE_TYPES}
_EMPTY = scalar("", pa.string())
_TRUE = scalar(True, pa.bool_())
_REQUIRED = ("event_id", "exercise_id", "field", "snapshot", "value_type", "saved_at",
             "content_version", "schema_version")  # fmt: skip
# datetime.date's range, in days since 1970-01-01: a date outside it cannot become a Python date.
_DAYS = (-719_162, 2_932_896)
_STRINGS = ("event_id", "exercise_id", "field", "snapshot", "value_type", "value_text",
            "content_version")  # fmt: skip


def _int32(n: int) -> pa.Scalar:
    return scalar(n, pa.int32())


def _full(pattern: str) -> str:
    return f"^(?:{pattern})$"


def _key_ok(column: pa.ChunkedArray, pattern: str) -> pa.ChunkedArray:
    """The id rule of ids.check_key: the pattern, and no '..' anywhere."""
    fits = pc.match_substring_regex(column, pattern=_full(pattern))
    return pc.and_(fits, pc.invert(pc.match_substring(column, pattern="..")))


def _utf8_ok(table: pa.Table) -> pa.Array | None:
    """Rows whose strings are all valid UTF-8, or None when every row is (the common case)."""
    try:
        table.select(list(_STRINGS)).validate(full=True)
        return None
    except pa.ArrowInvalid:
        pass
    ok = [True] * table.num_rows
    for name in _STRINGS:
        for i, raw in enumerate(table[name].cast(pa.binary()).to_pylist()):
            if raw is not None:
                try:
                    raw.decode("utf-8")
                except UnicodeDecodeError:
                    ok[i] = False
    return column(ok, pa.bool_())


def bad_rows(table: pa.Table) -> pa.Array | None:
    """A mask of the rows that break an event rule, or None when every row keeps them all.

    `table` has the store's SCHEMA (cast on read). Whole-column checks first (a rule on each
    distinct id, min and max of ranges: 2 ms at 10,000 rows); row by row only to find culprits.
    """
    if table.num_rows == 0 or _all_good(table):
        return None
    return _row_mask(table)


def _within(column: pa.ChunkedArray, low: int, high: int) -> bool:
    """Every non-null value, as an integer (days, microseconds), is in [low, high]."""
    as_int = pa.int32() if column.type == pa.date32() else pa.int64()
    bounds = pc.min_max(column)
    least, most = (bounds[k].cast(as_int).as_py() for k in ("min", "max"))
    return least is None or (low <= least and most <= high)


def _all_good(table: pa.Table) -> bool:
    if any(table[n].null_count for n in _REQUIRED):
        return False
    for name, pattern in (("exercise_id", EXERCISE_ID), ("field", FIELD), ("snapshot", None)):
        values = pc.unique(table[name])
        if pattern is None:  # a snapshot is "" or an exercise-id-like name
            values, pattern = values.filter(pc.not_equal(values, _EMPTY)), EXERCISE_ID
        if pc.all(_key_ok(values, pattern.pattern)).as_py() not in (True, None):
            return False
    if not pc.all(pc.is_in(pc.unique(table["value_type"]), value_set=_TYPES)).as_py():
        return False
    event_ids = pc.match_substring_regex(table["event_id"], pattern=_full(EVENT_ID.pattern))
    if not pc.all(event_ids).as_py():  # no '.' is allowed, so no '..' to look for
        return False
    lengths = ((pc.unique(table["content_version"]), 200), (table["value_text"], MAX_TEXT))
    for values, most in lengths:
        longest = pc.max(pc.utf8_length(values)).as_py()
        if longest is not None and longest > most:
            return False
    low, high = (int(t.timestamp() * 1_000_000) for t in SAVED_AT_RANGE)
    ranges = (("schema_version", 1, SCHEMA_VERSION), ("saved_at", low, high - 1),
              ("value_date", *_DAYS))  # fmt: skip
    if not all(_within(table[name], a, b) for name, a, b in ranges):
        return False
    for t in VALUE_TYPES:  # a value in another type's column
        if pc.any(
            pc.and_(pc.is_valid(table[f"value_{t}"]), pc.not_equal(table["value_type"], _TYPE[t]))
        ).as_py():
            return False
    return _utf8_ok(table) is None


def _row_mask(table: pa.Table) -> pa.Array | None:
    checks = [pc.is_valid(table[n]) for n in _REQUIRED]
    checks += [
        _key_ok(table["event_id"], EVENT_ID.pattern),
        _key_ok(table["exercise_id"], EXERCISE_ID.pattern),
        _key_ok(table["field"], FIELD.pattern),
        pc.or_(
            pc.equal(table["snapshot"], _EMPTY), _key_ok(table["snapshot"], EXERCISE_ID.pattern)
        ),
        pc.is_in(table["value_type"], value_set=_TYPES),
        pc.less_equal(pc.utf8_length(table["value_text"]), _int32(MAX_TEXT)),
        pc.less_equal(pc.utf8_length(table["content_version"]), _int32(200)),
        pc.and_(
            pc.greater_equal(table["schema_version"], _int32(1)),
            pc.less_equal(table["schema_version"], _int32(SCHEMA_VERSION)),
        ),
    ]
    low, high = (scalar(t, pa.timestamp("us", tz="UTC")) for t in SAVED_AT_RANGE)
    saved = table["saved_at"]
    checks.append(pc.and_(pc.greater_equal(saved, low), pc.less(saved, high)))
    days = table["value_date"].cast(pa.int32())
    checks.append(
        pc.and_(pc.greater_equal(days, _int32(_DAYS[0])), pc.less_equal(days, _int32(_DAYS[1])))
    )
    # Only the value column of the row's own type may hold a value.
    for t in VALUE_TYPES:
        mine = pc.equal(table["value_type"], _TYPE[t])
        checks.append(pc.or_(mine, pc.is_null(table[f"value_{t}"])))
    # A null in an optional column passes its check; required columns were checked above.
    ok = functools.reduce(pc.and_, [pc.fill_null(c, _TRUE) for c in checks])
    if (utf8 := _utf8_ok(table)) is not None:
        ok = pc.and_(ok, utf8)
    if pc.all(ok).as_py():
        return None
    return pc.invert(ok)

"""The event: one saved change of one answer field, its value rules, and the stored schema.

The schema is the contract analysts read (README, "Store schema (v1)").
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from collections.abc import Iterable
from typing import TYPE_CHECKING

from ..course.kinds import Value, ValueType
from ..errors import AnswerError
from .ids import EXERCISE_ID, FIELD, check_event_id, check_id, check_key, show

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = ["SCHEMA", "SCHEMA_VERSION", "VALUE_TYPES", "Event", "latest"]

SCHEMA_VERSION = 1
SCHEMA: pa.Schema  # built by __getattr__ on first use


def __getattr__(name: str) -> pa.Schema:
    """SCHEMA, built on first use: an Event (a kernel's, a facilitator's command) needs no
    pyarrow until it is written or read as Parquet."""
    if name != "SCHEMA":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import pyarrow as pa

    schema = pa.schema(
        [
            ("event_id", pa.string()),
            ("exercise_id", pa.string()),
            ("field", pa.string()),
            ("snapshot", pa.string()),
            ("value_type", pa.string()),
            ("value_text", pa.string()),
            ("value_score", pa.int32()),
            ("value_flag", pa.bool_()),
            ("value_date", pa.date32()),
            ("saved_at", pa.timestamp("us", tz="UTC")),
            ("content_version", pa.string()),
            ("schema_version", pa.int32()),
        ]
    )
    globals()["SCHEMA"] = schema  # built once
    return schema


VALUE_TYPES: tuple[ValueType, ...] = ("text", "score", "flag", "date")
MAX_TEXT = 1_000_000
# Any real save falls inside; a flipped byte in a timestamp almost never does.
SAVED_AT_RANGE = (dt.datetime(2000, 1, 1, tzinfo=dt.UTC), dt.datetime(3000, 1, 1, tzinfo=dt.UTC))


def value_problem(v: object, t: str) -> str | None:
    """What was expected, if `v` is not a value of type `t`; None means it fits."""
    if v is None:  # the answer was cleared
        return None
    if t == "text":
        if not isinstance(v, str):
            return "text (a str)"
        if len(v) > MAX_TEXT:
            return f"text of at most {MAX_TEXT:,} characters, got {len(v):,}"
        try:
            v.encode("utf-8")
        except UnicodeEncodeError:  # lone surrogates have no UTF-8 form
            return "text that is valid Unicode (no lone surrogates)"
        return None
    if t == "score":  # bool is an int subclass: True must not become a score of 1
        ok = isinstance(v, int) and not isinstance(v, bool) and -(2**31) <= v < 2**31
        return None if ok else "a score (an int, not a bool, within 32 bits)"
    if t == "flag":
        return None if isinstance(v, bool) else "a flag (True or False)"
    # datetime is a date subclass: its time of day would be dropped silently
    ok = isinstance(v, dt.date) and not isinstance(v, dt.datetime)
    return None if ok else "a date (datetime.date, not datetime)"


@dataclasses.dataclass(frozen=True)
class Event:
    """One saved change of one answer field; invalid ids or values raise on construction."""

    cohort: str
    learner: str
    exercise_id: str
    field: str
    value_type: ValueType
    value: Value
    snapshot: str = ""
    saved_at: dt.datetime = dataclasses.field(default_factory=lambda: dt.datetime.now(dt.UTC))
    content_version: str = ""
    event_id: str = dataclasses.field(default_factory=lambda: uuid.uuid4().hex)

    def __post_init__(self) -> None:
        check_id(self.cohort, "cohort")
        check_id(self.learner, "learner")
        check_key(self.exercise_id, "exercise id", EXERCISE_ID, "1-64 of a-z 0-9 . -")
        check_key(self.field, "field", FIELD, "1-128 of a-z 0-9 . / -")
        if self.snapshot != "":
            check_key(self.snapshot, "snapshot", EXERCISE_ID, '"" or 1-64 of a-z 0-9 . -')
        where = f"{self.exercise_id} / {self.field}"
        if self.value_type not in VALUE_TYPES:
            expected = f"value_type one of {', '.join(VALUE_TYPES)}"
            raise AnswerError(f"{where}: expected {expected}, got {show(self.value_type)}")
        problem = value_problem(self.value, self.value_type)
        if problem:
            got = "" if ", got" in problem else f", got {type(self.value).__name__}"
            raise AnswerError(f"{where}: expected {problem}{got} {show(self.value)}")
        at = self.saved_at
        if not isinstance(at, dt.datetime) or at.utcoffset() is None:
            raise AnswerError(f"{where}: saved_at must be a timezone-aware datetime")
        if not SAVED_AT_RANGE[0] <= at < SAVED_AT_RANGE[1]:
            raise AnswerError(
                f"{where}: saved_at {at.isoformat()} is outside 2000-01-01 to 2999-12-31:"
                " check the computer's clock"
            )
        object.__setattr__(self, "saved_at", at.astimezone(dt.UTC))
        if not isinstance(self.content_version, str) or len(self.content_version) > 200:
            raise AnswerError(f"{where}: content_version must be a str of <= 200 characters")
        check_event_id(self.event_id)


def latest(events: Iterable[Event]) -> dict[tuple[str, str, str], Event]:
    """The current answers per (exercise_id, snapshot, field): last by (saved_at, event_id)."""
    out: dict[tuple[str, str, str], Event] = {}
    for e in events:
        key = (e.exercise_id, e.snapshot, e.field)
        cur = out.get(key)
        if cur is None or (e.saved_at, e.event_id) > (cur.saved_at, cur.event_id):
            out[key] = e
    return out

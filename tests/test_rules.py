"""One rule book: what the learner's session refuses to save, a receiver refuses to store."""

from __future__ import annotations

import datetime as dt

import pytest

from workbook.course.content import load_course
from workbook.course.kinds import Value
from workbook.errors import AnswerError
from workbook.learner.session import Session
from workbook.store import Event, MemoryStore
from workbook.store.rules import CLOCK_SKEW, SHARE_FIELD, course_rules

RULES = course_rules()


@pytest.mark.parametrize(
    ("exercise", "field", "value", "snapshot", "says"),
    [
        ("m03.skills", "patience", 11, "first-day", "11 is outside 1–10"),
        ("m03.skills", "patience", 0, "last-day", "0 is outside 1–10"),
        ("m03.skills", "charm", 5, "first-day", "has no field 'charm'"),
        ("m06.audit", "nope/often", 3, "", "has no field 'nope/often'"),
        ("m01.friction", "choice", "bribes", "", "'bribes' is not one of"),
        ("m99.nope", "text", "x", "", "No exercise 'm99.nope'"),
        ("m03.skills", "patience", 5, "someday", "Unknown snapshot"),
        ("m04.gap", "text", "x", "first-day", "not a self-score"),
    ],
)
def test_the_session_and_a_receiver_refuse_the_same(
    exercise: str, field: str, value: Value, snapshot: str, says: str
) -> None:
    session = Session(load_course(), MemoryStore(), "c", "me", debounce=60)
    with pytest.raises(AnswerError, match=says):
        session.set(exercise, field, value, snapshot=snapshot)
    if isinstance(value, int):
        event = Event("c", "me", exercise, field, "score", value, snapshot)
    else:
        event = Event("c", "me", exercise, field, "text", value, snapshot)
    with pytest.raises(AnswerError, match=says):
        RULES.event(event)


@pytest.mark.parametrize(
    ("changes", "says"),
    [
        ({"value_type": "text", "value": "7"}, "a score must be a whole number"),
        ({"field": SHARE_FIELD, "value_type": "text", "value": "on", "snapshot": ""}, "holds flag"),
        # how far ahead of the receiver's clock: added when the test runs, not when collected
        ({"saved_at": CLOCK_SKEW * 2}, "in the future"),
    ],
)
def test_only_a_receiver_checks_the_stored_type_and_the_clock(
    changes: dict[str, object], says: str
) -> None:
    fields: dict[str, object] = {"cohort": "c", "learner": "me", "exercise_id": "m03.skills",
                                 "field": "patience", "value_type": "score", "value": 5,
                                 "snapshot": "first-day"}  # fmt: skip
    now = dt.datetime.now(dt.UTC)
    ahead = changes.get("saved_at")
    if isinstance(ahead, dt.timedelta):
        changes = {**changes, "saved_at": now + ahead}
    event = Event(**{**fields, **changes})  # type: ignore[arg-type]
    with pytest.raises(AnswerError, match=says):
        RULES.event(event, now=now)


def test_a_good_event_and_a_clock_a_little_ahead_pass() -> None:
    ahead = dt.datetime.now(dt.UTC) + CLOCK_SKEW / 2
    RULES.event(Event("c", "me", "m03.skills", "patience", "score", 5, "first-day", ahead),
                now=dt.datetime.now(dt.UTC))  # fmt: skip

"""The session layer: validation before anything is queued, debounced batches, failures kept."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import pytest

from workbook import AnswerError, IdError, StoreError, load_course
from workbook.course.model import Course
from workbook.learner.session import Session, Status
from workbook.store import MemoryStore, ParquetStore, latest


@pytest.fixture(scope="module")
def course() -> Course:
    return load_course()


def _session(course: Course, store: MemoryStore | ParquetStore, debounce: float = 60) -> Session:
    return Session(course, store, "local", "ada", debounce=debounce)


@pytest.mark.parametrize(
    ("exercise_id", "key", "value", "snapshot", "message"),
    [
        ("m03.skills", "patience", 11, "first-day", "m03.skills · Patience: 11 is outside 1–10"),
        ("m03.skills", "patience", 0, "first-day", "m03.skills · Patience: 0 is outside 1–10"),
        (
            "m03.skills",
            "patience",
            "7",
            "first-day",
            "m03.skills · Patience: a score must be a whole number",
        ),
        ("m03.skills", "patience", True, "first-day", "a score must be a whole number"),
        ("m06.audit", "handover-1/unified-messaging", 6, "first-day", "6 is outside 1–5"),
        ("m03.skills", "kindness", 5, "first-day", "m03.skills has no field 'kindness'"),
        ("m03.skills", "patience", 5, "someday", "Unknown snapshot 'someday'"),
        ("m04.gap", "text", "x", "first-day", "m04.gap is not a self-score"),
        ("m99.nothing", "text", "x", "", "No exercise 'm99.nothing' in this course"),
        (
            "m08.mistake",
            "choice",
            "bribery",
            "",
            "'bribery' is not one of ['no-clear-ownership',",
        ),
        # unhashable values raised TypeError out of `in {set}` instead of the answer error
        ("m08.mistake", "choice", ["rushed-handover"], "", "['rushed-handover'] is not one of"),
        ("m08.mistake", "choice", {"a": 1}, "", "{'a': 1} is not one of"),
        ("m04.gap", "text", 42, "", "m04.gap / text"),
        (
            "m05.recall",
            "mindset",
            "nailed-it",
            "",
            "m05.recall · Mindset: 'nailed-it' is not one of ['got-it', 'wrong', 'missed']",
        ),
        ("m05.recall", "mindset", True, "", "m05.recall · Mindset: True is not one of"),
        ("m08.plan", "close-mistake/date", "tomorrow", "", "m08.plan / close-mistake/date"),
    ],
)
def test_bad_answers_are_refused_and_nothing_is_queued(
    course: Course, exercise_id: str, key: str, value: object, snapshot: str, message: str
) -> None:
    store = MemoryStore()
    session = _session(course, store)
    with pytest.raises(AnswerError) as caught:
        session.set(exercise_id, key, value, snapshot)  # type: ignore[arg-type]
    assert message in str(caught.value)
    assert session.pending == 0
    session.flush()
    assert store.history("local", "ada") == []


@pytest.mark.parametrize("learner", ["../eve", "a/b", "", ".hidden", "x" * 65])
def test_hostile_learner_names_are_refused(course: Course, learner: str) -> None:
    with pytest.raises(IdError, match="learner"):
        Session(course, MemoryStore(), "local", learner)


def test_changes_within_the_debounce_are_one_batch(course: Course, tmp_path: Path) -> None:
    store = ParquetStore(tmp_path)
    session = _session(course, store, debounce=0.2)
    for n in range(1, 11):
        session.set("m03.skills", "patience", n, "first-day")
    session.set("m04.gap", "text", "typed")
    deadline = time.monotonic() + 5
    while session.status.state != "saved" and time.monotonic() < deadline:
        time.sleep(0.05)
    assert session.status.state == "saved"
    assert session.status.message.startswith("Saved ") and session.status.message.endswith(
        "· on this computer"
    )
    history = store.history("local", "ada")
    assert len(history) == 2  # the latest value of each field, one file
    assert latest(history)[("m03.skills", "first-day", "patience")].value == 10


def test_huge_text_and_unicode_round_trip(course: Course, tmp_path: Path) -> None:
    text = "🚀 Ünïcödé עברית 中文 e\u0301 \t\r\n" * 4000
    assert len(text.encode()) > 100_000
    _session(course, ParquetStore(tmp_path)).set("m04.gap", "text", text)
    session = _session(course, ParquetStore(tmp_path))
    session.refresh()
    assert session.answers("m04.gap") == {}  # not flushed yet: the other session cannot see it
    first = _session(course, ParquetStore(tmp_path))
    first.set("m04.gap", "text", text)
    first.flush()
    session.refresh()
    assert session.answers("m04.gap") == {"text": text}


def test_an_unwritable_store_keeps_the_answer_and_retries(course: Course, tmp_path: Path) -> None:
    (tmp_path / "events").write_text("a file where the store wants a folder")
    session = _session(course, ParquetStore(tmp_path))
    session.set("m04.gap", "text", "keep me")
    with pytest.raises(StoreError):
        session.flush()
    assert session.status.state == "failed"
    assert "Not saved yet" in session.status.message
    assert "Your answers are kept here and retried" in session.status.message
    assert session.pending == 1
    session.set("m04.gap", "text", "keep me, edited")  # edits while failing are kept too
    (tmp_path / "events").unlink()
    session.flush()
    status: Status = session.status  # a fresh read: flush changed it since the check above
    assert status.state == "saved"
    assert session.pending == 0
    restored = _session(course, ParquetStore(tmp_path))
    restored.refresh()
    assert restored.answers("m04.gap") == {"text": "keep me, edited"}


def test_snapshots_are_listed_in_the_order_taken(course: Course) -> None:
    store = MemoryStore()
    session = _session(course, store)
    session.set("m03.skills", "patience", 4, "first-day")
    session.set("m03.skills", "patience", 8, f"check-in-{dt.date(2026, 12, 1).isoformat()}")
    session.set("m03.skills", "patience", 9, "last-day")
    session.flush()
    again = _session(course, store)
    again.refresh()
    assert again.snapshots("m03.skills") == ["first-day", "check-in-2026-12-01", "last-day"]
    assert again.answers("m03.skills", "first-day") == {"patience": 4}
    assert again.all_answers()["m03.skills"] == {"patience": 9}

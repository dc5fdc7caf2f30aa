"""Snapshot order, how far each got, and which one counts."""

from __future__ import annotations

import pytest

from workbook import load_course
from workbook.course.model import Exercise
from workbook.course.snapshots import comes_before, in_effect, ordered, snapshot_label, states
from workbook.learner.session import Session
from workbook.store import MemoryStore


@pytest.fixture(scope="module")
def skills() -> Exercise:
    return load_course().chapters[0].exercise("m03.skills")


def _all(skills: Exercise, score: int) -> dict[str, int | None]:
    return {i.id: score for i in skills.items}


def test_course_order_is_first_day_then_check_ins_by_date_then_last_day() -> None:
    names = ["last-day", "check-in-2026-12-01", "first-day", "check-in-2026-11-20"]
    assert ordered(names) == [
        "first-day",
        "check-in-2026-11-20",
        "check-in-2026-12-01",
        "last-day",
    ]
    assert comes_before("check-in-2026-12-01", "last-day")
    assert not comes_before("last-day", "first-day")
    assert [snapshot_label(s) for s in ("first-day", "check-in-2026-11-20", "last-day")] == [
        "First day",
        "Check-in 2026-11-20",
        "Last day",
    ]


@pytest.mark.parametrize(
    ("snapshots", "expected"),
    [
        ({}, None),
        ({"first-day": {"patience": 3}}, "first-day"),  # begun, none complete: that one
        ({"first-day": "all", "last-day": {"patience": 9}}, "first-day"),  # a partial retake
        ({"first-day": "all", "last-day": "all"}, "last-day"),
        ({"last-day": "all", "check-in-2026-11-20": "all"}, "last-day"),  # course order, not saves
    ],
)
def test_the_last_complete_snapshot_counts(
    skills: Exercise, snapshots: dict[str, object], expected: str | None
) -> None:
    by_snapshot = {s: _all(skills, 5) if v == "all" else v for s, v in snapshots.items()}
    assert in_effect(skills, by_snapshot) == expected  # type: ignore[arg-type]


def test_states_count_what_is_scored(skills: Exercise) -> None:
    found = states(skills, {"first-day": _all(skills, 5), "last-day": {"patience": 9, "x": None}})
    assert [s.progress for s in found] == ["First day ✓", "Last day · 1 of 8 scored"]


def test_progress_and_derived_answers_use_the_snapshot_in_effect(skills: Exercise) -> None:
    session = Session(load_course(), MemoryStore(), "local", "ada", debounce=60)
    for item in skills.items:
        session.set(skills.id, item.id, 5, "first-day")
    session.set(skills.id, "patience", 1, "last-day")  # a partial retake
    assert session.all_answers()[skills.id] == _all(skills, 5)
    # the actions under "your two lowest" belong to the snapshot that named them
    session.set("m03.skill-actions", "lowest-1/action", "Shadow a trainer", "first-day")
    assert session.answers("m03.skill-actions", "first-day") == {
        "lowest-1/action": "Shadow a trainer"
    }

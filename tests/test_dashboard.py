"""My progress's next step, from a learner's answers: the first unit not done, then the retakes."""

from __future__ import annotations

import pytest
from seed import COHORT, LEARNER, seeded_session

from workbook.course.kinds import fields_of
from workbook.learner.dashboard import _next_html
from workbook.learner.session import Session
from workbook.store import MemoryStore


@pytest.fixture(scope="module")
def everything(tmp_path_factory: pytest.TempPathFactory) -> Session:
    """Every exercise answered, self-scores as First day and Last day."""
    return seeded_session(tmp_path_factory.mktemp("store"))


def _without(session: Session, snapshot: str) -> Session:
    store = MemoryStore()
    store.append([e for e in session.store.history(COHORT, LEARNER) if e.snapshot != snapshot])
    without = Session(session.course, store, COHORT, LEARNER, debounce=60)
    without.refresh()
    return without


def test_done_with_every_last_day_taken(everything: Session) -> None:
    assert "Every module and homework is done ✓ · your Last day scores are in" in _next_html(
        everything
    )


def test_done_with_the_last_day_still_to_take(everything: Session) -> None:
    said = _next_html(_without(everything, "last-day"))
    assert "Every module and homework is done ✓ · retake your self-scores as Last day: " in said
    assert said.count("Module 3, Module 6, Homework 3") == 1


def test_a_unit_not_done_comes_first(everything: Session) -> None:
    session = _without(everything, "last-day")
    for f in fields_of(session.exercise("m01.journey-map")):
        session.set("m01.journey-map", f.key, "")  # cleared: module 1 is open again
    assert "Next: Module 1 · " in _next_html(session)

"""Demo cohorts are valid store data that behaves like a real cohort."""

from __future__ import annotations

import datetime as dt
import stat
from pathlib import Path

import pytest

from workbook.analytics import answers, change, scores, skill_scores, write_demo
from workbook.course.content import load_course
from workbook.course.kinds import fields_of
from workbook.store import Event, ParquetStore, doctor, read_dataset
from workbook.store.rules import course_rules

CHAPTER = load_course().chapters[0]


def test_demo_is_read_back_by_the_stores_own_reader(demo_store: Path) -> None:
    store = ParquetStore(demo_store)
    pairs = store.learners()
    assert len(pairs) == 24 and len({c for c, _ in pairs}) == 2
    total = sum(len(store.history(c, learner)) for c, learner in pairs)
    assert total == read_dataset(demo_store).num_rows == len(answers(demo_store, history=True))


def test_demo_answers_fit_the_content(demo_store: Path) -> None:
    frame = answers(demo_store)
    known = {
        (ex.id, f.key): f.type
        for unit in CHAPTER.units
        for ex in unit.exercises
        for f in fields_of(ex)
    }
    assert set(zip(frame["exercise"], frame["item"], strict=True)) <= set(known)
    for ex_id in ("m03.skills", "m06.audit"):
        scale = CHAPTER.exercise(ex_id).scale
        assert scale is not None
        got = frame.loc[frame["exercise"] == ex_id, "value"]
        assert got.between(scale.min, scale.max).all()
    snaps = set(frame["snapshot"])
    assert {"", "first-day", "last-day"} <= snaps
    assert all(s in {"", "first-day", "last-day"} or s.startswith("check-in-2026-") for s in snaps)


def test_every_demo_event_passes_the_course_rules(demo_store: Path) -> None:
    # The rule book every reader checks with: a demo answer it refuses (a recall mark written as
    # prose) is skipped with a warning by the facilitator's and analysts' readers alike.
    store = ParquetStore(demo_store)
    events = [e for c, learner in store.learners() for e in store.history(c, learner)]
    kept, problems = course_rules().checked(events)
    assert problems == [] and len(kept) == len(events)
    marks = {e.value for e in events if e.exercise_id == "m05.recall" and e.field != "recall"}
    assert marks - {None, False, True} <= {"got-it", "wrong", "missed"}


def test_demo_scores_move_up_from_first_day_to_last_day(demo_store: Path) -> None:
    moved = change(skill_scores(scores(demo_store), CHAPTER))
    assert len(moved) > 50
    assert moved["change"].mean() > 0.3


def test_demo_history_has_drafts_and_a_clear(demo_store: Path) -> None:
    history = answers(demo_store, history=True)
    latest = answers(demo_store)
    assert len(history) > 1.5 * len(latest)  # text is saved several times while typed
    assert history["value"].isna().any()  # and sometimes cleared on the way


def test_demo_files_are_store_files_the_doctor_passes(demo_store: Path) -> None:
    checkup = doctor(demo_store)
    assert checkup.problems == () and checkup.learners == 24
    assert checkup.rows == len(answers(demo_store, history=True))
    files = list((demo_store / "events").rglob("*"))
    assert not [f for f in files if f.name.startswith(".")]  # no temp file left behind
    modes = {stat.S_IMODE(f.stat().st_mode) for f in files}
    assert modes == {0o600, 0o700}  # private, as the live store leaves them


def test_the_live_store_saves_and_compacts_beside_demo_files(tmp_path: Path) -> None:
    write_demo(tmp_path, cohorts=1, learners=6, edits=2, seed=3)
    store = ParquetStore(tmp_path)
    cohort, learner = store.learners()[0]
    before = len(store.history(cohort, learner))
    later = dt.datetime(2027, 6, 1, tzinfo=dt.UTC)  # after every demo save
    store.append([Event(cohort=cohort, learner=learner, exercise_id="m03.skills", field="patience",
                        value_type="score", value=9, snapshot="last-day", saved_at=later,
                        content_version="2026.11")])  # fmt: skip
    store.compact(cohort, learner)
    assert len(store.history(cohort, learner)) == before + 1
    assert store.latest(cohort, learner)[("m03.skills", "last-day", "patience")].value == 9


def test_demo_refuses_an_empty_cohort(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="at least one"):
        write_demo(tmp_path, cohorts=0, learners=5)

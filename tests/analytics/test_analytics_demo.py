"""Demo cohorts are valid store data that behaves like a real cohort."""

from __future__ import annotations

from pathlib import Path

from workbook.analytics import answers, change, scores, skill_scores
from workbook.content import load_course
from workbook.kinds import fields_of
from workbook.store import ParquetStore, read_dataset

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


def test_demo_scores_move_up_from_first_day_to_last_day(demo_store: Path) -> None:
    moved = change(skill_scores(scores(demo_store), CHAPTER))
    assert len(moved) > 50
    assert moved["change"].mean() > 0.3


def test_demo_history_has_drafts_and_a_clear(demo_store: Path) -> None:
    history = answers(demo_store, history=True)
    latest = answers(demo_store)
    assert len(history) > 1.5 * len(latest)  # text is saved several times while typed
    assert history["value"].isna().any()  # and sometimes cleared on the way

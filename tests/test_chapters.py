"""A second chapter is new files, not new code: validate, build, answer and progress all see it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from chapters import two_chapter_content

from workbook import ContentError, load_course
from workbook.cli import main
from workbook.course.generate import notebook_name
from workbook.course.model import Course
from workbook.course.progress import progress
from workbook.learner.session import Session
from workbook.store import MemoryStore


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return two_chapter_content(tmp_path_factory.mktemp("two"))


@pytest.fixture(scope="module")
def course(root: Path) -> Course:
    return load_course(root)


def test_validate_counts_every_chapter(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(root)]) == 0
    course = load_course(root)
    units = [u for c in course.chapters for u in c.units]
    modules = sum(not u.homework for u in units)
    exercises = sum(len(u.exercises) for u in units)
    expected = (
        f"2 chapters, {modules} modules, {len(units) - modules} homework, {exercises} exercises"
    )
    assert expected in capsys.readouterr().out


def test_build_writes_the_second_chapters_notebooks(
    root: Path, course: Course, tmp_path: Path
) -> None:
    assert main(["build", "--content", str(root), "--out", str(tmp_path)]) == 0
    for unit in course.chapters[1].units:
        assert (tmp_path / notebook_name(unit)).is_file()
    assert main(["build", "--check", "--content", str(root), "--out", str(tmp_path)]) == 0


def test_answers_to_the_second_chapter_are_kept_and_count(course: Course) -> None:
    second = course.chapters[1]
    store = MemoryStore()
    session = Session(course, store, "local", "ada", debounce=60)
    for unit in second.units:
        for exercise in unit.exercises:
            if exercise.kind == "free_text":
                session.set(exercise.id, "text", "done")
            else:
                for item in exercise.items:
                    session.set(exercise.id, item.id, exercise.scale.min if exercise.scale else 1)
    session.flush()
    assert {e.exercise_id for e in store.history("local", "ada")} == {
        e.id for u in second.units for e in u.exercises
    }
    answers = session.all_answers()
    assert progress(second, answers).done == len(second.units)
    assert progress(course.chapters[0], answers).done == 0


def test_progress_bar_shows_the_units_own_chapter(course: Course) -> None:
    from workbook.learner.widgets.progress import _progress_html

    session = Session(course, MemoryStore(), "local", "ada", debounce=60)
    unit = course.chapters[1].modules[0]
    text = _progress_html(session, unit.id)
    assert "Chapter 2 progress" in text and "Chapter 1 progress" not in text
    everything = _progress_html(session, None)
    assert "Chapter 1 progress" in everything and "Chapter 2 progress" in everything


def _reuse(root: Path, unit_id: str, exercise_id: str = "") -> None:
    """Give the fixture's first module `unit_id` (and its first exercise `exercise_id`)."""
    module = root / "chapter-02" / "modules" / "01-second-start.yaml"
    text = module.read_text(encoding="utf-8").replace("c2m01", unit_id)
    if exercise_id:
        text = text.replace(f"id: {unit_id}.note", f"id: {exercise_id}")
    module.write_text(text, encoding="utf-8")


def test_a_unit_id_from_another_chapter_is_refused(tmp_path: Path) -> None:
    root = two_chapter_content(tmp_path)
    taken = load_course().chapters[0].modules[0].id
    _reuse(root, taken)
    with pytest.raises(ContentError, match=f"duplicate module/homework id '{taken}'"):
        load_course(root)


def test_an_exercise_id_from_another_chapter_is_refused(tmp_path: Path) -> None:
    """Answers are keyed by exercise id alone: a reused id would mix two exercises' answers."""
    root = two_chapter_content(tmp_path)
    unit = load_course().chapters[0].modules[0]
    taken = unit.exercises[0].id
    _reuse(root, unit.id, taken)
    with pytest.raises(ContentError, match=f"duplicate exercise id '{taken}'"):
        load_course(root)


def test_a_file_name_from_another_chapter_is_refused(tmp_path: Path) -> None:
    """Notebooks are named after unit files: the same name would overwrite a notebook."""
    root = two_chapter_content(tmp_path)
    taken = next((root / "chapter-01" / "homework").glob("*.yaml")).name
    shutil.move(
        root / "chapter-02" / "homework" / "hw1-second-practice.yaml",
        root / "chapter-02" / "homework" / taken,
    )
    with pytest.raises(ContentError, match=f"duplicate file name .*'homework/{taken}'"):
        load_course(root)

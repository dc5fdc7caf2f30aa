"""Notebook generation: deterministic, valid, complete, code hidden, and --check names stale files."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest

from workbook import load_course
from workbook.cli import main
from workbook.course.analyst_notebook import NAME as ANALYTICS
from workbook.course.generate import build, notebook_name, render
from workbook.course.model import Course

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"


@pytest.fixture(scope="module")
def course() -> Course:
    return load_course()


def test_same_content_same_bytes(course: Course) -> None:
    assert [nb.text for nb in render(course)] == [nb.text for nb in render(load_course())]


def test_committed_notebooks_are_current(course: Course) -> None:
    for nb in render(course):
        assert (NOTEBOOKS / nb.name).read_text(encoding="utf-8") == nb.text, nb.name


def test_every_notebook_is_valid_with_stable_ids_and_hidden_code(course: Course) -> None:
    names = [nb.name for nb in render(course)]
    # index, 8 modules, 3 homework, my progress, facilitator, cohort analytics
    assert len(names) == 15
    for nb in render(course):
        if nb.name == ANALYTICS:
            continue  # analysts read and change its code: shown, tested below
        node = nbformat.reads(nb.text, as_version=4)
        nbformat.validate(node)
        assert "timestamp" not in nb.text and 'execution_count": 1' not in nb.text
        for cell in node.cells:
            assert cell.id.startswith(nb.name.split("-")[0][:2]) or cell.id[:2] in (
                "m0",
                "hw",
                "in",
                "my",
            )
            if cell.cell_type == "code":
                assert cell.metadata["jupyter"]["source_hidden"] is True
                caption, call = cell.source.split("\n")
                assert caption.startswith("# ") and call.startswith("import workbook; workbook.")
                assert cell.outputs == []


def test_the_analyst_notebook_shows_its_code(course: Course) -> None:
    text = next(nb.text for nb in render(course) if nb.name == ANALYTICS)
    node = nbformat.reads(text, as_version=4)
    code = [c for c in node.cells if c.cell_type == "code"]
    assert code and all("jupyter" not in c.metadata for c in code)
    assert all(c.id.startswith("cohort-analytics-") for c in node.cells)
    assert "import workbook.analytics as wa" in code[0].source


def test_each_exercise_has_exactly_one_cell(course: Course) -> None:
    chapter = course.chapters[0]
    for unit in chapter.units:
        text = next(nb.text for nb in render(course) if nb.name == notebook_name(unit))
        for exercise in unit.exercises:
            assert text.count(f'workbook.exercise(\\"{exercise.id}\\")') == 1, exercise.id


def test_the_index_lists_categories_modules_minutes_and_homework(course: Course) -> None:
    index = next(nb.text for nb in render(course) if nb.name == "index.ipynb")
    source = "".join("".join(c["source"]) for c in json.loads(index)["cells"])
    for title in (c.title for c in course.chapters[0].categories):  # exact in test_content
        assert f"### {title}" in source
    assert (
        "[Module 3 · The Onboarding Team · What You Actually Do](module-03-onboarding-team.ipynb) · ~16 min"
        in source
    )
    assert "[Build Your Personal Handover Standard](homework-2-handover-standard.ipynb)" in source
    assert "workbook.progress_bar()" in source


def test_a_list_recalled_later_is_wrapped_for_hiding(course: Course) -> None:
    """Module 5 asks for the eight dimensions "without looking back": the list's cell carries
    the class the recall check hides while the learner recalls."""
    module5 = next(nb.text for nb in render(course) if nb.name.startswith("module-05"))
    cells = json.loads(module5)["cells"]
    wrapped = [c for c in cells if '<div class="wb-recall-for-m05-recall">' in "".join(c["source"])]
    assert len(wrapped) == 1
    assert "Eight Dimensions of Difference" in "".join(wrapped[0]["source"])
    others = "".join(nb.text for nb in render(course) if not nb.name.startswith("module-05"))
    assert "wb-recall-for-" not in others


def test_all_named_items_reach_the_notebooks(course: Course) -> None:
    text = "".join(nb.text for nb in render(course))
    for unit in course.chapters[0].units:
        for named in unit.lists:
            for item in named.items:
                assert json.dumps(item.label)[1:-1] in text, item.label


def test_check_names_stale_files(
    course: Course, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "notebooks"
    assert main(["build", "--out", str(out)]) == 0
    assert main(["build", "--check", "--out", str(out)]) == 0
    (out / "module-05-core-differences.ipynb").write_text("{}", encoding="utf-8")
    (out / "index.ipynb").unlink()
    (out / "my-own-notes.ipynb").write_text("{}", encoding="utf-8")  # a learner's file: not ours
    capsys.readouterr()
    assert main(["build", "--check", "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "stale in" in err and "index.ipynb, module-05-core-differences.ipynb" in err
    assert "my-own-notes" not in err
    assert build(course, out) == ["index.ipynb", "module-05-core-differences.ipynb"]
    assert (out / "my-own-notes.ipynb").read_text(encoding="utf-8") == "{}"

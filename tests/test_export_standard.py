"""The Handover Standard alone: the newest draft with anything written, one printable page."""

from __future__ import annotations

import datetime as dt
import io

import pypdf
import pytest

from workbook.course.content import load_course
from workbook.errors import ExportError, NothingToExportError
from workbook.export import Source, render_as
from workbook.learner.session import Session
from workbook.store import MemoryStore

COURSE = load_course()
CHAPTER = COURSE.chapters[0]


def _source(answers: dict[str, dict[str, str]]) -> Source:
    store = MemoryStore()
    session = Session(COURSE, store, "c1", "ada", debounce=60)
    for exercise, fields in answers.items():
        for key, text in fields.items():
            session.set(exercise, key, text)
    session.flush()
    return Source.read(store, COURSE, "c1", "ada", dt.date(2026, 11, 26))


def _sections(exercise_id: str) -> list[str]:
    return [i.id for i in CHAPTER.exercise(exercise_id).items]


@pytest.mark.parametrize(
    ("answered", "printed"),
    [(["m07.handover-standard"], "m07.handover-standard"),
     (["m07.handover-standard", "hw2.standard"], "hw2.standard"),
     (["hw2.standard"], "hw2.standard")],
)  # fmt: skip
def test_prints_the_newest_draft_with_its_four_sections(answered: list[str], printed: str) -> None:
    source = _source({e: {s: f"{e} {s} </div>" for s in _sections(e)} for e in answered})
    standard = source.standard()
    exercise = CHAPTER.exercise(printed)
    assert standard.title == exercise.title
    assert [s.label for s in standard.sections] == [i.label for i in exercise.items]
    assert len(standard.sections) == 4
    assert [s.text for s in standard.sections] == [
        f"{printed} {s} </div>" for s in _sections(printed)
    ]
    assert standard.source.startswith(CHAPTER.unit_of(printed).label)


def test_nothing_written_names_where_to_write_it() -> None:
    source = _source({"m04.gap": {"text": "something else"}})
    with pytest.raises(NothingToExportError, match=r"write it in Module 7 .* or Homework 2"):
        source.standard()


def test_the_pdf_is_one_page_with_every_section() -> None:
    source = _source(
        {
            "hw2.standard": {
                s: f"My rule for {s}: <script>x</script>" for s in _sections("hw2.standard")
            }
        }
    )
    reader = pypdf.PdfReader(io.BytesIO(render_as(source, "pdf", handover_standard=True)))
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    for item in CHAPTER.exercise("hw2.standard").items:
        assert item.label in text
        assert f"My rule for {item.id}: <script>x</script>" in text


def test_the_standard_is_not_a_calendar() -> None:
    source = _source({"hw2.standard": {"from-sales": "x"}})
    with pytest.raises(ExportError, match="not offered as ics: use html, md, pdf"):
        render_as(source, "ics", handover_standard=True)

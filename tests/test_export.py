"""Exports of a learner who answered everything: every answer is in every format, as text.

The store is seeded through a real Session and ParquetStore; HTML is read back with an HTML
parser, Markdown through a CommonMark renderer (markdown-it), PDF with a text extractor (pypdf).
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import re
import unicodedata
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pandas as pd
import pypdf
import pytest
from markdown_it import MarkdownIt
from matplotlib.figure import Figure
from seed import COHORT, HOSTILE, HOSTILE_ID, LEARNER, Seeded, seed, snapshots_of

from workbook.course.content import load_course
from workbook.course.kinds import KINDS, fields_of
from workbook.course.model import Chapter
from workbook.errors import ExportError, NothingToExportError
from workbook.export import FORMATS, Source, export, render_as
from workbook.export.document import PARTS, Group, Scores, workbook
from workbook.store import Event, MemoryStore, ParquetStore

# One worker renders the module's exports once (~2 s), not each worker.
pytestmark = pytest.mark.xdist_group("export")

TODAY = dt.date(2026, 11, 26)


class _Page(HTMLParser):
    """The text of an HTML page and the tags in it."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.ends: list[str] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        self.ends.append(tag)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _squash(text: str) -> str:
    """Compare text across layouts: no whitespace (PDF lines wrap anywhere), no ligatures."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def _html_text(data: bytes) -> str:
    return "".join(_Page(data.decode("utf-8")).text)


def _markdown_text(data: bytes) -> str:
    return _html_text(
        MarkdownIt("commonmark").enable("table").render(data.decode("utf-8")).encode()
    )


def _pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)


TEXT_OF: dict[str, Callable[[bytes], str]] = {
    "html": _html_text,
    "md": _markdown_text,
    "pdf": _pdf_text,
}


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Seeded:
    return seed(tmp_path_factory.mktemp("store"))


@pytest.fixture(scope="module")
def source(seeded: Seeded) -> Source:
    return Source.read(ParquetStore(seeded.root), seeded.course, COHORT, LEARNER, TODAY)


@pytest.fixture(scope="module")
def rendered(source: Source) -> dict[str, bytes]:
    return {name: render_as(source, name) for name in TEXT_OF}


@pytest.mark.parametrize("fmt", TEXT_OF)
def test_every_answer_and_label_is_in_the_export(
    fmt: str, seeded: Seeded, rendered: dict[str, bytes]
) -> None:
    text = _squash(TEXT_OF[fmt](rendered[fmt]))
    missing = [t for t in seeded.texts + seeded.labels if _squash(t) not in text]
    assert not missing
    chapter = seeded.course.chapters[0]
    # Written text: every text field but a choice's pick and a recall check's marks, once per
    # snapshot it was written for.
    written = [
        (f, s) for u in chapter.units for e in u.exercises for f in fields_of(e)
        for s in snapshots_of(seeded.course, e)
        if f.type == "text" and e.kind != "choice" and (e.kind != "recall_check" or f.key == "recall")
    ]  # fmt: skip
    assert len(seeded.texts) == len(written)
    for day in seeded.every_date:  # a retake's plan and the first day's
        assert day.isoformat() in text


@pytest.mark.parametrize("fmt", TEXT_OF)
def test_every_exercise_prompt_is_there_in_course_order(
    fmt: str, seeded: Seeded, rendered: dict[str, bytes]
) -> None:
    text = _squash(TEXT_OF[fmt](rendered[fmt]))
    chapter = seeded.course.chapters[0]
    at = 0
    for exercise in (e for u in chapter.units for e in u.exercises):  # each after the one before
        at = text.find(_squash(exercise.prompt), at)
        assert at != -1, exercise.id


@pytest.mark.parametrize("fmt", ["html", "md"])
def test_a_hostile_reflection_is_text_not_markup(fmt: str, rendered: dict[str, bytes]) -> None:
    html = (
        rendered["html"]
        if fmt == "html"
        else MarkdownIt("commonmark")
        .enable("table")
        .render(rendered["md"].decode("utf-8"))
        .encode()
    )
    page = _Page(html.decode("utf-8"))
    tags = [t for t, _ in page.tags]
    assert "script" not in tags and tags.count("h1") == 1
    assert all(attrs["href"].startswith("#") for t, attrs in page.tags if t == "a")  # type: ignore[union-attr]
    assert page.ends.count("div") == [t for t, _ in page.tags].count("div")
    assert page.ends.count("section") == [t for t, _ in page.tags].count("section")
    # Line by line: the learner's breaks are kept, every character is theirs.
    text = "".join(page.text)
    for line in HOSTILE.splitlines():
        assert line in text


def test_the_hostile_reflection_prints_as_text_in_the_pdf(rendered: dict[str, bytes]) -> None:
    text = _squash(_pdf_text(rendered["pdf"]))
    assert _squash(HOSTILE) in text


def test_the_pdf_is_tagged_for_screen_readers(rendered: dict[str, bytes]) -> None:
    """PDF/UA-1: a structure tree (headings, lists, tables), marked content, the language set."""
    root = pypdf.PdfReader(io.BytesIO(rendered["pdf"])).trailer["/Root"].get_object()
    assert isinstance(root, pypdf.generic.DictionaryObject)
    assert str(root["/Lang"]) == "en"
    mark = root["/MarkInfo"].get_object()
    assert isinstance(mark, pypdf.generic.DictionaryObject) and bool(mark["/Marked"])
    assert "/StructTreeRoot" in root


def test_html_is_self_contained(rendered: dict[str, bytes]) -> None:
    page = _Page(rendered["html"].decode("utf-8"))
    assert not [t for t, _ in page.tags if t in {"script", "link", "iframe"}]
    refs = [v for _, attrs in page.tags for k, v in attrs.items() if k in {"src", "href"}]
    assert refs and all(v and v.startswith(("#", "data:")) for v in refs)
    assert "http" not in rendered["html"].decode().split("<body>")[0].replace(HOSTILE, "")


def test_scores_per_snapshot_in_course_order(source: Source) -> None:
    book = source.workbook()
    skills = next(e for u in book.units for e in u.exercises if e.id == "m03.skills")
    table = skills.parts[0]
    assert isinstance(table, Scores)
    assert table.snapshots == ("First day", "Last day")
    frame = source.frame[source.frame["exercise"] == "m03.skills"]
    for label, (first, last) in table.rows:
        item = next(i for i in source.chapter.exercise("m03.skills").items if i.label == label)
        mine = frame[frame["item"] == item.id].set_index("snapshot")["value"]
        assert (first, last) == (str(mine["first-day"]), str(mine["last-day"]))


def test_derived_prompts_name_the_lowest_items(source: Source) -> None:
    pages = {e.id: e for u in source.workbook().units for e in u.exercises}
    assert (
        pages["m03.skill-actions"].derived
        == "Your two lowest skills: Patience and Communication skills"
    )
    # one group per snapshot the rows were written for, each headed by what it named
    snapshots = pages["m03.skill-actions"].parts
    assert [p.label for p in snapshots] == ["First day", "Last day"]
    for snapshot in snapshots:
        assert isinstance(snapshot, Group)
        assert [p.label for p in snapshot.parts] == [
            "Your lowest skill: Patience",
            "Your second-lowest skill: Communication skills",
        ]
    plan = pages["hw3.plan"].parts
    assert [p.label for p in plan] == ["First day", "Last day"]


def test_unanswered_exercises_are_listed_as_such(seeded: Seeded) -> None:
    store = MemoryStore()
    store.append(
        [
            e
            for e in ParquetStore(seeded.root).history(COHORT, LEARNER)
            if e.exercise_id == HOSTILE_ID
        ]
    )
    source = Source.read(store, seeded.course, COHORT, LEARNER, TODAY)
    book = workbook(seeded.course, source.frame, cohort=COHORT, learner=LEARNER, exported=TODAY)
    answered = [e.id for u in book.units for e in u.exercises if e.answered]
    assert answered == [HOSTILE_ID]
    assert book.progress == "0 / 11 · 0%"
    assert (
        _html_text(render_as(source)).count("Not answered yet")
        == sum(len(u.exercises) for u in seeded.course.chapters[0].units) - 1
    )


def test_the_progress_charts_are_embedded_in_every_format(
    source: Source, rendered: dict[str, bytes]
) -> None:
    from workbook.charts import charts_for

    charts = source.workbook().charts
    assert len(charts) == len(charts_for(source.chapter)) == 7  # every self-score was scored
    assert [c.title for c in charts[:3]] == [
        "Module 3 · The Onboarding Team · What You Actually Do"
    ] * 3
    images = [a["src"] for t, a in _Page(rendered["html"].decode()).tags if t == "img"]
    prefix = "data:image/svg+xml;base64,"
    assert len(images) == 7 and all(i and i.startswith(prefix) for i in images)
    first = base64.b64decode(str(images[0]).removeprefix(prefix)).decode()
    assert all(f">{i.label}<" in first for i in source.chapter.exercise("m03.skills").items)
    assert rendered["md"].decode().count(f"]({prefix}") == 7
    pdf = _squash(_pdf_text(rendered["pdf"]))  # the SVG's text is laid out as text: drawn
    assert all(_squash(c.description.split(": ")[-1]) in pdf for c in charts)


def _figure_alts(data: bytes) -> list[str]:
    """The text alternative of each Figure in a tagged PDF's structure tree, in order."""
    alts: list[str] = []

    def walk(node: Any) -> None:
        node = node.get_object()
        if isinstance(node, pypdf.generic.ArrayObject):
            for kid in node:
                walk(kid)
        elif isinstance(node, pypdf.generic.DictionaryObject):
            if node.get("/S") == "/Figure":
                alts.append(str(node.get("/Alt", "")))
            if "/K" in node:
                walk(node["/K"])

    root: Any = pypdf.PdfReader(io.BytesIO(data)).trailer["/Root"]
    walk(root["/StructTreeRoot"])
    return alts


def test_each_chart_in_the_pdf_is_a_figure_a_screen_reader_names(
    source: Source, rendered: dict[str, bytes]
) -> None:
    """The charts' text is drawn in the PDF, but a screen reader reads a chart by its
    Figure's /Alt: the exercise and what the chart shows (its `alt` in the HTML)."""
    charts = source.workbook().charts
    assert _figure_alts(rendered["pdf"]) == [c.description for c in charts]
    assert all(": " in c.description for c in charts)


def test_each_chart_is_drawn_once_for_the_same_answers_in_every_format(
    seeded: Seeded, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The dashboard's buttons export HTML, Markdown and PDF one after the other: the charts
    are drawn for the first and reused while the answers are the same."""
    from workbook import charts
    from workbook.charts import Chart
    from workbook.export.figures import forget_charts

    forget_charts()  # other tests drew these answers' charts already
    drawn: list[str] = []
    charts_for = charts.charts_for

    def counted(draw: Chart) -> Chart:
        def counting(frame: pd.DataFrame, chapter: Chapter, exercise_id: str) -> Figure:
            drawn.append(f"{exercise_id} {draw.__name__}")
            return draw(frame, chapter, exercise_id)

        return counting

    monkeypatch.setattr(
        charts, "charts_for", lambda chapter: [(e, counted(d)) for e, d in charts_for(chapter)]
    )
    store = MemoryStore()
    store.append(ParquetStore(seeded.root).history(COHORT, LEARNER))
    for fmt in ("html", "md", "pdf"):  # each loading the course afresh, as export_current does
        course = load_course()
        export(store, course, COHORT, LEARNER, format=fmt, out=tmp_path, today=TODAY)
    assert len(drawn) == len(set(drawn)) == 7
    last = store.latest(COHORT, LEARNER)[("m03.skills", "first-day", "patience")]
    score = 2 if last.value == 1 else 1
    store.append([Event(COHORT, LEARNER, "m03.skills", "patience", "score", score, "first-day")])
    export(store, seeded.course, COHORT, LEARNER, format="html", out=tmp_path, today=TODAY)
    assert len(drawn) == 14  # a changed answer: drawn again


def test_no_self_score_no_charts_section(seeded: Seeded) -> None:
    store = MemoryStore()
    history = ParquetStore(seeded.root).history(COHORT, LEARNER)
    store.append([e for e in history if e.exercise_id == HOSTILE_ID])
    source = Source.read(store, seeded.course, COHORT, LEARNER, TODAY)
    assert source.workbook().charts == ()
    assert b"<img" not in render_as(source)


def test_export_writes_to_a_folder_or_a_file(seeded: Seeded, tmp_path: Path) -> None:
    store = ParquetStore(seeded.root)
    done = export(store, seeded.course, COHORT, LEARNER, format="md", out=tmp_path, today=TODAY)
    assert done.path == tmp_path / f"workbook-{LEARNER}.md"
    assert done.size == done.path.stat().st_size
    again = export(
        store, seeded.course, COHORT, LEARNER, format="md", out=tmp_path / "mine.md", today=TODAY
    )
    assert again.path.read_bytes() == done.path.read_bytes()  # same answers, same bytes
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine.md", f"workbook-{LEARNER}.md"]


@pytest.mark.parametrize(
    ("out", "message"),
    [("missing/x.html", "missing does not exist"), ("file.txt/x.html", "file.txt is not a folder"),
     (".", None)],
)  # fmt: skip
def test_unwritable_paths_say_what_to_do(
    seeded: Seeded, tmp_path: Path, out: str, message: str | None
) -> None:
    (tmp_path / "file.txt").write_text("not a folder")
    store = ParquetStore(seeded.root)
    if message is None:  # a folder: the default name inside it
        assert (
            export(store, seeded.course, COHORT, LEARNER, out=tmp_path / out).path.parent
            == tmp_path
        )
        return
    with pytest.raises(ExportError, match=message) as caught:
        export(store, seeded.course, COHORT, LEARNER, out=tmp_path / out)
    assert "--out" in str(caught.value)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file.txt"]  # no temp file left


@pytest.mark.parametrize("fmt", FORMATS)
def test_nothing_answered_is_a_clear_error(fmt: str, seeded: Seeded, tmp_path: Path) -> None:
    with pytest.raises(NothingToExportError, match="nothing answered yet by zoe"):
        export(ParquetStore(tmp_path), seeded.course, COHORT, "zoe", format=fmt, out=tmp_path)


def test_unknown_format_names_the_known_ones(source: Source) -> None:
    with pytest.raises(ExportError, match="html, md, pdf, ics"):
        render_as(source, "docx")


def test_every_kind_has_a_row_in_the_parts_table() -> None:
    assert set(PARTS) == set(KINDS)


def test_the_frame_is_the_tidy_contract(source: Source) -> None:
    assert isinstance(source.frame, pd.DataFrame)
    assert set(source.frame["learner"]) == {LEARNER}

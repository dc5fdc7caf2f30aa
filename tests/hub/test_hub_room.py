"""The room a facilitator runs a workshop from: laggards on top, labels from content, scores as
distributions only for big enough groups, reflections grouped by prompt, projector mode with no
names, the report's HTML and PDF, and `workbook cohort report`."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pypdf
import pytest

from workbook.cli import main
from workbook.course.content import load_course
from workbook.course.kinds import Value, fields_of
from workbook.hub.facilitator import CohortView
from workbook.hub.feed import FolderFeed
from workbook.hub.layout import report, room_html
from workbook.hub.room import Room, room
from workbook.store import Event, ParquetStore
from workbook.store.sharing import SHARE_FIELD

LEARNERS = [f"l{i}" for i in range(6)]
COHORT = "cohort-a"
AT = dt.datetime(2026, 11, 26, 9, tzinfo=dt.UTC)
GAP = fields_of(load_course().chapters[0].exercise("m02.handover-gaps"))[0].key


def _save(store: ParquetStore, learner: str, answers: Sequence[tuple[str, str, Value, str]],
          at: dt.datetime) -> None:  # fmt: skip
    kinds = {bool: "flag", int: "score", str: "text"}
    store.append([
        Event(COHORT, learner, ex, key, kinds[type(value)], value, snapshot, saved_at=at)  # type: ignore[arg-type]
        for ex, key, value, snapshot in answers
    ])  # fmt: skip


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Six learners scored skills on both days (l5 up most), l0 and l1 shared reflections;
    l2 and l3 have saved nothing for an hour."""
    root = tmp_path_factory.mktemp("room")
    store = ParquetStore(root)
    skills = load_course().chapters[0].exercise("m03.skills").items
    for n, learner in enumerate(LEARNERS):
        answers = [("m03.skills", i.id, 3, "first-day") for i in skills]
        answers += [("m03.skills", i.id, 3 + n, "last-day") for i in skills]
        _save(store, learner, answers, AT + dt.timedelta(minutes=n if n in (2, 3) else 50 + n))
    _save(
        store,
        "l0",
        [
            ("m01.journey-map", "sales/going-well", "Calls <script>x</script>", ""),
            ("m01.journey-map", SHARE_FIELD, True, ""),
        ],
        AT + dt.timedelta(minutes=58),
    )
    _save(
        store,
        "l1",
        [
            ("m01.journey-map", "sales/going-well", "Demos land", ""),
            ("m01.journey-map", SHARE_FIELD, True, ""),
        ],
        AT + dt.timedelta(minutes=59),
    )
    _save(store, "l2", [("m02.handover-gaps", GAP, "Breathe", "")], AT)
    _save(store, "l3", [("m01.journey-map", "sales/going-well", "Quota", "")], AT)
    return root


def visible(page: str) -> str:
    """The words a reader sees: no style block, no tags or attributes."""
    return re.sub(r"<[^>]+>", " ", re.sub(r"<style>.*?</style>", "", page, flags=re.S))


def _room(store: Path, *, min_group: int = 5, expected: tuple[str, ...] = ()) -> Room:
    snapshot = FolderFeed(store, expected).read(COHORT)
    view = CohortView(snapshot.events, load_course().chapters[0], min_group)
    return room(view, COHORT, snapshot.expected, now=AT + dt.timedelta(hours=1))


def test_laggards_first_expected_learners_shown_stuck_flagged(store: Path) -> None:
    here = _room(store, expected=("nina", "l0"))
    names = [lr.name for lr in here.learners]
    assert names[0] == "nina" and here.learners[0].not_started  # expected, never synced
    stuck = {lr.name: lr.stuck_in for lr in here.stuck}
    assert stuck == {"l2": "Module 3", "l3": "Module 3"}  # nothing saved for ~an hour
    assert names[1:3] == ["l2", "l3"] and "l0" not in stuck  # l0 saved 2 minutes ago
    module3 = next(u for u in here.units if u.label == "Module 3")
    assert (module3.done, module3.started) == (0, 6)
    page = room_html(here)
    assert 'data-learner="nina"' in page and "⚠ stuck in Module 3" in page
    assert "0/7" in page  # per-unit counts over the seven learners
    for legend in ("✓</span> done", "◐</span> started", "○</span> not started"):
        assert legend in page


def test_scores_read_from_content_with_a_headline(store: Path) -> None:
    here = _room(store)
    skills = here.scores[0]
    assert skills.title == "The Eight Skills That Make an Onboarding Professional"
    assert skills.headline == "First day 3.0 → last day 5.5 (+2.5 for the 6 with both)"
    patience = next(s for s in skills.skills if s.label == "Patience")
    assert patience.first == (0, 0, 6, 0, 0, 0, 0, 0, 0, 0)  # six learners scored 3
    assert patience.last == (0, 0, 1, 1, 1, 1, 1, 1, 0, 0) and patience.change == 2.5
    page = visible(room_html(here))
    for raw in ("m03.skills", "first-day", "std", "Score your eight"):
        assert raw not in page  # ids and the learner's task are not the cohort's labels
    assert "Patience" in page and "the cohort, first day → last day" in page


def test_no_distribution_for_a_group_under_the_minimum(store: Path) -> None:
    here = _room(store, min_group=7)
    assert all(not k.first and k.change is None for s in here.scores for k in s.skills)
    assert "Distributions appear once 7 learners" in room_html(here)


def test_reflections_grouped_by_prompt_newest_first_and_escaped(store: Path) -> None:
    here = _room(store)
    assert [p.title for p in here.reflections] == ["Map a real customer across the five stages"]
    prompt = here.reflections[0]
    assert [e.learner for e in prompt.entries] == ["l1", "l0"]
    assert prompt.entries[0].field == "Sales · Going well"
    page = room_html(here)
    assert "Calls &lt;script&gt;" in page and "<script>x" not in page
    assert "Quota" not in page and "Breathe" not in page  # never shared
    assert page.index("Shared reflections") < page.index("Scores")


def test_projector_mode_names_no_learner(store: Path) -> None:
    page = room_html(_room(store, expected=("nina",)), projector=True)
    for name in ("nina", *LEARNERS):
        assert not re.search(rf"\b{name}\b", page)  # neither in the text nor an attribute
    assert "Demos land" not in page and "0 of 7" in page and "Patience" in page


def test_report_pdf_holds_each_section(store: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.pdf"
    assert main(["cohort", "report", COHORT, "--folder", str(store), "--out", str(out)]) == 0
    text = "\n".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(out.read_bytes())).pages)
    for section in ("workshop report", "Progress", "First day → last day", "Patience",
                    "Shared reflections", "Demos land", "0 of 6"):  # fmt: skip
        assert section in text, section
    assert 2 <= len(pypdf.PdfReader(out).pages) <= 6
    html = report(_room(store), "Customer Onboarding").decode()
    assert html.startswith("<!DOCTYPE html>") and "Calls &lt;script&gt;" in html


def test_projector_mode_shows_no_progress_of_a_group_under_the_minimum(store: Path) -> None:
    page = room_html(_room(store, min_group=9, expected=("nina",)), projector=True)
    assert "once the room has 9 learners" in page and "of 7" not in page


def test_the_open_view_offers_a_cohort_given_while_it_is_open(tmp_path: Path) -> None:
    from workbook.hub.dashboard import _RoomView

    store = ParquetStore(tmp_path)
    store.append([Event(COHORT, "ada", "m04.gap", "text", "text", "Hi")])
    view = _RoomView(FolderFeed(tmp_path), [COHORT], poll=3600, min_group=5)
    assert view.picker.options == (COHORT,) and 'data-learner="ada"' in view.body.value
    store.append([Event("cohort-b", "bo", "m04.gap", "text", "text", "Hey")])
    view.update()
    assert view.picker.options == (COHORT, "cohort-b") and view.picker.value == COHORT
    assert "Live · checked" in view.status.value


@pytest.mark.parametrize(
    ("scored", "headline"),
    [
        (0, "Waiting for Last day scores"),
        (5, "Last day 3.0 on average · scored on the last day only"),
    ],
)
def test_a_score_first_taken_on_the_last_day_names_the_last_day(
    tmp_path: Path, scored: int, headline: str
) -> None:
    """Homework 3's audit starts on the Last day (content: `first_snapshot: last-day`): its
    section never waits for, nor offers a column for, a First day score."""
    audit = load_course().chapters[0].exercise("hw3.audit")
    assert audit.first_snapshot == "last-day"  # read from content, as the view reads it
    store = ParquetStore(tmp_path)
    for learner in LEARNERS[:scored]:
        _save(store, learner, [("hw3.audit", f.key, 3, "last-day") for f in fields_of(audit)], AT)
    _save(store, "l5", [("m04.gap", "text", "Hi", "")], AT)
    here = _room(tmp_path)
    (section,) = [s for s in here.scores if s.exercise == "hw3.audit"]
    assert section.headline == headline
    html = room_html(here)
    part = html[html.index('data-exercise="hw3.audit"') :]
    part = visible(part[: part.index("</section>")])
    assert "First day" not in part and "first day" not in part, part
    assert "Last day" in part or "last day" in part


_ROOM_ONLY = """
import datetime as dt, json, sys
import workbook.hub.commands, workbook.hub.dashboard
from workbook.course.content import load_course
from workbook.hub.facilitator import CohortView
from workbook.hub.layout import room_html
from workbook.hub.room import room
from workbook.store import Event
chapter = load_course().chapters[0]
events = [Event("cohort-a", f"l{n}", "m03.skills", i.id, "score", 3 + n, "first-day")
          for n in range(6) for i in chapter.exercise("m03.skills").items]
assert "Patience" in room_html(room(CohortView(events, chapter), "cohort-a"))
print(json.dumps(sorted(m for m in ("pandas", "pyarrow", "numpy") if m in sys.modules)))
"""


def test_the_room_is_worked_out_without_pandas_or_pyarrow() -> None:
    """The view opens, and `workbook cohort progress|reflections|report` answer, without
    importing pandas (half a second of CPU) or pyarrow: a room is a few thousand events."""
    done = subprocess.run(
        [sys.executable, "-c", _ROOM_ONLY], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.splitlines()[-1]) == []


@pytest.fixture(scope="module")
def big_room(tmp_path_factory: pytest.TempPathFactory) -> Room:
    """Fifty learners: most done with module 1, a few started, some not yet."""
    root = tmp_path_factory.mktemp("big")
    store = ParquetStore(root)
    names = [f"learner{n:02}" for n in range(50)]
    for n, learner in enumerate(names[:44]):
        answers: list[tuple[str, str, Value, str]] = [
            ("m01.journey-map", "sales/going-well", f"note {n}", "")
        ]
        if n < 40:
            answers += [("m01.journey-map", SHARE_FIELD, False, "")]
        _save(store, learner, answers, AT)
    snapshot = FolderFeed(root, tuple(names)).read(COHORT)
    view = CohortView(snapshot.events, load_course().chapters[0], 5)
    return room(view, COHORT, snapshot.expected, now=AT + dt.timedelta(minutes=5))


def _text_beyond_the_page(pdf: bytes) -> list[str]:
    """Text drawn right of its page's edge (pypdf's text positions)."""
    beyond: list[str] = []
    for page in pypdf.PdfReader(io.BytesIO(pdf)).pages:
        width = float(page.mediabox.width)

        def seen(text: str, cm: Any, tm: Any, *_: Any, width: float = width) -> None:
            x = cm[0] * tm[4] + cm[2] * tm[5] + cm[4]
            if text.strip() and x > width:
                beyond.append(text)

        page.extract_text(visitor_text=seen)
    return beyond


def test_a_room_of_fifty_fits_the_report_page(big_room: Room) -> None:
    pdf = report(big_room, "Customer Onboarding", "pdf")
    assert not _text_beyond_the_page(pdf)
    page = visible(report(big_room, "Customer Onboarding").decode())
    assert "◐ 44" in page and "○ 6" in page and "0 of 50" in page  # a count per state

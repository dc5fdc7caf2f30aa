"""My progress's charts and files made in a child process (learner/offload.py): what comes back,
and what a failure in the child says."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from seed import COHORT, LEARNER, seeded_session

from workbook.errors import WorkbookError
from workbook.learner.dashboard import REDRAW_SECONDS, ProgressView
from workbook.learner.offload import chart_lines, export_file, save_charts
from workbook.learner.session import Session
from workbook.store import Event, MemoryStore, ParquetStore

# The module's tests share a seeded learner and the charts My progress shows of them (`shown`,
# a child process's drawing): one worker makes them.
pytestmark = pytest.mark.xdist_group("offload")


@pytest.fixture(scope="module")
def everything(tmp_path_factory: pytest.TempPathFactory) -> Session:
    return seeded_session(tmp_path_factory.mktemp("store"))


def test_the_layout_comes_first_then_each_chart_drawn_from_the_sessions_answers(
    everything: Session,
) -> None:
    lines = list(chart_lines(everything, compare=False))
    layout = lines[0]["layout"]
    assert [c["name"] for c in layout][:3] == [
        "m03-skills-latest-scores",
        "m03-skills-across-snapshots",
        "m03-skills-first-vs-last",
    ]
    assert layout[0]["heading"].startswith("Module 3 · ")
    assert set(lines[1]) == {"answers"}  # the answers drawn: an export checks it draws the same
    charts = lines[2:]
    assert [c["index"] for c in charts] == list(range(len(layout)))
    texts = re.findall(r"<text[^>]*>([^<]*)</text>", charts[0]["svg"])
    assert "Latest scores · Last day" in texts  # the seeded learner took the Last day
    assert "Latest scores" in charts[0]["label"]


def test_an_edit_not_yet_written_is_drawn(everything: Session) -> None:
    """The child draws the session's answers, not the store's: pending edits included."""
    session = Session(everything.course, MemoryStore(), COHORT, LEARNER, debounce=60)
    for item in session.exercise("m03.skills").items:
        session.set("m03.skills", item.id, 9, "first-day")
    assert session.pending
    drawn = [line for line in chart_lines(session, compare=False) if "svg" in line]
    assert "Latest scores · First day" in re.findall(r"<text[^>]*>([^<]*)</text>", drawn[0]["svg"])


def test_an_export_is_written_by_the_child(
    everything: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert isinstance(everything.store, ParquetStore)
    monkeypatch.setenv("WORKBOOK_HOME", str(everything.store.root))
    monkeypatch.setenv("WORKBOOK_COHORT", COHORT)
    monkeypatch.setenv("WORKBOOK_LEARNER", LEARNER)
    monkeypatch.setenv("WORKBOOK_EXPORTS", str(tmp_path))
    (path,) = export_file("md")
    assert path == tmp_path / f"workbook-{LEARNER}.md" and path.read_text().startswith("#")


@pytest.fixture
def exporting(everything: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The environment a learner's kernel exports in: the seeded store, a fresh exports folder."""
    assert isinstance(everything.store, ParquetStore)
    monkeypatch.setenv("WORKBOOK_HOME", str(everything.store.root))
    monkeypatch.setenv("WORKBOOK_COHORT", COHORT)
    monkeypatch.setenv("WORKBOOK_LEARNER", LEARNER)
    monkeypatch.setenv("WORKBOOK_EXPORTS", str(tmp_path))
    return tmp_path


def _no_matplotlib(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Child processes started from here fail on drawing: matplotlib cannot be imported."""
    blocker = tmp_path / "blocked" / "matplotlib"
    blocker.mkdir(parents=True)
    (blocker / "__init__.py").write_text("raise ImportError('drawing is blocked in this test')")
    monkeypatch.setenv("PYTHONPATH", str(blocker.parent))


@pytest.fixture(scope="module")
def shown(everything: Session) -> dict[str, object]:
    """The charts My progress shows of the seeded learner's answers, as it hands them over."""
    view = ProgressView(everything)
    assert view.ready(120)
    assert view.shown_charts is not None
    return view.shown_charts


# HTML: the same, end to end through My progress's Export HTML button, in
# test_dashboard_kernel.py::test_the_export_button_embeds_the_charts_shown_drawing_none.
def test_an_export_after_the_charts_are_shown_is_the_same_file_drawing_none(
    shown: dict[str, object], exporting: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The take-away buttons hand the export child the charts My progress shows: it embeds
    them (never importing matplotlib) and writes byte for byte the file it would have drawn."""
    fmt = "md"
    (drawing,) = export_file(fmt)
    drawn = drawing.read_bytes()
    _no_matplotlib(tmp_path, monkeypatch)
    with pytest.raises(WorkbookError, match="drawing is blocked"):
        export_file(fmt)  # the block holds: without the charts shown, the child must draw
    (path,) = export_file(fmt, shown)
    assert b"data:image/svg+xml;base64," in drawn or b"![" in drawn
    assert path.read_bytes() == drawn


def test_charts_shown_of_other_answers_are_not_embedded(
    everything: Session,
    shown: dict[str, object],
    exporting: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A self-score saved since the charts were drawn (by another notebook, unseen by this
    dashboard): the export child draws the store's answers, not the stale charts."""
    root = tmp_path / "store"
    store = ParquetStore(root)
    assert isinstance(everything.store, ParquetStore)
    store.append(everything.store.history(COHORT, LEARNER))  # the answers `shown` drew
    monkeypatch.setenv("WORKBOOK_HOME", str(root))
    last = store.latest(COHORT, LEARNER)[("m03.skills", "last-day", "patience")]
    score = 2 if last.value == 1 else 1
    store.append([Event(COHORT, LEARNER, "m03.skills", "patience", "score", score, "last-day")])
    (fresh,) = export_file("html")
    drawn = fresh.read_bytes()
    (path,) = export_file("html", shown)  # stale now
    assert path.read_bytes() == drawn


def test_the_childs_workbook_error_comes_back_with_its_words(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WORKBOOK_HOME", str(tmp_path / "empty"))
    monkeypatch.setenv("WORKBOOK_EXPORTS", str(tmp_path))
    with pytest.raises(WorkbookError, match="nothing answered yet"):
        export_file("html")


def test_a_crash_in_the_child_is_a_workbook_error_naming_it(
    everything: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "exports"
    blocker.write_text("a file where the exports folder should be")
    monkeypatch.setenv("WORKBOOK_EXPORTS", str(blocker))
    with pytest.raises(
        WorkbookError, match=r"Could not save your charts \(NotADirectoryError: .*\)\. Try again"
    ):
        save_charts(everything)


def test_my_progress_redraws_its_charts_only_when_a_self_score_changes(
    everything: Session,
) -> None:
    """Each drawing is a child process: a reflection saved (here or seen by the live watcher)
    changes what is next, not the charts."""
    session = Session(everything.course, MemoryStore(), COHORT, LEARNER, debounce=60)
    view = ProgressView(session)
    assert view.ready(120) and view.drawings == 1
    session.set("m04.gap", "text", "A reflection, typed elsewhere")
    time.sleep(REDRAW_SECONDS * 3)
    assert view.drawings == 1
    session.set("m03.skills", "patience", 7, "first-day")
    deadline = time.monotonic() + 60
    while view.drawings < 2 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert view.drawings == 2

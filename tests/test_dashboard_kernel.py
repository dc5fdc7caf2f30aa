"""The "My progress" notebook in a real kernel against a seeded store: every chart drawn."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path
from typing import Any

import pytest
from kernel import cell, code_cells, learner_home, printed_json, run
from nbformat import NotebookNode

from workbook import load_course
from workbook.course.model import Chapter
from workbook.store import Event, ParquetStore

# The module's tests read one kernel's run of My progress (`shown`): one worker makes it.
pytestmark = [pytest.mark.kernel, pytest.mark.xdist_group("dashboard")]

T0 = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)

DUMP = """
import json, re
from workbook.learner.dashboard import _shown
view = _shown[0]
assert view.ready(60)
def texts(svg):
    return re.findall(r"<text[^>]*>([^<]*)</text>", svg) if "<svg" in svg else []
print(json.dumps({
    "next": view.next.value,
    "charts": [[cls for cls in v._dom_classes if cls.startswith("wb-chart-")][0] for _, v in view.charts],
    "texts": [texts(v.value) for _, v in view.charts],
}))
"""

# Another notebook saves a Last day audit; the dashboard is redrawn through the refresh hook.
REFRESH = """
import datetime as dt, os
from pathlib import Path
import workbook.learner.dashboard
from workbook.store import Event, ParquetStore
from workbook import load_course
audit = load_course().chapters[0].exercise("hw3.audit")
ParquetStore(Path(os.environ["WORKBOOK_HOME"])).append([
    Event("local", "ada", "hw3.audit", f"{r.id}/{c.id}", "score", 4, "last-day")
    for r in audit.rows for c in audit.columns
])
workbook.learner.dashboard.refresh()
"""


def _seed(root: Path, chapter: Chapter) -> None:
    skills = chapter.exercise("m03.skills")
    audit = chapter.exercise("hw3.audit")
    firsts = [5, 6, 2, 7, 3, 8, 6, 4]
    snapshots = {
        "first-day": firsts,
        "check-in-2026-11-20": [s + 1 for s in firsts],
        "last-day": [s + 2 for s in firsts],
    }
    events = [
        Event("local", "ada", skills.id, i.id, "score", min(s, 10), snap, T0)
        for snap, scores in snapshots.items()
        for i, s in zip(skills.items, scores, strict=True)
    ]
    events += [
        Event("local", "ada", audit.id, f"{r.id}/{c.id}", "score", 1 + n % 5, "first-day", T0)
        for r in audit.rows
        for n, c in enumerate(audit.columns)
    ]
    ParquetStore(root).append(events)


@pytest.fixture
def seeded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Chapter:
    monkeypatch.setenv("WORKBOOK_HOME", str(tmp_path))
    monkeypatch.setenv("WORKBOOK_LEARNER", "ada")
    chapter = load_course().chapters[0]
    _seed(tmp_path, chapter)
    return chapter


# The learner scores module 6's audit in another notebook: the session notifies the dashboard,
# which redraws by itself (a live watcher re-reads the store and notifies the session too).
NOTIFIED = """
import time
from workbook import load_course
from workbook.learner.session import current
audit = load_course().chapters[0].exercise("m06.audit")
session = current()
for r in audit.rows:
    for c in audit.columns:
        session.set("m06.audit", f"{r.id}/{c.id}", 3, "first-day")
from workbook.learner.dashboard import _shown
assert _shown[0].ready(60)
deadline = time.monotonic() + 30  # one redraw after the burst; slow on a loaded machine
while "Nothing to draw yet" in _shown[0].charts[3][1].value and time.monotonic() < deadline:
    time.sleep(0.1)
"""


@pytest.fixture(scope="module")
def shown(tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, Any]]:
    """My progress in one kernel, as a learner keeps it open: what it shows when it has run,
    after another notebook saved and called the refresh hook, and after the session notified
    it of scores given meanwhile."""
    root = tmp_path_factory.mktemp("my-progress")
    with learner_home(root):
        _seed(root, load_course().chapters[0])
        steps = [cell(DUMP), cell(REFRESH), cell(DUMP), cell(NOTIFIED), cell(DUMP)]
        nb = run([*code_cells(["my-progress.ipynb"]), *steps])
    for c in nb.cells:
        assert "error" not in [o.output_type for o in c.outputs], c.source
    return [json.loads(_printed(c)) for c in nb.cells if c.source == DUMP]


def _printed(c: NotebookNode) -> str:
    return "".join(o.get("text", "") for o in c.outputs if o.output_type == "stream")


def test_every_chart_is_drawn_from_the_seeded_store(shown: list[dict[str, Any]]) -> None:
    first = shown[0]
    assert first["charts"] == [
        "wb-chart-m03-skills-latest-scores",
        "wb-chart-m03-skills-across-snapshots",
        "wb-chart-m03-skills-first-vs-last",
        "wb-chart-m06-audit-audit-heatmap",
        "wb-chart-m06-audit-across-snapshots",
        "wb-chart-hw3-audit-audit-heatmap",
        "wb-chart-hw3-audit-across-snapshots",
    ]
    latest, across, change, m06_grid, _, hw3_grid, hw3_across = first["texts"]
    assert "Latest scores · Last day" in latest and "Your two lowest skills" in latest
    assert {"First day", "Check-in 2026-11-20", "Last day"} <= set(across)
    assert "First day → Last day, with the change" in change and "+2" in change
    assert any("Nothing to draw yet" in t for t in m06_grid)  # module 6 was never scored
    area = load_course().chapters[0].exercise("hw3.audit").columns[0].label  # every handover: 1
    assert f"First day · Your lowest area across the three handovers: {area}" in hw3_grid
    assert any("retake it as Last day" in t for t in hw3_across)
    assert "Next: Module 1" in first["next"]


def test_the_refresh_hook_redraws_after_another_notebook_saves(
    shown: list[dict[str, Any]],
) -> None:
    hw3_grid, hw3_across = shown[1]["texts"][5:]
    assert any(t.startswith("Last day · ") for t in hw3_grid)
    assert {"First day", "Last day"} <= set(hw3_across)
    assert shown[1]["texts"][3] == shown[0]["texts"][3]  # module 6: still nothing to draw


def test_the_dashboard_redraws_when_the_session_notifies(shown: list[dict[str, Any]]) -> None:
    m06_grid = shown[2]["texts"][3]
    assert not any("Nothing to draw yet" in t for t in m06_grid)
    assert any(t.startswith("First day · ") for t in m06_grid), m06_grid


TAKE_AWAY = """
import json, os
from workbook.learner.dashboard import _shown
os.chdir(os.environ["WORKBOOK_CWD"])  # where the notebook is served: nothing may land there
view = _shown[0]
assert view.ready(60)
said = {}
for button in view.box.children[-2].children:
    button.click()
    said[button.description] = view.written.value
print(json.dumps(said))
"""


def test_take_away_buttons_write_the_export_and_the_charts(
    seeded: Chapter, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Into the learner's exports folder, private: never the served folder, whatever the cwd."""
    out, served = tmp_path / "exports", tmp_path / "served"
    served.mkdir()
    monkeypatch.setenv("WORKBOOK_EXPORTS", str(out))
    monkeypatch.setenv("WORKBOOK_CWD", str(served))
    umask = os.umask(0)  # the loosest umask the kernel may inherit
    try:
        nb = run([*code_cells(["my-progress.ipynb"]), cell(TAKE_AWAY)])
    finally:
        os.umask(umask)
    said = printed_json(nb)
    assert isinstance(said, dict)
    assert list(said) == ["Export HTML", "Export MD", "Export PDF", "Export ICS", "Save my charts"]
    assert said["Export HTML"].startswith(
        f"✓ Wrote 1 file to <code>{out}</code>: workbook-ada.html"
    )
    assert "Save my charts" in said and "14 files" in said["Save my charts"]
    assert (out / "workbook-ada.html").stat().st_size > 0
    assert (out / "workbook-ada.pdf").read_bytes().startswith(b"%PDF")
    charts = sorted(p.name for p in (out / "my-charts").iterdir())
    assert "m03-skills-latest-scores.svg" in charts and len(charts) == 14
    assert list(served.iterdir()) == []
    written = [out, out / "my-charts", *out.iterdir(), *(out / "my-charts").iterdir()]
    modes = {oct(p.stat().st_mode & 0o777) for p in written if p.is_file()}
    assert modes == {"0o600"}
    assert {oct(p.stat().st_mode & 0o777) for p in written if p.is_dir()} == {"0o700"}


# The charts are shown; then drawing is made impossible for the children the kernel starts.
EXPORT_SHOWN = """
import json, os
from workbook.errors import WorkbookError
from workbook.learner.dashboard import _shown
from workbook.learner.offload import export_file
view = _shown[0]
assert view.ready(60)
(path,) = export_file("html")  # drawn by the export child, as before the charts were handed over
drawn = path.read_bytes()
path.unlink()
os.environ["PYTHONPATH"] = os.environ["WORKBOOK_BLOCKED"]
try:
    export_file("html")
    blocked = False
except WorkbookError:
    blocked = True
button = view.take_away.children[0]
button.click()
print(json.dumps({
    "button": button.description, "said": view.written.value, "blocked": blocked,
    "same": path.exists() and path.read_bytes() == drawn,
}))
"""


def test_the_export_button_embeds_the_charts_shown_drawing_none(
    seeded: Chapter, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Export HTML after the charts are shown: its child cannot import matplotlib, yet writes
    the very file an export drawing every chart writes."""
    blocked = tmp_path / "blocked" / "matplotlib"
    blocked.mkdir(parents=True)
    (blocked / "__init__.py").write_text("raise ImportError('drawing is blocked in this test')")
    monkeypatch.setenv("WORKBOOK_BLOCKED", str(blocked.parent))
    monkeypatch.setenv("WORKBOOK_EXPORTS", str(tmp_path / "exports"))
    said = printed_json(run([*code_cells(["my-progress.ipynb"]), cell(EXPORT_SHOWN)]))
    assert isinstance(said, dict)
    assert said["said"].startswith("✓ Wrote 1 file"), said["said"]
    assert said == {
        "button": "Export HTML",
        "said": said["said"],
        "blocked": True,  # the block holds: an export not handed the charts fails
        "same": True,
    }

"""Every exercise kind, in a real kernel: set values as the browser would, restore in a new kernel."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from kernel import NOTEBOOKS, cell, code_cells, learner_home, printed_json, run, shows_no_problem

from workbook.course.analyst_notebook import NAME as ANALYST_NOTEBOOK
from workbook.store import ParquetStore, latest

pytestmark = pytest.mark.kernel

UNITS = sorted(
    p.name for p in NOTEBOOKS.glob("*.ipynb") if p.name.startswith(("module-", "homework-"))
)
BIG = "Ünïcödé ✓ 🚀 עברית\n" * 5000  # ~100 KB

# exercise id → {field: widget value as the browser sets it}
ANSWERS: dict[str, dict[str, Any]] = {
    "m04.gap": {"text": "The gap is the briefing ✓"},
    "m01.journey-map": {"marketing/going-well": "Clear ads", "sales/could-improve": "Promises"},
    "m03.skills": {
        "patience": "7",
        "communication-skills": "8",
        "training-ability": "3",
        "technical-understanding": "6",
        "problem-solving-skills": "9",
        "organisational-skills": "2",
        "customer-empathy": "10",
        "attention-to-detail": "5",
    },
    "m06.audit": {
        f"handover-{h}/{a}": s
        for h in (1, 2, 3)
        for a, s in (
            ("shared-customer-information", 4),
            ("internal-communication", 3),
            ("unified-messaging", 1),
            ("escalation-management", 5),
            ("relationship-continuity", 2),
        )
    },
    "m07.readiness": {"setup-complete": True, "training-received": True},
    "m08.mistake": {"choice": "rushed-handover"},
    "m08.plan": {
        "close-mistake/action": "Write the SOP",
        "close-mistake/date": "2026-12-20",
        "close-mistake/partner": "Sam",
    },
    "m05.recall": {
        "recall": "Goal, stage, focus",
        "revealed": True,
        **dict.fromkeys(
            ("primary-goal", "customer-stage", "focus", "duration", "success-measure"), "got-it"
        ),
        "main-activities": "wrong",
        "mindset": "missed",
        "communication-style": "got-it",
    },
    "hw2.standard": {"from-sales": BIG, "readiness": "All six conditions"},
}

SET = """
import datetime, workbook
from workbook.learner.widgets import live_view
from workbook.learner.session import current
answers = {answers}
for ex, fields in answers.items():
    view = live_view(ex)
    for key, value in fields.items():
        if key.endswith("/date"):
            value = datetime.date.fromisoformat(value)
        view.form.controls[key].widget.value = value
# a later snapshot of the skills: the first day's scores stay
skills = live_view("m03.skills")
skills.picker.value = "last-day"
skills.form.controls["patience"].widget.value = "9"
current().flush()
"""

DUMP = """
import json
from workbook.learner.widgets import live_view
from workbook.learner.session import current
from workbook import progress
out = {{}}
skills = live_view("m03.skills")
out["picker"] = skills.picker.value
out["options"] = [label for label, _ in skills.picker.options]
skills.picker.value = "last-day"
out["last-day patience"] = skills.form.controls["patience"].widget.value
out["earlier patience"] = skills.form.earlier["patience"].value
out["guide"] = skills.guide.value
skills.picker.value = "first-day"
for ex in {ids}:
    view = live_view(ex)
    out[ex] = {{k: (v.widget.value.isoformat() if hasattr(v.widget.value, "isoformat") else v.widget.value)
               for k, v in view.form.controls.items()}}
out["derived m03"] = live_view("m03.skill-actions").derived.value
out["derived m06"] = live_view("m06.focus").derived.value
out["note m03"] = live_view("m03.skill-actions").derived_note.value
out["rows m03"] = [l.value for l in live_view("m03.skill-actions").form.row_labels.values()]
out["recall review"] = live_view("m05.recall").form.summary.value
out["progress"] = progress(current().course.chapters[0], current().all_answers()).summary
print(json.dumps(out))
"""


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    with learner_home(tmp_path_factory.mktemp("home")) as root:
        yield root


# The tests reading `restored` go to one worker, which runs its two kernels once.
RESTORED = pytest.mark.xdist_group("widgets-restored")


@pytest.fixture(scope="module")
def restored(home: Path) -> dict[str, Any]:
    run([*code_cells(UNITS), cell(SET.format(answers=repr(ANSWERS)))])
    nb = run([*code_cells(UNITS), cell(DUMP.format(ids=list(ANSWERS)))])
    result = printed_json(nb)
    assert isinstance(result, dict)
    return result


@RESTORED
@pytest.mark.parametrize("exercise_id", list(ANSWERS))
def test_a_new_kernel_restores_every_kind(restored: dict[str, Any], exercise_id: str) -> None:
    got = restored[exercise_id]
    for key, value in ANSWERS[exercise_id].items():
        assert got[key] == value, key


@RESTORED
def test_untouched_fields_restore_empty(restored: dict[str, Any]) -> None:
    assert restored["m01.journey-map"]["marketing/could-improve"] == ""
    assert restored["m07.readiness"]["actively-using"] is False
    assert restored["m08.plan"]["install-practice/date"] is None


@RESTORED
def test_a_partial_retake_opens_on_the_complete_snapshot(restored: dict[str, Any]) -> None:
    assert restored["picker"] == "first-day"  # Last day has one of eight: not where to reopen
    # course order, each with how far it got; today's check-in sits before Last day
    options = restored["options"]
    assert options == ["First day ✓", f"Check-in {dt.date.today()}", "Last day · 1 of 8 scored"]
    assert restored["last-day patience"] == "9"
    assert restored["earlier patience"] == "<small>First day: 7</small>"
    assert restored["guide"] == (
        "You scored this on <b>First day</b> · <b>Last day</b> in progress · 1 of 8 scored · "
        "until it is complete, your <b>First day</b> scores count"
    )
    assert restored["m03.skills"]["patience"] == "7"  # the first day, picked again


@RESTORED
def test_recall_check_names_what_to_internalise(restored: dict[str, Any]) -> None:
    # Marked wrong or missed, in the course's order of the dimensions.
    assert restored["recall review"] == "<div>To internalise: Main Activities, Mindset</div>"


@RESTORED
def test_derived_prompts_name_the_lowest(restored: dict[str, Any]) -> None:
    # the first day's scores: the Last day retake is partial, so it changes nothing yet
    assert restored["derived m03"] == (
        "Your two lowest skills: <b>Organisational skills</b> and <b>Training ability</b>"
    )
    assert restored["note m03"] == (
        "<small>From your First day scores · Last day in progress: this follows it once it"
        " is complete</small>"
    )
    assert restored["rows m03"] == [
        "<b>Your lowest skill: Organisational skills</b>",
        "<b>Your second-lowest skill: Training ability</b>",
    ]
    assert (
        restored["derived m06"]
        == "Your lowest area across the three handovers: <b>Unified Messaging</b>"
    )


@RESTORED
def test_progress_counts_completed_units(restored: dict[str, Any]) -> None:
    # m04 (am-view not answered) stays open; m03 needs skill-actions; m07 needs the document.
    assert restored["progress"] == "1 / 11 · 9%"


@RESTORED
def test_store_holds_typed_values(restored: dict[str, Any], home: Path) -> None:
    events = latest(ParquetStore(home).history("local", "ada"))
    assert events[("hw2.standard", "", "from-sales")].value == BIG
    assert events[("m08.plan", "", "close-mistake/date")].value == dt.date(2026, 12, 20)
    assert events[("m06.audit", "first-day", "handover-2/unified-messaging")].value == 1
    assert events[("m03.skills", "first-day", "patience")].value == 7
    assert events[("m03.skills", "last-day", "patience")].value == 9
    assert events[("m07.readiness", "", "setup-complete")].value is True


@pytest.fixture
def fresh_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty store and a learner of its own, for a test that runs its own kernels."""
    monkeypatch.setenv("WORKBOOK_HOME", str(tmp_path))
    monkeypatch.setenv("WORKBOOK_LEARNER", "kai")
    return tmp_path


def unit(prefix: str) -> list[str]:
    """The generated notebook whose name starts with `prefix` (e.g. "module-04")."""
    return [n for n in UNITS if n.startswith(prefix)]


# The analyst's notebook runs (once: it is the slowest) in tests/analytics/test_analytics_notebook.py,
# which checks this too.
@pytest.mark.parametrize(
    "name", sorted(p.name for p in NOTEBOOKS.glob("*.ipynb") if p.name != ANALYST_NOTEBOOK)
)
def test_every_notebook_runs_on_a_fresh_store(name: str, fresh_home: Path) -> None:
    shows_no_problem(run(code_cells([name])))


def test_a_change_still_debouncing_is_flushed_when_the_kernel_shuts_down(
    fresh_home: Path,
) -> None:
    set_now = 'from workbook.learner.widgets import live_view\nlive_view("m04.gap").form.controls["text"].widget.value = "last words"'
    run([*code_cells(unit("module-04")), cell(set_now)])  # no flush: the kernel shuts down at once
    events = latest(ParquetStore(fresh_home).history("local", "kai"))
    assert events[("m04.gap", "", "text")].value == "last words"


def test_only_the_edited_exercise_reports_the_save(fresh_home: Path) -> None:
    edit = """
import json
from workbook.learner.widgets import live_view
from workbook.learner.session import current
live_view("m04.gap").form.controls["text"].widget.value = "edited"
current().flush()
print(json.dumps({e: live_view(e).status.value for e in ("m04.gap", "m04.am-view")}))
"""
    status = printed_json(run([*code_cells(unit("module-04")), cell(edit)]))
    assert isinstance(status, dict)
    assert "✓ Saved " in status["m04.gap"] and "on this computer" in status["m04.gap"]
    assert "Saved" not in status["m04.am-view"]


def test_homework_2_can_start_from_the_module_7_draft(fresh_home: Path) -> None:
    module7, homework2 = unit("module-07"), unit("homework-2")
    draft = """
from workbook.learner.widgets import live_view
from workbook.learner.session import current
live_view("m07.handover-standard").form.controls["from-sales"].widget.value = "Every promise, in writing"
current().flush()
"""
    run([*code_cells(module7), cell(draft)])
    copy = """
import json
from workbook.learner.widgets import live_view
from workbook.learner.session import current
view = live_view("hw2.standard")
before = view.form.controls["from-sales"].widget.value
assert view.start_button is not None
view.start_button.click()
current().flush()
print(json.dumps({"label": view.start_button.description, "before": before,
                  "after": view.form.controls["from-sales"].widget.value}))
"""
    shown = printed_json(run([*code_cells(homework2), cell(copy)]))
    assert shown == {
        "label": "Start from my answers in Module 7",
        "before": "",
        "after": "Every promise, in writing",
    }
    events = latest(ParquetStore(fresh_home).history("local", "kai"))
    assert events[("hw2.standard", "", "from-sales")].value == "Every promise, in writing"
    # once homework 2 has its own text, the offer is gone
    again = 'from workbook.learner.widgets import live_view\nprint(live_view("hw2.standard").start_button is None)'
    nb = run([*code_cells(homework2), cell(again)])
    assert nb.cells[-1].outputs[0]["text"] == "True\n"


def test_homework_3_audit_can_start_from_the_module_6_audit(fresh_home: Path) -> None:
    """A score matrix with snapshots: module 6's snapshot in effect (the newest complete one)
    is copied, whole."""
    module6, homework3 = unit("module-06"), unit("homework-3")
    audit = """
from workbook.learner.widgets import live_view
from workbook.learner.session import current
view = live_view("m06.audit")
for key, control in view.form.controls.items():
    control.widget.value = 2
view.picker.value = "last-day"
for key, control in view.form.controls.items():
    control.widget.value = 4
view.form.controls["handover-2/unified-messaging"].widget.value = 1
current().flush()
"""
    run([*code_cells(module6), cell(audit)])
    copy = """
import json
from workbook.learner.widgets import live_view
from workbook.learner.session import current
view = live_view("hw3.audit")
assert view.start_button is not None
view.start_button.click()
current().flush()
print(json.dumps({"label": view.start_button.description, "snapshot": view.snapshot,
                  "cells": {k: c.widget.value for k, c in view.form.controls.items()}}))
"""
    shown = printed_json(run([*code_cells(homework3), cell(copy)]))
    assert isinstance(shown, dict)
    assert shown["label"] == "Start from my answers in Module 6"
    cells = shown["cells"]
    assert cells["handover-1/internal-communication"] == 4
    assert cells["handover-2/unified-messaging"] == 1
    assert 2 not in cells.values()  # nothing from the first day
    events = latest(ParquetStore(fresh_home).history("local", "kai"))
    # homework 3 comes at the chapter's end: its first score is the Last day one
    assert events[("hw3.audit", "last-day", "handover-2/unified-messaging")].value == 1
    assert events[("hw3.audit", "last-day", "handover-3/relationship-continuity")].value == 4


RECALLING = """
import json
from workbook.learner.widgets import live_view
recall = live_view("m05.recall")
hide = recall.form.body.children[0]
shown = [hide.value]
recall.form.controls["recall"].widget.value = "Goal, stage"
shown.append(hide.value)
recall.form.controls["revealed"].widget.value = True
shown.append(hide.value)
print(json.dumps(shown))
"""


def test_the_list_hides_while_the_learner_recalls_it(fresh_home: Path) -> None:
    """Module 5: readable before, hidden from the first word recalled, back at the reveal."""
    shown = printed_json(run([*code_cells(unit("module-05")), cell(RECALLING)]))
    assert isinstance(shown, list)
    before, recalling, revealed = shown
    assert before == revealed == ""
    assert ".wb-recall-for-m05-recall > * { display: none; }" in recalling


COUNT_UPDATES = """
import collections, ipywidgets
updates = collections.Counter()
_send = ipywidgets.Widget._send
def _counted(self, msg, buffers=None):
    updates[msg.get("method")] += 1
    return _send(self, msg, buffers)
ipywidgets.Widget._send = _counted
"""


def test_widgets_share_their_layouts_and_styles(fresh_home: Path) -> None:
    """Every model is a comm message, and a model and view in the page, to open a notebook: the
    course's forms, all of them in one kernel, point at a few shared layouts and styles (one
    each per widget was 400 of them), hold a few hundred models in all, and are built whole,
    classes and all, not updated message by message after they are opened (690 updates was)."""
    count = """
import collections, json
import ipywidgets as w
from ipywidgets.widgets.widget import _instances
from ipywidgets.widgets.widget_style import Style
models = list(_instances.values())
print(json.dumps({
    "layouts and styles": sum(isinstance(m, (w.Layout, Style)) for m in models),
    "models": len(models),
    "updates": updates["update"],
}))
"""
    counted = printed_json(run([cell(COUNT_UPDATES), *code_cells(UNITS), cell(count)]))
    assert isinstance(counted, dict)
    assert counted["layouts and styles"] <= 30, counted
    assert counted["models"] <= 700, counted
    assert counted["updates"] <= 250, counted

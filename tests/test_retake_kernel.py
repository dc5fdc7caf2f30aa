"""Retaking self-scores, in a real kernel: what the derived prompt, progress and the next step say.

The learner scores module 3 as First day and writes an action for each of their two lowest skills,
then retakes the scores as Last day. A skill still among the lowest keeps its action (carried
into the Last day rows, saved, editable); a newly lowest one asks for a new action, and until it
has one the module is not done.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from kernel import cell, code_cells, learner_home, printed_json, run

from workbook.store import ParquetStore, latest

# The tests share one learner's store and one kernel's run of the retake: one worker makes them.
pytestmark = [pytest.mark.kernel, pytest.mark.xdist_group("retake")]

MODULE3 = ["module-03-onboarding-team.ipynb"]
FIRST = {
    "patience": "7",
    "communication-skills": "8",
    "training-ability": "3",
    "technical-understanding": "6",
    "problem-solving-skills": "9",
    "organisational-skills": "2",
    "customer-empathy": "10",
    "attention-to-detail": "5",
}
# Patience drops to the lowest; Organisational skills is still among the two lowest, second now.
LAST = {**FIRST, "patience": "1", "training-ability": "9"}

RETAKE = """
import json
from workbook.learner.widgets import live_view
from workbook.learner.session import current
from workbook import progress
skills, actions = live_view("m03.skills"), live_view("m03.skill-actions")
for key, value in {first}.items():
    skills.form.controls[key].widget.value = value
actions.form.controls["lowest-1/action"].widget.value = "Plan every week on Monday"
actions.form.controls["lowest-2/action"].widget.value = "Teach a peer each Friday"
current().flush()
out = {{"first": progress(current().course.chapters[0], current().all_answers()).units[2].complete}}
skills.picker.value = "last-day"
for key, value in {last}.items():
    skills.form.controls[key].widget.value = value
current().flush()
out["snapshot"] = actions.snapshot
out["rows"] = [label.value for label in actions.form.row_labels.values()]
out["values"] = {{k: c.widget.value for k, c in actions.form.controls.items()}}
out["note"] = actions.derived_note.value
out["last"] = progress(current().course.chapters[0], current().all_answers()).units[2].complete
print(json.dumps(out))
"""


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    with learner_home(tmp_path_factory.mktemp("home")) as root:
        yield root


@pytest.fixture(scope="module")
def retaken(home: Path) -> dict[str, Any]:
    nb = run([*code_cells(MODULE3), cell(RETAKE.format(first=repr(FIRST), last=repr(LAST)))])
    shown = printed_json(nb)
    assert isinstance(shown, dict)
    return shown


def test_the_derived_rows_follow_the_retake(retaken: dict[str, Any]) -> None:
    assert retaken["snapshot"] == "last-day"
    assert retaken["rows"] == [
        "<b>Your lowest skill: Patience</b>",
        "<b>Your second-lowest skill: Organisational skills</b>",
    ]


def test_an_action_for_a_skill_still_lowest_is_carried_over(
    retaken: dict[str, Any], home: Path
) -> None:
    # Organisational skills moved from the first row to the second: its action moved with it.
    assert retaken["values"] == {
        "lowest-1/action": "",
        "lowest-2/action": "Plan every week on Monday",
    }
    assert "Carried over your action for Organisational skills from First day" in retaken["note"]
    events = latest(ParquetStore(home).history("local", "ada"))
    assert events[("m03.skill-actions", "last-day", "lowest-2/action")].value == (
        "Plan every week on Monday"
    )
    assert ("m03.skill-actions", "last-day", "lowest-1/action") not in events
    # the first day's plan stays as it was
    assert events[("m03.skill-actions", "first-day", "lowest-2/action")].value == (
        "Teach a peer each Friday"
    )


def test_completion_counts_the_snapshot_in_view(retaken: dict[str, Any]) -> None:
    # Both exercises were complete on the first day; after the retake the new lowest skill has
    # no action yet, so the module says 1 of 2 (not "done ✓").
    assert retaken["first"] == 2
    assert retaken["last"] == 1


NEXT = """
import json
from workbook.learner.dashboard import _next_html
from workbook.learner.session import current
print(json.dumps(_next_html(current())))
"""


def test_my_progress_names_the_true_next_step(retaken: dict[str, Any]) -> None:
    said = printed_json(run([cell(NEXT)]))
    assert isinstance(said, str)
    assert "Next: Module 1" in said  # nothing else answered: the first unit not done


HOMEWORK3 = """
import json
from workbook.learner.widgets import live_view
audit = live_view("hw3.audit")
print(json.dumps({"snapshot": audit.snapshot, "guide": audit.guide.value}))
"""


def test_homework_3_is_scored_as_the_last_day(home: Path) -> None:
    shown = printed_json(
        run([*code_cells(["homework-3-coordination-audit.ipynb"]), cell(HOMEWORK3)])
    )
    assert isinstance(shown, dict)
    assert shown["snapshot"] == "last-day"
    assert "First day" not in shown["guide"]
    assert json.dumps(shown["guide"]).count("Last day") == 1

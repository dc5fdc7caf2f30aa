"""Back on the course index: progress counts exactly the units the learner finished."""

from __future__ import annotations

import pytest
from conftest import Lab
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_index_counts_finished_modules_and_homework(lab: Lab) -> None:
    # Module 3 done: every skill scored, both actions written.
    lab.switch_to("module-03-onboarding-team.ipynb", "m03.skills", "m03.skill-actions")
    with lab.saving("m03.skills"):
        lab.score_sliders("m03.skills", [5, 6, 4, 7, 8, 3, 9, 6])
    with lab.saving("m03.skill-actions"):
        lab.write("m03.skill-actions", ["Run a weekly org review", "Teach-back after demos"])
    expect(lab.progress("unit")).to_have_text("This module: done ✓")

    # Module 7 started, not finished: the readiness check is an aid, its Handover Standard is due.
    lab.switch_to("module-07-handover-process.ipynb", "m07.readiness")
    with lab.saving("m07.readiness"):
        lab.checkboxes("m07.readiness").nth(1).check()
    expect(lab.progress("unit")).to_have_text("This module: 0 of 1 exercises complete")

    # Homework 2 done: all four sections written.
    lab.switch_to("homework-2-handover-standard.ipynb", "hw2.standard")
    with lab.saving("hw2.standard"):
        lab.write("hw2.standard", ["Every promise", "Six conditions", "Joint intro", "Weekly"])
    expect(lab.progress("unit")).to_have_text("This homework: done ✓")

    lab.page.get_by_role("link", name="← Back to the course index").click()
    lab.wait_for_notebook("index.ipynb")
    expect(lab.progress("summary")).to_have_text("2 / 11 · 18%")
    expect(lab.progress("detail")).to_have_text("1/8 modules · 1/3 homework")

    lab.switch_to("my-progress.ipynb")
    expect(lab.progress("summary")).to_have_text("2 / 11 · 18%")
    rows = lab.notebook.locator(".wb-progress-table tr")
    expect(rows).to_have_count(12)
    expected = {
        "Module 1": "0/1",
        "Module 3": "✓ done",
        "Module 7": "0/1",
        "Homework 2": "✓ done",
        "Homework 3": "0/2",
    }
    for label, cell in expected.items():
        row = rows.filter(has=lab.page.locator("td", has_text=label))
        expect(row.locator("td").nth(2)).to_have_text(cell)

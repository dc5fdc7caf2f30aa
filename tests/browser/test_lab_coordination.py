"""Module 6 and homework 3: audit three handovers on the five coordination areas."""

from __future__ import annotations

import pytest
from conftest import Lab
from playwright.sync_api import expect

from workbook import load_course

pytestmark = pytest.mark.browser

_AUDIT = load_course().chapters[0].exercise("m06.audit")
HANDOVERS = [r.label for r in _AUDIT.rows]
AREAS = [c.label for c in _AUDIT.columns]
# rows: handovers 1–3; columns: the areas in course order
M06 = [[4, 3, 1, 5, 2], [5, 4, 2, 4, 3], [3, 4, 2, 5, 1]]  # Unified Messaging lowest (1.67)
HW3 = [[5, 4, 3, 2, 4], [4, 5, 4, 1, 5], [5, 3, 4, 2, 4]]  # Escalation Management (1.67)


def cells(matrix: list[list[int]]) -> dict[str, int]:
    """Stored field (`handover/area`) → score."""
    return {
        f"{row.id}/{col.id}": matrix[r][c]
        for r, row in enumerate(_AUDIT.rows)
        for c, col in enumerate(_AUDIT.columns)
    }


def test_module_6_audit_names_the_lowest_area(lab: Lab) -> None:
    lab.switch_to("module-06-coordination.ipynb", "m06.audit", "m06.focus")
    derived = lab.exercise("m06.focus").locator(".wb-derived")
    expect(derived).to_contain_text("Score every item")

    audit = lab.exercise("m06.audit")
    expect(audit.locator(".wb-grid-head")).to_have_text(["", *HANDOVERS, "Average"])
    expect(audit.locator(".wb-grid-item")).to_have_text(AREAS)
    with lab.saving("m06.audit"):
        lab.score_cells("m06.audit", cells(M06))
        expect(derived).to_have_text(
            "Your lowest area across the three handovers: Unified Messaging"
        )
    unit = lab.progress("unit")
    expect(unit).to_have_text("This module: 1 of 2 exercises complete")

    with lab.saving("m06.focus"):
        lab.write("m06.focus", ["Agree one customer story with the account manager first"])
    expect(unit).to_have_text("This module: done ✓")


def test_homework_3_plan_targets_the_lowest_area(lab: Lab) -> None:
    lab.switch_to("homework-3-coordination-audit.ipynb", "hw3.audit", "hw3.plan")
    plan = lab.exercise("hw3.plan")

    with lab.saving("hw3.audit"):
        lab.score_cells("hw3.audit", cells(HW3))
        expect(plan.locator(".wb-derived")).to_have_text(
            "Your lowest area across the three handovers: Escalation Management"
        )
    expect(plan.locator(".wb-row-label")).to_have_text(
        "Lift my lowest coordination area: Escalation Management"
    )
    unit = lab.progress("unit")
    expect(unit).to_have_text("This homework: 1 of 2 exercises complete")

    with lab.saving("hw3.plan"):
        lab.write("hw3.plan", ["Flag every risk to the AM within a day", "", ""])
        plan.locator("input[type=date]").fill("2026-12-20")
    expect(unit).to_have_text("This homework: done ✓")

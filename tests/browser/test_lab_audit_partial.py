"""Module 6, half-done: the lowest area is named only once all three handovers are scored."""

from __future__ import annotations

import pytest
from conftest import Lab
from playwright.sync_api import expect

from workbook import load_course

pytestmark = pytest.mark.browser

_AUDIT = load_course().chapters[0].exercise("m06.audit")
HANDOVERS = [[4, 3, 1, 5, 2], [5, 4, 2, 4, 3], [3, 4, 2, 5, 1]]  # Unified Messaging lowest


def test_lowest_area_waits_for_all_three_handovers(lab: Lab) -> None:
    lab.switch_to("module-06-coordination.ipynb", "m06.audit", "m06.focus")
    derived = lab.exercise("m06.focus").locator(".wb-derived")
    expect(lab.exercise("m06.audit").locator(".widget-toggle-buttons")).to_have_count(15)
    for handover, scores in zip(_AUDIT.rows, HANDOVERS, strict=True):
        with lab.saving("m06.audit"):
            lab.score_cells(
                "m06.audit",
                {f"{handover.id}/{a.id}": s for a, s in zip(_AUDIT.columns, scores, strict=True)},
            )
        # "Saved" is sent after the derived prompt's update on the same channel: it is final.
        if handover != _AUDIT.rows[-1]:
            expect(derived).to_contain_text("Score every item", timeout=2000)
    expect(derived).to_have_text("Your lowest area across the three handovers: Unified Messaging")

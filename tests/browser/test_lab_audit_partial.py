"""Module 6, half-done: the lowest area is named only once all three handovers are scored."""

from __future__ import annotations

import pytest
from conftest import Lab
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

HANDOVERS = [[4, 3, 1, 5, 2], [5, 4, 2, 4, 3], [3, 4, 2, 5, 1]]  # Unified Messaging lowest


def test_lowest_area_waits_for_all_three_handovers(lab: Lab) -> None:
    lab.open_and_run("module-06-coordination.ipynb", "m06.audit", "m06.focus")
    derived = lab.exercise("m06.focus").locator(".wb-derived")
    toggles = lab.exercise("m06.audit").locator(".widget-toggle-buttons")
    expect(toggles).to_have_count(15)
    groups = toggles.all()
    for n, scores in enumerate(HANDOVERS):
        with lab.saving("m06.audit"):
            for group, score in zip(groups[5 * n : 5 * n + 5], scores, strict=True):
                group.get_by_role("button", name=str(score), exact=True).click()
        # "Saved" is sent after the derived prompt's update on the same channel: it is final.
        if n < 2:
            expect(derived).to_contain_text("Score every item", timeout=2000)
    expect(derived).to_have_text("Your lowest area across the three handovers: Unified Messaging")

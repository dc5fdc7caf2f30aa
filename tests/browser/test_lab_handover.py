"""Module 7 and homework 2: the readiness check and the Handover Standard."""

from __future__ import annotations

import pytest
from conftest import Lab
from playwright.sync_api import expect

from workbook import load_course

pytestmark = pytest.mark.browser

# The exact wording is test_content's job; here the browser must show what content holds.
_CHAPTER = load_course().chapters[0]
CONDITIONS = [i.label for i in _CHAPTER.exercise("m07.readiness").items]
SECTIONS = [i.label for i in _CHAPTER.exercise("hw2.standard").items]
STANDARD = [
    "The signed scope, every promise made and the three key contacts",
    "All six readiness conditions, each with evidence",
    "Onboarding recaps the wins; the account manager explains the next ninety days",
    "Weekly check-ins with the account manager\nand an escalation path back to me",
]
HW2 = "homework-2-handover-standard.ipynb"


def test_module_7_ticked_conditions_save_and_come_back(lab: Lab) -> None:
    lab.switch_to("module-07-handover-process.ipynb", "m07.readiness")
    readiness = lab.exercise("m07.readiness")
    expect(readiness).to_contain_text(CONDITIONS[0])
    boxes = lab.checkboxes("m07.readiness")
    expect(boxes).to_have_count(len(CONDITIONS))
    ticked = [0, 3]
    with lab.saving("m07.readiness"):
        for n in ticked:
            boxes.nth(n).check()
    # The readiness check is an aid: ticking it does not finish the module.
    expect(lab.progress("unit")).to_have_text("This module: 0 of 1 exercises complete")

    lab.restart_kernel()
    boxes = lab.checkboxes("m07.readiness")
    expect(boxes).to_have_count(len(CONDITIONS))
    for n, box in enumerate(boxes.all()):
        expect(box).to_be_checked(checked=n in ticked)
    expect(lab.status("m07.readiness")).to_have_text("Your answers are back · saves automatically")


def test_homework_2_handover_standard_is_back_after_reopening(lab: Lab) -> None:
    lab.switch_to(HW2, "hw2.standard")
    standard = lab.exercise("hw2.standard")
    expect(standard.locator("h4")).to_have_text(SECTIONS)
    unit = lab.progress("unit")
    expect(unit).to_have_text("This homework: 0 of 1 exercises complete")
    with lab.saving("hw2.standard"):
        lab.write("hw2.standard", STANDARD)
    expect(unit).to_have_text("This homework: done ✓")

    lab.save_and_close(HW2)
    lab.server.clear()  # another day: a new kernel
    lab.reopen(HW2)
    areas = lab.exercise("hw2.standard").locator(".widget-textarea textarea")
    expect(areas).to_have_count(len(STANDARD))
    for area, text in zip(areas.all(), STANDARD, strict=True):
        expect(area).to_have_value(text)
    expect(lab.status("hw2.standard")).to_have_text("Your answers are back · saves automatically")
    expect(lab.progress("unit")).to_have_text("This homework: done ✓")

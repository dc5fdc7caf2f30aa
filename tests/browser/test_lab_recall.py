"""Module 5: list the eight dimensions from memory, reveal them, mark each, see what to internalise."""

from __future__ import annotations

import re

import pytest
from conftest import LEARNER, Lab
from playwright.sync_api import expect

from workbook import load_course
from workbook.store import ParquetStore, latest

pytestmark = pytest.mark.browser

_EXERCISE = load_course().chapters[0].exercise("m05.recall")
DIMENSIONS = _EXERCISE.items
NOTEBOOK = "module-05-core-differences.ipynb"
# One mark per dimension, in the course's order: two to go back to.
MARKS = ["Got it"] * 5 + ["Got it wrong", "Missed", "Got it"]
MARK_IDS = {"Got it": "got-it", "Got it wrong": "wrong", "Missed": "missed"}


def test_recall_check_end_to_end(lab: Lab) -> None:
    lab.switch_to(NOTEBOOK, "m05.recall")
    recall = lab.exercise("m05.recall")
    marks = recall.locator(".widget-toggle-buttons")
    expect(marks.first).to_be_hidden()  # nothing to peek at before writing
    # the module's own list of the dimensions: readable until the learner starts recalling it
    listed = lab.notebook.locator(".wb-recall-for-m05-recall li")
    expect(listed).to_have_count(len(DIMENSIONS))
    expect(listed.first).to_be_visible()
    with lab.saving("m05.recall"):
        lab.write("m05.recall", ["Goal: implementation vs growth. Stage. Focus. Duration."])
    expect(listed.first).to_be_hidden()  # "without looking back"

    recall.get_by_role("button", name="Reveal the list and check yourself").click()
    expect(listed.first).to_be_visible()
    expect(marks).to_have_count(len(DIMENSIONS))
    for dimension in DIMENSIONS:  # both sides of each, as the course sets them out
        for side in dimension.sides:
            expect(recall).to_contain_text(f"{side.label}: {side.text}")
    review = recall.locator(".wb-derived")
    expect(review).to_have_text(f"Mark each one: {len(DIMENSIONS)} of {len(DIMENSIONS)} left")
    expect(lab.progress("unit")).to_have_text("This module: 0 of 1 exercises complete")

    with lab.saving("m05.recall"):
        for group, mark in zip(marks.all(), MARKS, strict=True):
            button = group.get_by_role("button", name=re.compile(rf": {mark}$"))
            button.click()
            expect(button).to_have_class(re.compile(r"\bmod-active\b"))
    wanted = "To internalise: " + ", ".join(
        d.label for d, m in zip(DIMENSIONS, MARKS, strict=True) if m != "Got it"
    )
    expect(review).to_have_text(wanted)
    expect(lab.progress("unit")).to_have_text("This module: done ✓")

    lab.restart_kernel()  # the extension runs the cells again
    recall = lab.exercise("m05.recall")
    expect(recall.locator(".wb-derived")).to_have_text(wanted)
    for group, mark in zip(recall.locator(".widget-toggle-buttons").all(), MARKS, strict=True):
        expect(group.get_by_role("button", name=re.compile(rf": {mark}$"))).to_have_class(
            re.compile(r"\bmod-active\b")
        )
    saved = latest(ParquetStore(lab.server.store).history("local", LEARNER))
    assert {d.id: saved[("m05.recall", "", d.id)].value for d in DIMENSIONS} == {
        d.id: MARK_IDS[m] for d, m in zip(DIMENSIONS, MARKS, strict=True)
    }

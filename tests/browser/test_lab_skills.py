"""Module 3: score the eight skills, write the reflection, and find it all again."""

from __future__ import annotations

import re

import pytest
from conftest import Lab
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

NOTEBOOK = "module-03-onboarding-team.ipynb"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"

# Each test scores every skill differently from every other test (position by position), so
# each edit changes a value whichever test ran before: the tests share one learner's store.
# skills: Patience, Communication, Training, Technical, Problem-solving, Organisational,
# Customer empathy, Attention to detail


def open_module(lab: Lab) -> None:
    lab.switch_to(NOTEBOOK, "m03.skills", "m03.skill-actions")


def answer_everything(lab: Lab, scores: list[int], actions: list[str]) -> None:
    with lab.saving("m03.skills"):
        lab.score_sliders("m03.skills", scores)
    with lab.saving("m03.skill-actions"):
        lab.write("m03.skill-actions", actions)


def expect_answers(
    lab: Lab, scores: list[int], actions: list[str], lowest: tuple[str, str]
) -> None:
    skills = lab.exercise("m03.skills")
    expect(skills.locator(".widget-slider .widget-readout")).to_have_text([str(s) for s in scores])
    areas = lab.exercise("m03.skill-actions").locator(".widget-textarea textarea")
    expect(areas).to_have_count(len(actions))
    for area, text in zip(areas.all(), actions, strict=True):
        expect(area).to_have_value(text)
    for exercise_id in ("m03.skills", "m03.skill-actions"):
        expect(lab.status(exercise_id)).to_have_text("Your answers are back · saves automatically")
    expect(lab.exercise("m03.skill-actions").locator(".wb-derived")).to_have_text(
        f"Your two lowest skills: {lowest[0]} and {lowest[1]}"
    )
    expect(lab.progress("unit")).to_have_text("This module: done ✓")


def test_score_and_reflect_saves_and_names_the_two_lowest(lab: Lab) -> None:
    open_module(lab)
    actions = lab.exercise("m03.skill-actions")
    derived = actions.locator(".wb-derived")
    expect(derived).to_contain_text("Score every item")
    areas = actions.locator(".widget-textarea textarea")
    expect(areas).to_have_count(2)

    with lab.saving("m03.skill-actions"):
        areas.nth(0).press_sequentially("Pair with a trainer twice a week")
    with lab.saving("m03.skills"):
        lab.score_sliders("m03.skills", [7, 8, 3, 6, 9, 2, 10, 5])
        expect(derived).to_have_text(
            "Your two lowest skills: Organisational skills and Training ability"
        )
    expect(derived.locator("b")).to_have_text(["Organisational skills", "Training ability"])
    expect(actions.locator(".wb-row-label")).to_have_text(
        [
            "Your lowest skill: Organisational skills",
            "Your second-lowest skill: Training ability",
        ]
    )
    unit = lab.progress("unit")
    expect(unit).to_have_text("This module: 1 of 2 exercises complete")

    with lab.saving("m03.skill-actions"):
        areas.nth(1).fill("Write a one-page checklist for every new account")
    expect(unit).to_have_text("This module: done ✓")
    expect(lab.progress("summary")).to_have_text("1 / 11 · 9%")
    expect(lab.notebook.locator(".wb-problem")).to_have_count(0)


def test_restart_kernel_brings_every_answer_back(lab: Lab) -> None:
    scores = [4, 2, 9, 8, 6, 7, 5, 3]
    actions = ["Shadow the best writer on the team", "Proof-read every welcome email"]
    open_module(lab)
    answer_everything(lab, scores, actions)

    lab.restart_kernel()  # the extension runs the cells again: no Run all
    assert lab.execution_counts()[0] == 1, "the cells did not run in a new kernel"
    expect_answers(lab, scores, actions, ("Communication skills", "Attention to detail"))


@pytest.mark.parametrize("kernel", ["kept running", "shut down"], ids=["same-kernel", "next-day"])
def test_close_and_reopen_shows_no_dead_widgets_and_restores(lab: Lab, kernel: str) -> None:
    scores, actions, lowest = {
        "kept running": (
            [9, 5, 6, 2, 8, 4, 7, 10],
            ["Ask an engineer to explain one integration a week", "Keep a glossary"],
            ("Technical understanding", "Organisational skills"),
        ),
        "shut down": (
            [6, 9, 8, 4, 3, 10, 2, 7],
            ["Ask every customer how the first week felt", "Write down three hard cases"],
            ("Customer empathy", "Problem-solving skills"),
        ),
    }[kernel]
    open_module(lab)
    answer_everything(lab, scores, actions)
    lab.save_and_close(NOTEBOOK)
    saved = lab.server.api("GET", f"/api/contents/{NOTEBOOK}")["content"]
    assert not [
        o for c in saved["cells"] for o in c.get("outputs", []) if WIDGET_VIEW in o["data"]
    ], "the saved notebook still holds widget views"
    if kernel == "shut down":  # the learner comes back another day
        lab.server.clear()

    lab.reopen(NOTEBOOK)  # the extension runs it: no Run all
    expect(lab.run_all_banner()).not_to_be_visible()
    expect_answers(lab, scores, actions, lowest)
    dead = lab.page.get_by_text(re.compile("Error displaying widget|model not found", re.I))
    expect(dead).to_have_count(0)

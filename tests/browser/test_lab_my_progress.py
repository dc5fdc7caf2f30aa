"""Retaking the skills as Last day, then seeing both snapshots drawn on "My progress"."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import Lab
from playwright.sync_api import expect

from workbook.learner.widgets.parts import NOT_SCORED

pytestmark = pytest.mark.browser

MODULE = "module-03-onboarding-team.ipynb"
# skills: Patience, Communication, Training, Technical, Problem-solving, Organisational,
# Customer empathy, Attention to detail
FIRST = [7, 8, 3, 6, 9, 2, 10, 5]  # lowest: Organisational skills, Training ability
LAST = [9, 9, 8, 4, 9, 7, 10, 6]  # lowest: Technical understanding, Attention to detail
FIRST_ACTIONS = ["Plan each week on Monday", "Teach back after every demo"]
SCREENSHOT = Path(__file__).resolve().parents[2] / "test-artifacts" / "my-progress.png"


def _derived(lab: Lab, lowest: tuple[str, str], note: str) -> None:
    actions = lab.exercise("m03.skill-actions")
    expect(actions.locator(".wb-derived")).to_have_text(
        f"Your two lowest skills: {lowest[0]} and {lowest[1]}"
    )
    expect(actions.locator(".wb-derived-note")).to_have_text(note)
    expect(actions.locator(".wb-row-label")).to_have_text(
        [f"Your lowest skill: {lowest[0]}", f"Your second-lowest skill: {lowest[1]}"]
    )


def _score_some(lab: Lab, scores: list[int]) -> None:
    """The first len(scores) sliders, from unscored, one arrow key per step."""
    sliders = lab.exercise("m03.skills").locator(".widget-slider")
    for n, target in enumerate(scores):
        handle = sliders.nth(n).locator(".noUi-handle")
        handle.focus()
        for _ in range(target):
            handle.press("ArrowRight")
        expect(sliders.nth(n).locator(".widget-readout")).to_have_text(str(target))


def _actions(lab: Lab) -> list[str]:
    areas = lab.exercise("m03.skill-actions").locator(".widget-textarea textarea")
    return [a.input_value() for a in areas.all()]


def test_a_retake_never_mixes_snapshots_and_both_are_drawn(lab: Lab) -> None:
    lab.switch_to(MODULE, "m03.skills", "m03.skill-actions")
    skills = lab.exercise("m03.skills")
    guide, menu = skills.locator(".wb-snapshot-guide"), skills.locator(".wb-snapshot select")
    expect(guide).to_have_text(
        "Score yourself now as First day · you retake it as Last day at the end of the course"
        " to see how you moved."
    )

    with lab.saving("m03.skills"):
        lab.score_sliders("m03.skills", FIRST)
    with lab.saving("m03.skill-actions"):
        lab.write("m03.skill-actions", FIRST_ACTIONS)
    expect(guide).to_have_text(
        "You scored this on First day · retake it as Last day at the end of the course"
    )
    first_day = ("Organisational skills", "Training ability")
    _derived(lab, first_day, "From your First day scores")

    # Last day: the sliders start empty, each with the First day score beside it.
    menu.select_option(label="Last day")
    readouts = skills.locator(".widget-slider .widget-readout")
    expect(readouts).to_have_text([NOT_SCORED] * 8)
    expect(skills.locator(".wb-earlier")).to_have_text([f"First day: {s}" for s in FIRST])
    expect(lab.status("m03.skills")).to_have_text(
        "Not scored yet as Last day · saves automatically"
    )

    # A partial retake is in progress: the two lowest and their actions stay the First day's.
    with lab.saving("m03.skills"):
        _score_some(lab, LAST[:3])
    expect(guide).to_contain_text("Last day in progress · 3 of 8 scored")
    expect(menu.locator("option:checked")).to_have_text("Last day · 3 of 8 scored")
    _derived(
        lab,
        first_day,
        "From your First day scores · Last day in progress: this follows it once it is complete",
    )
    assert _actions(lab) == FIRST_ACTIONS

    # Coming back opens on the complete First day, not on a mostly blank Last day.
    lab.restart_kernel()  # the extension runs the notebook again by itself
    expect(menu.locator("option:checked")).to_have_text("First day ✓")
    expect(readouts).to_have_text([str(s) for s in FIRST])
    _derived(
        lab,
        first_day,
        "From your First day scores · Last day in progress: this follows it once it is complete",
    )

    # Finishing the retake moves the two lowest, with their own (empty) action rows.
    menu.select_option(label="Last day · 3 of 8 scored")
    expect(readouts).to_have_text([str(s) for s in LAST[:3]] + [NOT_SCORED] * 5)
    with lab.saving("m03.skills"):
        lab.score_sliders("m03.skills", LAST)
    expect(guide).to_have_text("You scored this on First day and Last day")
    _derived(lab, ("Technical understanding", "Attention to detail"), "From your Last day scores")
    assert _actions(lab) == ["", ""]

    # My progress draws both snapshots.
    lab.switch_to("my-progress.ipynb")
    across = lab.notebook.locator(".wb-chart-m03-skills-across-snapshots svg")
    expect(across.locator("text", has_text="First day").first).to_be_attached()
    expect(across.locator("text", has_text="Last day").first).to_be_attached()
    change = lab.notebook.locator(".wb-chart-m03-skills-first-vs-last svg text")
    # training ability 3 → 8 and organisational skills 2 → 7
    expect(change.filter(has_text=re.compile(r"^\+5$"))).to_have_count(2)
    latest = lab.notebook.locator(".wb-chart-m03-skills-latest-scores svg text")
    expect(latest.filter(has_text="Latest scores · Last day")).to_have_count(1)
    expect(lab.notebook.locator(".wb-next")).to_contain_text("Next: Module 1")
    expect(lab.notebook.locator(".wb-problem")).to_have_count(0)

    # The screenshot the README shows (taken on every run, so it stays true to the product).
    SCREENSHOT.parent.mkdir(exist_ok=True)
    lab.command("application:toggle-left-area")  # the file browser: not what this shows
    lab.notebook.locator(".wb-next").evaluate("(el) => el.scrollIntoView({block: 'start'})")
    lab.page.screenshot(path=SCREENSHOT)

    # At 800 px (the file browser open) a chart keeps its labels readable: it scrolls sideways
    # inside its own box rather than shrinking its text to ~8 px.
    lab.command("application:toggle-left-area")
    lab.page.set_viewport_size({"width": 800, "height": 1000})
    heights = latest.evaluate_all(
        "(texts) => texts.map((t) => t.getBoundingClientRect().height).filter((h) => h > 0)"
    )
    assert heights and min(heights) >= 11, heights

"""Widgets that look designed: the audit grid, clickable checklist labels, unscored sliders,
text areas that wrap and grow; at 1400 and at 800 px wide."""

from __future__ import annotations

import re

import pytest
from conftest import ARTIFACTS, Lab
from playwright.sync_api import Locator, expect

from workbook import load_course
from workbook.learner.widgets.parts import NOT_SCORED

pytestmark = pytest.mark.browser

_CHAPTER = load_course().chapters[0]
_AUDIT = _CHAPTER.exercise("m06.audit")
# rows: handovers; columns: areas in course order. Averages 4.0 3.7 1.7 4.7 2.0
M06 = [[4, 3, 1, 5, 2], [5, 4, 2, 4, 3], [3, 4, 2, 5, 1]]
AVERAGES = ["4.0", "3.7", "1.7", "4.7", "2.0"]
# The same learner's later audit (every cell changed, so each save is seen): averages
# 3.7 4.0 1.3 4.3 1.7, lowest again the third area.
RETAKE = [[3, 4, 2, 4, 1], [4, 5, 1, 5, 2], [4, 3, 1, 4, 2]]
RETAKE_AVERAGES = ["3.7", "4.0", "1.3", "4.3", "1.7"]
LOWEST = _AUDIT.columns[2].label
ACTIVE = re.compile(r"\bmod-active\b")


def cells(matrix: list[list[int]]) -> dict[str, int]:
    return {
        f"{row.id}/{col.id}": matrix[r][c]
        for r, row in enumerate(_AUDIT.rows)
        for c, col in enumerate(_AUDIT.columns)
    }


def shot(lab: Lab, name: str) -> None:
    """For looking at: test-artifacts/design/<name>-<width>.png."""
    folder = ARTIFACTS / "design"
    folder.mkdir(parents=True, exist_ok=True)
    width = lab.page.viewport_size["width"]
    lab.page.screenshot(path=folder / f"{name}-{width}.png")


def no_sideways_scroll(locator: Locator) -> None:
    overflow = locator.evaluate("(el) => el.scrollWidth - el.clientWidth")
    assert overflow <= 1, f"{overflow}px wider than its box"


def test_audit_grid_marks_the_choice_and_averages_each_area(lab: Lab) -> None:
    lab.switch_to("module-06-coordination.ipynb", "m06.audit")
    audit = lab.exercise("m06.audit")
    expect(audit.locator(".wb-grid-item")).to_have_text([c.label for c in _AUDIT.columns])
    expect(audit.locator(".wb-grid-average")).to_have_text(["–"] * 5)

    first = lab.grid_cell("m06.audit", f"{_AUDIT.rows[0].id}/{_AUDIT.columns[0].id}")
    with lab.saving("m06.audit"):
        lab.score_button("m06.audit", f"{_AUDIT.rows[0].id}/{_AUDIT.columns[0].id}", 4).click()
    buttons = first.locator("button")
    expect(buttons.nth(3)).to_have_class(ACTIVE)
    expect(first.locator("button.mod-active")).to_have_count(1)
    chosen, other = (
        b.evaluate("(el) => getComputedStyle(el).backgroundColor")
        for b in (buttons.nth(3), buttons.nth(0))
    )
    assert chosen != other and chosen not in ("rgba(0, 0, 0, 0)", "rgb(255, 255, 255)")
    expect(audit.locator(".wb-grid-average").first).to_have_text("4.0")

    with lab.saving("m06.audit"):
        lab.score_cells("m06.audit", cells(M06))
    expect(audit.locator(".wb-average")).to_have_text(AVERAGES)
    lowest = audit.locator(".wb-grid-average", has=lab.page.locator(".wb-lowest-tag"))
    expect(lowest).to_have_count(1)
    expect(lowest).to_contain_text("1.7")
    # the grid's row order is the areas': the tagged average sits on the lowest area's line
    items = audit.locator(".wb-grid-item")
    tag_y = lowest.bounding_box()["y"]
    assert abs(items.nth(2).bounding_box()["y"] - tag_y) < 20, LOWEST
    no_sideways_scroll(audit)
    shot(lab, "audit-grid")


def test_homework_3_starts_from_the_module_6_audit(lab: Lab) -> None:
    lab.switch_to("module-06-coordination.ipynb", "m06.audit")
    with lab.saving("m06.audit"):
        lab.score_cells("m06.audit", cells(RETAKE))

    lab.switch_to("homework-3-coordination-audit.ipynb", "hw3.audit", "hw3.plan")
    audit = lab.exercise("hw3.audit")
    start = audit.get_by_role("button", name="Start from my answers in Module 6")
    expect(start).to_be_visible()
    expect(audit.locator("button.mod-active")).to_have_count(0)
    with lab.saving("hw3.audit"):
        start.click()
    expect(start).to_be_hidden()
    for key, score in cells(RETAKE).items():
        expect(lab.grid_cell("hw3.audit", key).locator("button.mod-active")).to_have_text(
            str(score)
        )
    expect(audit.locator(".wb-average")).to_have_text(RETAKE_AVERAGES)
    expect(lab.exercise("hw3.plan").locator(".wb-derived")).to_contain_text(LOWEST)


def test_a_retake_keeps_the_whole_grid_in_view(lab: Lab) -> None:
    """Last day beside the First day scores at 1400 px: the Average column is not pushed out
    behind a scrollbar (the earlier score sits under each cell's buttons)."""
    lab.switch_to("module-06-coordination.ipynb", "m06.audit")
    with lab.saving("m06.audit"):
        lab.score_cells("m06.audit", cells(M06))
    audit = lab.exercise("m06.audit")
    audit.locator("select").first.select_option(label="Last day")
    expect(audit.locator(".wb-earlier").first).to_have_text("First day: 4")
    no_sideways_scroll(audit)
    for box in audit.locator(".wb-grid").all():
        no_sideways_scroll(box)
    expect(audit.locator(".wb-grid-head").last).to_be_in_viewport()
    average = audit.locator(".wb-grid-head").last.bounding_box()
    grid = audit.locator(".wb-grid").bounding_box()
    assert average["x"] + average["width"] <= grid["x"] + grid["width"] + 1
    shot(lab, "audit-grid-last-day")


def test_a_checklist_ticks_when_its_label_is_clicked(lab: Lab) -> None:
    lab.switch_to("module-07-handover-process.ipynb", "m07.readiness")
    for box in [
        lab.exercise("m07.readiness"),
        *lab.exercise("m07.readiness").locator(".widget-vbox").all(),
    ]:
        no_sideways_scroll(box)  # the widget margins once made every checklist scroll 4 px
    label = _CHAPTER.exercise("m07.readiness").items[2].label
    with lab.saving("m07.readiness"):
        lab.exercise("m07.readiness").get_by_text(label, exact=True).click()
    boxes = lab.checkboxes("m07.readiness")
    for n, box in enumerate(boxes.all()):
        expect(box).to_be_checked(checked=n == 2)


def test_sliders_say_not_scored_yet_and_text_wraps_in_a_proportional_font(lab: Lab) -> None:
    lab.switch_to("module-03-onboarding-team.ipynb", "m03.skills", "m03.skill-actions")
    readouts = lab.exercise("m03.skills").locator(".widget-readout")
    expect(readouts).to_have_count(len(_CHAPTER.exercise("m03.skills").items))
    for readout in readouts.all():
        expect(readout).to_have_text(NOT_SCORED)
    with lab.saving("m03.skills"):
        lab.exercise("m03.skills").locator(".noUi-handle").first.focus()
        lab.page.keyboard.press("ArrowRight")
    expect(readouts.first).to_have_text("1")
    expect(readouts.nth(1)).to_have_text(NOT_SCORED)
    area = lab.exercise("m03.skill-actions").locator("textarea").first
    font = area.evaluate("(el) => getComputedStyle(el).fontFamily")
    assert "mono" not in font.lower(), font
    before = area.bounding_box()["height"]
    long = " ".join(["Ask the account manager to join the last onboarding call"] * 12)
    with lab.saving("m03.skill-actions"):
        area.fill(long + "\n" + "x" * 400)  # one unbroken 400-character word, too
    no_sideways_scroll(area)
    assert area.bounding_box()["height"] > 2 * before
    assert area.evaluate("(el) => el.scrollHeight - el.clientHeight") <= 1  # grown, not scrolled
    no_sideways_scroll(lab.exercise("m03.skill-actions"))
    shot(lab, "module-03")


@pytest.mark.parametrize("width", [800])
def test_narrow_window_stacks_the_grid_without_sideways_scroll(lab: Lab, width: int) -> None:
    lab.page.set_viewport_size({"width": width, "height": 1000})
    lab.switch_to("module-06-coordination.ipynb", "m06.audit")
    lab.command("application:toggle-left-area")  # the widest an 800 px notebook gets
    audit = lab.exercise("m06.audit")
    expect(audit.locator(".wb-grid-caption").first).to_be_visible()
    expect(audit.locator(".wb-grid-head").first).to_be_hidden()
    no_sideways_scroll(audit)
    shot(lab, "audit-grid")

"""Accessibility of our own content: axe-core (WCAG 2.0/2.1 A and AA) on every workbook page in
JupyterLab and in `workbook app`, and on the exported HTML; every app page narrowed to 320 px
without sideways scrolling; the names every control kind is announced with; the keyboard alone
reaching and operating the exercises.

axe is scoped to what the workbook draws (the notebook's outputs in Lab, the page's outputs in
the app): JupyterLab's own chrome has violations that are not ours (see the README).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

import pytest
from conftest import LEARNER, JupyterServer, Lab, serious
from playwright.sync_api import Page, expect
from seed import COHORT, seed

from workbook import load_course
from workbook.course.generate import notebook_name
from workbook.export import render_as
from workbook.export.formats import Source
from workbook.store import ParquetStore, latest

pytestmark = pytest.mark.browser

_CHAPTER = load_course().chapters[0]
PAGES = ["index.ipynb", *(notebook_name(u) for u in _CHAPTER.units), "my-progress.ipynb"]
TODAY = dt.date(2026, 12, 7)


@pytest.mark.parametrize("notebook", PAGES)
def test_no_serious_violation_in_the_lab(lab: Lab, notebook: str) -> None:
    lab.switch_to(notebook)
    expect(lab.notebook.locator(".jp-OutputArea .widget-box").first).to_be_visible()
    lab.page.wait_for_timeout(500)  # the last outputs settle (names are set as they arrive)
    shown = ".jp-NotebookPanel:not(.lm-mod-hidden)"
    assert serious(lab.page, f"{shown} .jp-OutputArea", f"{shown} .jp-MarkdownOutput") == []


@pytest.fixture(scope="module")
def app(jupyter_servers: Callable[..., JupyterServer]) -> JupyterServer:
    return jupyter_servers("a11y-app", app=True)


@pytest.mark.parametrize("notebook", PAGES)
def test_no_serious_violation_in_the_app_and_it_reflows_at_320_px(
    app: JupyterServer, page: Page, notebook: str
) -> None:
    page.goto(f"{app.url}/voila/render/{notebook}?token={app.token}")
    expect(page.locator(".widget-box").first).to_be_visible()
    page.wait_for_timeout(500)
    assert serious(page, "body") == []

    # Reflow (WCAG 1.4.10): the same page narrowed to 320 CSS px, as zooming to 400 % makes it.
    page.set_viewport_size({"width": 320, "height": 800})
    page.evaluate("() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))")
    wide = page.evaluate(
        """() => [...document.querySelectorAll('.wb-exercise *, .wb-progress *')]
            .filter((el) => el.getBoundingClientRect().right > innerWidth + 1
                && !el.closest('.wb-chart'))
            .map((el) => el.className + ' ' + Math.round(el.getBoundingClientRect().right))"""
    )
    assert wide == []
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 321


def test_no_serious_violation_in_the_exported_html(
    page: Page, tmp_path_factory: pytest.TempPathFactory
) -> None:
    seeded = seed(tmp_path_factory.mktemp("store"))
    source = Source.read(ParquetStore(seeded.root), seeded.course, COHORT, "ada", TODAY)
    path = tmp_path_factory.mktemp("export") / "workbook.html"
    path.write_bytes(render_as(source, "html"))
    page.goto(path.as_uri())
    assert page.locator("html").get_attribute("lang") == "en"
    assert serious(page, "body") == []


# ---- names: what a screen reader announces ---------------------------------------------------


def test_every_control_kind_is_named_for_what_it_is(lab: Lab) -> None:
    lab.switch_to("module-03-onboarding-team.ipynb")
    skills = lab.exercise("m03.skills")
    expect(skills.get_by_role("slider", name="Patience, 1 to 10")).to_have_attribute(
        "aria-valuetext", "not scored yet"
    )
    expect(lab.exercise("m03.skill-actions").get_by_role("textbox").first).to_have_accessible_name(
        re.compile(r"^Lift your two lowest · Your lowest skill")
    )
    expect(lab.notebook.locator(".wb-progress").get_by_role("progressbar")).to_have_accessible_name(
        "0 of 11 done"
    )
    lab.switch_to("my-progress.ipynb")
    chart = lab.notebook.locator(".wb-chart-m03-skills-latest-scores").get_by_role("img")
    expect(chart).to_have_accessible_name(re.compile(r"^Score your eight onboarding skills"))
    lab.switch_to("module-06-coordination.ipynb")
    expect(
        lab.exercise("m06.audit").get_by_role(
            "button", name="Escalation Management, Handover 2: 3 of 5", exact=True
        )
    ).to_have_attribute("aria-pressed", "false")
    lab.switch_to("module-05-core-differences.ipynb")
    recall = lab.exercise("m05.recall")
    expect(
        recall.get_by_role("button", name="Reveal the list and check yourself")
    ).to_have_attribute("aria-pressed", "false")
    with lab.saving("m05.recall"):
        recall.get_by_role("button", name="Reveal the list and check yourself").click()
    expect(recall.get_by_role("group", name="Primary Goal")).to_have_count(1)
    expect(recall.get_by_role("button", name="Primary Goal: Missed")).to_have_attribute(
        "aria-pressed", "false"
    )
    lab.switch_to("module-07-handover-process.ipynb")
    expect(
        lab.exercise("m07.readiness").get_by_role(
            "checkbox", name=_CHAPTER.exercise("m07.readiness").items[0].label
        )
    ).to_be_visible()
    lab.switch_to("module-08-mistakes-and-practices.ipynb")
    expect(lab.exercise("m08.mistake").get_by_role("radiogroup")).to_have_accessible_name(
        _CHAPTER.exercise("m08.mistake").title
    )
    plan = lab.exercise("m08.plan")
    for field in ("Action", "Deliverable", "Accountability partner"):
        expect(plan.get_by_label(re.compile(rf"· {field}$")).first).to_be_attached()
    expect(plan.get_by_label("By when", exact=True).first).to_be_attached()
    expect(plan.locator(".wb-status")).to_have_attribute("aria-live", "polite")


# ---- the keyboard alone ----------------------------------------------------------------------


def _tab_to(lab: Lab, selector: str, limit: int = 400) -> None:
    """Tab until focus is inside `selector`, the way a keyboard user gets there."""
    for _ in range(limit):
        lab.page.keyboard.press("Tab")
        if lab.page.evaluate("(s) => !!document.activeElement?.closest(s)", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


def test_the_keyboard_alone_answers_modules_3_5_6_and_8(lab: Lab) -> None:
    lab.switch_to("module-03-onboarding-team.ipynb")
    _tab_to(lab, ".wb-ex-m03-skills [role=slider]")
    ring = lab.page.evaluate("() => getComputedStyle(document.activeElement).outlineWidth")
    assert ring in ("2px", "3px"), ring
    with lab.saving("m03.skills"):
        for _ in range(3):
            lab.page.keyboard.press("ArrowRight")
    lab.page.keyboard.press("Tab")  # the next slider, not the readout
    assert lab.page.evaluate("() => document.activeElement.getAttribute('role')") == "slider"

    lab.switch_to("module-06-coordination.ipynb")
    _tab_to(lab, ".wb-ex-m06-audit .widget-toggle-button")
    with lab.saving("m06.audit"):
        lab.page.keyboard.press("ArrowRight")
        lab.page.keyboard.press("Enter")

    lab.switch_to("module-08-mistakes-and-practices.ipynb")
    _tab_to(lab, ".wb-ex-m08-mistake input[type=radio]")
    with lab.saving("m08.mistake"):
        lab.page.keyboard.press("Space")
    with lab.saving("m08.mistake"):
        lab.page.keyboard.press("ArrowDown")  # the next option, not JupyterLab's next cell
    expect(lab.exercise("m08.mistake").locator("input[type=radio]").nth(1)).to_be_checked()

    lab.switch_to("module-05-core-differences.ipynb")
    _tab_to(lab, ".wb-ex-m05-recall textarea")
    with lab.saving("m05.recall"):
        lab.page.keyboard.type("Goal, stage, focus")
    revealed = lab.server.answers("m05.recall").get("revealed") is True  # another test's
    lab.page.keyboard.press("Tab")
    with lab.saving("m05.recall"):
        lab.page.keyboard.press("Enter")  # the reveal toggle

    saved = latest(ParquetStore(lab.server.store).history("local", LEARNER))
    assert saved[("m03.skills", "first-day", "patience")].value == 3
    assert (
        saved[("m08.mistake", "", "choice")].value == _CHAPTER.exercise("m08.mistake").items[1].id
    )
    assert saved[("m05.recall", "", "recall")].value == "Goal, stage, focus"
    assert saved[("m05.recall", "", "revealed")].value is not revealed
    assert any(k[0] == "m06.audit" for k in saved)

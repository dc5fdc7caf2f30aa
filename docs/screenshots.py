"""The README's screenshots, taken in a real JupyterLab in headless Chromium.

    .venv/bin/python docs/screenshots.py

Starts a throwaway server (its own notebooks copy and empty store) with the browser tests'
harness, answers as a learner would, and writes docs/module-03.png, docs/audit-grid.png, the
Last day retake of the audit beside the First day scores (docs/audit-grid-last-day.png) and the
readiness checklist (docs/checklist.png) at 1400 px wide, and docs/audit-grid-800.png at 800 px.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import Page, expect, sync_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "browser"))

import conftest  # noqa: E402
from conftest import CHROMIUM, CHROMIUM_ARGS, JupyterServer, Lab  # noqa: E402
from servers import free_port  # noqa: E402

from workbook import load_course  # noqa: E402

DOCS = ROOT / "docs"
# Not a test: on a busy machine, wait longer rather than fail.
conftest.TIMEOUT_MS = 180_000
expect.set_options(timeout=conftest.TIMEOUT_MS)
SKILLS = [6, 8, 4, 7, 8, 3, 9, 6]
AUDIT = [[4, 3, 1, 5, 2], [5, 4, 2, 4, 3], [3, 4, 2, 5, 1]]


def at_top(lab: Lab, exercise_id: str) -> None:
    """Scroll the exercise's prompt to the top of the notebook, sidebar closed."""
    lab.exercise(exercise_id).evaluate(
        """(el) => el.closest('.jp-Cell').previousElementSibling.scrollIntoView({block: 'start'})"""
    )
    lab.page.wait_for_timeout(500)


def module_3(page: Page, server: JupyterServer) -> None:
    lab = Lab(page, server)
    lab.switch_to("module-03-onboarding-team.ipynb", "m03.skills", "m03.skill-actions")
    lab.command("application:toggle-left-area")
    with lab.saving("m03.skills"):
        lab.score_sliders("m03.skills", SKILLS)
    with lab.saving("m03.skill-actions"):
        lab.write("m03.skill-actions", ["A weekly planning review with my team lead", ""])
    at_top(lab, "m03.skills")
    page.screenshot(path=DOCS / "module-03.png")


def audit(page: Page, server: JupyterServer, width: int) -> None:
    lab = Lab(page, server)
    lab.switch_to("module-06-coordination.ipynb", "m06.audit")
    lab.command("application:toggle-left-area")
    ex = load_course().chapters[0].exercise("m06.audit")
    cells = {
        f"{row.id}/{col.id}": AUDIT[r][c]
        for r, row in enumerate(ex.rows)
        for c, col in enumerate(ex.columns)
    }
    if width == 1400:
        with lab.saving("m06.audit"):
            lab.score_cells("m06.audit", cells)
    expect(lab.exercise("m06.audit").locator(".wb-lowest-tag")).to_have_count(1)
    at_top(lab, "m06.audit")
    name = "audit-grid.png" if width == 1400 else f"audit-grid-{width}.png"
    lab.exercise("m06.audit").screenshot(path=DOCS / name)


def audit_last_day(page: Page, server: JupyterServer) -> None:
    """Module 6 retaken as Last day, the First day scores under each cell (the audit scored by
    :func:`audit` before)."""
    lab = Lab(page, server)
    lab.switch_to("module-06-coordination.ipynb", "m06.audit")
    lab.command("application:toggle-left-area")
    exercise = lab.exercise("m06.audit")
    exercise.locator("select").first.select_option(label="Last day")
    expect(exercise.locator(".wb-earlier").first).to_have_text("First day: 4")
    with lab.saving("m06.audit"):
        lab.score_cells("m06.audit", {"handover-1/shared-customer-information": 5})
    at_top(lab, "m06.audit")
    exercise.screenshot(path=DOCS / "audit-grid-last-day.png")


def checklist(page: Page, server: JupyterServer) -> None:
    lab = Lab(page, server)
    lab.switch_to("module-07-handover-process.ipynb", "m07.readiness")
    lab.command("application:toggle-left-area")
    items = load_course().chapters[0].exercise("m07.readiness").items
    with lab.saving("m07.readiness"):
        for item in items[:3]:
            lab.exercise("m07.readiness").get_by_text(item.label, exact=True).click()
    at_top(lab, "m07.readiness")
    lab.exercise("m07.readiness").screenshot(path=DOCS / "checklist.png")


def main() -> None:
    DOCS.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        server = JupyterServer("docs", Path(tmp), free_port(), os.urandom(16).hex())
        server.start()
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
                )
                for width, shoot in [
                    (1400, module_3),
                    (1400, lambda p, s: audit(p, s, 1400)),
                    (800, lambda p, s: audit(p, s, 800)),
                    (1400, audit_last_day),
                    (1400, checklist),
                ]:
                    page = browser.new_page(viewport={"width": width, "height": 1000})
                    page.set_default_timeout(conftest.TIMEOUT_MS)
                    shoot(page, server)
                    page.close()
                    server.clear()
                browser.close()
        finally:
            server.stop()


if __name__ == "__main__":
    main()

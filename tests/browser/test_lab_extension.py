"""The workbook JupyterLab extension, as a learner meets it: notebooks that run themselves.

No test here calls Run all: opening, reopening and restarting must bring the widgets back alone.
"""

from __future__ import annotations

import shutil
import subprocess
import time

import pytest
from conftest import ROOT, Lab
from playwright.sync_api import Dialog, expect

from workbook import load_course
from workbook.course.generate import render

pytestmark = pytest.mark.browser

NOTEBOOK = "module-04-account-management-team.ipynb"
EXERCISE = "m04.gap"


def _answer(lab: Lab, exercise_id: str) -> object:
    """What the learner's store holds for a free-text exercise (None when nothing)."""
    return lab.server.answers(exercise_id).get("text")


def test_a_module_opened_fresh_shows_its_widgets_and_saved_answers(lab: Lab) -> None:
    lab.server.save_answer(EXERCISE, "text", "They never hear about the first week")
    lab.switch_to(NOTEBOOK)
    area = lab.exercise(EXERCISE).locator(".widget-textarea textarea")
    expect(area).to_have_value("They never hear about the first week")

    # A course page: no prompts, no code, no "Click to add a cell", no Run all hint.
    notebook = lab.notebook
    expect(notebook.locator(".jp-InputPrompt:visible")).to_have_count(0)
    expect(notebook.locator(".jp-CodeCell .jp-InputArea:visible")).to_have_count(0)
    expect(notebook.locator(".jp-Notebook-footer:visible")).to_have_count(0)
    expect(notebook.locator(".jp-cell-toolbar:visible")).to_have_count(0)
    expect(lab.run_all_banner()).not_to_be_visible()
    unit = next(u for u in load_course().chapters[0].units if u.id == "m04")
    tab = lab.page.locator(".lm-DockPanel-tabBar .lm-TabBar-tab.lm-mod-current")
    expect(tab).to_have_attribute("data-wb-title", f"{unit.label} · {unit.title}")
    # Running the cells did not scroll to the end: the learner starts at the top.
    scrolled = notebook.locator(".jp-WindowedPanel-outer").evaluate("(el) => el.scrollTop")
    assert scrolled == 0

    # A double click on the course text does not open it for editing.
    heading = notebook.get_by_role("heading", name=unit.title, exact=True)
    heading.dblclick()
    expect(notebook.locator(".jp-MarkdownCell:not(.jp-mod-rendered)")).to_have_count(0)


def test_after_a_restart_widgets_come_back_and_nothing_typed_is_lost(lab: Lab) -> None:
    lab.switch_to(NOTEBOOK)
    area = lab.exercise(EXERCISE).locator(".widget-textarea textarea")
    with lab.saving(EXERCISE):
        area.fill("Before the restart")
    assert _answer(lab, EXERCISE) == "Before the restart"

    # Restart without the dialog, and type at once, while the kernel is away.
    typed = lab.page.evaluate(
        """() => {
            const panel = window.jupyterapp.shell.currentWidget;
            window.__wbRestart = panel.sessionContext.restartKernel();
            const area = panel.node.querySelector('.wb-ex-m04-gap textarea');
            area.focus();
            return {focused: document.activeElement === area,
                    paused: area.closest('[data-wb-paused]')?.getAttribute('data-wb-paused')};
        }"""
    )
    assert typed["paused"] and "paused" in typed["paused"], typed
    assert not typed["focused"], "an inert text area took the focus"
    lab.page.keyboard.type(" and during it")
    shown_during = area.input_value()
    expect(lab.notebook.locator("[data-wb-paused]:not(:empty)").first).to_be_visible()

    lab.page.evaluate("() => window.__wbRestart")
    # The widgets come back by themselves, from the store, and can be used again.
    expect(area).to_be_editable()
    shown_after = area.input_value()
    stored = _answer(lab, EXERCISE)
    assert stored == shown_after
    if "during" in shown_during:
        assert stored is not None and "during" in str(stored), "a word typed was accepted, lost"
    else:
        assert "during" not in str(stored)
    with lab.saving(EXERCISE):
        area.fill("After the restart")
    assert _answer(lab, EXERCISE) == "After the restart"


def test_closing_a_worked_notebook_asks_nothing_and_shuts_its_kernel(lab: Lab) -> None:
    dialogs: list[str] = []

    def dismiss(dialog: Dialog) -> None:
        dialogs.append(dialog.type)
        dialog.dismiss()

    lab.page.on("dialog", dismiss)
    lab.switch_to(NOTEBOOK)
    area = lab.exercise(EXERCISE).locator(".widget-textarea textarea")
    with lab.saving(EXERCISE):
        area.fill("Closing without a question")
    assert lab.server.api("GET", "/api/kernels")
    lab.command("application:close")
    expect(lab.page.locator(".jp-Dialog")).to_have_count(0)
    lab.page.wait_for_function(
        "() => !window.jupyterapp.shell.currentWidget?.context",
        timeout=10_000,
    )
    lab.page.wait_for_timeout(500)
    expect(lab.page.locator(".jp-Dialog")).to_have_count(0)
    lab.server.wait_for(lambda: not lab.server.api("GET", "/api/kernels"), "kernel shut down")

    # Reopen, work, and leave the page: no "Leave site?".
    lab.reopen(NOTEBOOK)
    expect(area).to_have_value("Closing without a question")
    lab.page.close(run_before_unload=True)
    time.sleep(0.5)  # a beforeunload dialog would have been raised by now
    assert dialogs == [], f"the browser asked before leaving: {dialogs}"


def test_a_session_leaves_the_notebooks_as_generated(lab: Lab) -> None:
    served = lab.server.root
    shutil.copy(ROOT / ".gitignore", served)  # the repository's rules (Jupyter's checkpoints)
    subprocess.run(["git", "init", "-q"], cwd=served, check=True)
    subprocess.run(["git", "add", "."], cwd=served, check=True)
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "as pulled"],
        cwd=served,
        check=True,
    )
    for name in ("index.ipynb", NOTEBOOK, "module-03-onboarding-team.ipynb"):
        lab.switch_to(name)
        expect(lab.notebook.locator(".wb-exercise, .wb-progress").first).to_be_visible()
        lab.command("docmanager:save")  # the worst case: an explicit save after running
    status = subprocess.run(
        ["git", "status", "--porcelain"], cwd=served, check=True, capture_output=True, text=True
    ).stdout
    assert status == "", status
    generated = {nb.name: nb.text for nb in render(load_course())}
    for path in served.glob("*.ipynb"):
        assert path.read_text(encoding="utf-8") == generated[path.name], path.name

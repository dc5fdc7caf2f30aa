"""Coming back: a reload, a reopened browser and the index's links never show a broken widget.

A reload keeps the server's kernels, whose widget models the new page never received; a
reopened browser restores every tab of the last workspace; the index is followed back to a
unit already open.
"""

from __future__ import annotations

import pytest
from conftest import TIMEOUT_MS, Lab
from playwright.sync_api import Browser, Page, expect

from workbook import load_course
from workbook.course.generate import notebook_name

pytestmark = pytest.mark.browser

KEPT_KERNELS = 3  # labextension/src/index.ts
MODULE = "module-04-account-management-team.ipynb"
EXERCISE = "m04.gap"
UNITS = [notebook_name(unit) for unit in load_course().chapters[0].units]
# What the Lab shows when a widget's model is gone: none of it may reach the learner.
BROKEN = ("Click to show javascript error", "model not found", "Error displaying widget")


def wait_for_kernels(lab: Lab, most: int) -> None:
    lab.server.wait_for(
        lambda: len(lab.server.api("GET", "/api/kernels")) <= most, f"≤ {most} kernels"
    )


def assert_nothing_broken(page: Page) -> None:
    text = page.locator(".jp-NotebookPanel").all_inner_texts()
    for broken in BROKEN:
        assert not any(broken in t for t in text), broken
    expect(
        page.locator(".jp-NotebookPanel .jp-OutputArea-output[data-mime-type*=stderr]")
    ).to_have_count(0)


def open_tabs(page: Page) -> list[str]:
    return list(
        page.evaluate(
            "() => [...window.jupyterapp.shell.widgets('main')]"
            ".filter((w) => w.context).map((w) => w.context.path)"
        )
    )


def test_a_reload_brings_back_the_widgets_with_their_answers(lab: Lab) -> None:
    lab.switch_to(MODULE)
    area = lab.exercise(EXERCISE).locator(".widget-textarea textarea")
    with lab.saving(EXERCISE):
        area.fill("Written before the reload")

    for _ in range(2):  # the second reload finds a kernel the first one's page ran again
        lab.page.goto(f"{lab.server.url}/lab?token={lab.server.token}")
        lab.wait_for_notebook(MODULE)
        expect(area).to_have_value("Written before the reload")
        expect(area).to_be_editable()
        expect(lab.progress("unit")).to_be_visible()
        assert_nothing_broken(lab.page)
    with lab.saving(EXERCISE):
        area.fill("Written after the reload")
    assert lab.server.answers(EXERCISE)["text"] == "Written after the reload"


def test_a_reopened_browser_with_twelve_tabs_starts_only_the_kept_kernels(
    lab: Lab, browser: Browser
) -> None:
    notebooks = ["index.ipynb", *UNITS[:10], "my-progress.ipynb"]
    assert len(notebooks) == 12
    lab.switch_to(notebooks[0])
    for notebook in notebooks[1:]:
        lab.reopen(notebook)
    assert len(open_tabs(lab.page)) == 12
    wait_for_kernels(lab, KEPT_KERNELS)
    lab.page.wait_for_timeout(1500)  # the workspace is saved on the server (debounced)
    lab.page.context.close()

    # The next morning: a new browser on the same server, the workspace restored.
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        page = context.new_page()
        page.goto(f"{lab.server.url}/lab?token={lab.server.token}")
        page.wait_for_function(
            "() => window.jupyterapp?.shell && [...window.jupyterapp.shell.widgets('main')]"
            ".filter((w) => w.context).length === 12",
            timeout=TIMEOUT_MS,
        )
        again = Lab(page, lab.server)
        again.wait_for_notebook(notebooks[-1])  # the tab in view comes back working
        most = 0
        for _ in range(30):  # every restored tab has had its chance to start one
            most = max(most, len(lab.server.api("GET", "/api/kernels")))
            page.wait_for_timeout(200)
        assert most <= KEPT_KERNELS, f"{most} kernels after reopening"
        assert_nothing_broken(page)
        # A resting tab wakes when visited.
        again.reopen(MODULE)
        expect(again.exercise(EXERCISE)).to_be_visible()
        wait_for_kernels(again, KEPT_KERNELS)
    finally:
        context.close()


def test_an_index_link_to_an_open_unit_brings_its_tab_forward(lab: Lab) -> None:
    unit = next(u for u in load_course().chapters[0].units if notebook_name(u) == MODULE)

    def follow(link: str, to: str) -> None:
        lab.notebook.get_by_role("link", name=link, exact=True).click()
        lab.page.wait_for_function(
            "(p) => window.jupyterapp.shell.currentWidget?.context?.path === p", arg=to
        )
        assert sorted(open_tabs(lab.page)) == sorted(["index.ipynb", MODULE])

    lab.switch_to("index.ipynb")
    for _ in range(2):  # the second time in a reloaded page, its tabs restored
        follow(f"{unit.label} · {unit.title}", MODULE)
        expect(lab.exercise(EXERCISE)).to_be_visible()
        follow("← Back to the course index", "index.ipynb")
        follow(f"{unit.label} · {unit.title}", MODULE)
        lab.page.wait_for_timeout(1500)  # the workspace is saved on the server (debounced)
        lab.page.goto(f"{lab.server.url}/lab?token={lab.server.token}")
        lab.wait_for_notebook(MODULE)
        lab.command("docmanager:open", {"path": "index.ipynb"})
        lab.wait_for_notebook("index.ipynb")


def test_a_restart_greys_the_widgets_without_broken_link_icons(lab: Lab) -> None:
    lab.switch_to(MODULE)
    runs = lab.runs()
    # Each widget view greyed while the kernel is away: is ipywidgets' broken-link icon shown?
    lab.page.evaluate(
        """() => {
            const panel = window.jupyterapp.shell.currentWidget;
            window.__wbIcons = [];
            new MutationObserver(() => {
                for (const view of panel.node.querySelectorAll('.jupyter-widgets-disconnected')) {
                    window.__wbIcons.push(getComputedStyle(view, '::before').display);
                }
            }).observe(panel.node, {subtree: true, attributes: true, attributeFilter: ['class']});
            window.__wbRestart = panel.sessionContext.restartKernel();
        }"""
    )
    lab.page.evaluate("() => window.__wbRestart")
    lab.wait_for_runs(runs + 1)
    shown = list(lab.page.evaluate("() => window.__wbIcons"))
    assert shown, "no widget was greyed during the restart"
    assert set(shown) == {"none"}, f"{len([d for d in shown if d != 'none'])} broken-link icons"


@pytest.mark.parametrize("browsers", ["same", "other"], ids=["same-browser", "other-browser"])
def test_a_second_window_on_the_same_notebook_leaves_both_working(
    lab: Lab, browser: Browser, browsers: str
) -> None:
    lab.switch_to(MODULE)
    area = lab.exercise(EXERCISE).locator(".widget-textarea textarea")
    with lab.saving(EXERCISE):
        area.fill("Written in the first window")
    same = browsers == "same"  # a second window of one browser, or another browser
    context = lab.page.context if same else browser.new_context()
    context.set_default_timeout(TIMEOUT_MS)
    window = context.new_page()
    try:
        other = Lab(window, lab.server)
        other.page.set_viewport_size({"width": 1400, "height": 1000})
        other.page.goto(f"{lab.server.url}/lab/tree/{MODULE}?token={lab.server.token}&reset")
        other.wait_for_notebook(MODULE)
        there = other.exercise(EXERCISE).locator(".widget-textarea textarea")
        expect(there).to_have_value("Written in the first window")

        # The first window's kernel was the second's to stop: the first starts a fresh one by
        # itself and runs again, instead of "reconnecting" for ever. A window of the same
        # browser hears of it at once, before anything is typed into the stopped kernel.
        if same:
            with lab.saving(EXERCISE):
                area.fill("Typed in the first window at once")
        expect(area).to_be_editable()
        lab.wait_for_runs(2)
        assert_nothing_broken(lab.page)
        with lab.saving(EXERCISE):
            area.fill("Written in the first window again")
        assert lab.server.answers(EXERCISE)["text"] == "Written in the first window again"
        with other.saving(EXERCISE):
            there.fill("Written in the second window")
        assert lab.server.answers(EXERCISE)["text"] == "Written in the second window"
        expect(there).to_be_editable()
        assert other.runs() == 1  # nobody stopped the second window's kernel
    finally:
        window.close()
        if not same:
            context.close()
    expect(area).to_be_editable()


def test_a_kernel_gone_from_the_server_is_replaced_with_the_answers(lab: Lab) -> None:
    lab.switch_to(MODULE)
    area = lab.exercise(EXERCISE).locator(".widget-textarea textarea")
    with lab.saving(EXERCISE):
        area.fill("Saved before the kernel went")
    (kernel,) = lab.server.api("GET", "/api/kernels")
    lab.server.api("DELETE", f"/api/kernels/{kernel['id']}")  # as a restarted server loses it

    lab.wait_for_runs(2)
    expect(area).to_have_value("Saved before the kernel went")
    expect(area).to_be_editable()
    assert_nothing_broken(lab.page)
    with lab.saving(EXERCISE):
        area.fill("Saved with the new kernel")
    assert lab.server.answers(EXERCISE)["text"] == "Saved with the new kernel"

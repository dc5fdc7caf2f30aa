"""A learner's Lab is about the course: a Course menu, no status bar, no code-editor menus, the
file browser folded away (JupyterLab settings `workbook lab` overrides); at 1400 and 800 px."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from conftest import ARTIFACTS, JupyterServer, Lab
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

COURSE_MENU = ["Course index", "My progress", "Export my workbook…", "How this workbook works"]


@pytest.fixture(scope="module")
def server(
    jupyter_servers: Callable[..., JupyterServer], request: pytest.FixtureRequest
) -> JupyterServer:
    return jupyter_servers(request.module.__name__, learner=True)


def shot(lab: Lab, name: str) -> None:
    """For looking at: test-artifacts/course-only/<name>-<width>.png."""
    folder = ARTIFACTS / "course-only"
    folder.mkdir(parents=True, exist_ok=True)
    width = lab.page.viewport_size["width"] if lab.page.viewport_size else 0
    lab.page.screenshot(path=folder / f"{name}-{width}.png")


def open_menu(lab: Lab, label: str) -> None:
    lab.page.locator(".lm-MenuBar-item", has_text=label).click()
    expect(lab.page.locator(".lm-Menu")).to_be_visible()


@pytest.mark.parametrize("width", [1400, 800])
def test_the_course_only_lab(lab: Lab, width: int) -> None:
    lab.page.set_viewport_size({"width": width, "height": 900})
    lab.open("module-04-account-management-team.ipynb")
    page = lab.page
    expect(page.locator("#jp-main-statusbar")).to_be_hidden()
    expect(page.get_by_text("Mode: Command")).to_be_hidden()
    menus = page.locator("#jp-menu-panel .lm-MenuBar-item").all_inner_texts()
    assert [m.strip() for m in menus] == ["Course", "File"]
    assert page.evaluate("() => window.jupyterapp.shell.leftCollapsed")
    # No debugger or extension manager in the side bars: not a learner's tools.
    for plugin in (
        "@jupyterlab/debugger-extension:sidebar",
        "@jupyterlab/extensionmanager-extension:plugin",
    ):
        assert not page.evaluate("(p) => window.jupyterapp.hasPlugin(p)", plugin), plugin
    shot(lab, "module-04")

    open_menu(lab, "Course")
    items = page.locator(".lm-Menu .lm-Menu-itemLabel").all_inner_texts()
    assert [i for i in items if i] == COURSE_MENU
    shot(lab, "course-menu")
    page.locator(".lm-Menu .lm-Menu-item", has_text="My progress").click()
    lab.wait_for_notebook("my-progress.ipynb")

    lab.command("workbook:open-index")
    lab.wait_for_notebook("index.ipynb")
    lab.command("workbook:export")  # My progress again, at its take-away buttons
    take_away = lab.notebook.locator(".wb-take-away").first
    expect(take_away).to_be_in_viewport()

    page.evaluate("() => { window.jupyterapp.commands.execute('workbook:help'); }")
    dialog = page.locator(".jp-Dialog")
    expect(dialog).to_contain_text("saved on this computer as you type")
    shot(lab, "help")
    dialog.get_by_role("button", name="Course index").click()
    lab.wait_for_notebook("index.ipynb")

"""On a real JupyterHub: a learner logs in, answers module 3 and shares a reflection; the
facilitator logs in, opens the facilitator notebook and sees that learner's progress."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast

import pytest
from conftest import ARTIFACTS, TIMEOUT_MS, Lab  # the browser suite's conftest
from hub.hubharness import PASSWORD, Hub, running_hub
from playwright.sync_api import Browser, Page, expect

from workbook.hub.dashboard import REFRESH_SECONDS
from workbook.hub.sync import HttpTarget
from workbook.install import install
from workbook.store import Event

pytestmark = pytest.mark.browser
MODULE = "module-03-onboarding-team.ipynb"
SPAWN_MS = 120_000  # log in and wait for the user's server to start
REFRESH_MS = int(REFRESH_SECONDS * 1000) + TIMEOUT_MS


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hub]:
    base = tmp_path_factory.mktemp("hubweb")
    for user, facilitator in (("wendy", False), ("fiona", True)):
        install(base / "home" / user, facilitator=facilitator)  # as the admin would
    with running_hub(base, {"cohort-web": ["wendy"]}, {"fiona": ["cohort-web"]}) as running:
        yield running


def logged_in(browser: Browser, hub: Hub, user: str) -> tuple[Page, Lab]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.goto(f"{hub.url}/hub/login")
    page.fill("#username_input", user)
    page.fill("#password_input", PASSWORD)
    page.click("#login_submit")
    page.wait_for_url(re.compile(rf"/user/{user}/lab"), timeout=SPAWN_MS)
    server = SimpleNamespace(url=f"{hub.url}/user/{user}", token="")
    return page, Lab(page, cast(Any, server))


def open_notebook(page: Page, lab: Lab, hub: Hub, user: str, notebook: str) -> None:
    page.goto(f"{hub.url}/user/{user}/lab/tree/{notebook}?reset")
    try:
        page.wait_for_function(  # a hub server's first kernel starts slower than a lab's
            """(path) => {
                const w = window.jupyterapp?.shell?.currentWidget;
                return w?.context?.path === path
                    && w.sessionContext?.session?.kernel?.status === 'idle';
            }""",
            arg=notebook,
            timeout=SPAWN_MS,
        )
    except Exception:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=Path(ARTIFACTS) / f"hub-{user}-open.png", full_page=True)
        raise
    lab.run_all()


def test_facilitator_view_shows_the_learners_progress(browser: Browser, hub: Hub) -> None:
    page, lab = logged_in(browser, hub, "wendy")
    try:
        open_notebook(page, lab, hub, "wendy", MODULE)
        lab.score_sliders("m03.skills", [7, 6, 5, 8, 4, 6, 7, 3])
        lab.write("m03.skill-actions", ["Shadow a trainer twice", "Ask about the stack early"])
        share = lab.exercise("m03.skill-actions").locator(".wb-share input[type=checkbox]")
        expect(share).not_to_be_checked()  # private until the learner says otherwise
        share.check()
        expect(lab.status("m03.skill-actions")).to_contain_text(
            re.compile(r"Saved on this computer · synced to cohort-web \d\d:\d\d"),
            timeout=TIMEOUT_MS,
        )
    finally:
        page.context.close()

    page, lab = logged_in(browser, hub, "fiona")
    try:
        open_notebook(page, lab, hub, "fiona", "facilitator.ipynb")
        view = lab.notebook.locator(".wb-facilitator")
        expect(view).to_be_visible()
        row = view.locator(".wb-heatmap tbody tr", has=page.locator("th", has_text="wendy"))
        expect(row).to_have_count(1)
        module3 = row.locator("td").nth(2)  # Module 1, Module 2, Module 3
        expect(module3).to_have_class("wb-done")
        expect(view).to_contain_text("Shadow a trainer twice")  # shared, so shown
        module1 = row.locator("td").nth(0)
        expect(module1).to_have_class("wb-none")
        # During the workshop the learner moves on: the open view catches up by itself.
        answer = Event("local", "wendy", "m01.journey-map", "sales/going-well", "text", "Calls")
        with contextlib.closing(HttpTarget(hub.service_url, hub.token("wendy"))) as target:
            target.push([answer])
        expect(module1).to_have_class("wb-started", timeout=REFRESH_MS)
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=Path(ARTIFACTS) / "hub-facilitator-view.png", full_page=True)
    finally:
        page.context.close()

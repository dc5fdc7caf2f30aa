"""`workbook app`: the course code-free in Voilà, saving and restoring answers like the lab."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from conftest import ARTIFACTS, JupyterServer
from playwright.sync_api import Page, expect

from workbook import load_course

pytestmark = pytest.mark.browser

NOTEBOOK = "module-04-account-management-team.ipynb"


@pytest.fixture(scope="module")
def app(jupyter_servers: Callable[..., JupyterServer]) -> JupyterServer:
    return jupyter_servers("app", app=True)


def test_the_app_answers_reloads_and_shows_the_answer_back(app: JupyterServer, page: Page) -> None:
    unit = next(u for u in load_course().chapters[0].units if u.id == "m04")
    # The learner's URL: the index, as the server prints it and `/` redirects to.
    page.goto(f"{app.url}/?token={app.token}")
    expect(page).to_have_url(re.compile(r"/voila/render/index\.ipynb"))
    link = page.get_by_role("link", name=f"{unit.label} · {unit.title}", exact=True)
    expect(link).to_be_visible()
    expect(page.get_by_text("Run all")).to_have_count(0)
    expect(page.get_by_text("import workbook")).to_have_count(0)
    link.click()  # index links work in app mode
    expect(page).to_have_url(re.compile(rf"/voila/render/{re.escape(NOTEBOOK)}"))

    area = page.locator(".wb-ex-m04-gap .widget-textarea textarea")
    status = page.locator(".wb-ex-m04-gap .wb-status")
    expect(area).to_be_visible()
    area.fill("Said in the app")
    expect(status).to_contain_text(re.compile(r"✓ Saved \d\d:\d\d"))
    assert app.answers("m04.gap").get("text") == "Said in the app"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "app-module-04.png")

    page.reload()
    expect(area).to_have_value("Said in the app")

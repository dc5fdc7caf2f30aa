"""A new learner opens the course index."""

from __future__ import annotations

import pytest
from conftest import Lab
from playwright.sync_api import expect

from workbook import load_course

pytestmark = pytest.mark.browser


def test_fresh_index_shows_the_course_and_no_progress(lab: Lab) -> None:
    chapter = load_course().chapters[0]
    lab.open("index.ipynb")
    notebook = lab.notebook
    expect(notebook.get_by_role("heading", name="Chapter 1", exact=True)).to_be_visible()
    expect(lab.run_all_banner()).not_to_be_visible()  # the extension runs it

    for category in chapter.categories:
        # `has=` matches inside each cell: the inner locator is page-relative, not scoped
        heading = lab.page.get_by_role("heading", name=category.title, exact=True)
        cell = notebook.locator(".jp-MarkdownCell", has=heading)
        expect(cell.get_by_role("heading", name=category.title, exact=True)).to_be_visible()
        modules = [u for u in chapter.units if u.category == category.id]
        assert modules, f"no module in {category.title}"
        for unit in modules:
            name = f"{unit.label} · {unit.title}"
            item = cell.locator("li", has=lab.page.get_by_role("link", name=name, exact=True))
            expect(item).to_be_visible()
            expect(item).to_contain_text(f"{name} · ~{unit.minutes} min")
    for unit in (u for u in chapter.units if u.homework):
        expect(notebook.get_by_role("link", name=unit.title, exact=True)).to_be_visible()

    expect(lab.progress("summary")).to_have_text("0 / 11 · 0%")
    expect(lab.progress("detail")).to_have_text("0/8 modules · 0/3 homework")
    expect(notebook.locator(".wb-problem")).to_have_count(0)

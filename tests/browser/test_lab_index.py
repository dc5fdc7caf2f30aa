"""A new learner opens the course index."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

CATEGORIES = [
    "The Journey Frame",
    "Know Your Role",
    "The Difference",
    "The Coordination Discipline",
    "The Handover Playbook",
    "The Operating Discipline",
]
MINUTES = {1: 13, 2: 11, 3: 16, 4: 14, 5: 10, 6: 13, 7: 17, 8: 14}


def test_fresh_index_shows_the_course_and_no_progress(lab) -> None:
    lab.open("index.ipynb")
    page = lab.page
    expect(page.get_by_role("heading", name="Chapter 1", exact=True)).to_be_visible()
    for title in CATEGORIES:
        expect(page.get_by_role("heading", name=title, exact=True)).to_be_visible()
    for number, minutes in MINUTES.items():
        link = page.get_by_role("link", name=re.compile(rf"^Module {number} · "))
        expect(link).to_be_visible()
        item = page.locator(".jp-RenderedMarkdown li", has=link)
        expect(item).to_contain_text(f"~{minutes} min")
    banner = page.locator(".jp-RenderedMarkdown blockquote", has_text="to load your answers")
    expect(banner).to_contain_text("Run all")
    expect(banner).to_be_visible()

    lab.run_all()
    progress = page.locator(".wb-progress")
    expect(progress.locator(".wb-progress-summary")).to_have_text("0 / 11 · 0%")
    expect(progress.locator(".wb-progress-detail")).to_have_text("0/8 modules · 0/3 homework")
    expect(page.locator(".wb-problem")).to_have_count(0)

"""Serious and critical axe-core violations (WCAG 2.0/2.1 A/AA) per workbook page, Lab and app.

    .venv/bin/python docs/a11y_counts.py

Starts a throwaway JupyterLab and a `workbook app` server with the browser tests' harness (empty
store), opens every page of `tests/browser/test_a11y.py`'s list in both, and prints a line per
page with its count by rule. The tests assert 0 everywhere; this is for reading the figures.
"""

from __future__ import annotations

import collections
import os
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import Page, expect, sync_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "tests" / "browser"), str(ROOT / "tests")]

import conftest  # noqa: E402
from conftest import CHROMIUM, CHROMIUM_ARGS, SERIOUS, WCAG, JupyterServer, Lab  # noqa: E402
from servers import free_port  # noqa: E402
from test_a11y import PAGES  # noqa: E402

conftest.TIMEOUT_MS = 180_000
expect.set_options(timeout=conftest.TIMEOUT_MS)


def counts(page: Page, *scopes: str) -> dict[str, int]:
    found = conftest._AXE.run(page, context={"include": [[s] for s in scopes]}, options=WCAG)
    by_rule: collections.Counter[str] = collections.Counter()
    for violation in found.response["violations"]:
        if violation["impact"] in SERIOUS:
            by_rule[f"{violation['id']} ({violation['impact']})"] += len(violation["nodes"])
    return dict(by_rule)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        lab = JupyterServer("lab", Path(tmp) / "lab", free_port(), os.urandom(8).hex())
        app = JupyterServer("app", Path(tmp) / "app", free_port(), os.urandom(8).hex(), app=True)
        lab.start()
        app.start()
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
                )
                for notebook in PAGES:
                    page = browser.new_page(viewport={"width": 1400, "height": 1000})
                    Lab(page, lab).open(notebook)
                    page.wait_for_timeout(800)
                    shown = ".jp-NotebookPanel:not(.lm-mod-hidden)"
                    in_lab = counts(page, f"{shown} .jp-OutputArea", f"{shown} .jp-MarkdownOutput")
                    page.goto(f"{app.url}/voila/render/{notebook}?token={app.token}")
                    expect(page.locator(".widget-box").first).to_be_visible()
                    page.wait_for_timeout(800)
                    in_app = counts(page, "body")
                    page.close()
                    lab.clear()
                    app.clear()
                    print(
                        f"{notebook:42} lab {sum(in_lab.values()):3} {in_lab or ''}"
                        f"  app {sum(in_app.values()):3} {in_app or ''}",
                        flush=True,
                    )
                browser.close()
        finally:
            lab.stop()
            app.stop()


if __name__ == "__main__":
    main()

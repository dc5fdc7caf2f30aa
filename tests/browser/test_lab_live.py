"""Live progress: the index, open beside module 3 in its own kernel, follows module 3's saves
with no re-run."""

from __future__ import annotations

import pytest
from conftest import Lab
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

INDEX = "index.ipynb"
MODULE_3 = "module-03-onboarding-team.ipynb"


def execution_counts(lab: Lab, path: str) -> list[int | None]:
    counts: list[int | None] = lab.page.evaluate(
        """(path) => {
            const panel = [...window.jupyterapp.shell.widgets('main')]
                .find((w) => w.context?.path === path);
            const cells = panel.content.model.cells;
            const out = [];
            for (let i = 0; i < cells.length; i++) {
                const c = cells.get(i);
                if (c.type === 'code') out.push(c.executionCount);
            }
            return out;
        }""",
        path,
    )
    return counts


def test_index_progress_follows_a_save_in_module_3_without_a_rerun(lab: Lab) -> None:
    lab.open(INDEX)
    lab.run_all()
    index = lab.page.locator(".jp-NotebookPanel", has=lab.page.locator(".wb-progress-done"))
    summary = index.locator(".wb-progress-summary")
    expect(summary).to_have_text("0 / 11 · 0%")
    counts = execution_counts(lab, INDEX)

    # Module 3 opens beside the index, in a kernel of its own; the index stays on screen.
    lab.page.evaluate(
        """(path) => window.jupyterapp.commands
            .execute('docmanager:open', {path, options: {mode: 'split-right'}})
            .then(() => null)""",
        MODULE_3,
    )
    lab.wait_for_notebook(MODULE_3)
    lab.run_all()
    expect(lab.exercise("m03.skill-actions")).to_be_visible()
    kernels = {s["kernel"]["id"] for s in lab.server.api("GET", "/api/sessions")}
    assert len(kernels) == 2

    with lab.saving("m03.skills"):
        lab.score_sliders("m03.skills", [5, 6, 4, 7, 8, 3, 9, 6])
    expect(summary).to_have_text("0 / 11 · 0%")  # one of two exercises: not done yet
    # Stamped in the page as the DOM changes: when module 3 says "Saved" (its answers are on
    # disk) and when the index's summary changes.
    lab.page.evaluate(
        """() => {
            window.__wbTimes = {};
            const stamp = (name, test) => new MutationObserver((_, observer) => {
                if (test()) { window.__wbTimes[name] = performance.now(); observer.disconnect(); }
            });
            const status = document.querySelector('.wb-ex-m03-skill-actions .wb-status');
            const bar = [...document.querySelectorAll('.wb-progress')]
                .find((el) => el.querySelector('.wb-progress-done'));
            const options = {subtree: true, childList: true, characterData: true};
            stamp('saved', () => status.textContent.includes('Saved')).observe(status, options);
            stamp('index', () => bar.querySelector('.wb-progress-summary').textContent
                .startsWith('1 /')).observe(bar, options);
        }"""
    )
    with lab.saving("m03.skill-actions"):
        lab.write("m03.skill-actions", ["Run a weekly org review", "Teach-back after demos"])
    expect(summary).to_have_text("1 / 11 · 9%", timeout=2000)
    times = lab.page.evaluate("() => window.__wbTimes")
    delay = (times["index"] - times["saved"]) / 1000
    assert delay < 2, f"the index took {delay:.2f} s"
    expect(index.locator(".wb-progress-done")).to_have_text("Done: Module 3")
    expect(index.locator(".wb-progress-detail")).to_have_text("1/8 modules · 0/3 homework")
    assert execution_counts(lab, INDEX) == counts  # the index was not run again
    print(f"index updated {delay * 1000:.0f} ms after module 3 showed Saved")  # with -s

"""Kernels are not hoarded: a learner who visits every notebook in turn holds only a few.

The extension keeps a kernel for the workbook notebooks looked at last; the others rest (their
widgets say so) and wake, with their answers, when the learner comes back to them.
"""

from __future__ import annotations

import pytest
from conftest import Lab
from playwright.sync_api import expect

from workbook import load_course
from workbook.course.generate import notebook_name

pytestmark = pytest.mark.browser

KEPT_KERNELS = 3  # labextension/src/index.ts
NOTEBOOKS = [
    "index.ipynb",
    *(notebook_name(unit) for unit in load_course().chapters[0].units),
    "my-progress.ipynb",
]
MODULE = "module-04-account-management-team.ipynb"
EXERCISE = "m04.gap"


def _kernels(lab: Lab) -> int:
    return len(lab.server.api("GET", "/api/kernels"))


def _resting(lab: Lab) -> list[str]:
    """Open notebooks whose widgets say they are resting."""
    return list(
        lab.page.evaluate(
            """() => [...window.jupyterapp.shell.widgets('main')]
                .filter((w) => w.node.querySelector('[data-wb-paused^="Resting"]'))
                .map((w) => w.context.path)"""
        )
    )


def test_every_notebook_visited_in_turn_leaves_only_a_few_kernels(lab: Lab) -> None:
    assert len(NOTEBOOKS) == 13
    lab.server.save_answer(EXERCISE, "text", "Saved before the visits")
    lab.open(NOTEBOOKS[0])
    for notebook in NOTEBOOKS[1:]:
        lab.reopen(notebook)  # as a link in the index opens it: a new tab, left open

    open_tabs = lab.page.evaluate(
        "() => [...window.jupyterapp.shell.widgets('main')].filter((w) => w.context).length"
    )
    assert open_tabs == len(NOTEBOOKS)
    # Every tab, in view or not, shows its title from content (not a blank or a file name),
    # number first so that thirteen narrow tabs still tell "M4" from "M5".
    titles = lab.page.evaluate(
        """() => [...document.querySelectorAll('.lm-DockPanel-tabBar .lm-TabBar-tab')]
            .map((tab) => [tab.dataset.wbTab, getComputedStyle(tab, '::after').content])"""
    )
    assert len(titles) == len(NOTEBOOKS)
    assert all(title and shown == f'"{title}"' for title, shown in titles), titles
    assert {"M4 · The Account Management Team", "H1 · Map Your Current Customer Journey"} <= {
        title for title, _ in titles
    }
    lab.server.wait_for(lambda: _kernels(lab) <= KEPT_KERNELS, "older kernels shut down")
    assert _kernels(lab) == KEPT_KERNELS
    # The last three keep theirs; every earlier one says it rests rather than looking alive.
    assert sorted(_resting(lab)) == sorted(NOTEBOOKS[:-KEPT_KERNELS])

    # Back to module 4: it wakes, runs again and shows the saved answer, ready for more.
    lab.command("docmanager:open", {"path": MODULE})
    lab.wait_for_runs(2)
    area = lab.exercise(EXERCISE).locator(".widget-textarea textarea")
    expect(area).to_have_value("Saved before the visits")
    expect(area).to_be_editable()
    with lab.saving(EXERCISE):
        area.fill("Written after waking up")
    assert lab.server.answers(EXERCISE)["text"] == "Written after waking up"
    assert MODULE not in _resting(lab)
    # Waking one put the least recently seen of the three to rest.
    lab.server.wait_for(lambda: _kernels(lab) <= KEPT_KERNELS, "kernels back to the limit")
    assert NOTEBOOKS[-KEPT_KERNELS] in _resting(lab)


def test_waking_up_and_restarting_keep_the_view_where_the_learner_reads(lab: Lab) -> None:
    reading, audit = "module-06-coordination.ipynb", "m06.audit"
    # A page loaded afresh: in the page the visits above closed thirteen tabs in, this open
    # once stayed "Waking up…" past 30 s (one full run, at load ~7).
    lab.open(reading)
    lab.exercise(audit).scroll_into_view_if_needed()
    lab.page.mouse.wheel(0, 200)

    def where() -> list[int]:
        """The notebook's scroll offset and the audit's distance from the window's top."""
        return list(
            lab.exercise(audit).evaluate(
                """(el) => [el.closest('.jp-WindowedPanel-outer').scrollTop,
                            Math.round(el.getBoundingClientRect().top)]"""
            )
        )

    lab.page.wait_for_function(
        "() => document.querySelector('.wb-ex-m06-audit').closest('.jp-WindowedPanel-outer')"
        ".scrollTop > 0"
    )
    before = where()
    for other in NOTEBOOKS[1 : 1 + KEPT_KERNELS]:  # three more: module 6 rests
        lab.reopen(other)
    assert reading in _resting(lab)
    lab.command("docmanager:open", {"path": reading})
    lab.wait_for_runs(2)
    expect(lab.exercise(audit)).to_be_visible()
    assert where() == before

    lab.restart_kernel()
    expect(lab.exercise(audit)).to_be_visible()
    assert where() == before

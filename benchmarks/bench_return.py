"""A learner coming back, timed: a page reload to the widgets with their answers, and what a
reopened browser with a dozen tabs starts.

    python benchmarks/bench_return.py [--reloads 5]

A real `jupyter lab` (the browser tests' harness) with the workbook extension, in Debian's
Chromium; the learner has answered every exercise (tests/seed.py).

Reload: module 4 is open; the page is loaded again (`/lab`, its workspace restored) and timed
from the navigation to the module's widgets shown with the saved answer (the extension has
started a fresh kernel, the previous page's one shut down, and run the cells). Baseline in the
same run: stock Jupyter doing the least that shows a widget again after a reload: a plain
notebook (no workbook marker) whose one cell makes an `ipywidgets.Textarea` with a value,
reloaded and then Run All, timed to the text shown.

Reopen: twelve notebooks (the index, ten units, My progress) are opened as tabs, the browser
closed, and a new one opened on the same server: the kernels running once the restored page
has settled and their memory (RSS and USS), against what twelve restored tabs would hold if
each started its kernel (twelve of the measured size).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench_lab import BARE, bare_notebook, kernel_memory
from playwright.sync_api import Browser, sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "browser"))
from conftest import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, COHORT, LEARNER, JupyterServer, _free_port
from seed import seed

from workbook import load_course
from workbook.course.generate import notebook_name

UNITS = [notebook_name(unit) for unit in load_course().chapters[0].units]
MODULE = "module-04-account-management-team.ipynb"
TABS = ["index.ipynb", *UNITS[:10], "my-progress.ipynb"]
TIMEOUT_MS = 180_000

# The page's current notebook shows widgets with answers: ours ran its cells (every exercise
# is on the page, nothing paused, a text area holds the saved answer); bare: its text area does.
SHOWN = """([path, bare]) => {
    const panel = window.jupyterapp?.shell?.currentWidget;
    if (panel?.context?.path !== path) return false;
    const answered = [...panel.node.querySelectorAll('.jp-OutputArea textarea')]
        .some((a) => a.value);
    return bare ? answered : +(panel.node.getAttribute('data-wb-runs') || 0) >= 1
        && answered && !panel.node.querySelector('[data-wb-paused]:not(:empty)');
}"""


# Ran its cells in this page (pages without text areas: the index, My progress).
RAN = """(path) => {
    const panel = window.jupyterapp?.shell?.currentWidget;
    return panel?.context?.path === path && +(panel.node.getAttribute('data-wb-runs') || 0) >= 1;
}"""


def lab_url(server: JupyterServer) -> str:
    return f"{server.url}/lab?token={server.token}"


def shown(page: Any, path: str, bare: bool) -> None:
    """Wait for the widgets with answers (bare: once the kernel is there, Run All first)."""
    if bare:
        page.wait_for_function(
            "(p) => window.jupyterapp?.shell?.currentWidget?.context?.path === p",
            arg=path,
            timeout=TIMEOUT_MS,
        )
        page.evaluate(
            "async () => { await window.jupyterapp.shell.currentWidget.sessionContext.ready;"
            " await window.jupyterapp.commands.execute('notebook:run-all-cells'); }"
        )
    page.wait_for_function(SHOWN, arg=[path, bare], timeout=TIMEOUT_MS)


def reloads(page: Any, server: JupyterServer, path: str, count: int, bare: bool) -> list[float]:
    """Open `path`, then reload the page `count` times: ms from navigation to widgets shown."""
    page.goto(f"{server.url}/lab/tree/{path}?token={server.token}&reset")
    shown(page, path, bare)
    times = []
    for _ in range(count):
        page.wait_for_timeout(1500)  # the workspace is saved (debounced)
        started = time.perf_counter()
        page.goto(lab_url(server))
        shown(page, path, bare)
        times.append((time.perf_counter() - started) * 1000)
    return times


def reopen(browser: Browser, server: JupyterServer) -> tuple[int, float, float]:
    """Twelve tabs, browser closed and reopened: kernels, RSS and USS (MB) once settled."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.goto(f"{server.url}/lab/tree/{TABS[0]}?token={server.token}&reset")
    page.wait_for_function(RAN, arg=TABS[0], timeout=TIMEOUT_MS)
    for path in TABS[1:]:
        page.evaluate(
            "async (p) => { await window.jupyterapp.commands.execute('docmanager:open', {path: p}); }",
            path,
        )
        page.wait_for_function(RAN, arg=path, timeout=TIMEOUT_MS)
    page.wait_for_timeout(3000)  # resting kernels shut down, the workspace saved
    context.close()

    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        page = context.new_page()
        page.goto(lab_url(server))
        page.wait_for_function(RAN, arg=TABS[-1], timeout=TIMEOUT_MS)
        tabs = page.evaluate(
            "() => [...window.jupyterapp.shell.widgets('main')].filter((w) => w.context).length"
        )
        assert tabs == len(TABS), f"{tabs} tabs restored"
        page.wait_for_timeout(5000)  # any other tab that would start a kernel has done so
        return kernel_memory(server)
    finally:
        context.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reloads", type=int, default=5, help="reloads timed (default 5)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as playwright:
        server = JupyterServer("bench", Path(tmp), _free_port(), os.urandom(16).hex())
        server.start()
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = None
        try:
            seed(server.store, LEARNER, cohort=COHORT)
            bare_notebook(server.root / BARE)
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            bare = reloads(page, server, BARE, args.reloads, bare=True)
            page.close()
            server.clear()
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            ours = reloads(page, server, MODULE, args.reloads, bare=False)
            page.close()
            server.clear()
            held = reopen(browser, server)
        except Exception:
            if page is not None and not page.is_closed():
                ARTIFACTS.mkdir(exist_ok=True)
                page.screenshot(path=ARTIFACTS / "bench_return-failure.png")
            raise
        finally:
            browser.close()
            server.stop()

    ours_ms, bare_ms = statistics.median(ours), statistics.median(bare)
    print(f"reload → widgets with answers, median of {args.reloads} (ms)")
    print(f"{'module 4 (workbook extension)':42} {ours_ms:7.0f} {ours_ms / bare_ms:5.2f}×")
    print(f"{'bare: ipywidgets Textarea, Run All':42} {bare_ms:7.0f}")
    kernels, rss, uss = held
    each = rss / kernels if kernels else 0.0
    print(
        f"browser reopened with {len(TABS)} tabs: {kernels} kernel(s), RSS {rss:.0f} MB, "
        f"USS {uss:.0f} MB"
    )
    print(f"a kernel per restored tab: {len(TABS)} kernels, ~{len(TABS) * each:.0f} MB RSS")


if __name__ == "__main__":
    main()

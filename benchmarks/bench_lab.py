"""A learner's JupyterLab, timed: opening each notebook to its widgets with answers, and what
visiting all of them leaves running.

    python benchmarks/bench_lab.py [--rounds 5] [--read SECONDS] [--jupyter-arg=OPTION ...]

A real `jupyter lab` (the browser tests' harness) with the workbook extension, in Debian's
Chromium. The learner has answered every exercise (tests/seed.py). In one page, each of the
course's thirteen notebooks is opened in turn, as the index's links open them (a new tab, left
open); timed in the page from the open command to the widgets shown with the saved answers (the
extension has run the cells and, where the notebook has text areas, one shows a saved answer).

Baseline in the same run: stock Jupyter doing the least that shows one restored widget: a plain
notebook (no workbook marker, so the extension leaves it alone and the server starts it a
stock kernel, not its warm spare) whose one cell makes an `ipywidgets.Textarea` holding a
value, opened and then Run All, timed to that text shown, once per round on a settled server
(its spare warm, nothing else starting). The ratio is ours over it.

The server is the learner's: it keeps one warm spare kernel (lab/kernels.py) and hands it to
the next workbook notebook; `--jupyter-arg=--SpareKernelManager.spare=False` measures without
it. Notebooks here are opened one right after another, faster than anyone reads, so some find
the next spare still starting; `--read 3` stays 3 s on each notebook before opening the next,
as a learner who reads at all does (the bare baseline is timed as before).

Then the kernels left running after all thirteen visits, once the spare is warm again, and
their memory (RSS and USS of the kernel processes, the spare's included), against what
thirteen tabs left open would hold without the extension's limit (thirteen workbook kernels
of the measured size). Last, coming back to the first module, which was resting: the
time until it shows its answers again.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat
import psutil
from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "browser"))
from conftest import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, COHORT, LEARNER, JupyterServer, Lab
from seed import seed
from servers import free_port

from workbook import load_course
from workbook.course.generate import notebook_name

BARE = "bare.ipynb"
UNITS = load_course().chapters[0].units
NOTEBOOKS = ["index.ipynb", *(notebook_name(unit) for unit in UNITS), "my-progress.ipynb"]
EXERCISES = {notebook_name(unit): len(unit.exercises) for unit in UNITS}

# Open `path` and resolve with the milliseconds until its widgets are shown: the extension has
# run its cells (bare: Run All) and every exercise's widget is on the page (at least one widget
# where it has none). A widget is built from the answers the kernel read from the store, so once
# it is shown, so are they; bare: its text area shows its value.
OPEN_TIMED = """async ([path, bare, exercises]) => {
    const app = window.jupyterapp;
    const open = [...app.shell.widgets('main')].find((w) => w.context?.path === path);
    const runs = +(open?.node.getAttribute('data-wb-runs') || 0);
    const t0 = performance.now();
    await app.commands.execute('docmanager:open', {path});
    const panel = app.shell.currentWidget;
    if (bare) {
        await panel.sessionContext.ready;
        await app.commands.execute('notebook:run-all-cells');
    }
    const deadline = t0 + 180000;
    await new Promise((resolve, reject) => {
        const check = () => {
            if (performance.now() > deadline) {
                reject(new Error(`${path}: no widgets with answers within 180 s`));
                return;
            }
            const ran = bare || +(panel.node.getAttribute('data-wb-runs') || 0) > runs;
            const shown = bare
                ? [...panel.node.querySelectorAll('.jp-OutputArea textarea')].some((a) => a.value)
                : panel.node.querySelectorAll('.wb-exercise').length >= exercises
                  && panel.node.querySelector('.jupyter-widgets')
                  && !panel.node.querySelector('[data-wb-paused]:not(:empty)');
            if (ran && shown) {
                resolve(null);
            } else {
                setTimeout(check, 10);
            }
        };
        check();
    });
    return performance.now() - t0;
}"""


@dataclass
class Held:
    """Kernel processes of a server and their memory: RSS and USS in MB."""

    kernels: int = 0
    rss: float = 0.0
    uss: float = 0.0
    spare: int = 0  # of `kernels`, not listed in /api/kernels: the server's warm spare

    def __str__(self) -> str:
        spare = " (one of them the spare)" if self.spare else " (no spare)"
        return f"{self.kernels} kernels{spare}, RSS {self.rss:.0f} MB, USS {self.uss:.0f} MB"


def kernel_memory(server: JupyterServer, spare: bool = True) -> Held:
    """The server's kernel processes (by their connection file in its runtime folder); with
    `spare=False` only the listed ones."""
    runtime = str(server.base / "runtime")
    listed = {k["id"] for k in server.api("GET", "/api/kernels")}
    held = Held()
    for process in psutil.process_iter(["cmdline"]):
        cmdline = process.info["cmdline"] or []
        files = [part for part in cmdline if runtime in part and "kernel-" in part]
        if not files or not any("ipykernel" in part for part in cmdline):
            continue
        hidden = Path(files[0]).stem.removeprefix("kernel-") not in listed
        if hidden and not spare:
            continue
        info = process.memory_full_info()
        held.kernels += 1
        held.spare += hidden
        held.rss += info.rss / 2**20
        held.uss += info.uss / 2**20
    return held


def with_spare(server: JupyterServer, timeout: float = 20) -> Held:
    """What the server holds once its spare is warm again (or `timeout` s have passed)."""
    deadline = time.monotonic() + timeout
    held = kernel_memory(server)
    while not held.spare and time.monotonic() < deadline:
        time.sleep(0.5)
        held = kernel_memory(server)
    time.sleep(1)  # started is not yet warm: its imports
    return kernel_memory(server)


def bare_notebook(path: Path) -> None:
    cell = nbformat.v4.new_code_cell(
        "import ipywidgets\nipywidgets.Textarea(value='An answer from yesterday')"
    )
    notebook = nbformat.v4.new_notebook(cells=[cell])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    nbformat.write(notebook, path)


def open_timed(page: Any, path: str, bare: bool = False) -> float:
    return float(page.evaluate(OPEN_TIMED, [path, bare, EXERCISES.get(path, 0)]))


def close_all(page: Any, server: JupyterServer) -> None:
    """Close every tab, a stock notebook's unsaved outputs discarded (no "Save your work?")."""
    Lab(page, server).close_tabs()


@dataclass
class Visits:
    ours: dict[str, list[float]] = field(default_factory=lambda: {n: [] for n in NOTEBOOKS})
    bare: list[float] = field(default_factory=list)
    woke: list[float] = field(default_factory=list)
    held: Held = field(default_factory=Held)  # after the last round's visits, spare warm
    bare_held: Held = field(default_factory=Held)


def visit(page: Any, server: JupyterServer, rounds: int, read: float = 0) -> Visits:
    Lab(page, server).start()
    visits = Visits()
    for _ in range(rounds):
        # On a settled server: right after the last round's tabs closed, the spare it starts
        # again shared the two cores with the bare kernel's start (bare opens fell near 0.6 s
        # or near 1 s from run to run).
        with_spare(server)
        visits.bare.append(open_timed(page, BARE, bare=True))
        visits.bare_held = kernel_memory(server, spare=False)
        close_all(page, server)
        for name in NOTEBOOKS:
            visits.ours[name].append(open_timed(page, name))
            time.sleep(read)
        time.sleep(2)  # the resting kernels' shutdowns settle
        visits.held = with_spare(server)
        visits.woke.append(open_timed(page, NOTEBOOKS[1]))
        close_all(page, server)
    return visits


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5, help="visits of all thirteen (default 5)")
    parser.add_argument(
        "--read", type=float, default=0, help="seconds on each notebook before the next (0)"
    )
    parser.add_argument(
        "--jupyter-arg",
        action="append",
        default=[],
        metavar="OPTION",
        help="one more `jupyter lab` option, e.g. --jupyter-arg=--SpareKernelManager.spare=False",
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as playwright:
        server = JupyterServer(
            "bench", Path(tmp), free_port(), os.urandom(16).hex(), args=tuple(args.jupyter_arg)
        )
        server.start()
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            seed(server.store, LEARNER, cohort=COHORT)
            bare_notebook(server.root / BARE)
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            try:
                visits = visit(page, server, args.rounds, args.read)
            except Exception:
                ARTIFACTS.mkdir(exist_ok=True)
                page.screenshot(path=ARTIFACTS / "bench_lab-failure.png")
                raise
        finally:
            browser.close()
            server.stop()

    bare_ms = statistics.median(visits.bare)
    print(
        f"open → widgets with answers, {args.rounds} rounds, {args.read:g} s on each (ms);"
        " ratio: median to bare's median"
    )
    print(f"{'notebook':42} {'min':>7} {'median':>7} {'max':>7} {'ratio':>6}")

    def row(name: str, times: list[float]) -> None:
        median = statistics.median(times)
        print(
            f"{name:42} {min(times):7.0f} {median:7.0f} {max(times):7.0f} {median / bare_ms:5.2f}×"
        )

    for name, times in visits.ours.items():
        row(name, times)
    units = [statistics.median(t) for n, t in visits.ours.items() if n.startswith(("mod", "home"))]
    row("modules and homework (each one's median)", units)
    row("bare: ipywidgets Textarea, Run All", visits.bare)
    row("back to a resting module (wakes)", visits.woke)
    held = visits.held
    each = held.rss / held.kernels
    print(f"after visiting all {len(NOTEBOOKS)}: {held}")
    print(
        f"without the limit: {len(NOTEBOOKS)} kernels, ~{len(NOTEBOOKS) * each:.0f} MB RSS "
        f"({each:.0f} MB per workbook kernel; {visits.bare_held.rss:.0f} MB for a bare one)"
    )


if __name__ == "__main__":
    main()

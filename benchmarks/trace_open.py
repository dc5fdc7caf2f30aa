"""Where a module's open time goes: bench_lab.py's open, with every kernel message timed.

    python benchmarks/trace_open.py [--rounds 3] [NOTEBOOK ...]

The same server, learner and page as bench_lab.py. Each notebook is opened in turn (a new tab,
the others closed, as bench_lab.py's rounds do it); relative to the open command, the page
records when its kernel connects, when each cell's execute_request goes out, when its first
and last comm_open and its execute_reply arrive, when its widgets are shown, and when the
notebook counts as shown (bench_lab.py's test); and, from the messages' own timestamps, how
long the kernel was busy with each cell. Printed: the median of each over the rounds.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_lab import EXERCISES, close_all

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "browser"))
from conftest import CHROMIUM, CHROMIUM_ARGS, COHORT, LEARNER, JupyterServer, Lab
from seed import seed
from servers import free_port

# Resolves with {phase: ms} for the notebook and {cell: {phase: ms}} for each code cell.
OPEN_TRACED = """async ([path, exercises]) => {
    const app = window.jupyterapp;
    performance.setResourceTimingBufferSize(100000);
    performance.clearResourceTimings();
    const t0 = performance.now();
    const origin = performance.timeOrigin;
    const at = () => performance.now() - t0;
    const phases = {};
    const cells = {};  // by execute_request msg_id
    const log = [];
    const busy = [];  // the page's long tasks: its main thread blocked 50 ms or more
    const observer = new PerformanceObserver((list) => list.getEntries().forEach(
        (e) => busy.push([Math.round(e.startTime - t0), Math.round(e.duration)])));
    observer.observe({type: 'longtask'});
    const hook = (kernel) => {
        if (!kernel || phases.kernel !== undefined) return;
        phases.kernel = at();
        kernel.anyMessage.connect((_, {msg, direction}) => {
            const type = msg.header.msg_type;
            const parent = msg.parent_header?.msg_id;
            log.push([Math.round(at()), direction, type, msg.content?.execution_state ?? '',
                      Math.round(Date.parse(msg.header.date) - origin - t0), (parent || '').slice(-6),
                      msg.header.msg_id.slice(-6), msg.channel]);
            if (direction === 'send' && type === 'execute_request') {
                cells[msg.header.msg_id] = {sent: at(), comms: 0};
                return;
            }
            const cell = cells[parent];
            if (!cell) return;
            const kernelTime = Date.parse(msg.header.date) - origin - t0;
            if (type === 'status' && msg.content.execution_state === 'busy') cell.busy = kernelTime;
            if (type === 'status' && msg.content.execution_state === 'idle') cell.idle = kernelTime;
            if (type === 'comm_open') {
                cell.comms += 1;
                cell.firstComm ??= at();
                cell.lastComm = at();
            }
            if (type === 'execute_reply') cell.reply = at();
        });
    };
    const panel = await app.commands.execute('docmanager:open', {path});
    phases.opened = at();
    hook(panel.sessionContext.session?.kernel);
    panel.sessionContext.kernelChanged.connect((_, change) => hook(change.newValue));
    const shownAt = [];
    await new Promise((resolve, reject) => {
        const check = () => {
            if (at() > 180000) return reject(new Error(path + ': not shown in 180 s'));
            panel.node.querySelectorAll('.jp-CodeCell .jp-OutputArea').forEach((o, i) => {
                if (shownAt[i] === undefined && o.querySelector('.jupyter-widgets')
                    && !o.querySelector('.jupyter-widgets .jp-RenderedText')) shownAt[i] = at();
            });
            const done = +(panel.node.getAttribute('data-wb-runs') || 0) > 0
                && panel.node.querySelectorAll('.wb-exercise').length >= exercises
                && panel.node.querySelector('.jupyter-widgets')
                && !panel.node.querySelector('[data-wb-paused]:not(:empty)');
            if (done) { phases.shown = at(); resolve(null); } else setTimeout(check, 5);
        };
        check();
    });
    const ordered = Object.values(cells).sort((a, b) => a.sent - b.sent);
    ordered.forEach((c, i) => (c.widgets = shownAt[i]));
    const requests = performance.getEntriesByType('resource')
        .filter((e) => e.startTime >= t0)
        .map((e) => [Math.round(e.startTime - t0), Math.round(e.responseEnd - t0), e.name.split('?')[0]]);
    observer.disconnect();
    return {phases, cells: ordered, log, requests, busy, epoch: origin + t0};
}"""

CELL_PHASES = ["sent", "busy", "firstComm", "lastComm", "idle", "reply", "widgets"]


def trace(page: Any, path: str) -> dict[str, Any]:
    return dict(page.evaluate(OPEN_TRACED, [path, EXERCISES.get(path, 0)]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--detail", action="store_true", help="every message of the last round")
    parser.add_argument("notebooks", nargs="*", default=sorted(EXERCISES))
    args = parser.parse_args()
    runs: dict[str, list[dict[str, Any]]] = defaultdict(list)
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as playwright:
        server = JupyterServer("trace", Path(tmp), free_port(), os.urandom(16).hex())
        server.start()
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            seed(server.store, LEARNER, cohort=COHORT)
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            sent: list[tuple[float, str, str]] = []  # epoch ms, method, path: each HTTP request
            page.on("request", lambda r: sent.append((time.time() * 1000, r.method, r.url)))
            Lab(page, server).start()
            trace(page, args.notebooks[0])  # warm-up: the page's first widgets load their code
            close_all(page, server)
            for _ in range(args.rounds):
                for name in args.notebooks:
                    sent.clear()
                    runs[name].append(trace(page, name))
                    epoch = runs[name][-1]["epoch"]
                    runs[name][-1]["methods"] = [
                        (round(t - epoch), m, u.split("?")[0].split("/api/")[-1])
                        for t, m, u in sent
                        if "/api/" in u
                    ]
                    close_all(page, server)
        finally:
            browser.close()
            server.stop()

    def med(values: list[float | None]) -> str:
        found = [v for v in values if v is not None]
        return f"{statistics.median(found):6.0f}" if found else "     -"

    print("ms from the open command, median of", args.rounds, "rounds")
    for name, traces in runs.items():
        phases = traces[0]["phases"]
        print(
            f"\n{name}: "
            + "  ".join(f"{p} {med([t['phases'].get(p) for t in traces])}" for p in phases)
        )
        print(f"  cell {'comms':>6} " + " ".join(f"{p:>9}" for p in CELL_PHASES) + "  kernel-busy")
        if args.detail:
            for request in traces[-1]["requests"]:
                print("  http", *request)
            for task in traces[-1]["busy"]:
                print("  long task at", *task)
            for request in traces[-1]["methods"]:
                print("  sent", *request)
            for message in traces[-1]["log"]:
                print("  msg", *message)
        for i in range(len(traces[0]["cells"])):
            cells = [t["cells"][i] for t in traces if i < len(t["cells"])]
            busy = [c["idle"] - c["busy"] for c in cells if "idle" in c and "busy" in c]
            row = " ".join(f"{med([c.get(p) for c in cells]):>9}" for p in CELL_PHASES)
            print(f"  {i:4} {med([c['comms'] for c in cells])} {row}  {med(list(busy))}")
    phases = ["kernel", "shown"]
    medians = {
        p: [statistics.median(t["phases"][p] for t in runs[n]) for n in runs] for p in phases
    }
    print("\neach notebook's median, median of them:", end=" ")
    print("  ".join(f"{p} {statistics.median(medians[p]):.0f}" for p in phases))


if __name__ == "__main__":
    main()

"""What a learner's kernel costs: a notebook's cells run in a fresh kernel, against a bare one.

    python benchmarks/bench_kernel.py [--runs 5] [--notebook module-03-onboarding-team.ipynb]

Each run starts a real ipykernel (jupyter_client), runs the notebook's code cells as the
extension does on opening it (the learner has answered every exercise: tests/seed.py), and
reports the seconds from the first cell sent to the last one done and the kernel's RSS after
it. Baseline, in the same run: a bare ipykernel running one cell that shows an
`ipywidgets.Textarea` with a value. Prints min / median / max of `--runs` runs and the
medians' ratios. Target (issue 19): RSS ≤ 1.6× the bare kernel's. The machine is shared:
compare ratios within a run.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import psutil
from jupyter_client.manager import start_new_kernel

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from seed import seed

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
BARE = ['import ipywidgets\nipywidgets.Textarea(value="My answer")']


def run_cells(cells: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(seconds to run the cells, kernel RSS in MB after them) in a fresh kernel."""
    manager, client = start_new_kernel(kernel_name="python3", env=env, cwd=str(NOTEBOOKS))
    try:
        started = time.perf_counter()
        for source in cells:
            reply = client.execute_interactive(source, timeout=120, output_hook=lambda _: None)
            assert reply["content"]["status"] == "ok", reply["content"]
        elapsed = time.perf_counter() - started
        pid = manager.provisioner.pid  # type: ignore[union-attr]
        rss = psutil.Process(pid).memory_info().rss / 2**20
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)
    return elapsed, rss


def row(name: str, values: list[float], bare: float, unit: str) -> str:
    median = statistics.median(values)
    return (
        f"{name:34} {min(values):8.2f} {median:8.2f} {max(values):8.2f} {unit:3} "
        f"{median / bare:5.2f}×"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--notebook", default="module-03-onboarding-team.ipynb")
    options = parser.parse_args()
    nb = nbformat.read(NOTEBOOKS / options.notebook, as_version=4)
    cells = [c.source for c in nb.cells if c.cell_type == "code"]
    with tempfile.TemporaryDirectory() as tmp:
        env = os.environ | {"WORKBOOK_HOME": tmp, "WORKBOOK_COHORT": "local"}
        seed(Path(tmp), "me", cohort="local")
        env["WORKBOOK_LEARNER"] = "me"
        ours, bare = [], []
        for _ in range(options.runs):
            bare.append(run_cells(BARE, env))
            ours.append(run_cells(cells, env))
    bare_s = statistics.median(t for t, _ in bare)
    bare_mb = statistics.median(m for _, m in bare)
    print(f"{'':34} {'min':>8} {'median':>8} {'max':>8}     ratio  ({options.runs} runs)")
    print(row(f"{options.notebook}: cells run", [t for t, _ in ours], bare_s, "s"))
    print(row("bare Textarea: cell run", [t for t, _ in bare], bare_s, "s"))
    print(row(f"{options.notebook}: RSS", [m for _, m in ours], bare_mb, "MB"))
    print(row("bare ipykernel + ipywidgets: RSS", [m for _, m in bare], bare_mb, "MB"))


if __name__ == "__main__":
    main()

"""What a learner's kernel costs: notebooks' cells run in fresh kernels, against bare ones.

    python benchmarks/bench_kernel.py [--runs 5]

Each run starts real ipykernels (jupyter_client) in notebooks/, as the extension does on opening
a notebook, for a learner who has answered every exercise (tests/seed.py), and reads each
kernel's memory once its cells are done (psutil `memory_full_info`):

- RSS counts every page the process touches, shared libraries included (libarrow alone is ~35
  MB of it); USS only the pages no other process shares, what one more kernel really adds;
  PSS shares each shared page out among the processes mapping it.
- **bare**: a bare (stock) ipykernel running `pass`; **learner's bare**: the kernel a learner's
  Lab starts (lab/kernel.py: no debugger) running `pass`; **floor**: a stock one running
  `import pyarrow.parquet, ipywidgets` and showing an `ipywidgets.Textarea`, the least a kernel
  that shows widgets and writes Parquet holds; **module 3**: its cells in a learner's kernel, the
  store restored.
- **three kept**: the kernels of the three tabs a learner keeps (the extension keeps three):
  modules 3 and 6 and My progress (its charts drawn), learner's kernels all alive at once,
  summed; against three bare (stock) kernels.

Last, My progress in a learner's kernel: seconds from running its cells to its charts shown
(drawn by a child process), and for a redraw (its ratio column is 1: there is no bare one).

Prints min / median / max of `--runs` runs and the medians' ratios to the bare kernel's.
Targets (issue 19): module 3's RSS ≤ 1.6× bare; three kept ≤ 300 MB. The machine is shared:
compare within a run.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import nbformat
import psutil
from jupyter_client.blocking.client import BlockingKernelClient
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import KernelManager

from workbook.lab.jupyter import LEARNER_KERNELS

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from seed import seed

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
BARE = ["pass"]
FLOOR = ['import pyarrow.parquet, ipywidgets\nipywidgets.Textarea(value="My answer")']
KEPT = ("module-03-onboarding-team.ipynb", "module-06-coordination.ipynb", "my-progress.ipynb")
# My progress draws its charts on a thread after its cell has run: measure once they are shown.
DRAWN = {
    "my-progress.ipynb": "from workbook.learner.dashboard import _shown\nassert _shown[0].ready(120)"
}


@dataclass(frozen=True)
class Memory:
    rss: float
    uss: float
    pss: float

    def __add__(self, other: Memory) -> Memory:
        return Memory(self.rss + other.rss, self.uss + other.uss, self.pss + other.pss)


def cells(notebook: str) -> list[str]:
    nb = nbformat.read(NOTEBOOKS / notebook, as_version=4)
    return [c.source for c in nb.cells if c.cell_type == "code"] + [DRAWN.get(notebook, "pass")]


@contextlib.contextmanager
def kernel(
    env: dict[str, str], learners: bool = False
) -> Iterator[tuple[KernelManager, BlockingKernelClient]]:
    """A stock ipykernel, or the one a learner's Lab starts (`learners`: lab/kernel.py)."""
    specs = KernelSpecManager(kernel_dirs=[str(LEARNER_KERNELS / "kernels")] if learners else [])
    manager = KernelManager(kernel_name="python3", kernel_spec_manager=specs)
    manager.start_kernel(env=env, cwd=str(NOTEBOOKS), stderr=subprocess.DEVNULL)
    client = manager.client()
    client.start_channels()
    try:
        client.wait_for_ready(timeout=120)
        yield manager, client
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)


def run(client: BlockingKernelClient, sources: list[str]) -> float:
    """Seconds to run the cells, one after the other."""
    started = time.perf_counter()
    for source in sources:
        reply = client.execute_interactive(source, timeout=120, output_hook=lambda _: None)
        assert reply["content"]["status"] == "ok", reply["content"]
    return time.perf_counter() - started


def memory(manager: KernelManager) -> Memory:
    info = psutil.Process(manager.provisioner.pid).memory_full_info()  # type: ignore[union-attr]
    return Memory(info.rss / 2**20, info.uss / 2**20, info.pss / 2**20)


def one(sources: list[str], env: dict[str, str], learners: bool = False) -> tuple[float, Memory]:
    with kernel(env, learners) as (manager, client):
        seconds = run(client, sources)
        return seconds, memory(manager)


def together(notebooks: list[list[str]], env: dict[str, str], learners: bool = False) -> Memory:
    """The kernels' memory summed, all of them alive at once, each having run its cells."""
    with contextlib.ExitStack() as stack:
        kernels = [stack.enter_context(kernel(env, learners)) for _ in notebooks]
        for (_, client), sources in zip(kernels, notebooks, strict=True):
            run(client, sources)
        total = Memory(0.0, 0.0, 0.0)
        for manager, _ in kernels:
            total += memory(manager)
        return total


# Seconds from the cells' end to My progress's charts shown, then for a redraw (Redraw button).
_TIMED = """
import time
from workbook.learner.dashboard import _shown
t = time.perf_counter(); _shown[0].ready(120); first = time.perf_counter() - t
t = time.perf_counter(); _shown[0].refresh(); print(first, time.perf_counter() - t)
"""


def charts(env: dict[str, str]) -> tuple[float, float]:
    """My progress in a learner's kernel: seconds to its charts shown (cells run, then drawn in a
    child process), and to a redraw."""
    with kernel(env, learners=True) as (_, client):
        seconds = run(client, cells(KEPT[2])[:-1])
        said: list[str] = []
        client.execute_interactive(
            _TIMED, timeout=300, output_hook=lambda m: said.append(m["content"].get("text", ""))
        )
        first, redraw = map(float, "".join(said).split())
        return seconds + first, redraw


def row(name: str, values: list[float], bare: float, unit: str) -> str:
    median = statistics.median(values)
    return (
        f"{name:36} {min(values):8.2f} {median:8.2f} {max(values):8.2f} {unit:3} "
        f"{median / bare:5.2f}×"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    options = parser.parse_args()
    module = cells(KEPT[0])
    kept = [cells(n) for n in KEPT]
    results: dict[str, list[tuple[float, Memory]]] = {
        "bare": [], "learner's bare": [], "floor": [], "module 3": [], "three bare": [],
        "three kept": []
    }  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        env = os.environ | {"WORKBOOK_HOME": tmp, "WORKBOOK_LEARNER": "me"}
        env.pop("JUPYTERHUB_USER", None)
        seed(Path(tmp), "me", cohort="local")
        drawn: list[tuple[float, float]] = []
        for _ in range(options.runs):  # interleaved: the machine's load hits each alike
            results["bare"].append(one(BARE, env))
            results["learner's bare"].append(one(BARE, env, learners=True))
            results["floor"].append(one(FLOOR, env))
            results["module 3"].append(one(module, env, learners=True))
            results["three bare"].append((0.0, together([BARE] * 3, env)))
            results["three kept"].append((0.0, together(kept, env, learners=True)))
            drawn.append(charts(env))
    bare = results["bare"]
    print(f"{'':36} {'min':>8} {'median':>8} {'max':>8}     ratio to bare ({options.runs} runs)")
    bare_s = statistics.median(t for t, _ in bare)
    for name in ("bare", "learner's bare", "floor", "module 3"):
        print(row(f"{name}: cells run", [t for t, _ in results[name]], bare_s, "s"))
    for kind in ("rss", "uss", "pss"):
        base = statistics.median(getattr(m, kind) for _, m in bare)
        for name in ("bare", "learner's bare", "floor", "module 3"):
            values = [getattr(m, kind) for _, m in results[name]]
            print(row(f"{name}: {kind.upper()}", values, base, "MB"))
        base3 = statistics.median(getattr(m, kind) for _, m in results["three bare"])
        for name in ("three bare", "three kept"):
            values = [getattr(m, kind) for _, m in results[name]]
            print(row(f"{name}: {kind.upper()} summed", values, base3, "MB"))
    for name, values in zip(("charts shown", "a redraw"), zip(*drawn, strict=True), strict=True):
        print(row(f"My progress: {name}", list(values), statistics.median(values), "s"))


if __name__ == "__main__":
    main()

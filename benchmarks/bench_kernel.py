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
  that shows widgets and writes Parquet holds; **module 3**: its cells in a learner's kernel
  under a learner's server, which keeps the store (lab/store_service.py: the kernel saves and
  restores through its socket, without pyarrow), the store restored; **module 3, direct**: the
  same kernel without the server's socket, writing Parquet itself (as before the server kept
  the store).
- **three kept**: the kernels of the three tabs a learner keeps (the extension keeps three):
  modules 3 and 6 and My progress (its charts drawn), learner's kernels all alive at once,
  summed, under the server; against three bare (stock) kernels; **three kept, direct** without.
- **server**: the learner's server (`workbook lab`'s command, no spare) that served every
  kernel above, measured after the last; **server, stock**: `jupyter lab` without workbook's
  config (no store service), idle. The honest total of a learner is the kept kernels plus the
  server: its growth is Arrow, paid once for all the kernels.

A **save round trip**: one answer saved from a learner's kernel through the server's socket
(`RemoteStore.append`: sent, written durably, acknowledged), against the same row written by
bare pyarrow in the same kernel (`bench_store.bare_save`: temp + fsync + rename + fsync dir).

Last, My progress in a learner's kernel: seconds from running its cells to its charts shown
(drawn by a child process), for a redraw, and for its Export HTML button pressed twice (the
export child embeds the charts shown), against that export drawing its charts again as it did
before (its ratio column: to that). `--progress-only` times these rows alone.

Prints min / median / max of `--runs` runs and the medians' ratios to the bare kernel's.
Targets (issue 19): module 3's RSS ≤ 1.6× bare; three kept ≤ 300 MB. The machine is shared:
compare within a run.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import nbformat
import psutil
from jupyter_client.blocking.client import BlockingKernelClient
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import KernelManager

from workbook.lab.jupyter import LEARNER_KERNELS, SERVER_CONFIG, lab_command, learner_environment
from workbook.store.remote import SOCKET_ENV

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from seed import seed

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
BARE = ["pass"]
FLOOR = ['import pyarrow.parquet, ipywidgets\nipywidgets.Textarea(value="My answer")']
TOKEN = "b" * 32
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


@contextlib.contextmanager
def learner_server(env: dict[str, str], folder: Path, store: bool = True) -> Iterator[Server]:
    """`workbook lab`'s server (no spare: the benchmark starts its own kernels), or with `store`
    off a stock `jupyter lab` on the same folder; its store socket once it serves."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    command = lab_command(
        NOTEBOOKS,
        "--no-browser",
        "--ip=127.0.0.1",
        f"--port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={TOKEN}",
        *(["--SpareKernelManager.spare=False"] if store else []),
    )
    if not store:
        command.remove(f"--config={SERVER_CONFIG}")
    folder.mkdir(parents=True)
    log = folder / "server.log"
    environ = learner_environment(env) | {"JUPYTER_RUNTIME_DIR": str(folder / "runtime")}
    with log.open("wb") as out:
        process = subprocess.Popen(command, env=environ, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 120
        while True:
            assert process.poll() is None, log.read_text()
            assert time.monotonic() < deadline, "the server did not start in 120 s"
            with contextlib.suppress(OSError):
                urllib.request.urlopen(f"http://127.0.0.1:{port}/api/status?token={TOKEN}")
                break
            time.sleep(0.2)
        said = [line for line in log.read_text().splitlines() if "store is served on" in line]
        assert said or not store, log.read_text()
        yield Server(process.pid, said[0].split("served on ")[1].strip() if said else "")
    finally:
        process.terminate()
        process.wait(timeout=60)


@dataclass(frozen=True)
class Server:
    pid: int
    socket: str

    def memory(self) -> Memory:
        info = psutil.Process(self.pid).memory_full_info()
        return Memory(info.rss / 2**20, info.uss / 2**20, info.pss / 2**20)


# One answer saved through the server's socket, then the same row by bare pyarrow, interleaved.
_ROUND_TRIP = """
import sys, tempfile, time
from pathlib import Path
from workbook.learner.session import current
from workbook.store import Event
s = current()
assert type(s.store).__name__ == "RemoteStore" and "pyarrow" not in sys.modules
sys.path.insert(0, {benchmarks!r})
from bench_store import bare_save
from workbook.store.files import to_table
bare_dir = Path(tempfile.mkdtemp())
served, bare = [], []
for i in range({saves}):
    e = Event(s.cohort, s.learner, "m03.skills", f"s{{i % 8}}", "score", i % 10 + 1)
    t = time.perf_counter(); s.store.append([e]); served.append(time.perf_counter() - t)
    table = to_table([e])
    t = time.perf_counter(); bare_save(bare_dir, table, i); bare.append(time.perf_counter() - t)
print(*sorted(served), sep=" ")
print(*sorted(bare), sep=" ")
"""


def round_trip(env: dict[str, str], saves: int = 100) -> tuple[list[float], list[float]]:
    """Seconds per save through the server and per bare pyarrow write, in a learner's kernel."""
    code = _ROUND_TRIP.format(benchmarks=str(Path(__file__).parent), saves=saves)
    with kernel(env, learners=True) as (_, client):
        said: list[str] = []
        reply = client.execute_interactive(
            code, timeout=300, output_hook=lambda m: said.append(m["content"].get("text", ""))
        )
        assert reply["content"]["status"] == "ok", reply["content"]
        served, bare = "".join(said).strip().splitlines()
        return [float(x) for x in served.split()], [float(x) for x in bare.split()]


# Seconds from the cells' end to My progress's charts shown, then for a redraw (Redraw button),
# an export drawing its charts (as before the charts shown were handed over), the Export HTML
# button, and the button again.
_TIMED = """
import time
from workbook.learner.dashboard import _shown
from workbook.learner.offload import export_file
view = _shown[0]
t = time.perf_counter(); view.ready(120); first = time.perf_counter() - t
t = time.perf_counter(); view.refresh(); redraw = time.perf_counter() - t
t = time.perf_counter(); view.session.flush(); export_file("html"); drawing = time.perf_counter() - t
button = view.take_away.children[0]
assert button.description == "Export HTML" and view.shown_charts
t = time.perf_counter(); button.click(); pressed = time.perf_counter() - t
assert view.written.value.startswith("✓"), view.written.value
t = time.perf_counter(); button.click(); again = time.perf_counter() - t
print(first, redraw, drawing, pressed, again)
"""
_PROGRESS = (
    "charts shown",
    "a redraw",
    "export HTML, child draws (before)",
    "export from My progress (child process)",
    "  the same again",
)


def charts(env: dict[str, str]) -> tuple[float, ...]:
    """My progress in a learner's kernel: seconds to its charts shown (cells run, then drawn in a
    child process), to a redraw, and to the exports above."""
    with kernel(env, learners=True) as (_, client):
        seconds = run(client, cells(KEPT[2])[:-1])
        said: list[str] = []
        client.execute_interactive(
            _TIMED, timeout=300, output_hook=lambda m: said.append(m["content"].get("text", ""))
        )
        first, *rest = map(float, "".join(said).split())
        return (seconds + first, *rest)


def row(name: str, values: list[float], bare: float, unit: str) -> str:
    median = statistics.median(values)
    return (
        f"{name:54} {min(values):8.2f} {median:8.2f} {max(values):8.2f} {unit:3} "
        f"{median / bare:5.2f}×"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--progress-only", action="store_true", help="My progress's rows alone")
    options = parser.parse_args()
    module = cells(KEPT[0])
    kept = [cells(n) for n in KEPT]
    names = ("bare", "learner's bare", "floor", "module 3", "module 3, direct")
    results: dict[str, list[tuple[float, Memory]]] = {
        name: [] for name in (*names, "three bare", "three kept", "three kept, direct")
    }
    servers: dict[str, Memory] = {}
    trips: tuple[list[float], list[float]] = ([], [])
    with tempfile.TemporaryDirectory() as tmp:
        direct = os.environ | {"WORKBOOK_HOME": tmp, "WORKBOOK_LEARNER": "me"}
        direct |= {"WORKBOOK_EXPORTS": str(Path(tmp) / "exports")}
        direct.pop("JUPYTERHUB_USER", None)
        direct.pop(SOCKET_ENV, None)
        seed(Path(tmp), "me", cohort="local")
        with (
            learner_server(direct, Path(tmp) / "server") as server,
            learner_server(direct, Path(tmp) / "stock", store=False) as stock,
        ):
            env = direct | {SOCKET_ENV: server.socket}
            drawn: list[tuple[float, ...]] = []
            if options.progress_only:
                drawn = [charts(env) for _ in range(options.runs)]
                return progress(drawn, options.runs)
            for _ in range(options.runs):  # interleaved: the machine's load hits each alike
                results["bare"].append(one(BARE, env))
                results["learner's bare"].append(one(BARE, env, learners=True))
                results["floor"].append(one(FLOOR, env))
                results["module 3"].append(one(module, env, learners=True))
                results["module 3, direct"].append(one(module, direct, learners=True))
                results["three bare"].append((0.0, together([BARE] * 3, env)))
                results["three kept"].append((0.0, together(kept, env, learners=True)))
                results["three kept, direct"].append((0.0, together(kept, direct, learners=True)))
                drawn.append(charts(env))
                served, bare = round_trip(env)
                trips[0].extend(served)
                trips[1].extend(bare)
            servers = {"server": server.memory(), "server, stock": stock.memory()}
    bare = results["bare"]
    print(f"{'':54} {'min':>8} {'median':>8} {'max':>8}     ratio to bare ({options.runs} runs)")
    bare_s = statistics.median(t for t, _ in bare)
    for name in names:
        print(row(f"{name}: cells run", [t for t, _ in results[name]], bare_s, "s"))
    for kind in ("rss", "uss", "pss"):
        base = statistics.median(getattr(m, kind) for _, m in bare)
        for name in names:
            values = [getattr(m, kind) for _, m in results[name]]
            print(row(f"{name}: {kind.upper()}", values, base, "MB"))
        base3 = statistics.median(getattr(m, kind) for _, m in results["three bare"])
        for name in ("three bare", "three kept", "three kept, direct"):
            values = [getattr(m, kind) for _, m in results[name]]
            print(row(f"{name}: {kind.upper()} summed", values, base3, "MB"))
        stock_kind = getattr(servers["server, stock"], kind)
        for name, held in servers.items():
            print(row(f"{name}: {kind.upper()} (once)", [getattr(held, kind)], stock_kind, "MB"))
    saves = len(trips[0])
    print(f"{'':54} {'p50':>8} {'p90':>8} {'p99':>8}     ratio of p50s ({saves} saves)")
    bare_p50 = quantile(trips[1], 0.5)
    for name, values in (("save through the server", trips[0]), ("save, bare pyarrow", trips[1])):
        qs = [quantile(values, q) * 1e3 for q in (0.5, 0.9, 0.99)]
        print(
            f"{name:54} {qs[0]:8.2f} {qs[1]:8.2f} {qs[2]:8.2f} ms  {qs[0] / bare_p50 / 1e3:5.2f}×"
        )
    progress(drawn, options.runs)


def quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def progress(drawn: list[tuple[float, ...]], runs: int) -> None:
    print(f"{'':54} {'min':>8} {'median':>8} {'max':>8}     ({runs} runs)")
    columns = dict(zip(_PROGRESS, map(list, zip(*drawn, strict=True)), strict=True))
    before = statistics.median(columns[_PROGRESS[2]])
    for name, values in columns.items():
        base = before if "export" in name or "again" in name else statistics.median(values)
        print(row(f"My progress: {name}", values, base, "s"))


if __name__ == "__main__":
    main()

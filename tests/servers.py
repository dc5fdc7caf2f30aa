"""Real servers the analytics tests start on 127.0.0.1 and stop: a Dask cluster (`dask scheduler`,
`dask worker`), an S3-compatible server (moto), a Learning Record Store (Ralph)."""

from __future__ import annotations

import contextlib
import dataclasses
import os
import random
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

_GIVEN: set[int] = set()


def free_port() -> int:
    """A free port for a server this process starts, below the ephemeral range, in a block of
    this xdist worker's own.

    A port the system hands out for port 0 was free only until the socket closed: before the
    server bound it, another worker's kernel (given five such ports) or any outgoing connection
    could take it. Below the range only servers told a port bind one, and each worker picks
    from its own block, never the same port twice.
    """
    worker = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)
    block = range(20_000 + 1_000 * (worker % 10), 21_000 + 1_000 * (worker % 10))
    for port in random.sample(block, len(block)):
        if port in _GIVEN:
            continue
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue  # in use
        _GIVEN.add(port)
        return port
    raise RuntimeError(f"no free port in {block}")


def _dask(*args: str, log: Path) -> subprocess.Popen[bytes]:
    command = [str(Path(sys.executable).parent / "dask"), *args]
    with log.open("wb") as out:  # the child keeps its own copy of the descriptor
        return subprocess.Popen(
            command, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


@contextlib.contextmanager
def dask_cluster(folder: Path, workers: int = 2) -> Iterator[str]:
    """The address of a scheduler with `workers` one-thread worker processes, all running."""
    from distributed import Client

    address = f"tcp://127.0.0.1:{free_port()}"
    host, port = address.removeprefix("tcp://").split(":")
    started = [
        _dask("scheduler", "--host", host, "--port", port, "--no-dashboard", log=folder / "s.log")
    ]
    try:
        started.append(
            _dask(
                "worker", address, "--nworkers", str(workers), "--nthreads", "1",
                "--no-dashboard", "--memory-limit", "0", log=folder / "w.log",
            )
        )  # fmt: skip
        deadline = time.monotonic() + 120
        with Client(address, timeout="60s") as client:
            while len(client.scheduler_info()["workers"]) < workers:
                if time.monotonic() > deadline or any(p.poll() is not None for p in started):
                    raise RuntimeError((folder / "w.log").read_text(errors="replace")[-2000:])
                time.sleep(0.2)
        yield address
    finally:
        for proc in reversed(started):
            _stop(proc)


def tasks_run(address: str) -> dict[str, int]:
    """Task name prefix → how many such tasks the scheduler has run so far."""
    from distributed import Client

    def count(dask_scheduler: object) -> dict[str, int]:
        prefixes = dask_scheduler.task_prefixes  # type: ignore[attr-defined]
        return {name: sum(p.state_counts.values()) for name, p in prefixes.items()}

    with Client(address, timeout="30s") as client:
        return dict(client.run_on_scheduler(count))


def _wait_for(url: str, proc: subprocess.Popen[bytes], log: Path, timeout: float = 60) -> None:
    import httpx

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(log.read_text(errors="replace")[-2000:])
        try:
            httpx.get(url, timeout=2)
            return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer in {timeout} s: {log.read_text(errors='replace')}")


@contextlib.contextmanager
def s3_server(folder: Path) -> Iterator[str]:
    """The endpoint URL of an S3-compatible server (moto's server mode), running."""
    port = free_port()
    log = folder / "moto.log"
    command = [str(Path(sys.executable).parent / "moto_server"), "-H", "127.0.0.1", "-p", str(port)]
    with log.open("wb") as out:
        proc = subprocess.Popen(
            command, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        endpoint = f"http://127.0.0.1:{port}"
        _wait_for(f"{endpoint}/moto-api/", proc, log)
        yield endpoint
    finally:
        _stop(proc)


# Ralph's LRS app, served as `ralph runserver -b fs` serves it (uvicorn, the fs backend), without
# the reloader (a process watching the folder for code changes) and with one change: its fs
# backend creates each target file once, so a second POST answered 500 ("already exists and
# overwrite is not allowed"); an LRS must take many batches, so it appends instead.
_RALPH = """
import sys
import uvicorn
from ralph.backends.data.base import BaseOperationType
from ralph.backends.lrs.fs import FSLRSBackend
FSLRSBackend.default_operation_type = BaseOperationType.APPEND
uvicorn.run("ralph.api:app", host="127.0.0.1", port=int(sys.argv[1]), log_level="warning")
"""


@dataclasses.dataclass
class Lrs:
    url: str  # the xAPI endpoint
    user: str
    password: str
    folder: Path
    proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        port = self.url.split(":")[2].split("/")[0]
        log = self.folder / "ralph.log"
        with log.open("ab") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-c", _RALPH, port],
                stdout=out, stderr=subprocess.STDOUT, env=self._env(), start_new_session=True,
            )  # fmt: skip
        _wait_for(self.url.removesuffix("xAPI/") + "__heartbeat__", self.proc, log)

    def stop(self) -> None:
        if self.proc is not None:
            _stop(self.proc)
            self.proc = None

    def _env(self) -> dict[str, str]:
        return {
            **os.environ,
            "RALPH_AUTH_FILE": str(self.folder / "auth.json"),
            "RALPH_RUNSERVER_BACKEND": "fs",
            "RALPH_BACKENDS__LRS__FS__DEFAULT_DIRECTORY_PATH": str(self.folder / "data"),
        }

    def statements(self) -> list[dict[str, object]]:
        """Every statement the LRS holds, page by page."""
        import httpx

        found: list[dict[str, object]] = []
        base = self.url.removesuffix("/xAPI/")
        url: str | None = f"{self.url}statements?limit=1000"
        with httpx.Client(auth=(self.user, self.password), timeout=120) as client:
            while url:
                page = client.get(url, headers={"X-Experience-API-Version": "1.0.3"}).json()
                found += page["statements"]
                url = f"{base}{page['more']}" if page.get("more") else None
        return found


@contextlib.contextmanager
def ralph_lrs(folder: Path) -> Iterator[Lrs]:
    """A Ralph LRS on 127.0.0.1 with one user (all scopes), its statements in `folder`/data."""
    (folder / "data").mkdir(parents=True, exist_ok=True)
    lrs = Lrs(f"http://127.0.0.1:{free_port()}/xAPI/", "analyst", "lrs-secret", folder)
    subprocess.run(
        [str(Path(sys.executable).parent / "ralph"), "auth", "-u", lrs.user, "-p", lrs.password,
         "-s", "all", "-M", "mailto:analyst@example.com", "-w"],
        env=lrs._env(), check=True, capture_output=True,
    )  # fmt: skip
    lrs.start()
    try:
        yield lrs
    finally:
        lrs.stop()

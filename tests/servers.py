"""Real servers the analytics tests start on 127.0.0.1 and stop: a Dask cluster (`dask scheduler`,
`dask worker`), an S3-compatible server (moto), a Learning Record Store (Ralph)."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


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

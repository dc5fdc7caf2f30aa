"""The spare kernel of `workbook lab` (lab/kernels.py), on a real server with real kernels.

The server is started with `workbook lab`'s own command line; sessions are made over its REST
API as JupyterLab makes them, and each kernel is asked what it holds through its connection
file. After each test no kernel process of the server may be left.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psutil
import pytest
from jupyter_client.blocking.client import BlockingKernelClient
from servers import free_port

from workbook.lab import priority
from workbook.lab.install import learner_notebooks
from workbook.lab.jupyter import app_command, lab_command

pytestmark = pytest.mark.kernel

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
MODULE = "module-03-onboarding-team.ipynb"
TOKEN = "s" * 32
# What a kernel says about itself: the session's notebook, where it runs, what it has imported.
ASK = (
    "import json, os, sys\n"
    "print(json.dumps({'session': os.environ.get('JPY_SESSION_NAME'),"
    " 'user_ns': globals().get('__session__'), 'cwd': os.getcwd(),"
    " 'warm': 'pyarrow' in sys.modules and 'workbook.learner.widgets' in sys.modules}))"
)


@dataclass
class Server:
    base: Path
    port: int
    process: subprocess.Popen[bytes]

    @property
    def runtime(self) -> Path:
        return self.base / "runtime"

    @property
    def notebooks(self) -> Path:
        return self.base / "notebooks"

    def api(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}{path}",
            method=method,
            data=json.dumps(body).encode() if body is not None else None,
            headers={"Authorization": f"token {TOKEN}"},
        )
        with urllib.request.urlopen(request, timeout=60) as reply:
            text = reply.read()
        return json.loads(text) if text else None

    def listed(self) -> set[str]:
        return {kernel["id"] for kernel in self.api("GET", "/api/kernels")}

    def kernel_processes(self) -> dict[str, int]:
        """Kernel id → pid of every kernel process of this server, listed or not."""
        found = {}
        for process in psutil.process_iter(["cmdline", "pid"]):
            with contextlib.suppress(psutil.Error):
                for part in process.info["cmdline"] or []:
                    if part.startswith(str(self.runtime)) and "kernel-" in part:
                        found[Path(part).stem.removeprefix("kernel-")] = process.info["pid"]
        return found

    def spare(self) -> tuple[str, int]:
        """The warm spare: the one kernel running but not listed (waits for it)."""
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            hidden = {k: p for k, p in self.kernel_processes().items() if k not in self.listed()}
            if len(hidden) == 1:
                kernel_id, pid = hidden.popitem()
                # Started is not yet warm: warm is when it has imported what cells need.
                if (self.runtime / f"kernel-{kernel_id}.json").exists() and ask(self, kernel_id)[
                    "warm"
                ]:
                    return kernel_id, pid
            time.sleep(0.2)
        raise AssertionError("no warm spare kernel within 60 s")

    def open(self, notebook: str) -> str:
        """A session on `notebook` as JupyterLab starts one; returns its kernel's id."""
        session = self.api(
            "POST",
            "/api/sessions",
            {"path": notebook, "name": notebook, "type": "notebook", "kernel": {"name": "python3"}},
        )
        kernel_id: str = session["kernel"]["id"]
        return kernel_id


def ask(server: Server, kernel_id: str) -> dict[str, Any]:
    """Run ASK in the kernel through its connection file; what it printed."""
    client = BlockingKernelClient()
    client.load_connection_file(str(server.runtime / f"kernel-{kernel_id}.json"))
    client.start_channels()
    try:
        client.wait_for_ready(timeout=60)
        printed: list[str] = []

        def output(message: dict[str, Any]) -> None:
            if message["msg_type"] == "stream":
                printed.append(message["content"]["text"])

        reply = client.execute_interactive(ASK, timeout=60, output_hook=output)
        assert reply["content"]["status"] == "ok", reply["content"]
        answer: dict[str, Any] = json.loads("".join(printed))
        return answer
    finally:
        client.stop_channels()


@pytest.fixture
def start(tmp_path: Path) -> Iterator[Callable[..., Server]]:
    """Start `workbook lab`'s server on a copy of the learner's notebooks (with `options`);
    on teardown stop it with SIGTERM, as a closed terminal does, and check no kernel is left."""
    started: list[Server] = []

    def run(*options: str, app: bool = False) -> Server:
        base = tmp_path / f"server-{len(started)}"
        notebooks = base / "notebooks"
        notebooks.mkdir(parents=True)
        for name in learner_notebooks(NOTEBOOKS):
            (notebooks / name).write_bytes((NOTEBOOKS / name).read_bytes())
        port = free_port()
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("JUPYTERHUB_", "WORKBOOK_", "JUPYTER_"))
        }
        env |= {
            "WORKBOOK_HOME": str(base / "home"),
            "JUPYTER_RUNTIME_DIR": str(base / "runtime"),
            "JUPYTER_CONFIG_DIR": str(base / "config"),
        }
        command = (app_command if app else lab_command)(
            notebooks,
            "--no-browser",
            "--ip=127.0.0.1",
            f"--port={port}",
            "--ServerApp.port_retries=0",
            f"--IdentityProvider.token={TOKEN}",
        )
        # A test's option replaces the command's own (traitlets refuses a value given twice).
        keys = {option.split("=")[0] for option in options}
        command = [part for part in command if part.split("=")[0] not in keys] + list(options)
        with (base / "jupyter.log").open("wb") as log:
            process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
        server = Server(base, port, process)
        started.append(server)
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, (base / "jupyter.log").read_text()
            with contextlib.suppress(OSError):
                server.api("GET", "/api/status")
                return server
            assert time.monotonic() < deadline, "the server did not answer in 60 s"
            time.sleep(0.2)

    yield run
    for server in started:
        server.process.send_signal(signal.SIGTERM)
        server.process.wait(timeout=60)
        deadline = time.monotonic() + 10
        while server.kernel_processes() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert server.kernel_processes() == {}, "kernels outlived their server"


def test_a_workbook_notebook_gets_the_warm_spare_as_a_fresh_kernel_would_be(
    start: Callable[..., Server],
) -> None:
    server = start()
    spare, spare_pid = server.spare()
    assert server.listed() == set()  # nobody's kernel: not in the API, not in the Lab
    assert priority.can_lift()  # root here: the server may lift a spare's idle priority
    assert priority.is_idle(spare_pid)  # warmed on CPU time nothing else wants

    # A notebook of the learner's own is no workbook notebook: it gets a stock kernel.
    (server.notebooks / "mine.ipynb").write_text(
        json.dumps({"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5})
    )
    own = server.open("mine.ipynb")
    assert own != spare and server.spare()[0] == spare
    assert ask(server, own)["warm"] is False

    handed = server.open(MODULE)
    assert handed == spare
    assert not priority.is_idle(spare_pid)  # every thread of it: a learner's kernel now
    path = str(server.notebooks / MODULE)
    assert ask(server, handed) == {
        "session": path,
        "user_ns": path,
        "cwd": str(server.notebooks),
        "warm": True,
    }
    # The next spare comes at once, at idle priority.
    following, following_pid = server.spare()
    assert following not in (spare, own) and priority.is_idle(following_pid)

    # A restart gives a fresh kernel, with the session's variables, as Jupyter would.
    pid = server.kernel_processes()[handed]
    server.api("POST", f"/api/kernels/{handed}/restart")
    assert server.kernel_processes()[handed] != pid
    assert not priority.is_idle(server.kernel_processes()[handed])  # not relaunched idle
    assert ask(server, handed) == {
        "session": path,
        "user_ns": path,
        "cwd": str(server.notebooks),
        "warm": False,
    }


def test_the_idle_culler_leaves_the_spare_alone_but_not_kernels_handed_out(
    start: Callable[..., Server],
) -> None:
    server = start(
        "--MappingKernelManager.cull_idle_timeout=1", "--MappingKernelManager.cull_interval=1"
    )
    spare, pid = server.spare()
    time.sleep(4)  # four culls: a culled spare would have been replaced by another
    assert server.kernel_processes() == {spare: pid}
    assert server.open(MODULE) == spare
    # Handed out, it is an ordinary kernel: idle with nobody connected, it is culled.
    deadline = time.monotonic() + 30
    while spare in server.kernel_processes() or server.listed():
        assert time.monotonic() < deadline, "a handed-out idle kernel was not culled"
        time.sleep(0.2)
    assert len(server.kernel_processes()) == 1  # the next spare, and only it


def test_no_spare_when_turned_off_or_when_the_kernels_are_at_the_limit(
    start: Callable[..., Server],
) -> None:
    off = start("--SpareKernelManager.spare=False")
    first = off.open(MODULE)
    time.sleep(2)
    assert set(off.kernel_processes()) == {first}

    limited = start("--SpareKernelManager.max_kernels=2")
    spare, _ = limited.spare()
    assert limited.open(MODULE) == spare
    limited.spare()  # one kernel in use and the spare: at the limit
    kept = limited.open("module-04-account-management-team.ipynb")
    time.sleep(2)
    assert len(limited.kernel_processes()) == 2 and kept in limited.kernel_processes()


def test_an_app_page_runs_on_the_spare(start: Callable[..., Server]) -> None:
    """`workbook app` (Voilà) starts a kernel per page load: the spare is one of them."""
    server = start(app=True)
    spare, _ = server.spare()
    url = f"http://127.0.0.1:{server.port}/voila/render/index.ipynb?token={TOKEN}"
    with urllib.request.urlopen(url, timeout=60) as page:
        assert "Customer Onboarding" in page.read().decode()
    assert spare in server.listed()


def test_without_idle_priority_the_spare_starts_at_normal_priority_once_quiet(
    start: Callable[..., Server],
) -> None:
    """What a server that may not lift a priority does (a user other than root): no SCHED_IDLE."""
    server = start("--SpareKernelManager.spare_idle=False")
    spare, pid = server.spare()
    assert not priority.is_idle(pid)
    assert server.open(MODULE) == spare
    following, pid = server.spare()
    assert following != spare and not priority.is_idle(pid)

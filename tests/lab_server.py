"""Start `workbook lab` as a real server on a free port: ask it for a notebook, or (the `start`
fixture) open notebooks in it and ask their kernels what they hold."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psutil
import pytest
from jupyter_client.blocking.client import BlockingKernelClient
from servers import free_port

from workbook.lab.install import learner_notebooks
from workbook.lab.jupyter import app_command, lab_command

TOKEN = "t" * 32


def lab_contents(
    lab: Sequence[str | Path],
    notebook: str,
    env: Mapping[str, str],
    extra: Sequence[str] = (),
    cwd: Path | None = None,
    also: Sequence[str] = (),
) -> dict[str, Any]:
    """Run `lab` (e.g. `workbook lab`), wait until it serves `notebook`, return its contents
    model, stop it.

    `also`: more paths asked for once it serves; their models (or HTTP status) go under "also".
    """
    port = free_port()
    args = [
        *map(str, lab),
        *extra,
        f"--port={port}",
        "--no-browser",
        "--ip=127.0.0.1",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={TOKEN}",
    ]
    server = subprocess.Popen(
        args,
        env=dict(env),
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                model = _contents(port, notebook)
                if "status" not in model:  # not served (yet)
                    model["also"] = {path: _contents(port, path) for path in also}
                    return model
            except OSError:
                pass
            assert server.poll() is None, f"{args[0]} exited"
            assert time.monotonic() < deadline, f"{args[0]} did not answer in 60 s"
            time.sleep(0.3)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def _contents(port: int, path: str) -> dict[str, Any]:
    """The contents model of `path` (a folder's with its listing), or {"status": 404}."""
    content = 1 if path in ("", "/") else 0
    url = f"http://127.0.0.1:{port}/api/contents/{path}?token={TOKEN}&content={content}"
    try:
        with urllib.request.urlopen(url, timeout=2) as reply:
            model: dict[str, Any] = json.load(reply)
            return model
    except urllib.error.HTTPError as error:
        return {"status": error.code}


# `workbook lab` or `workbook app` for a kernel test: sessions made over the REST API as
# JupyterLab makes them, each kernel asked what it holds through its connection file.

SERVER_TOKEN = "s" * 32
NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
MODULE = "module-03-onboarding-team.ipynb"
# What a kernel says about itself: the session's notebook, where it runs, what it has imported.
ASK = (
    "import json, os, sys\n"
    "print(json.dumps({'session': os.environ.get('JPY_SESSION_NAME'),"
    " 'user_ns': globals().get('__session__'), 'cwd': os.getcwd(),"
    " 'warm': 'workbook.learner.session' in sys.modules and 'workbook.learner.widgets' in sys.modules,"
    " 'arrow': 'pyarrow' in sys.modules}))"
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
            headers={"Authorization": f"token {SERVER_TOKEN}"},
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


def ask(server: Server, kernel_id: str, code: str = ASK) -> Any:
    """Run `code` (ASK: what the kernel holds) in the kernel through its connection file; the
    JSON it printed last."""
    client = BlockingKernelClient()
    client.load_connection_file(str(server.runtime / f"kernel-{kernel_id}.json"))
    client.start_channels()
    try:
        client.wait_for_ready(timeout=60)
        printed: list[str] = []

        def output(message: dict[str, Any]) -> None:
            if message["msg_type"] == "stream":
                printed.append(message["content"]["text"])

        reply = client.execute_interactive(code, timeout=60, output_hook=output)
        assert reply["content"]["status"] == "ok", reply["content"]
        return json.loads("".join(printed).strip().splitlines()[-1])
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
            f"--IdentityProvider.token={SERVER_TOKEN}",
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

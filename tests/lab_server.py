"""Start `workbook lab` as a real server on a free port, and ask it for a notebook."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from servers import free_port

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

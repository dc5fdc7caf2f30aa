"""The CLI is a thin layer: exit codes and messages."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from workbook.cli import main
from workbook.content import default_content_root


def test_validate_ok(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate"]) == 0
    assert capsys.readouterr().out.startswith("ok: Customer Onboarding")


def test_validate_broken_content_says_where(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "content"
    shutil.copytree(default_content_root(), root)
    module = root / "chapter-01" / "modules" / "06-coordination.yaml"
    module.write_text(
        module.read_text(encoding="utf-8").replace("minutes: 13", "minutes: soon"), encoding="utf-8"
    )
    assert main(["validate", str(root)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: chapter-01/modules/06-coordination.yaml:")
    assert "minutes: expected a whole number" in err


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["frobnicate"])
    assert caught.value.code == 2


def test_the_public_api_is_what_all_says() -> None:
    import workbook

    assert sorted(workbook.__all__) == sorted(dir(workbook))
    for name in workbook.__all__:
        assert getattr(workbook, name) is not None


def test_unknown_options_are_refused_outside_lab() -> None:
    with pytest.raises(SystemExit) as caught:
        main(["validate", "--port=1"])
    assert caught.value.code == 2


def test_lab_serves_the_course_index(tmp_path: Path) -> None:
    """The README's main job, for real: `workbook lab` answers with the index notebook."""
    import json
    import os
    import signal
    import socket
    import subprocess
    import sys
    import time
    import urllib.request

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    token = "t" * 32
    env = dict(
        os.environ, WORKBOOK_HOME=str(tmp_path / "home"), JUPYTER_RUNTIME_DIR=str(tmp_path / "rt")
    )
    workbook = Path(sys.executable).with_name("workbook")
    args = [
        str(workbook),
        "lab",
        f"--port={port}",
        "--no-browser",
        "--ip=127.0.0.1",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
    ]
    server = subprocess.Popen(
        args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                url = f"http://127.0.0.1:{port}/api/contents/index.ipynb?token={token}&content=0"
                with urllib.request.urlopen(url, timeout=2) as reply:
                    model = json.load(reply)
                break
            except OSError:
                assert server.poll() is None, "workbook lab exited"
                assert time.monotonic() < deadline, "workbook lab did not answer in 60 s"
                time.sleep(0.3)
        assert model["type"] == "notebook" and model["path"] == "index.ipynb"
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)

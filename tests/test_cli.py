"""The CLI is a thin layer: exit codes and messages."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from workbook.cli import main
from workbook.lab.jupyter import APP_URL, LAB_URL
from workbook.paths import content_root


def test_validate_ok(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate"]) == 0
    assert capsys.readouterr().out.startswith("ok: Customer Onboarding")


def test_validate_broken_content_says_where(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "content"
    shutil.copytree(content_root(), root)
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


@pytest.mark.parametrize(
    ("command", "landing"), [("lab", LAB_URL), ("app", APP_URL)], ids=["lab", "app"]
)
def test_the_server_lands_on_the_course_index(command: str, landing: str, tmp_path: Path) -> None:
    """For real: the URL `workbook lab`/`app` prints, and `/`, open the index notebook."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    token = "t" * 32
    env = dict(
        os.environ, WORKBOOK_HOME=str(tmp_path / "home"), JUPYTER_RUNTIME_DIR=str(tmp_path / "rt")
    )
    args = [
        str(Path(sys.executable).with_name("workbook")),
        command,
        f"--port={port}",
        "--no-browser",
        "--ip=127.0.0.1",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
    ]
    log = tmp_path / "server.log"
    with log.open("wb") as out:
        server = subprocess.Popen(
            args, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    printed = re.compile(rf"http://127\.0\.0\.1:{port}(/\S*)\?token=")
    try:
        deadline = time.monotonic() + 60
        while not printed.search(log.read_text()):
            assert server.poll() is None, f"workbook {command} exited:\n{log.read_text()}"
            assert time.monotonic() < deadline, f"workbook {command} printed no URL in 60 s"
            time.sleep(0.3)
        match = printed.search(log.read_text())
        assert match and match.group(1) == landing
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/", headers={"Authorization": f"token {token}"}
        )
        while True:  # the URL is printed as the server starts listening: it may refuse once
            try:
                with urllib.request.urlopen(request, timeout=60) as reply:  # follows redirects
                    assert urllib.parse.urlparse(reply.url).path == landing
                    page = reply.read().decode()
                break
            except urllib.error.URLError:
                assert time.monotonic() < deadline, f"workbook {command} did not answer"
                time.sleep(0.3)
        assert "<title>" in page
        if command == "app":  # Voilà ran the notebook and left no code on the page
            assert "Course index" in page or "Chapter 1" in page
            assert "import workbook" not in page
            assert "Run all" not in page  # the hint is for a Jupyter that does not run itself
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)

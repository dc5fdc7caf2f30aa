"""Idle CPU priority for a background process and lifting it (lab/priority.py), on real
processes and threads, as root and as an unprivileged user."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from workbook.lab import priority

# A child that starts threads after it starts: they inherit its policy.
THREADS = (
    "import sys, threading, time\n"
    "for _ in range(3): threading.Thread(target=time.sleep, args=(60,), daemon=True).start()\n"
    "print('ready', flush=True)\n"
    "time.sleep(60)\n"
)
AS_NOBODY = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]


def test_a_child_started_idle_runs_every_thread_idle_until_lifted() -> None:
    with subprocess.Popen(
        [sys.executable, "-c", THREADS],
        stdout=subprocess.PIPE,
        preexec_fn=priority.idle_preexec(),  # what the server does
    ) as child:
        try:
            assert child.stdout is not None and child.stdout.readline() == b"ready\n"
            threads = os.listdir(f"/proc/{child.pid}/task")
            assert len(threads) == 4
            assert all(os.sched_getscheduler(int(t)) == os.SCHED_IDLE for t in threads)
            assert priority.is_idle(child.pid)

            priority.lift(child.pid)
            assert not priority.is_idle(child.pid)
            assert all(os.sched_getscheduler(int(t)) == os.SCHED_OTHER for t in threads)
        finally:
            child.kill()
    assert os.sched_getscheduler(0) == os.SCHED_OTHER  # this process was never touched


@pytest.mark.skipif(
    os.geteuid() != 0 or not shutil.which("setpriv"), reason="needs root to become another user"
)
def test_an_unprivileged_user_may_not_lift_so_the_server_knows_not_to_start_idle() -> None:
    """sched(7): leaving SCHED_IDLE needs RLIMIT_NICE (0 by default) or CAP_SYS_NICE."""
    assert priority.can_lift()  # root
    # The module's own text (it needs only the stdlib) run as `nobody` by the system Python:
    # the test's venv and temporary folders are not theirs to read.
    probe = Path(priority.__file__).read_text(encoding="utf-8") + "\nprint(can_lift())\n"
    result = subprocess.run(
        [*AS_NOBODY, "/usr/bin/python3", "-c", probe],
        capture_output=True,
        text=True,
        check=True,
        cwd="/",
    )
    assert result.stdout == "False\n"

"""A learner's kernels save through their Jupyter server (lab/store_service.py, store/remote.py):
`workbook lab`'s own command line, real kernels opened as JupyterLab opens them, real Parquet.
"""

from __future__ import annotations

import json
import os
import signal
import time
from collections.abc import Callable

import pytest
from lab_server import MODULE, Server, ask, start
from seed import seed

from workbook.store import Event, ParquetStore

__all__ = ["start"]  # the fixture

pytestmark = pytest.mark.kernel

EXERCISE = "m03.skill-actions"
# A learner's answer typed into module 3, saved; what the kernel then holds.
SAVE = f"""
import json, sys
from workbook.learner.session import current
s = current()
snapshot = s.in_view(s.exercise({EXERCISE!r}))
s.set({EXERCISE!r}, "lowest-1/action", "Ask a trainer", snapshot)
s.flush()
print(json.dumps({{"store": type(s.store).__name__, "status": s.status.state,
                  "arrow": "pyarrow" in sys.modules, "snapshot": snapshot}}))
"""
RESTORED = f"""
import json
from workbook.learner.session import current
s = current()
print(json.dumps(s.answers({EXERCISE!r}, s.in_view(s.exercise({EXERCISE!r})))))
"""


def _opened(server: Server, notebook: str = MODULE) -> str:
    """A session on `notebook`, seeded with a learner's every answer, its kernel ready."""
    kernel_id = server.open(notebook)
    deadline = time.monotonic() + 60
    while not (server.runtime / f"kernel-{kernel_id}.json").exists():
        assert time.monotonic() < deadline, "no connection file"
        time.sleep(0.1)
    return kernel_id


def test_an_acknowledged_save_is_in_parquet_and_outlives_a_killed_kernel(
    start: Callable[..., Server],
) -> None:
    server = start()
    home = server.base / "home"
    seed(home, "me", cohort="local")
    kernel_id = _opened(server)
    saved = ask(server, kernel_id, SAVE)
    assert saved == {
        "store": "RemoteStore",
        "status": "saved",
        "arrow": False,
        "snapshot": saved["snapshot"],
    }

    killed = server.kernel_processes()[kernel_id]
    os.kill(killed, signal.SIGKILL)  # acknowledged: on disk
    answers = ParquetStore(home).latest("local", "me")
    assert answers[(EXERCISE, saved["snapshot"], "lowest-1/action")].value == "Ask a trainer"

    # Jupyter restarts the killed kernel; its notebook's cells restore the answer.
    deadline = time.monotonic() + 60
    # Not the killed process: under load it can still be listed for a moment after the signal,
    # and a client that reached it would see it die before it answers.
    while server.kernel_processes().get(kernel_id, killed) == killed:
        assert time.monotonic() < deadline, "the kernel was not restarted"
        time.sleep(0.2)
    while True:
        try:
            restored = ask(server, kernel_id, RESTORED)
            break
        except RuntimeError:  # still starting: a client takes its silent heartbeat for a death
            assert time.monotonic() < deadline, "the restarted kernel never answered"
    assert restored["lowest-1/action"] == "Ask a trainer"


# Saves 25 events straight into the session's store as fast as they go, on a thread that
# starts when the file `go` appears and makes `done` when through.
_BURST = """
import json, os, threading, time
from workbook.learner.session import current
from workbook.store import Event
s = current()
def burst():
    while not os.path.exists({go!r}):
        time.sleep(0.005)
    for n in range({first}, {first} + 25):
        s.store.append([Event("local", "me", "m03.skills", f"f{{n}}", "score", n % 5 + 1)])
    open({done!r}, "w").close()
threading.Thread(target=burst).start()
print(json.dumps(type(s.store).__name__))
"""


def test_two_kernels_and_a_direct_writer_save_at_once(start: Callable[..., Server]) -> None:
    server = start()
    home, go = server.base / "home", server.base / "go"
    kernels = [_opened(server), _opened(server, "module-04-account-management-team.ipynb")]
    for kernel_id, first in zip(kernels, (0, 100), strict=True):
        code = _BURST.format(go=str(go), first=first, done=str(server.base / f"done-{first}"))
        assert ask(server, kernel_id, code) == "RemoteStore"
    go.touch()
    store = ParquetStore(home)
    for n in range(200, 225):
        store.append([Event("local", "me", "m03.skills", f"f{n}", "score", 3)])
    store.wait()
    deadline = time.monotonic() + 60
    while not all((server.base / f"done-{first}").exists() for first in (0, 100)):
        assert time.monotonic() < deadline, "the kernels did not save within 60 s"
        time.sleep(0.1)
    fields = sorted(e.field for e in ParquetStore(home).history("local", "me"))
    assert fields == sorted(f"f{n}" for first in (0, 100, 200) for n in range(first, first + 25))


def test_the_server_serves_its_learner_only(start: Callable[..., Server]) -> None:
    """A kernel whose environment names another learner than its server's saves directly."""
    server = start()
    kernel_id = _opened(server)
    code = (
        "import json, os\n"
        "os.environ['WORKBOOK_LEARNER'] = 'eve'\n"
        "from workbook.learner.session import current\n"
        "print(json.dumps(type(current().store).__name__))"
    )
    assert ask(server, kernel_id, code) == "ParquetStore"
    assert json.loads(json.dumps(ask(server, kernel_id)))["session"].endswith(MODULE)

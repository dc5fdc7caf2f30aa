"""The spare kernel of `workbook lab` (lab/kernels.py), on a real server with real kernels.

The server is started with `workbook lab`'s own command line; sessions are made over its REST
API as JupyterLab makes them, and each kernel is asked what it holds through its connection
file. After each test no kernel process of the server may be left.
"""

from __future__ import annotations

import json
import time
import urllib.request
from collections.abc import Callable

import pytest
from lab_server import MODULE, SERVER_TOKEN, Server, ask, start

from workbook.lab import priority

__all__ = ["start"]  # the fixture

pytestmark = pytest.mark.kernel


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
        "arrow": False,  # its store is the server's: no pyarrow in the kernel
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
        "arrow": False,
    }


CULL = 1  # seconds: the idle culler's timeout and interval (Jupyter's traits take whole seconds)


def test_the_idle_culler_leaves_the_spare_alone_but_not_kernels_handed_out(
    start: Callable[..., Server],
) -> None:
    server = start(
        f"--MappingKernelManager.cull_idle_timeout={CULL}",
        f"--MappingKernelManager.cull_interval={CULL}",
    )
    handed, _ = server.spare()
    assert server.open(MODULE) == handed
    spare, pid = server.spare()
    idle_since = time.monotonic()  # spare() asked it last
    # Handed out, it is an ordinary kernel: idle with nobody connected, it is culled. Meanwhile
    # the spare sits idle past the timeout for three culls: culled, another would replace it.
    deadline = idle_since + 30
    while handed in server.kernel_processes() or server.listed():
        assert time.monotonic() < deadline, "a handed-out idle kernel was not culled"
        time.sleep(0.2)
    time.sleep(max(0, idle_since + 4 * CULL - time.monotonic()))
    assert server.kernel_processes() == {spare: pid}


def test_no_spare_when_turned_off_or_when_the_kernels_are_at_the_limit(
    start: Callable[..., Server],
) -> None:
    """A spare would start as the server starts, and at once when one is handed out (at idle
    priority): by the time its first kernel answers, one would be there."""
    off = start("--SpareKernelManager.spare=False")
    first = off.open(MODULE)
    ask(off, first)
    assert set(off.kernel_processes()) == {first}

    limited = start("--SpareKernelManager.max_kernels=2")
    spare, _ = limited.spare()
    assert limited.open(MODULE) == spare
    limited.spare()  # one kernel in use and the spare: at the limit
    kept = limited.open("module-04-account-management-team.ipynb")
    ask(limited, kept)
    assert len(limited.kernel_processes()) == 2 and kept in limited.kernel_processes()


def test_an_app_page_runs_on_the_spare(start: Callable[..., Server]) -> None:
    """`workbook app` (Voilà) starts a kernel per page load: the spare is one of them."""
    server = start(app=True)
    spare, _ = server.spare()
    url = f"http://127.0.0.1:{server.port}/voila/render/index.ipynb?token={SERVER_TOKEN}"
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

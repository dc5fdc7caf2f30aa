"""Idle CPU priority for a process warmed in the background, and normal priority again.

Linux's SCHED_IDLE policy runs a thread only on CPU time no normal thread wants (sched(7)),
so a process started with it cannot slow the foreground down. The policy is per thread and
inherited by threads and children, so it is set in the child before it runs anything (and
before it starts any thread), and lifted again from every thread in /proc/PID/task.

Lifting it needs privilege: sched(7) lets an unprivileged thread leave SCHED_IDLE only if
its nice value is within RLIMIT_NICE, which is 0 by default (measured here: a user other than
root gets EPERM; lowering a raised nice value back to 0 is refused too, so `nice` is no
fallback). :func:`can_lift` asks the kernel itself, once, on a throwaway thread.
"""

from __future__ import annotations

import contextlib
import functools
import os
import sys
import threading
from collections.abc import Callable

__all__ = ["can_lift", "idle_preexec", "is_idle", "lift"]

_NORMAL = getattr(os, "SCHED_OTHER", 0)
_IDLE = getattr(os, "SCHED_IDLE", None)  # Linux only


@functools.cache
def can_lift() -> bool:
    """Whether this process may set a thread from SCHED_IDLE back to normal priority."""
    if _IDLE is None or not sys.platform.startswith("linux"):
        return False
    lifted: list[bool] = []

    def probe() -> None:  # the policy is the calling thread's: this one's, not the server's
        try:
            os.sched_setscheduler(0, _IDLE, os.sched_param(0))
            os.sched_setscheduler(0, _NORMAL, os.sched_param(0))
        except OSError:
            lifted.append(False)
        else:
            lifted.append(True)

    thread = threading.Thread(target=probe, name="workbook-priority-probe")
    thread.start()
    thread.join()
    return lifted == [True]


def idle_preexec() -> Callable[[], None]:
    """A `preexec_fn` for `subprocess.Popen` that starts the child at SCHED_IDLE.

    It runs in the forked child before exec: one system call on a parameter made beforehand,
    nothing that allocates or takes a lock another thread of the parent may have held.
    """
    assert _IDLE is not None
    policy, param, setscheduler = _IDLE, os.sched_param(0), os.sched_setscheduler

    def preexec() -> None:
        setscheduler(0, policy, param)

    return preexec


def _threads(pid: int) -> list[int]:
    try:
        return [int(tid) for tid in os.listdir(f"/proc/{pid}/task")]
    except OSError:  # gone
        return []


def is_idle(pid: int) -> bool:
    """Whether any thread of process `pid` runs at SCHED_IDLE."""
    idle = False
    for tid in _threads(pid):
        with contextlib.suppress(OSError):  # a thread that ended meanwhile
            idle |= os.sched_getscheduler(tid) == _IDLE
    return idle


def lift(pid: int) -> None:
    """Give every thread of process `pid` normal priority (a thread it starts meanwhile inherits
    SCHED_IDLE, so until none is left)."""
    normal = os.sched_param(0)
    for _ in range(10):
        for tid in _threads(pid):
            with contextlib.suppress(ProcessLookupError):  # a thread that ended meanwhile
                if os.sched_getscheduler(tid) == _IDLE:
                    os.sched_setscheduler(tid, _NORMAL, normal)
        if not is_idle(pid):
            return

"""One action for a burst of calls, run after the last one; a later burst runs it again."""

from __future__ import annotations

import threading
import time

from workbook.debounce import Debounce


def test_a_burst_runs_the_action_once_after_the_last_call() -> None:
    runs: list[float] = []
    done = threading.Event()

    def action() -> None:
        runs.append(time.monotonic())
        done.set()

    later = Debounce(action)
    # The wait is long beside the gaps, so a loaded machine's slow sleep cannot end it mid-burst;
    # `last` is read before the call it times, so a slow call cannot make it late.
    for _ in range(5):
        last = time.monotonic()
        later.after(0.5)
        time.sleep(0.01)
    assert done.wait(5)
    time.sleep(0.2)  # a cancelled timer that still ran would have run by now
    assert len(runs) == 1
    assert runs[0] - last >= 0.5


def test_a_later_call_moves_an_earlier_wait_and_a_new_burst_runs_again() -> None:
    runs = threading.Semaphore(0)
    later = Debounce(runs.release)
    later.after(60)
    later.after(0.01)  # not an hour: the second call decides when
    assert runs.acquire(timeout=5)
    later.after(0.01)
    assert runs.acquire(timeout=5)
    assert not runs.acquire(timeout=0.2)

"""The cohort service on a real JupyterHub: learners sync from their kernels and laptops,
facilitators read only their cohorts, and nothing is lost or doubled by a kill or a crowd."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from hubharness import SIMULATED, Hub, events

from workbook.cli import main
from workbook.errors import OfflineError
from workbook.store import Event, MemoryStore, ParquetStore
from workbook.sync.client import HttpTarget, sync

pytestmark = pytest.mark.hub

KERNEL_ANSWERS = """
import os, sys, time, httpx
from workbook.learner.session import current
s = current()
s.set("m03.skills", "patience", {score}, snapshot="first-day")
s.set("m01.friction", "choice", {choice!r})
s.flush()
deadline = time.monotonic() + 60
while "synced to" not in s.status.message and time.monotonic() < deadline:
    time.sleep(0.2)
print(s.status.message)
# The kernel's own hub token may send answers but not read the cohort.
reply = httpx.get(os.environ["WORKBOOK_SYNC_URL"] + "api/cohorts/cohort-a/events",
                  headers={{"Authorization": "token " + os.environ["JUPYTERHUB_API_TOKEN"]}})
print("cohort read:", reply.status_code)
# Saved and synced through the learner's server (lab/store_service.py): no Arrow in the kernel.
print("store:", type(s.store).__name__, "pyarrow" in sys.modules)
"""


def cohort_events(hub: Hub, cohort: str, user: str = "lead") -> list[dict[str, Any]]:
    reply = hub.service("GET", f"api/cohorts/{cohort}/events", user)
    assert reply.status_code == 200, reply.text
    events: list[dict[str, Any]] = reply.json()["events"]
    return events


def stored(hub: Hub, cohort: str) -> list[Event]:
    """What the service stored for a cohort, history and all (a facilitator sees less)."""
    store = ParquetStore(hub.data / cohort)
    return [e for c, learner in store.learners() for e in store.history(c, learner)]


def test_learners_sync_from_their_kernels_and_facilitators_see_only_their_cohort(
    hub: Hub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def answer(user: str, score: int, choice: str) -> str:
        hub.start_server(user)
        try:
            out: str = hub.execute(user, KERNEL_ANSWERS.format(score=score, choice=choice))
            return out
        finally:
            hub.stop_server(user)

    # Two learners of a cohort at once, each in a server and kernel of their own.
    with ThreadPoolExecutor(2) as pool:
        outs = list(pool.map(answer, ("alice", "bob"), (7, 4), ("sales", "onboarding")))
    for out in outs:
        assert re.search(r"Saved on this computer · synced to cohort-a \d\d:\d\d", out), out
        assert "cohort read: 403" in out
        assert "store: RemoteStore False" in out

    # carol syncs from her laptop with a token from the hub's token page: her local learner
    # name is "me", the service files her answers under her hub name.
    monkeypatch.setenv("WORKBOOK_HOME", str(tmp_path / "laptop"))
    monkeypatch.setenv("WORKBOOK_LEARNER", "me")
    ParquetStore(tmp_path / "laptop").append(events("me", 3))
    argv = ["sync", "--url", hub.service_url, "--token", hub.token("carol")]
    assert main(argv) == 0
    assert re.search(r"synced to cohort-b \d\d:\d\d\nsent 3 ", capsys.readouterr().out)
    assert main(argv) == 0  # again: nothing new to send
    assert "nothing new to send" in capsys.readouterr().out
    shutil.rmtree(tmp_path / "laptop" / "sync")  # the ack log lost: all is sent again
    assert main(argv) == 0
    assert "sent 3 answer change(s); cohort-b stored 0 new" in capsys.readouterr().out
    assert len(ParquetStore(tmp_path / "laptop").history("local", "me")) == 3  # kept as it was

    seen_by_fran = cohort_events(hub, "cohort-a", "fran")
    answers = {(e["learner"], e["exercise_id"], e["field"]): e["value"] for e in seen_by_fran}
    assert answers == {
        ("alice", "m03.skills", "patience"): 7,
        ("alice", "m01.friction", "choice"): "sales",
        ("bob", "m03.skills", "patience"): 4,
        ("bob", "m01.friction", "choice"): "onboarding",
    }
    assert {e["learner"] for e in cohort_events(hub, "cohort-b", "gus")} == {"carol"}
    listed = hub.service("GET", "api/cohorts", "fran").json()["cohorts"]
    assert "cohort-a" in listed and "cohort-b" not in listed


@pytest.mark.parametrize(
    ("user", "method", "path", "body", "status", "says"),
    [
        ("alice", "GET", "api/cohorts/cohort-a/events", None, 403, "do not facilitate"),
        ("alice", "GET", "api/cohorts/cohort-b/events", None, 403, "do not facilitate"),
        ("fran", "GET", "api/cohorts/cohort-b/events", None, 403, "do not facilitate"),
        ("gus", "GET", "api/cohorts/cohort-a/events", None, 403, "do not facilitate"),
        ("alice", "POST", "api/events", {"learner": "bob"}, 403, "only send your own"),
        ("fran", "POST", "api/events", {}, 403, "exactly one hub group"),
        ("alice", "POST", "api/events", {"value_type": "score", "value": "ten"}, 400, "score"),
        (None, "GET", "api/me", None, 401, "send a hub token"),
    ],
)
def test_refusals(
    hub: Hub, user: str | None, method: str, path: str, body: dict[str, Any] | None,
    status: int, says: str,
) -> None:  # fmt: skip
    payload = None
    if body is not None:
        from workbook.store import wire

        event = {**wire.to_json(events("x", 1)[0]), **body}
        payload = {"events": [event]}
    if user is None:
        import httpx

        reply = httpx.request(method, hub.service_url + path, json=payload)
    else:
        reply = hub.service(method, path, user, json=payload)
    assert reply.status_code == status, reply.text
    assert says in reply.json()["error"]
    if payload is not None:  # and nothing of a refused batch was kept
        refused = payload["events"][0]["event_id"]
        assert all(e.event_id != refused for e in stored(hub, "cohort-a"))


def test_service_killed_mid_sync_loses_and_duplicates_nothing(hub: Hub, tmp_path: Path) -> None:
    store, sent = MemoryStore(), events("kim", 6000)
    store.append(sent)
    target = HttpTarget(hub.service_url, hub.token("kim"))
    first_pid = hub.service_pid()
    outcome: list[BaseException | None] = []

    def run() -> None:
        try:
            sync(store, tmp_path, "local", "kim", target, batch=100)
            outcome.append(None)
        except BaseException as err:
            outcome.append(err)

    thread = threading.Thread(target=run)
    thread.start()
    acked = tmp_path / "sync"
    deadline = time.monotonic() + 60
    while not any(p.name == "acked" for p in acked.rglob("acked")) and time.monotonic() < deadline:
        time.sleep(0.01)
    os.kill(first_pid, signal.SIGKILL)
    thread.join(60)
    target.close()
    assert isinstance(outcome[0], OfflineError), outcome  # it was cut off mid-sync
    acked_before = len(next(acked.rglob("acked")).read_text().split())
    assert 0 < acked_before < len(sent)

    deadline = time.monotonic() + 120  # the hub restarts a dead service on its next poll
    while True:
        try:
            with contextlib.closing(HttpTarget(hub.service_url, hub.token("kim"))) as target:
                result = sync(store, tmp_path, "local", "kim", target, batch=100)
            break
        except OfflineError:
            assert time.monotonic() < deadline, "the service did not come back"
            time.sleep(0.2)
    assert hub.service_pid() != first_pid
    assert result.sent == len(sent) - acked_before
    got = Counter(e.event_id for e in stored(hub, "cohort-kill"))
    assert set(got) == {e.event_id for e in sent}
    assert max(got.values()) == 1


def test_fifty_learners_syncing_at_once_lose_and_duplicate_nothing(
    hub: Hub, tmp_path: Path
) -> None:
    stores = {user: MemoryStore() for user in SIMULATED}
    for user, store in stores.items():
        store.append(events(user, 100))
    targets = {user: HttpTarget(hub.service_url, hub.token(user)) for user in SIMULATED}

    def run(user: str) -> int:
        return sync(stores[user], tmp_path / user, "local", user, targets[user], batch=20).sent

    with ThreadPoolExecutor(len(SIMULATED)) as pool:
        assert list(pool.map(run, SIMULATED)) == [100] * len(SIMULATED)
        assert list(pool.map(run, SIMULATED)) == [0] * len(SIMULATED)  # idempotent
    for target in targets.values():
        target.close()
    got = stored(hub, "cohort-load")
    ids = Counter(e.event_id for e in got)
    assert max(ids.values()) == 1
    expected = {e.event_id for s in stores.values() for e in s.history("local", s.learners()[0][1])}
    assert set(ids) == expected
    assert Counter(e.learner for e in got) == dict.fromkeys(SIMULATED, 100)

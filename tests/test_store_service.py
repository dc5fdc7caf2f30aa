"""The learner's server keeps the store (lab/store_service.py); kernels call it (store/remote.py).

A real service on a real Unix socket and real Parquet files: what a kernel's client saves and
reads through it, what a careless or hostile peer on the socket gets (refused, nothing written,
the service still serving), and the client falling back to the direct store.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import stat
import threading
from pathlib import Path
from typing import Any

import pytest
from store_server import store_service

from workbook.errors import AnswerError, IdError, StoreError
from workbook.lab.store_service import StoreService
from workbook.store import Event, ParquetStore
from workbook.store.folders import fingerprint
from workbook.store.remote import MAX_BODY, RemoteStore, call, open_store
from workbook.store.wire import to_json

DAY = dt.datetime(2026, 12, 7, 9, tzinfo=dt.UTC)


def event(n: int = 1, learner: str = "ada", **kw: Any) -> Event:
    fields: dict[str, Any] = {"value_type": "score", "value": n % 5 + 1, "saved_at": DAY} | kw
    return Event("local", learner, "m03.skills", f"f{n}", **fields)


def sent(e: Event, **changes: Any) -> dict[str, Any]:
    """An event as a kernel sends it, with `changes` made to the JSON."""
    return to_json(e, learner=True) | {"cohort": e.cohort} | changes


@pytest.fixture
def service(tmp_path: Path) -> Any:
    with store_service(tmp_path / "home") as running:
        yield running


def remote(service: StoreService) -> RemoteStore:
    return RemoteStore(service.socket_path, service.root, "local", "ada")


def test_saves_and_reads_through_the_server_as_the_direct_store_does(
    service: StoreService,
) -> None:
    store = remote(service)
    events = [event(n) for n in range(5)] + [event(1, value=None), event(9, value_type="text",
              value="Ünïcode 🙂 " * 100, snapshot="first")]  # fmt: skip
    store.append(events[:3])
    store.append(events[3:])
    direct = ParquetStore(service.root)
    assert store.history("local", "ada") == direct.history("local", "ada")
    assert store.latest("local", "ada") == direct.latest("local", "ada")
    assert store.learners() == [("local", "ada")]
    assert store.fingerprint("local", "ada") == direct.fingerprint("local", "ada") != ()
    assert store.gone is None


def test_the_socket_is_the_learners_alone(service: StoreService) -> None:
    folder = Path(service.socket_path).parent
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE(os.stat(service.socket_path).st_mode) == 0o600


# What a careless or hostile peer on the socket may send: each is refused, nothing is written.
_GOOD = event(1)
_HOSTILE: list[tuple[str, Any, type[Exception]]] = [
    ("another learner's event", {"events": [sent(event(2, learner="bob"))]}, IdError),
    ("another cohort's event", {"events": [sent(_GOOD, cohort="other")]}, IdError),
    ("no learner named", {"events": [{k: v for k, v in sent(_GOOD).items() if k != "learner"}]},
     IdError),
    ("a bad event id", {"events": [sent(_GOOD, event_id="../x")]}, IdError),
    ("a bad exercise id", {"events": [sent(_GOOD, exercise_id="../../x")]}, IdError),
    ("a 2 MB text", {"events": [sent(_GOOD, value_type="text", value="x" * 2_000_000)]},
     AnswerError),
    ("a score as a bool", {"events": [sent(_GOOD, value=True)]}, AnswerError),
    ("a score beyond 32 bits", {"events": [sent(_GOOD, value=2**40)]}, AnswerError),
    ("a date that is no date", {"events": [sent(_GOOD, value_type="date", value="soon")]},
     AnswerError),
    ("a clock in 1970", {"events": [sent(_GOOD, saved_at="1970-01-01T00:00:00+00:00")]},
     AnswerError),
    ("a missing field", {"events": [{k: v for k, v in sent(_GOOD).items() if k != "value"}]},
     AnswerError),
    ("one good, one bad", {"events": [sent(_GOOD), sent(event(2), value="x")]}, AnswerError),
    ("events not a list", {"events": "all of them"}, AnswerError),
    ("an event not an object", {"events": [sent(_GOOD), 7]}, AnswerError),
    ("a list, not an object", [sent(_GOOD)], AnswerError),
    ("too many events", {"events": [sent(_GOOD)] * 10_001}, AnswerError),
]  # fmt: skip


@pytest.mark.parametrize(("body", "error"), [c[1:] for c in _HOSTILE], ids=[c[0] for c in _HOSTILE])
def test_a_careless_or_hostile_save_is_refused_and_nothing_is_written(
    service: StoreService, body: Any, error: type[Exception]
) -> None:
    with pytest.raises(error) as refused:
        call(service.socket_path, "POST", "/append", body)
    assert type(refused.value) is error and len(str(refused.value)) < 400
    assert fingerprint(service.root, "local", "ada") == ()
    assert fingerprint(service.root, "local", "bob") == ()
    remote(service).append([_GOOD])  # still serving
    assert list(remote(service).latest("local", "ada").values()) == [_GOOD]


@pytest.mark.parametrize("what", ["latest", "history"])
def test_another_learners_answers_are_not_read(service: StoreService, what: str) -> None:
    ParquetStore(service.root).append([event(1, learner="bob")])
    with pytest.raises(IdError, match="local/ada only"):
        call(service.socket_path, "GET", f"/{what}?cohort=local&learner=bob")
    with pytest.raises(IdError):
        call(service.socket_path, "GET", f"/{what}?cohort=local&learner=../bob")


def _raw(service: StoreService, request: bytes) -> bytes:
    with socket.socket(socket.AF_UNIX) as peer:
        peer.settimeout(10)
        peer.connect(service.socket_path)
        peer.sendall(request)
        return peer.recv(4096)


@pytest.mark.parametrize(
    ("request_", "status"),
    [
        (b"POST /append HTTP/1.1\r\nHost: x\r\nContent-Length: 9\r\n\r\n{not json", b"400"),
        (b"POST /append HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\n\xff\xfe\x00{", b"400"),
        (f"POST /append HTTP/1.1\r\nHost: x\r\nContent-Length: {MAX_BODY + 1}\r\n\r\n".encode(),
         b"400"),
        (b"GET /append HTTP/1.1\r\nHost: x\r\n\r\n", b"405"),
        (b"POST /latest HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}", b"405"),
        (b"GET /../etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n", b"404"),
        (b"garbage\r\n\r\n", b"400"),
        (b"GET /latest?cohort=local&learner=bob HTTP/1.1\r\nHost: x\r\n\r\n", b"403"),
        (b"GET /latest?cohort=local&learner=../ada HTTP/1.1\r\nHost: x\r\n\r\n", b"403"),
    ],
)  # fmt: skip
def test_garbage_on_the_socket_is_refused(
    service: StoreService, request_: bytes, status: bytes
) -> None:
    reply = _raw(service, request_)
    assert reply.split(b" ")[1] == status, reply[:200]
    assert fingerprint(service.root, "local", "ada") == ()
    remote(service).append([_GOOD])
    assert remote(service).history("local", "ada") == [_GOOD]


def test_a_refusal_from_the_client_itself_for_a_body_too_big(service: StoreService) -> None:
    body = {"events": [sent(_GOOD, value="x" * (MAX_BODY + 1))]}
    with pytest.raises(AnswerError, match="shorten the longest text"):
        call(service.socket_path, "POST", "/append", body)


def test_concurrent_saves_through_the_server_and_beside_it(service: StoreService) -> None:
    """Two clients (two kernels) saving at once through one server, and a direct writer."""
    direct = ParquetStore(service.root)

    def save(store: Any, start: int) -> None:
        for n in range(start, start + 30):
            store.append([event(n)])

    writers = [
        threading.Thread(target=save, args=(remote(service), 0)),
        threading.Thread(target=save, args=(remote(service), 100)),
        threading.Thread(target=save, args=(direct, 200)),
    ]
    for w in writers:
        w.start()
    for w in writers:
        w.join()
    direct.wait()
    service.store.wait()
    history = remote(service).history("local", "ada")
    assert sorted(e.field for e in history) == sorted(
        f"f{n}" for start in (0, 100, 200) for n in range(start, start + 30)
    )


def test_the_direct_store_without_a_server_that_serves_this_learner(tmp_path: Path) -> None:
    root = tmp_path / "home"
    assert isinstance(open_store(root, "local", "ada", {}), ParquetStore)
    gone = {"WORKBOOK_STORE_SOCKET": str(tmp_path / "no-such.sock")}
    assert isinstance(open_store(root, "local", "ada", gone), ParquetStore)
    with store_service(root, learner="bob") as bobs:
        env = {"WORKBOOK_STORE_SOCKET": bobs.socket_path}
        assert isinstance(open_store(root, "local", "ada", env), ParquetStore)
        assert isinstance(open_store(root, "local", "bob", env), RemoteStore)
        assert isinstance(open_store(tmp_path / "elsewhere", "local", "bob", env), ParquetStore)


def test_a_server_gone_mid_session_leaves_nothing_unsaved(tmp_path: Path) -> None:
    root = tmp_path / "home"
    with store_service(root) as running:
        store = open_store(root, "local", "ada", {"WORKBOOK_STORE_SOCKET": running.socket_path})
        assert isinstance(store, RemoteStore)
        store.append([event(1)])
    assert not os.path.exists(running.socket_path)  # its folder is gone with it
    store.append([event(2)])  # written directly from now on
    assert store.gone and "did not answer" in store.gone
    assert sorted(e.field for e in ParquetStore(root).history("local", "ada")) == ["f1", "f2"]
    assert len(store.latest("local", "ada")) == 2


def test_a_server_error_is_a_store_error_with_its_message(tmp_path: Path) -> None:
    root = tmp_path / "home"
    root.mkdir()
    with store_service(root) as running:
        (root / "events").write_text("a file where the folder should be")
        with pytest.raises(StoreError, match="is a file where a folder should be"):
            remote(running).append([event(1)])


def test_a_refusal_reaches_the_learner_as_a_store_error_and_the_answer_is_kept(
    tmp_path: Path,
) -> None:
    """The session shows a save the server refused as it shows any store error, and keeps it
    until it can be written."""
    from workbook.course.content import load_course
    from workbook.learner.session import Session

    with store_service(tmp_path / "home", learner="bob") as bobs:
        store = RemoteStore(bobs.socket_path, bobs.root, "local", "ada")  # not the server's
        session = Session(load_course(), store, "local", "ada", debounce=60)
        session.set("m03.skills", "patience", 4, snapshot="first-day")
        with pytest.raises(IdError):
            session.flush()
        assert session.status.state == "failed" and session.pending == 1
        assert "keeps the answers of local/bob only" in session.status.message
        assert "Traceback" not in session.status.message
        assert fingerprint(tmp_path / "home", "local", "ada") == ()
    # The server gone, the pending answer is written directly on the next try.
    session.flush()
    assert (session.status.state, session.pending) == ("saved", 0) and store.gone
    saved = ParquetStore(tmp_path / "home").latest("local", "ada")
    assert saved[("m03.skills", "first-day", "patience")].value == 4

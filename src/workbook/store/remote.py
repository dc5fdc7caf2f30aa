"""A learner's kernel's store: its calls sent to the learner's own Jupyter server.

pyarrow's shared libraries are ~28 MB of every kernel that writes Parquet, and a learner keeps
three kernels. So a workbook server holds the one ParquetStore (`lab/store_service.py`) and its
kernels talk to it over a Unix socket in a 0700 folder (file permissions are the
authentication: no token lives in a kernel), named by ``WORKBOOK_STORE_SOCKET`` in the
environment kernels inherit. This client is stdlib only (http.client, json; the events as
`wire` JSON) and never imports pyarrow.

The server decides identity (it serves its own learner only) and replies to a save after the
durable write, so an acknowledged save survives the kernel. The folder listing the watcher asks
for (:meth:`RemoteStore.fingerprint`) needs no Arrow: the kernel lists the folder itself.

No socket named, or nobody answering on it when the session starts, or a server serving someone
else: :func:`open_store` gives the direct ParquetStore, pyarrow loaded lean. A server that goes
away mid-session: the call that found it gone and every later one go to the direct store
(a save resent there is deduped by its event id), so nothing pending is lost.
"""

from __future__ import annotations

import http.client
import json
import os
import socket
import threading
from collections.abc import Hashable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from ..errors import AnswerError, IdError, StoreError, WorkbookError
from .arrow import kernel_arrow
from .events import Event
from .folders import fingerprint
from .wire import from_json, to_json

if TYPE_CHECKING:
    from .memory import Store
    from .parquet import ParquetStore

__all__ = ["MAX_BODY", "SOCKET_ENV", "RemoteStore", "direct_store", "open_store", "refused"]

SOCKET_ENV = "WORKBOOK_STORE_SOCKET"
# A save of every field of the course with its longest texts stays far below; a body above is
# refused by the server before it is read.
MAX_BODY = 32 * 2**20
TIMEOUT = 30.0  # seconds: a save is a few ms; a server this slow is treated as gone
_ERRORS: dict[str, type[WorkbookError]] = {
    "AnswerError": AnswerError,
    "IdError": IdError,
    "StoreError": StoreError,
}


class ServerGone(StoreError):
    """Nobody answered on the socket, or the reply broke off: the server is not there."""


def refused(kind: str, message: str) -> dict[str, str]:
    """The body of a refusal, as the server sends it and :meth:`RemoteStore._call` raises it."""
    return {"error": message, "kind": kind}


class _UnixConnection(http.client.HTTPConnection):
    def __init__(self, path: str, timeout: float) -> None:
        super().__init__("localhost", timeout=timeout)
        self._path = path

    def connect(self) -> None:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            sock.settimeout(self.timeout)
            sock.connect(self._path)
        except OSError:
            sock.close()
            raise
        self.sock = sock


def call(path: str, method: str, url: str, body: Any = None, timeout: float = TIMEOUT) -> Any:
    """One request to the store server at socket `path`: its JSON reply, or the WorkbookError
    it refused with; ServerGone if nobody answered."""
    data = None if body is None else json.dumps(body, ensure_ascii=False).encode("utf-8")
    if data is not None and len(data) > MAX_BODY:
        raise AnswerError(
            f"these answers are {len(data) / 2**20:.0f} MB, more than the {MAX_BODY // 2**20} MB "
            "one save may hold: shorten the longest text"
        )
    connection = _UnixConnection(path, timeout)
    try:
        headers = {"Content-Type": "application/json"} if data is not None else {}
        connection.request(method, url, body=data, headers=headers)
        reply = connection.getresponse()
        text = reply.read()
    except (OSError, http.client.HTTPException) as err:
        raise ServerGone(f"the workbook server at {path} did not answer: {err}") from err
    finally:
        connection.close()
    try:
        answer = json.loads(text)
    except ValueError:
        answer = None
    if reply.status == 200 and isinstance(answer, dict):
        return answer
    if isinstance(answer, dict) and isinstance(answer.get("error"), str):
        raise _ERRORS.get(str(answer.get("kind")), StoreError)(answer["error"])
    raise StoreError(f"the workbook server refused the request (HTTP {reply.status})")


def direct_store(root: Path) -> ParquetStore:
    """The ParquetStore at `root`, written by this process; in a kernel, pyarrow loaded lean."""
    kernel_arrow()
    from .parquet import ParquetStore

    return ParquetStore(root)


class RemoteStore:
    """The :class:`~workbook.store.Store` of one learner, kept by the learner's server."""

    def __init__(self, socket_path: str, root: Path, cohort: str, learner: str) -> None:
        self.socket_path = socket_path
        self.root = root
        self.cohort, self.learner = cohort, learner
        self.gone: str | None = None  # why the server was given up on, once it was
        self._direct: ParquetStore | None = None
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"RemoteStore({self.socket_path!r}, {str(self.root)!r})"

    def _fallback(self, err: ServerGone | None = None) -> ParquetStore:
        with self._lock:
            if self._direct is None:
                self.gone = str(err)
                self._direct = direct_store(self.root)
            return self._direct

    def _call(self, method: str, url: str, body: Any = None) -> Any:
        return call(self.socket_path, method, url, body)

    def _query(self, what: str, cohort: str, learner: str) -> list[Event]:
        """Events the server sends for `what` ("history" or "latest")."""
        answer = self._call("GET", f"/{what}?{urlencode({'cohort': cohort, 'learner': learner})}")
        events = answer.get("events")
        if not isinstance(events, list):
            raise StoreError("the workbook server sent no events: restart the workbook server")
        return [from_json(e, cohort, learner) for e in events]

    def append(self, events: Sequence[Event]) -> None:
        if self._direct is None:
            body = {"events": [to_json(e, learner=True) | {"cohort": e.cohort} for e in events]}
            try:
                self._call("POST", "/append", body)
                return
            except ServerGone as err:
                self._fallback(err)
        self._fallback().append(events)

    def history(self, cohort: str, learner: str) -> list[Event]:
        if self._direct is None:
            try:
                return self._query("history", cohort, learner)
            except ServerGone as err:
                self._fallback(err)
        return self._fallback().history(cohort, learner)

    def latest(self, cohort: str, learner: str) -> dict[tuple[str, str, str], Event]:
        if self._direct is None:
            try:
                events = self._query("latest", cohort, learner)
                return {(e.exercise_id, e.snapshot, e.field): e for e in events}
            except ServerGone as err:
                self._fallback(err)
        return self._fallback().latest(cohort, learner)

    def learners(self) -> list[tuple[str, str]]:
        """Only the server's own learner: it serves nobody else."""
        return [(self.cohort, self.learner)] if self.fingerprint(self.cohort, self.learner) else []

    def fingerprint(self, cohort: str, learner: str) -> Hashable:
        return fingerprint(self.root, cohort, learner)  # a folder listing: no server, no Arrow


def hello(socket_path: str, timeout: float = 5.0) -> Mapping[str, Any]:
    """Whom and where the server at `socket_path` serves; ServerGone if nobody answers."""
    answer: Mapping[str, Any] = call(socket_path, "GET", "/hello", timeout=timeout)
    return answer


def open_store(
    root: Path, cohort: str, learner: str, environ: Mapping[str, str] | None = None
) -> Store:
    """The learner's server's store if the environment names one that serves this learner at
    `root`, else the direct ParquetStore at `root`."""
    path = (os.environ if environ is None else environ).get(SOCKET_ENV)
    if path:
        try:
            served = hello(path)
        except (ServerGone, StoreError):
            served = {}
        if (served.get("cohort"), served.get("learner"), served.get("root")) == (
            cohort,
            learner,
            str(root.absolute()),
        ):
            return RemoteStore(path, root.absolute(), cohort, learner)
    return direct_store(root)

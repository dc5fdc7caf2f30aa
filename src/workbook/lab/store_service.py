"""The learner's server keeps the store for its kernels (a Jupyter server extension).

Every workbook server (`workbook lab`, `workbook app`, a hub's spawn) loads this from its config
(`server_config.py`). It opens one ParquetStore for the server's learner and serves it on a Unix
socket in a fresh 0700 folder, on the server's IOLoop (tornado); the socket's path goes into the
server's environment as ``WORKBOOK_STORE_SOCKET``, which every kernel it starts inherits, and a
kernel's session then saves and restores through it (`store/remote.py`) without loading pyarrow:
the server pays for Arrow once for all its kernels.

Only the server's own learner is served (the identity its environment gives, as a kernel's
`identity()` reads it): a request or an event for anyone else, an event that breaks the store's
rules, malformed JSON or a body over :data:`~workbook.store.remote.MAX_BODY` is refused with a
message and nothing is written. Parquet is read and written on a thread pool, off the IOLoop;
a save is answered once its file is durable (fsync and rename).
"""

from __future__ import annotations

import atexit
import json
import os
import shutil
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tornado import web
from tornado.httpserver import HTTPServer
from tornado.ioloop import IOLoop
from tornado.netutil import bind_unix_socket

from ..errors import AnswerError, IdError, WorkbookError
from ..store.arrow import lean_arrow
from ..store.folders import default_root
from ..store.ids import identity
from ..store.remote import MAX_BODY, SOCKET_ENV, refused
from ..store.wire import dump, from_json

if TYPE_CHECKING:
    from ..store.parquet import ParquetStore

__all__ = ["StoreService", "start"]

# More events than the whole course has fields, many times over: a batch is one per field.
MAX_EVENTS = 10_000


class NotServed(IdError):
    """A request for another learner's answers: this server keeps its own learner's only."""


class StoreService:
    """One learner's ParquetStore, served on a Unix socket; :meth:`close` stops it."""

    def __init__(
        self, root: Path, cohort: str, learner: str, socket_path: Path | None = None
    ) -> None:
        """Serve on `socket_path` (in a folder of :func:`private_socket`'s), else on a new one."""
        self.root, self.cohort, self.learner = root.absolute(), cohort, learner
        path = socket_path or private_socket()
        self.folder, self.socket_path = path.parent, str(path)
        self.pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="workbook-store")
        self.store = _open(self.root)
        app = web.Application([(r"/(hello|latest|history|append)", _Handler, {"service": self})])
        self.server = HTTPServer(app, max_body_size=MAX_BODY)
        self.server.add_socket(bind_unix_socket(self.socket_path, mode=0o600))

    async def run(self, job: str, body: Any) -> dict[str, Any]:
        """Answer one request (`body`: the query's arguments or the posted JSON)."""
        if job == "hello":
            return {"cohort": self.cohort, "learner": self.learner, "root": str(self.root)}
        if job == "append":
            events = self._events(body)
            await IOLoop.current().run_in_executor(self.pool, self.store.append, events)
            return {"saved": len(events)}
        self._ours(body.get("cohort"), body.get("learner"))
        read = self._history if job == "history" else self._latest
        return {"events": await IOLoop.current().run_in_executor(self.pool, read)}

    def _ours(self, cohort: object, learner: object) -> None:
        if (cohort, learner) != (self.cohort, self.learner):
            raise NotServed(
                f"this workbook server keeps the answers of {self.cohort}/{self.learner} only, "
                f"not of {str(cohort)[:70]}/{str(learner)[:70]}"
            )

    def _events(self, body: Any) -> list[Any]:
        if not isinstance(body, dict) or not isinstance(body.get("events"), list):
            raise AnswerError('a save must be a JSON object {"events": [...]}')
        if len(body["events"]) > MAX_EVENTS:
            raise AnswerError(f"a save may hold at most {MAX_EVENTS:,} events")
        events = []
        for data in body["events"]:
            if not isinstance(data, dict):
                raise AnswerError("each event must be a JSON object")
            self._ours(data.get("cohort"), data.get("learner"))
            events.append(from_json(data, self.cohort, self.learner))
        return events

    def _history(self) -> list[dict[str, Any]]:
        return dump(self.store.history(self.cohort, self.learner))

    def _latest(self) -> list[dict[str, Any]]:
        return dump(self.store.latest(self.cohort, self.learner).values())

    def close(self) -> None:
        self.server.stop()
        self.pool.shutdown(wait=True)  # a save under way finishes
        shutil.rmtree(self.folder, ignore_errors=True)


class _Handler(web.RequestHandler):
    def initialize(self, service: StoreService) -> None:
        self.service = service

    async def get(self, job: str) -> None:
        if job == "append":
            raise web.HTTPError(405)
        args = {k: self.get_query_argument(k, "") for k in ("cohort", "learner")}
        await self._answer(job, args)

    async def post(self, job: str) -> None:
        if job != "append":
            raise web.HTTPError(405)
        try:
            body = json.loads(self.request.body)
        except ValueError as err:
            body = err
        await self._answer(job, body)

    async def _answer(self, job: str, body: Any) -> None:
        try:
            if isinstance(body, ValueError):
                raise AnswerError(f"the request is not JSON: {str(body)[:100]}")
            answer = await self.service.run(job, body)
        except WorkbookError as err:  # the kernel shows it as it shows any store error
            kind = next(k for k in (IdError, AnswerError, WorkbookError) if isinstance(err, k))
            self.set_status(
                403 if isinstance(err, NotServed) else 500 if kind is WorkbookError else 400
            )
            answer = refused("StoreError" if kind is WorkbookError else kind.__name__, str(err))
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(answer, ensure_ascii=False))

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        self.finish(refused("StoreError", f"the workbook server could not answer ({status_code})"))


def _open(root: Path) -> ParquetStore:
    """The ParquetStore, Arrow loaded now (the first notebook's restore is then quick) and lean
    unless something loaded NumPy already: nothing in a learner's server converts to NumPy or
    pandas. On the main thread, as the server starts: lean_arrow hides NumPy while it runs."""
    if not {"numpy", "pyarrow"} & sys.modules.keys():
        lean_arrow()
    from ..store.parquet import ParquetStore

    return ParquetStore(root)


def private_socket() -> Path:
    """A socket path in a new folder only this user may enter (mkdtemp: 0700)."""
    return Path(tempfile.mkdtemp(prefix="workbook-store-")) / "store.sock"


def start(socket_path: Path | None = None) -> StoreService:
    """The service for the learner this process's environment names, on `socket_path`; its
    path set in the environment the kernels inherit; stopped when the process exits."""
    cohort, learner = identity()
    service = StoreService(default_root(), cohort, learner, socket_path)
    os.environ[SOCKET_ENV] = service.socket_path
    atexit.register(service.close)
    return service


# A Jupyter server extension (``ServerApp.jpserver_extensions``), linked and loaded as the
# server starts.


def _jupyter_server_extension_points() -> list[dict[str, str]]:
    return [{"module": __name__}]


def _link_jupyter_server_extension(serverapp: Any) -> None:
    """The socket's path goes into the environment before any extension loads: a hub's
    extension runs the IOLoop while it loads, and the spare kernel starts then. A kernel asks
    for the socket only when its session opens, once the server serves."""
    path = private_socket()
    atexit.register(shutil.rmtree, path.parent, True)  # also if the service never starts
    os.environ[SOCKET_ENV] = str(path)


def _load_jupyter_server_extension(serverapp: Any) -> None:
    path = os.environ.get(SOCKET_ENV)
    try:
        service = start(Path(path) if path else None)
    except (WorkbookError, OSError) as err:  # kernels then write the store themselves
        os.environ.pop(SOCKET_ENV, None)
        serverapp.log.warning("workbook: kernels will save answers themselves: %s", err)
        return
    serverapp.log.info("workbook: the answer store is served on %s", service.socket_path)

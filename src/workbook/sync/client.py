"""Sync from the learner's side: send the local events the cohort does not have yet.

The local store stays the truth: sync only reads it and never deletes or rewrites an event.
What a target acknowledged is appended to an ack log next to the store
(``<root>/sync/<cohort>/<learner>/<target key>/acked``), batch by batch, so an interrupted sync
resumes where it stopped; a batch sent but not acknowledged is sent again, and the target
drops it by event id. Targets: the cohort service (:class:`HttpTarget`) or a shared folder
(:class:`workbook.sync.folder.FolderTarget`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import hashlib
import json
import os
import stat
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from ..debounce import Debounce
from ..errors import OfflineError, SyncError
from .target import Delivery, Target, target_key

if TYPE_CHECKING:
    import httpx

    from ..store import Event, Store

__all__ = [
    "BackgroundSync",
    "Delivery",
    "HttpTarget",
    "Reporting",
    "SyncResult",
    "Target",
    "attach_from_env",
    "status_line",
    "sync",
    "target_from_env",
]

BATCH = 500
BODY_LIMIT = 8 * 2**20  # bytes: a batch bigger than this is sent in parts (the service takes 16)
TIMEOUT = 30.0
DELAY_SECONDS = 2.0  # after a save: typing bursts become one sync
RETRY_SECONDS = 30.0
# A drop box's file format, kept in the sync status: 2 = current answers, shared text only.
DROP = 2
HERE = "Saved on this computer"


@dataclass(frozen=True)
class SyncResult:
    cohort: str
    sent: int
    pending: int
    at: dt.datetime
    stored: int = 0

    @property
    def line(self) -> str:
        return f"{HERE} · synced to {self.cohort} {self.at.astimezone():%H:%M}"


class HttpTarget:
    """The cohort service at `url` (…/services/workbook/), called with a hub token."""

    def __init__(self, url: str, token: str, *, timeout: float = TIMEOUT) -> None:
        if not token:
            raise SyncError(
                "no hub token: make one on the hub's Token page and pass --token "
                "(or set WORKBOOK_SYNC_TOKEN)"
            )
        self.url = url.rstrip("/") + "/"
        self.key = target_key("service", self.url)
        self.label = "the cohort service"
        self._token, self._timeout = token, timeout
        self._client: httpx.Client | None = None  # made on the first request: a sync with
        # nothing to send never imports httpx

    whole = False

    def request(self, method: str, path: str, **kwargs: Any) -> Any:
        import httpx

        if self._client is None:
            self._client = httpx.Client(
                headers={"Authorization": f"token {self._token}"},
                timeout=self._timeout,
                trust_env=False,
            )
        try:
            reply = self._client.request(method, self.url + path, **kwargs)
        except httpx.HTTPError as err:
            raise OfflineError(f"{self.label} at {self.url} is not reachable ({err})") from err
        try:
            body = reply.json()
        except ValueError:
            body = None
        body = body if isinstance(body, dict) else {}
        if reply.status_code >= 500 or reply.status_code in (408, 424):
            raise OfflineError(f"{self.label} answered {reply.status_code}: try again later")
        if reply.status_code >= 400:  # retrying would get the same answer: say why and stop
            reason = str(body.get("error") or reply.reason_phrase)[:500]
            raise SyncError(
                f"{self.label} refused ({reply.status_code}): {reason}. Your answers are safe on"
                " this computer; run `workbook sync` again once this is fixed"
            )
        return body

    def push(self, events: Sequence[Event], replaces: str = "") -> Delivery:
        from ..store import wire

        data = json.dumps({"events": wire.dump(events)}, ensure_ascii=False).encode()
        if len(data) > BODY_LIMIT and len(events) > 1:  # long texts: in halves, each acked whole
            half = len(events) // 2
            first, second = self.push(events[:half]), self.push(events[half:])
            return Delivery(second.cohort, first.stored + second.stored)
        headers = {"Content-Type": "application/json"}
        body = self.request("POST", "api/events", content=data, headers=headers)
        return Delivery(str(body["cohort"]), int(body.get("new", 0)))

    def close(self) -> None:
        if self._client is not None:
            self._client.close()


class _AckLog:
    """The sync state of one learner and target, private to this user (folders 0700, files
    0600 whatever the umask; nothing opened through a link another user could plant)."""

    def __init__(self, root: Path, cohort: str, learner: str, target: Target) -> None:
        self.root = root
        self.dir = root / "sync" / cohort / learner / target.key

    def _make(self) -> None:
        # Sync before any save makes the store's root; no fsync of each new folder (as the
        # store does): a lost ack log only costs a re-send.
        os.makedirs(self.root, 0o700, exist_ok=True)
        path = self.root
        for part in self.dir.relative_to(self.root).parts:
            path = path / part
            with contextlib.suppress(FileExistsError):
                os.mkdir(path, 0o700)
            info = os.lstat(path)
            if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.geteuid():
                raise SyncError(f"{path} is not a folder of yours: remove it and sync again")
            if stat.S_IMODE(info.st_mode) != 0o700:
                os.chmod(path, 0o700)

    def _open(self, name: str, flags: int) -> int:
        fd = os.open(self.dir / name, flags | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_uid != os.geteuid():
            os.close(fd)
            raise SyncError(f"{self.dir / name} is not a file of yours: remove it and sync again")
        if stat.S_IMODE(info.st_mode) != 0o600:
            os.fchmod(fd, 0o600)
        return fd

    def _read(self, name: str) -> str:
        try:
            fd = self._open(name, os.O_RDONLY)
        except FileNotFoundError:
            return ""
        with os.fdopen(fd) as f:
            return f.read()

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        self._make()
        fd = self._open(".lock", os.O_RDWR | os.O_CREAT)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)

    def acked(self) -> set[str]:
        # A line cut by a crash is not an id the store holds: it only costs a re-send.
        return set(self._read("acked").split())

    def ack(self, ids: Sequence[str]) -> None:
        with os.fdopen(self._open("acked", os.O_WRONLY | os.O_APPEND | os.O_CREAT), "a") as f:
            f.write("".join(f"{i}\n" for i in ids))
            f.flush()
            os.fsync(f.fileno())

    def write_status(self, status: dict[str, Any]) -> None:
        tmp = self.dir / ".status.tmp"
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)  # a crash's leftover, or a link: O_EXCL below never follows one
        with os.fdopen(self._open(".status.tmp", os.O_WRONLY | os.O_CREAT | os.O_EXCL), "w") as f:
            f.write(json.dumps(status))
        os.replace(tmp, self.dir / "status.json")

    def read_status(self) -> dict[str, Any]:
        try:
            data = json.loads(self._read("status.json") or "{}")
        except (ValueError, OSError, SyncError):
            return {}
        return data if isinstance(data, dict) else {}


def sync(
    store: Store, root: Path, cohort: str, learner: str, target: Target, *, batch: int = BATCH
) -> SyncResult:
    """Send the learner's events the target has not acknowledged, in batches; raise SyncError
    (OfflineError when it is worth retrying later) with what was sent so far kept."""
    log = _AckLog(root, cohort, learner, target)
    with log.locked():
        # Taken before the read: a save landing in between changes the next sync's mark.
        mark = _mark(store, cohort, learner)
        status = log.read_status()
        name, file = str(status.get("cohort", "")), str(status.get("file", ""))
        # Versions before DROP dropped every word (one file per batch): whatever they sent, the
        # learner's newest file, the only one read, becomes a redacted one, even with nothing new.
        stale_drop = target.whole and status.get("drop") != DROP and bool(file or log.acked())
        if status.get("mark") == mark and "synced_at" in status and not stale_drop:
            # Nothing saved since a complete sync: no need to read the store (nor import Arrow).
            at = dt.datetime.now(dt.UTC)
            log.write_status(status | {"synced_at": at.isoformat()})
            return SyncResult(name, 0, 0, at)
        acked = log.acked()
        history = store.history(cohort, learner)
        todo = [e for e in history if e.event_id not in acked]
        from ..store.sharing import redact  # the course rules: only with something to read

        sent = stored = 0
        try:
            # A drop box gets the current answers, shared text only, whenever anything changed.
            chunks = ([redact(history)] if todo or stale_drop else []) if target.whole else [
                todo[start : start + batch] for start in range(0, len(todo), batch)
            ]  # fmt: skip
            for chunk in chunks:
                delivery = target.push(chunk, replaces=file)
                name, file = delivery.cohort, delivery.file or file
                done = todo if target.whole else chunk
                log.ack([e.event_id for e in done])
                sent, stored = sent + len(done), stored + delivery.stored
        except SyncError as err:
            pending = len(todo) - sent
            log.write_status({"cohort": name, "file": file, "error": str(err), "pending": pending})
            raise
        at = dt.datetime.now(dt.UTC)
        if not todo and not name:  # nothing to send yet: the cohort is named on the first send
            name = target.label
        done_status = {"cohort": name, "file": file, "synced_at": at.isoformat(), "pending": 0}
        log.write_status(done_status | {"mark": mark} | ({"drop": DROP} if target.whole else {}))
        return SyncResult(name, sent, 0, at, stored)


def _mark(store: Store, cohort: str, learner: str) -> str:
    """The store's fingerprint of the learner's events, as the status file keeps it."""
    return hashlib.sha256(repr(store.fingerprint(cohort, learner)).encode()).hexdigest()[:32]


def status_line(root: Path, cohort: str, learner: str, target: Target) -> str:
    """The status line from the last sync's record: when it synced, or why not."""
    status = _AckLog(root, cohort, learner, target).read_status()
    if "error" in status:
        return f"{HERE} · not synced yet: {status['error']}"
    if "synced_at" in status:
        at = dt.datetime.fromisoformat(status["synced_at"]).astimezone()
        return f"{HERE} · synced to {status['cohort']} {at:%H:%M}"
    return f"{HERE} · not synced yet"


def target_from_env(environ: dict[str, str] | None = None) -> Target | None:
    """WORKBOOK_SYNC_FOLDER, else WORKBOOK_SYNC_URL with WORKBOOK_SYNC_TOKEN or the hub token."""
    env = os.environ if environ is None else environ
    if folder := env.get("WORKBOOK_SYNC_FOLDER"):
        from .folder import FolderTarget

        return FolderTarget(Path(folder))
    if url := env.get("WORKBOOK_SYNC_URL"):
        token = env.get("WORKBOOK_SYNC_TOKEN") or env.get("JUPYTERHUB_API_TOKEN", "")
        return HttpTarget(url, token)
    return None


class Reporting(Protocol):
    """What background sync needs of a learner's session: it never imports the learner layer."""

    store: Store
    cohort: str
    learner: str

    @property
    def pending(self) -> int: ...

    def on_status(self, name: str, callback: Callable[[Any], None]) -> None: ...

    def report(self, message: str) -> object:
        """Show `message` as the saved status; return what the status listeners will be given."""
        ...


class BackgroundSync:
    """Syncs a session's store a moment after each save, on its own thread, and says how it went
    in the session's status line; retries while the target is unreachable."""

    def __init__(
        self,
        session: Reporting,
        root: Path,
        target: Target,
        *,
        delay: float = DELAY_SECONDS,
        retry: float = RETRY_SECONDS,
    ) -> None:
        self.session, self.root, self.target = session, root, target
        self.delay, self.retry = delay, retry
        self.last: SyncResult | None = None
        self._running = threading.Lock()
        self._run_later = Debounce(self.run)
        self._reported: object = None
        session.on_status("sync", self._on_status)

    def _on_status(self, status: object) -> None:
        if getattr(status, "state", "") == "saved" and status is not self._reported:
            self.schedule(self.delay)

    def schedule(self, delay: float) -> None:
        self._run_later.after(delay)

    def run(self) -> SyncResult | None:
        with self._running:
            s = self.session
            try:
                self.last = sync(s.store, self.root, s.cohort, s.learner, self.target)
                message = self.last.line
            except OfflineError as err:
                message = f"{HERE} · not synced yet: {err}; retrying in {self.retry:.0f} s"
                self.schedule(self.retry)
            except (SyncError, OSError) as err:
                message = f"{HERE} · not synced: {err}"
            if s.pending:  # a newer edit is still being saved: its own status comes next
                return self.last
            self._reported = s.report(message)
            return self.last


def attach_from_env(session: Reporting, root: Path) -> BackgroundSync | None:
    """Background sync for a kernel's session when the environment names a target."""
    try:
        target = target_from_env()
    except SyncError:
        return None
    return None if target is None else BackgroundSync(session, root, target)

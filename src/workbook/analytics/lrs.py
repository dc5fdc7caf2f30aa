"""Send xAPI statements to a Learning Record Store: in batches, resumable, every rejection named.

Statement ids come from the store's events (see :mod:`.xapi`), so sending again after a failure
stores nothing twice: an LRS keeps one statement per id and answers that it has the rest
(xAPI 1.0.3, "Statement Immutability"). A batch the LRS refuses as invalid is split until the
statements it refuses are found; those are reported and the others stored.
"""

from __future__ import annotations

import dataclasses
import itertools
import os
import stat
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from ..errors import LrsError

__all__ = ["LRS_PASSWORD_ENV", "LRS_USER_ENV", "Pushed", "credentials", "push"]

LRS_USER_ENV = "WORKBOOK_LRS_USER"
LRS_PASSWORD_ENV = "WORKBOOK_LRS_PASSWORD"
_RETRIES = 4  # a busy or restarting LRS: 0.5 + 1 + 2 + 4 s before giving up
_BACKOFF = 0.5  # seconds before the first retry, doubled for each next one
_REASON = 300  # characters of an LRS's reason kept per rejected statement
_CONFLICT = (
    "the LRS holds a different statement with this id: the same answer sent before with"
    " another pseudonym salt (or with --raw-ids)? Send with the salt used then"
)


@dataclasses.dataclass
class Pushed:
    """What the LRS did with the statements sent: stored now, had already, refused (id, why)."""

    stored: int = 0
    already: int = 0
    rejected: list[tuple[str, str]] = dataclasses.field(default_factory=list)

    @property
    def sent(self) -> int:
        return self.stored + self.already + len(self.rejected)


def credentials(auth_file: Path | str | None = None) -> tuple[str, str]:
    """(user, password) for the LRS: from `auth_file` (one line ``USER:PASSWORD``, readable by
    its owner only), else from $WORKBOOK_LRS_USER and $WORKBOOK_LRS_PASSWORD; never from the
    command line, where other users of the machine can read them."""
    if auth_file is not None:
        path = Path(auth_file)
        try:
            if path.stat().st_mode & (stat.S_IRWXG | stat.S_IRWXO):
                raise LrsError(f"{path} can be read by others: run `chmod 600 {path}`")
            user, sep, password = path.read_text(encoding="utf-8").strip().partition(":")
        except OSError as err:
            raise LrsError(f"cannot read the LRS credentials {path}: {err}") from err
        if not (sep and user and password):
            raise LrsError(f"{path} should hold one line USER:PASSWORD for the LRS")
        return user, password
    from_env = os.environ.get(LRS_USER_ENV, ""), os.environ.get(LRS_PASSWORD_ENV, "")
    if not all(from_env):
        raise LrsError(
            f"no LRS credentials: set {LRS_USER_ENV} and {LRS_PASSWORD_ENV}, or pass"
            " --lrs-auth-file FILE holding USER:PASSWORD (chmod 600)"
        )
    return from_env


def _batches(items: Iterable[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    it = iter(items)
    while batch := list(itertools.islice(it, size)):
        yield batch


def push(
    statements: Iterable[dict[str, Any]],
    url: str,
    auth: tuple[str, str],
    *,
    batch_size: int = 1000,
    progress: bool = False,
) -> Pushed:
    """POST `statements` to the LRS whose xAPI endpoint is `url` (``…/xAPI/``), in batches.

    Raises LrsError if the LRS cannot be reached or keeps failing; what it stored until then
    stays stored, and running the push again sends the rest (nothing is stored twice).
    """
    import httpx
    from tqdm import tqdm

    done = Pushed()
    endpoint = url.rstrip("/") + "/statements"
    headers = {"X-Experience-API-Version": "1.0.3"}
    bar = tqdm(unit=" statements", disable=not progress, mininterval=0.5)
    with httpx.Client(auth=auth, headers=headers, timeout=120) as client, bar:
        for batch in _batches(statements, batch_size):
            _send(client, endpoint, batch, done)
            bar.update(len(batch))
    return done


def _send(client: Any, endpoint: str, batch: list[dict[str, Any]], done: Pushed) -> None:
    response = _post(client, endpoint, batch, done)
    if response.status_code == 200:
        stored = len(response.json())
        done.stored += stored
        done.already += len(batch) - stored  # an LRS answers with the ids it stored now
    elif response.status_code == 204:
        done.already += len(batch)
    elif response.status_code in (400, 409, 413, 422) and len(batch) > 1:
        half = len(batch) // 2  # find the statements it refuses; the rest gets stored
        _send(client, endpoint, batch[:half], done)
        _send(client, endpoint, batch[half:], done)
    elif response.status_code == 409:
        done.rejected.append((str(batch[0].get("id")), _CONFLICT))
    elif response.status_code in (400, 422):
        done.rejected.append((str(batch[0].get("id")), response.text[:_REASON]))
    else:
        raise LrsError(
            _failed(endpoint, done, f"HTTP {response.status_code}: {response.text[:200]}")
        )


def _post(client: Any, endpoint: str, batch: list[dict[str, Any]], done: Pushed) -> Any:
    """The LRS's answer to one POST; retried while it is unreachable or failing (5xx)."""
    import httpx

    why = ""
    for attempt in range(_RETRIES + 1):
        if attempt:
            time.sleep(_BACKOFF * 2 ** (attempt - 1))
        try:
            response = client.post(endpoint, json=batch)
        except httpx.HTTPError as err:
            why = f"{type(err).__name__}: {err}"
            continue
        if response.status_code == 401 or response.status_code == 403:
            raise LrsError(
                f"the LRS at {endpoint} refused the credentials (HTTP {response.status_code})"
            )
        if response.status_code < 500:
            return response
        why = f"HTTP {response.status_code}: {response.text[:200]}"
    raise LrsError(_failed(endpoint, done, why))


def _failed(endpoint: str, done: Pushed, why: str) -> str:
    return (
        f"the LRS at {endpoint} failed ({why}) after {done.sent:,} statements were sent"
        f" ({done.stored:,} stored now): run the same command again when it is back; statements"
        " it already has are not stored twice"
    )

"""The cohort service, ``python -m workbook.hub``: JupyterHub starts it from its services list.

Every call carries a hub token (``Authorization: token …``). The caller is the token's hub user,
never a name from the request. Learners post their own events (``POST api/events``); their
cohort is the one hub group of theirs named ``<cohort prefix>…``. What facilitators read, and
who is one, is in :mod:`workbook.hub.roster`. See the README, "Workshops on JupyterHub".
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from jupyterhub.services.auth import HubAuth, check_scopes
from tornado import httpclient, web

from ..errors import AnswerError, QuotaError, WorkbookError
from ..store import Event, check_id, store_id, wire
from ..store.rules import Rules
from .cohorts import CohortStores

__all__ = ["Handler", "Refusal", "Service"]

log = logging.getLogger("workbook.hub")
MAX_EVENTS = 5000  # per request: a client sends its queue in batches
MAX_BODY = 16 * 2**20  # bytes per request: 500 events of long text fit; the client splits more
GROUPS_TTL = 30.0  # seconds a learner's cohort is cached: a group change shows within this
TOKEN_TTL = 5  # seconds a token's owner is cached: a revoked token is refused within this


@dataclass
class Service:
    """What every handler shares: the stores, the hub's API, and the scope names."""

    stores: CohortStores
    auth: HubAuth
    rules: Rules
    cohort_prefix: str = "cohort-"
    name: str = "workbook"
    hub_groups_ttl: float = 2.0  # seconds the room's calls reuse the hub's group list
    pool: ThreadPoolExecutor = field(default_factory=lambda: ThreadPoolExecutor(4))
    _groups: dict[str, tuple[float, list[str]]] = field(default_factory=dict)

    @property
    def access_scope(self) -> str:
        return f"access:services!service={self.name}"

    @property
    def read_scope(self) -> str:
        return f"custom:{self.name}:read"

    async def cohort_of(self, user: str) -> str:
        """The learner's cohort: their one hub group whose name starts with the prefix."""
        now = time.monotonic()
        cached = self._groups.get(user)
        if cached is None or now - cached[0] > GROUPS_TTL:
            url = f"{self.auth.api_url}/users/{quote(user, safe='')}"
            headers = {"Authorization": f"token {self.auth.api_token}"}
            reply = await httpclient.AsyncHTTPClient().fetch(url, headers=headers)
            cached = (now, list(json.loads(reply.body).get("groups") or []))
            self._groups[user] = cached
        cohorts = sorted(g for g in cached[1] if g.startswith(self.cohort_prefix))
        if len(cohorts) != 1:
            found = ", ".join(cohorts) or "none"
            raise Refusal(
                403,
                f"{user} must be in exactly one hub group named {self.cohort_prefix}..."
                f" (found: {found}); ask your facilitator to add you to your cohort",
            )
        try:
            return check_id(cohorts[0], "cohort")
        except WorkbookError as err:
            raise Refusal(403, f"the hub group {cohorts[0]!r} cannot be a cohort: {err}") from None

    def checked(self, events: list[Event], cohort: str) -> list[Event]:
        """The stored events that keep the rules: a store written before they were enforced
        may hold some that do not, and no figure may be skewed by them."""
        kept, problems = self.rules.checked(events)
        if problems:
            log.warning("%s: %d stored event(s) break the rules, not read", cohort, len(problems))
        return kept

    def can_read(self, user: dict[str, Any], cohort: str) -> bool:
        return bool(check_scopes(f"{self.read_scope}!group={cohort}", set(user["scopes"])))


class Refusal(web.HTTPError):
    """An error whose message reaches the caller in the JSON body (a reason phrase can't hold
    every character: tornado replaces it)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(status, "%s", message)
        self.message = message


class Handler(web.RequestHandler):
    service: Service
    caller: dict[str, Any]

    def initialize(self, service: Service) -> None:
        self.service = service

    async def prepare(self) -> None:
        auth = self.service.auth
        token = auth.get_token(self, in_cookie=False)
        if not token:
            raise Refusal(401, "send a hub token: Authorization: token <token>")
        user = await auth.user_for_token(token, sync=False)
        if not user:
            raise Refusal(403, "the hub does not know this token")
        if not check_scopes(self.service.access_scope, set(user.get("scopes", ()))):
            raise Refusal(403, f"this token lacks {self.service.access_scope}: see the README")
        self.caller = user

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        error = kwargs.get("exc_info", (None, None))[1]
        message = error.message if isinstance(error, Refusal) else self._reason
        self.finish({"error": message, "status": status_code})

    def learner(self) -> tuple[str, str]:
        """The caller as (hub user name, store id); services have no answers to send."""
        if self.caller.get("kind", "user") != "user":
            raise Refusal(403, "only hub users send answers")
        name = str(self.caller["name"])
        return name, store_id(name)

    async def run(self, func: Any, *args: Any) -> Any:
        return await asyncio.get_running_loop().run_in_executor(self.service.pool, func, *args)


class MeHandler(Handler):
    async def get(self) -> None:
        name, learner = self.learner()
        cohort = await self.service.cohort_of(name)
        count = await self.run(self.service.stores.count, cohort, learner)
        self.finish({"user": name, "learner": learner, "cohort": cohort, "events": count})


class MyEventsHandler(Handler):
    """A learner's own events, drafts and all: their backup beyond this computer."""

    async def get(self) -> None:
        name, learner = self.learner()
        cohort = await self.service.cohort_of(name)
        mine = await self.run(self.service.stores.store(cohort).history, cohort, learner)
        self.finish({"cohort": cohort, "learner": learner, "events": wire.dump(mine)})


@web.stream_request_body
class EventsHandler(Handler):
    """A learner's batch, all or nothing: one event that breaks a rule refuses the batch (400,
    naming the event and the rule), and nothing of it is stored."""

    async def prepare(self) -> None:
        self._body = bytearray()
        # Before the body is read: a request too big is refused, not buffered.
        self.request.connection.set_max_body_size(MAX_BODY)  # type: ignore[union-attr]
        length = self.request.headers.get("Content-Length", "0")
        if not length.isdigit() or int(length) > MAX_BODY:
            raise Refusal(413, f"send at most {MAX_BODY // 2**20} MB per request")
        await super().prepare()

    def data_received(self, chunk: bytes) -> None:
        self._body += chunk

    async def post(self) -> None:
        name, learner = self.learner()
        items = _events_of(bytes(self._body))
        if len(items) > MAX_EVENTS:
            raise Refusal(413, f"send at most {MAX_EVENTS} events per request")
        for i in items:
            if isinstance(i, dict) and i.get("learner", learner) != learner:
                raise Refusal(403, f"you can only send your own answers ({learner})")
        cohort = await self.service.cohort_of(name)
        now = dt.datetime.now(dt.UTC)
        events = []
        for n, item in enumerate(items):
            try:
                event = wire.from_json(item, cohort, learner)
                self.service.rules.event(event, now=now)
            except AnswerError as err:
                which = f"event {n + 1} of {len(items)}"
                if isinstance(item, dict):
                    which += f" ({str(item.get('event_id'))[:40]})"
                raise Refusal(400, f"{which} refused: {_one_line(err)}") from None
            events.append(event)
        try:
            new = await self.run(self.service.stores.ingest, cohort, learner, events)
        except QuotaError as err:
            raise Refusal(429, str(err)) from None
        self.finish({"cohort": cohort, "learner": learner, "received": len(events), "new": new})


def _one_line(err: Exception) -> str:
    return str(err).replace("\n", " ")[:300]


def _events_of(body: bytes) -> list[Any]:
    """The list under "events" of a JSON body, or a 400 saying what to send."""
    try:
        items = json.loads(body)["events"]
    except (ValueError, KeyError, TypeError, IndexError, RecursionError):
        items = None
    if not isinstance(items, list):
        raise Refusal(400, 'send JSON {"events": [...]}')
    return items

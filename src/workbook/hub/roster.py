"""The room's side of the cohort service: who is expected, who facilitates, what changed.

Cohorts and facilitators are hub groups, read from the hub's REST API on each call (cached for
`--groups-ttl` seconds, 2 by default), so an admin who adds a group in the admin page or the API changes the
service at once, with no restart:

- ``cohort-<name>``: the cohort's learners (the view shows them before they sync);
- ``facilitators-cohort-<name>``: who facilitates that cohort; ``facilitators``: every cohort.

A facilitator's role with ``custom:workbook:read!group=<cohort>`` works as before.

Every call below decides who may read a cohort the same way (:func:`facilitates`).
``GET api/room`` gives each cohort the caller facilitates with its expected learners and one
fingerprint per learner who synced (changes exactly when their events may have);
``GET api/room/<cohort>/events?learner=a&learner=b`` gives those learners' events, redacted.
``GET api/room/mine`` gives a learner their own cohort's score distributions, counts only, for
snapshots at least the minimum group of learners completed (My progress shows them).
A live view polls the first every few seconds and fetches only the learners that changed.
``GET api/cohorts`` lists the synced cohorts the caller runs, ``GET api/cohorts/<cohort>/events``
gives every learner's events at once, redacted (the first calls of the service).
"""

from __future__ import annotations

import hashlib
import json
import time
from typing import Any
from urllib.parse import urlencode

from tornado import httpclient

from ..errors import WorkbookError
from ..store import check_id, store_id, wire
from ..store.sharing import redact
from .service import Handler, Refusal, Service

__all__ = [
    "FACILITATORS",
    "CohortEventsHandler",
    "CohortsHandler",
    "MineHandler",
    "RoomEventsHandler",
    "RoomHandler",
    "facilitates",
    "hub_groups",
]

FACILITATORS = "facilitators"  # a group of leads; "facilitators-<cohort>" for one cohort
PAGE = 200
_groups: dict[int, tuple[float, dict[str, list[str]]]] = {}


async def hub_groups(service: Service) -> dict[str, list[str]]:
    """Every hub group and its members' user names (the service holds list/read:groups)."""
    cached = _groups.get(id(service))
    if cached is not None and time.monotonic() - cached[0] < service.hub_groups_ttl:
        return cached[1]
    client = httpclient.AsyncHTTPClient()
    headers = {"Authorization": f"token {service.auth.api_token}"}
    found: dict[str, list[str]] = {}
    offset = 0
    while True:  # the hub pages lists: ask until a page comes back short
        query = urlencode({"offset": offset, "limit": PAGE})
        reply = await client.fetch(f"{service.auth.api_url}/groups?{query}", headers=headers)
        page = json.loads(reply.body)
        for group in page:
            found[str(group["name"])] = [str(u) for u in group.get("users") or ()]
        if len(page) < PAGE:
            break
        offset += PAGE
    _groups[id(service)] = (time.monotonic(), found)
    return found


def facilitates(
    service: Service, caller: dict[str, Any], cohort: str, groups: dict[str, list[str]]
) -> bool:
    """Whether the caller runs `cohort`: by a role's scope, or by a facilitators group."""
    if service.can_read(caller, cohort):
        return True
    name = caller.get("name")
    return any(name in groups.get(g, ()) for g in (FACILITATORS, f"{FACILITATORS}-{cohort}"))


# (service, cohort, learner) → (fingerprint, redacted events as JSON): reading a learner's
# Parquet files back (checked row by row) is most of a room's cost, and most learners did not
# change since the last call. A learner's redaction depends on their own events only.
_dumps: dict[tuple[int, str, str], tuple[object, list[dict[str, Any]]]] = {}


def _dumped(service: Service, cohort: str, learners: list[str]) -> list[dict[str, Any]]:
    store = service.stores.store(cohort)
    out = []
    for learner in learners:
        key = (id(service), cohort, learner)
        fingerprint = store.fingerprint(cohort, learner)
        cached = _dumps.get(key)
        if cached is None or cached[0] != fingerprint:
            events = redact(service.checked(store.history(cohort, learner), cohort))
            cached = (fingerprint, wire.dump(events, learner=True))
            _dumps[key] = cached
        out += cached[1]
    return out


def _fingerprints(service: Service, cohort: str) -> dict[str, str]:
    store = service.stores.store(cohort)
    return {
        learner: hashlib.sha256(repr(store.fingerprint(c, learner)).encode()).hexdigest()[:16]
        for c, learner in store.learners()
        if c == cohort
    }


class RoomHandler(Handler):
    async def get(self) -> None:
        groups = await hub_groups(self.service)
        prefix = self.service.cohort_prefix
        stored = await self.run(self.service.stores.cohorts)
        cohorts = sorted({g for g in groups if g.startswith(prefix)} | set(stored))
        out = {}
        for cohort in cohorts:
            if not facilitates(self.service, self.caller, cohort, groups):
                continue
            try:
                check_id(cohort, "cohort")
            except WorkbookError:
                continue  # a group name no store can hold: not a cohort of ours
            members = sorted(store_id(u) for u in groups.get(cohort, ()))
            synced = await self.run(_fingerprints, self.service, cohort) if cohort in stored else {}
            out[cohort] = {"members": members, "learners": synced}
        self.finish({"cohorts": out})


class Reader(Handler):
    async def runs(self, cohort: str) -> None:
        """Refuse unless the caller facilitates `cohort` (a valid cohort id)."""
        try:
            check_id(cohort, "cohort")
        except WorkbookError as err:
            raise Refusal(400, str(err)) from None
        if not facilitates(self.service, self.caller, cohort, await hub_groups(self.service)):
            raise Refusal(403, f"you do not facilitate {cohort}: ask the hub admin")


class RoomEventsHandler(Reader):
    async def get(self, cohort: str) -> None:
        await self.runs(cohort)
        try:
            learners = [check_id(lr, "learner") for lr in self.get_arguments("learner")]
        except WorkbookError as err:
            raise Refusal(400, str(err)) from None
        events = await self.run(_dumped, self.service, cohort, learners)
        self.finish({"cohort": cohort, "events": events})


class CohortsHandler(Handler):
    async def get(self) -> None:
        groups = await hub_groups(self.service)
        stored = await self.run(self.service.stores.cohorts)
        runs = [c for c in stored if facilitates(self.service, self.caller, c, groups)]
        self.finish({"cohorts": runs})


def _synced(service: Service, cohort: str) -> list[str]:
    return [lr for c, lr in service.stores.store(cohort).learners() if c == cohort]


class CohortEventsHandler(Reader):
    """Every learner's current answers in one call (the room's calls fetch what changed)."""

    async def get(self, cohort: str) -> None:
        await self.runs(cohort)
        learners = await self.run(_synced, self.service, cohort)
        events = await self.run(_dumped, self.service, cohort, learners)
        self.finish({"cohort": cohort, "events": events})


class MineHandler(Handler):
    """A learner's cohort, anonymised: score distributions of groups of `MIN_GROUP` or more."""

    async def get(self) -> None:
        name, _ = self.learner()
        cohort = await self.service.cohort_of(name)

        self.finish(
            {"cohort": cohort, "scores": await self.run(_distributions, self.service, cohort)}
        )


_shares: dict[tuple[int, str], tuple[object, list[dict[str, object]]]] = {}


def _distributions(service: Service, cohort: str) -> list[dict[str, object]]:
    """The cohort's distributions, worked out again only when some learner's files changed."""
    from ..analytics.privacy import MIN_GROUP
    from ..course.content import load_course
    from .facilitator import CohortView
    from .room import distributions

    key, fingerprints = (id(service), cohort), _fingerprints(service, cohort)
    cached = _shares.get(key)
    if cached is None or cached[0] != fingerprints:
        events = service.checked(service.stores.events(cohort), cohort)
        scores = [e for e in events if e.value_type == "score"]  # nothing else leaves
        cached = (
            fingerprints,
            distributions(CohortView(scores, load_course().chapters[0], MIN_GROUP)),
        )
        _shares[key] = cached
    return cached[1]


def routes(service: Service, prefix: str) -> list[tuple[str, type[Handler], dict[str, Any]]]:
    args = {"service": service}
    return [
        (prefix + "api/cohorts", CohortsHandler, args),
        (prefix + r"api/cohorts/([^/]+)/events", CohortEventsHandler, args),
        (prefix + "api/room", RoomHandler, args),
        (prefix + "api/room/mine", MineHandler, args),
        (prefix + r"api/room/([^/]+)/events", RoomEventsHandler, args),
    ]

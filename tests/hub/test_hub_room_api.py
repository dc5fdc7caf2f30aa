"""Cohorts and facilitators are hub groups: added through the hub's REST API, they work at once
(no hub restart); the room's calls list expected learners and fetch only what changed."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from hubharness import GROUPS_TTL, Hub, events

from workbook.cli import main
from workbook.course.content import load_course
from workbook.hub.compare import cohort_scores, compare_html
from workbook.hub.dashboard import facilitator_dashboard
from workbook.hub.feed import ServiceFeed
from workbook.store import Event, wire
from workbook.store.answers import answers_frame
from workbook.sync.client import HttpTarget

pytestmark = pytest.mark.hub


def room(hub: Hub, user: str) -> dict[str, dict[str, object]]:
    reply = hub.service("GET", "api/room", user)
    assert reply.status_code == 200, reply.text
    cohorts: dict[str, dict[str, object]] = reply.json()["cohorts"]
    return cohorts


def test_a_cohort_added_through_the_hub_api_works_without_a_restart(
    hub: Hub, tmp_path: Path
) -> None:
    assert hub.process is not None
    started = hub.process.pid
    for user in ("nia", "ned", "fay"):
        hub.api("POST", f"users/{user}")
    hub.api("POST", "groups/cohort-new", json={"users": ["nia", "ned"]})
    assert "cohort-new" not in room(hub, "fay")  # not a facilitator yet
    hub.api("POST", "groups/facilitators-cohort-new", json={"users": ["fay"]})
    time.sleep(GROUPS_TTL)
    seen = room(hub, "fay")
    assert list(seen) == ["cohort-new"]  # only the cohort fay runs
    assert seen["cohort-new"] == {"members": ["ned", "nia"], "learners": {}}  # before any sync

    # nia syncs at once: her cohort is her new hub group.
    target = HttpTarget(hub.service_url, hub.token("nia"))
    assert target.push([*events("nia", 3)]).cohort == "cohort-new"
    target.close()
    learners = room(hub, "fay")["cohort-new"]["learners"]
    assert isinstance(learners, dict) and list(learners) == ["nia"]
    reply = hub.service("GET", "api/room/cohort-new/events?learner=nia", "fay")
    assert len(reply.json()["events"]) == 3
    assert {
        wire.from_json(e, "cohort-new", e["learner"]).learner for e in reply.json()["events"]
    } == {"nia"}

    # The view's feed fetches again only when a learner's answers change.
    feed = ServiceFeed(HttpTarget(hub.service_url, hub.token("fay")))
    first = feed.read("cohort-new")
    assert (len(first.events), first.expected, first.changed) == (3, ("ned", "nia"), True)
    assert first.cohorts == ("cohort-new",)  # what the open view's cohort picker offers
    assert not feed.read("cohort-new").changed
    target = HttpTarget(hub.service_url, hub.token("nia"))
    target.push([*events("nia", 5)])  # five more: three answers changed, two new
    target.close()
    again = feed.read("cohort-new")
    assert again.changed and len(again.events) == 5  # the current answers, not the history
    feed.close()

    # The report from the service, with the facilitator's token.
    out = tmp_path / "report.html"
    argv = ["cohort", "report", "cohort-new", "--url", hub.service_url, "--token", hub.token("fay")]
    assert main([*argv, "--out", str(out)]) == 0
    assert 'data-learner="ned"' in out.read_text()  # expected, not started

    # Others are refused; taking fay out of the group takes the cohort away at once.
    for user in ("fran", "nia"):
        assert "cohort-new" not in room(hub, user)
        assert hub.service("GET", "api/room/cohort-new/events", user).status_code == 403
    hub.api("DELETE", "groups/facilitators-cohort-new/users", json={"users": ["fay"]})
    time.sleep(GROUPS_TTL)
    assert room(hub, "fay") == {}
    assert hub.service("GET", "api/room/cohort-new/events", "fay").status_code == 403
    assert hub.process.pid == started and hub.process.poll() is None  # never restarted


def test_the_older_cohort_calls_decide_who_reads_as_the_room_calls_do(hub: Hub) -> None:
    """`api/cohorts` and `api/cohorts/<cohort>/events` answer a facilitator by group exactly as
    `api/room` does: their own cohort, no other, and none once out of the group."""
    hub.api("POST", "users/gil")
    hub.api("POST", "groups/facilitators-cohort-b/users", json={"users": ["gil"]})  # gus is in
    target = HttpTarget(hub.service_url, hub.token("carol"))
    assert target.push([*events("carol", 2)]).cohort == "cohort-b"
    target.close()
    time.sleep(GROUPS_TTL)

    def reads(cohort: str) -> int:
        status: int = hub.service("GET", f"api/cohorts/{cohort}/events", "gil").status_code
        return status

    assert list(room(hub, "gil")) == ["cohort-b"]
    assert (reads("cohort-b"), reads("cohort-a")) == (200, 403)
    assert hub.service("GET", "api/cohorts", "gil").json()["cohorts"] == ["cohort-b"]
    served = hub.service("GET", "api/cohorts/cohort-b/events", "gil").json()["events"]
    assert {e["learner"] for e in served} == {"carol"}
    hub.api("DELETE", "groups/facilitators-cohort-b/users", json={"users": ["gil"]})
    time.sleep(GROUPS_TTL)
    assert room(hub, "gil") == {} and reads("cohort-b") == 403
    assert hub.service("GET", "api/cohorts", "gil").json()["cohorts"] == []


def test_room_events_refuse_bad_learner_names(hub: Hub) -> None:
    reply = hub.service("GET", "api/room/cohort-a/events?learner=../x", "lead")
    assert reply.status_code == 400
    with pytest.raises(httpx.HTTPStatusError):
        hub.api("GET", "groups/no-such-group")


def test_a_learner_sees_the_cohort_distribution_only_for_a_big_enough_group(hub: Hub) -> None:
    learners = [f"big{i}" for i in range(5)]
    for user in [*learners, "small0"]:
        hub.api("POST", f"users/{user}")
    hub.api("POST", "groups/cohort-big", json={"users": learners})
    hub.api("POST", "groups/cohort-small", json={"users": ["small0"]})
    skills = load_course().chapters[0].exercise("m03.skills").items
    for n, user in enumerate([*learners, "small0"]):
        target = HttpTarget(hub.service_url, hub.token(user))
        scores = [Event("local", user, "m03.skills", i.id, "score", 3 + n, "first-day")
                  for i in skills]  # fmt: skip
        target.push([*scores, Event("local", user, "m01.journey-map", "sales/going-well",
                                    "text", f"private of {user}")])  # fmt: skip
        target.close()
    mine = cohort_scores(HttpTarget(hub.service_url, hub.token("big0")))
    assert mine is not None and mine["cohort"] == "cohort-big"
    (entry,) = mine["scores"]  # first day only: nothing else was scored by five
    assert (entry["exercise"], entry["snapshot"], entry["learners"]) == (
        "m03.skills",
        "first-day",
        5,
    )
    assert entry["items"]["patience"] == [0, 0, 1, 1, 1, 1, 1, 0, 0, 0]
    assert "private of" not in str(mine) and "big1" not in str(mine)  # counts only
    small = cohort_scores(HttpTarget(hub.service_url, hub.token("small0")))
    assert small == {"cohort": "cohort-small", "scores": []}
    assert compare_html(small, answers_frame([]), load_course().chapters[0]) == ""


class _Counted(HttpTarget):
    """The real service, with the calls made to it written down."""

    calls: list[str]

    def request(self, method: str, path: str, **kwargs: Any) -> Any:
        self.calls.append(path)
        return super().request(method, path, **kwargs)


def test_the_view_opening_asks_for_the_room_once(hub: Hub) -> None:
    hub.api("POST", "users/gwen")
    hub.api("POST", "groups/facilitators-cohort-b/users", json={"users": ["gwen"]})
    time.sleep(GROUPS_TTL)
    service = _Counted(hub.service_url, hub.token("gwen"))
    service.calls = []
    view = facilitator_dashboard(poll=3600, feed=ServiceFeed(service))
    assert service.calls.count("api/room") == 1, service.calls
    assert "cohort-b" in str(view.children[0].children[0].options)
    view.close()
    service.close()

"""JupyterHub settings for running the workbook with cohorts on one machine.

Cohorts and facilitators are hub groups, so an admin adds them in the hub's admin page or REST
API and they work at once, with no restart:

- ``cohort-<name>``: the cohort's learners (each learner in exactly one such group);
- ``facilitators-cohort-<name>``: who facilitates it; ``facilitators``: leads, every cohort.

COHORTS and FACILITATORS below only seed those groups when the hub starts (a facilitator with
an empty list is a lead). Every user's server installs the course notebooks on start, and the
facilitator view for members of a facilitators group. The tests start a real hub from this
file (tests/hub/hubharness.py).
"""

import sys

c = get_config()  # type: ignore[name-defined]  # noqa: F821

COHORTS = {
    "cohort-2026-11": ["alice", "bob"],
    "cohort-2026-12": ["carol"],
}
FACILITATORS = {
    "fran": ["cohort-2026-11"],
    "gus": ["cohort-2026-12"],
}
SERVICE_URL = "http://127.0.0.1:10101"  # loopback: only the hub's machine reaches it
DATA = "/srv/workbook/cohorts"  # the cohort stores (Parquet), one folder per cohort


def facilitates(spawner):  # type: ignore[no-untyped-def]
    """Whether the user is in a facilitators group (read when their server starts)."""
    return any(g.name.split("-")[0] == "facilitators" for g in spawner.user.groups)


def install_on_start(spawner):  # type: ignore[no-untyped-def]
    """Start the server through `workbook.hub.spawn`: the notebooks, installed as the user."""
    wrapper = [sys.executable, "-m", "workbook.hub.spawn"]
    cmd = list(spawner.cmd)
    if cmd[: len(wrapper)] == wrapper:  # a restart: unwrap the last start's command
        cmd = cmd[cmd.index("--") + 1 :]
    spawner.cmd = [*wrapper, *(["--facilitator"] if facilitates(spawner) else []), "--", *cmd]


def workbook_settings(c, cohorts, facilitators, service_url, data):  # type: ignore[no-untyped-def]
    c.JupyterHub.services = [
        {
            "name": "workbook",
            "url": service_url,
            "command": [sys.executable, "-m", "workbook.hub", "--data", data],
        }
    ]
    groups = {cohort: {"users": list(users)} for cohort, users in cohorts.items()}
    for user, theirs in facilitators.items():
        for name in [f"facilitators-{g}" for g in theirs] or ["facilitators"]:
            groups.setdefault(name, {"users": []})["users"].append(user)
    c.JupyterHub.load_groups = groups
    # A role's scope still works too: custom:workbook:read!group=<cohort> reads that cohort;
    # the seeded facilitators get it.
    c.JupyterHub.custom_scopes = {
        "custom:workbook:read": {"description": "read the answers of the cohorts you run"},
    }
    c.JupyterHub.load_roles = [
        # The service reads who is in which group: cohorts, learners and facilitators.
        {
            "name": "workbook-service",
            "services": ["workbook"],
            "scopes": ["read:users:name", "read:users:groups", "list:groups", "read:groups"],
        },
        *(
            {
                "name": f"facilitate-{user}",
                "users": [user],
                "scopes": [f"custom:workbook:read!group={g}" for g in theirs]
                or ["custom:workbook:read"],
            }
            for user, theirs in facilitators.items()
        ),
    ]
    # Every user may call the service (tokens from the Token page included) ...
    c.JupyterHub.extra_user_scopes = {"access:services!service=workbook"}
    # ... and so may the kernels in their servers: by default a server's token gets 403 from
    # services. The custom scope is granted only where its owner holds it (facilitators).
    c.Spawner.server_token_scopes = [
        "users:activity!user",
        "access:servers!server",
        "access:services!service=workbook",
        "custom:workbook:read",
    ]
    # Kernels sync to the service after saves.
    c.Spawner.environment = {"WORKBOOK_SYNC_URL": f"{service_url}/services/workbook/"}
    c.Spawner.pre_spawn_hook = install_on_start


workbook_settings(c, COHORTS, FACILITATORS, SERVICE_URL, DATA)

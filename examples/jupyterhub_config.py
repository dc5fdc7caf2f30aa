"""JupyterHub settings for running the workbook with cohorts on one machine.

Copy into your jupyterhub_config.py and edit COHORTS and FACILITATORS: a cohort is a hub group
named ``cohort-…`` whose members are its learners; a facilitator sees the cohorts listed for
them (an empty list: every cohort). Adding a cohort or a facilitator is a change here and a hub
restart, nothing else. The tests start a real hub from this file (tests/hub/hubharness.py).
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


def workbook_settings(c, cohorts, facilitators, service_url, data):  # type: ignore[no-untyped-def]
    c.JupyterHub.services = [
        {
            "name": "workbook",
            "url": service_url,
            "command": [sys.executable, "-m", "workbook.hub", "--data", data],
        }
    ]
    # Facilitators read a cohort through this scope, filtered to its group by their role.
    c.JupyterHub.custom_scopes = {
        "custom:workbook:read": {"description": "read the answers of the cohorts you run"},
    }
    c.JupyterHub.load_groups = {cohort: {"users": users} for cohort, users in cohorts.items()}
    c.JupyterHub.load_roles = [
        # The service looks up which cohort group a learner is in.
        {
            "name": "workbook-service",
            "services": ["workbook"],
            "scopes": ["read:users:name", "read:users:groups"],
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


workbook_settings(c, COHORTS, FACILITATORS, SERVICE_URL, DATA)

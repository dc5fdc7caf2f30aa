"""One real JupyterHub for every hub test (starting one takes ~5 s): cohorts and facilitators."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from hubharness import SIMULATED, Hub, running_hub
from workers import one_worker

COHORTS = {
    "cohort-a": ["alice", "bob"],
    "cohort-b": ["carol"],
    "cohort-kill": ["kim"],
    "cohort-load": SIMULATED,
    "cohort-none": [],
}
# A facilitator's role names the cohorts they run; no cohorts means all of them (a lead).
FACILITATORS = {"fran": ["cohort-a"], "gus": ["cohort-b"], "lead": []}


@pytest.fixture(scope="session")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hub]:
    base: Path = tmp_path_factory.mktemp("hub")
    with running_hub(base, COHORTS, FACILITATORS) as running:
        yield running


@pytest.hookimpl(tryfirst=True)  # before xdist's, which reads the group (tests/workers.py)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    one_worker(items, __file__, "hub")

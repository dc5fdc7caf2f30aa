"""A pytest plugin (`-p isolation` in pyproject.toml): nothing a test writes lands in the real home
or reaches a real learner's server."""

from __future__ import annotations

from collections.abc import Iterator

import pytest


@pytest.fixture(scope="session", autouse=True)
def private_exports(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """A learner's exports go to `~/workbook-exports` unless WORKBOOK_EXPORTS says otherwise:
    for the whole run (servers and kernels the tests start included), a folder of the run's."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("WORKBOOK_EXPORTS", str(tmp_path_factory.mktemp("exports")))
        # A run started from a learner's Jupyter terminal would have every kernel it starts
        # save through that learner's server (store/remote.py).
        mp.delenv("WORKBOOK_STORE_SOCKET", raising=False)
        yield

"""A pytest plugin (`-p isolation` in pyproject.toml): nothing a test writes lands in the real home."""

from __future__ import annotations

from collections.abc import Iterator

import pytest


@pytest.fixture(scope="session", autouse=True)
def private_exports(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """A learner's exports go to `~/workbook-exports` unless WORKBOOK_EXPORTS says otherwise:
    for the whole run (servers and kernels the tests start included), a folder of the run's."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("WORKBOOK_EXPORTS", str(tmp_path_factory.mktemp("exports")))
        yield

"""`--engine dask` on a real cluster: `dask scheduler` and two `dask worker` processes."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from servers import dask_cluster, free_port, tasks_run

from workbook.analytics import engines
from workbook.cli import main


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with dask_cluster(tmp_path_factory.mktemp("dask")) as address:
        yield address


def _cli(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    code = "from workbook.cli import main; raise SystemExit(main())"
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, **env},
    )


def test_scheduler_option_runs_on_the_cluster_with_the_same_answer(
    demo_store: Path, tmp_path: Path, cluster: str
) -> None:
    here, there = tmp_path / "threads.csv", tmp_path / "cluster.csv"
    assert main(["analyze", str(demo_store), "--engine", "pandas", "--out", str(here)]) == 0
    before = tasks_run(cluster).get("read_part", 0)
    argv = ["analyze", str(demo_store), "--engine", "dask", "--scheduler", cluster]
    assert main([*argv, "--out", str(there)]) == 0
    assert tasks_run(cluster).get("read_part", 0) > before
    pd.testing.assert_frame_equal(pd.read_csv(here), pd.read_csv(there))


def test_the_environment_names_the_cluster_too(demo_store: Path, cluster: str) -> None:
    before = tasks_run(cluster).get("read_part", 0)
    done = _cli("analyze", str(demo_store), "--engine", "dask", DASK_SCHEDULER_ADDRESS=cluster)
    assert done.returncode == 0, done.stderr
    assert tasks_run(cluster).get("read_part", 0) > before


@pytest.fixture
def dask_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    """Set DASK_* variables in this process: dask reads them again as at its import, and forgets
    them after the test. The connect timeout is cut from 10 s: nothing listens, so none is won."""
    import dask.config

    monkeypatch.setattr(engines, "_CONNECT_TIMEOUT", "0.5s")
    yield monkeypatch
    monkeypatch.undo()
    dask.config.refresh()


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DASK_SCHEDULER": "distributed"}, "set DASK_SCHEDULER_ADDRESS"),
        ({"DASK_SCHEDULER_ADDRESS": "tcp://127.0.0.1:{port}"}, "cannot reach the Dask scheduler"),
    ],
)
def test_a_cluster_asked_for_but_not_there_says_what_to_do(
    demo_store: Path,
    dask_env: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    env: dict[str, str],
    message: str,
) -> None:
    import dask.config

    port = str(free_port())  # nothing listens there
    for name, value in env.items():
        dask_env.setenv(name, value.format(port=port))
    dask.config.refresh()
    assert main(["analyze", str(demo_store), "--engine", "dask"]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err, err

"""Stores on object storage: an S3-compatible server (moto) on 127.0.0.1, read and compacted."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow.fs as pafs
import pytest
from servers import s3_server

from workbook.analytics import ENGINES, answers, compact, scan
from workbook.analytics.engines import Query, duckdb_sql
from workbook.cli import main

# One worker starts the module's S3 server (~2 s), not each worker its own.
pytestmark = pytest.mark.xdist_group("s3")

ENGINE_NAMES = list(ENGINES)


@pytest.fixture(scope="module")
def bucket(demo_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """s3://store/demo: a copy of the demo store, with the endpoint and keys in the environment."""
    folder = tmp_path_factory.mktemp("s3")
    with s3_server(folder) as endpoint, pytest.MonkeyPatch.context() as env:
        # What the README tells an analyst to set; any key works against moto.
        env.setenv("AWS_ENDPOINT_URL", endpoint)
        env.setenv("AWS_ACCESS_KEY_ID", "analyst")
        env.setenv("AWS_SECRET_ACCESS_KEY", "secret")
        env.setenv("AWS_DEFAULT_REGION", "us-east-1")
        fs = pafs.S3FileSystem(endpoint_override=endpoint, allow_bucket_creation=True)
        fs.create_dir("store")
        pafs.copy_files(
            str(demo_store), "store/demo",
            source_filesystem=pafs.LocalFileSystem(), destination_filesystem=fs,
        )  # fmt: skip
        yield "s3://store/demo"


@pytest.mark.parametrize("engine", ENGINE_NAMES)
def test_analyze_reads_a_store_on_s3(
    bucket: str, demo_store: Path, tmp_path: Path, engine: str
) -> None:
    local, remote = tmp_path / "local.csv", tmp_path / "remote.csv"
    assert main(["analyze", str(demo_store), "--out", str(local)]) == 0
    assert main(["analyze", bucket, "--engine", engine, "--out", str(remote)]) == 0
    pd.testing.assert_frame_equal(pd.read_csv(local), pd.read_csv(remote))


def test_duckdb_scans_the_remote_files_itself(bucket: str) -> None:
    found = scan(bucket)
    with duckdb.connect() as con:
        sql = duckdb_sql(found, Query(), con)
        assert "s3://" not in sql and "learner_rows" in sql  # no fallback to the pandas path
        assert con.execute(f"SELECT count(*) FROM ({sql})").fetchone() == (
            len(answers(bucket, engine="pandas")) + _cleared(bucket),
        )


def _cleared(source: str) -> int:
    """Current answers that are cleared: rows of the latest rule the tidy frame leaves out."""
    rows = answers(source, history=True)
    latest = rows.groupby(["cohort", "learner", "exercise", "item", "snapshot"]).tail(1)
    return int(latest["value"].isna().sum())


def test_a_remote_path_without_a_store_is_an_error(bucket: str) -> None:
    assert main(["analyze", "s3://store/nothing-here"]) == 2


def test_compact_a_store_on_s3(bucket: str, capsys: pytest.CaptureFixture[str]) -> None:
    fs = pafs.FileSystem.from_uri(bucket)[0]  # the endpoint from AWS_ENDPOINT_URL
    pafs.copy_files(
        "store/demo", "store/to-compact", source_filesystem=fs, destination_filesystem=fs
    )
    url = "s3://store/to-compact"
    before = answers(url, history=True)
    assert main(["compact", url]) == 0
    assert "events of 12 learners" in capsys.readouterr().out
    parts = fs.get_file_info(pafs.FileSelector("store/to-compact/cohorts", recursive=True))
    assert any(p.base_name == "manifest.json" for p in parts)
    for engine in ENGINE_NAMES:
        after = answers(url, history=True, engine=engine)
        assert len(after) == len(before)
    assert len(compact(url)) == 2  # again: the old parts replaced, still every event once
    assert len(answers(url, history=True)) == len(before)


@pytest.mark.kernel
def test_the_analyst_notebook_reads_a_store_on_s3(
    bucket: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kernel import code_cells, run

    from workbook.course.analyst_notebook import NAME

    monkeypatch.setenv("WORKBOOK_STORES", bucket)
    monkeypatch.setenv("WORKBOOK_EXPORTS", str(tmp_path / "out"))
    nb = run(code_cells([NAME]), timeout=300)
    first = "".join(o.get("text", "") for o in nb.cells[0].outputs if o.output_type == "stream")
    assert "24 learners in 2 cohorts" in first
    summary = pd.read_csv(tmp_path / "out" / "score-summary.csv")
    assert not summary.empty and "item_label" in summary.columns

"""The whole store stays readable: `workbook doctor [--repair]`, read_dataset, nested folders."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import time
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from workbook.cli import main
from workbook.store import Event, ParquetStore, StoreWarning, doctor, read_dataset
from workbook.store.files import to_table

T0 = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC)


def ev(learner: str, i: int) -> Event:
    return Event("c2026", learner, "m03.skills", f"item-{i}", "score", i % 10,
                 saved_at=T0 + dt.timedelta(seconds=i))  # fmt: skip


def folder(root: Path, learner: str) -> Path:
    return root / "events" / "cohort=c2026" / f"learner={learner}"


def tree(root: Path) -> dict[str, bytes | None]:
    return {
        str(p.relative_to(root)): None if p.is_dir() else p.read_bytes() for p in root.rglob("*")
    }


def duckdb_rows(root: Path) -> int:
    glob = f"{root}/events/**/*.parquet"
    sql = f"select count(distinct event_id) from read_parquet('{glob}', hive_partitioning=true)"
    ((count,),) = duckdb.connect().sql(sql).fetchall()
    return int(count)


@pytest.fixture
def troubled(tmp_path: Path) -> Path:
    """Six learners: one fine, five with each kind of trouble the doctor knows how to fix."""
    s = ParquetStore(tmp_path)
    for learner in ("alice", "bob", "carol", "dave", "eve"):
        for i in range(3):
            s.append([ev(learner, i)])
    (folder(tmp_path, "bob") / "garbage.parquet").write_bytes(b"not parquet" * 20)
    first = sorted(folder(tmp_path, "carol").glob("*.parquet"))[0]
    shutil.copy(first, first.with_name("zz-copy.parquet"))  # a killed compaction's leftover
    bad = to_table([ev("dave", 7), ev("dave", 8)])
    bad = bad.set_column(0, "event_id", pa.array(["ok-id", "bad id"]))
    pq.write_table(bad, folder(tmp_path, "dave") / "mixed.parquet", store_schema=False)
    stale = folder(tmp_path, "eve") / ".dead.tmp"
    stale.write_bytes(b"half")
    os.utime(stale, (time.time() - 7200,) * 2)
    (folder(tmp_path, "eve") / ".lock").mkdir()
    return tmp_path


def test_doctor_lists_every_problem_and_changes_nothing(troubled: Path) -> None:
    before = tree(troubled)
    checkup = doctor(troubled)
    found = {(p.path.relative_to(troubled / "events" / "cohort=c2026").as_posix(), p.problem)
             for p in checkup.problems}  # fmt: skip
    assert {path for path, _ in found} == {
        "learner=bob/garbage.parquet",
        "learner=carol",
        "learner=dave/mixed.parquet",
        "learner=eve/.dead.tmp",
        "learner=eve/.lock",
    }
    problems = dict(found)
    assert problems["learner=bob/garbage.parquet"].startswith("corrupt: not a readable Parquet")
    assert problems["learner=carol"] == "1 events in more than one file (a killed compaction)"
    assert problems["learner=dave/mixed.parquet"] == "1 of 2 rows break the event rules"
    assert (checkup.learners, checkup.files) == (5, 18)
    assert tree(troubled) == before


def test_doctor_repair_leaves_a_store_every_engine_reads(troubled: Path) -> None:
    with pytest.raises(duckdb.Error):  # one bad file breaks the README's one-liner
        duckdb_rows(troubled)
    checkup = doctor(troubled, repair=True)
    assert checkup.problems and not checkup.unresolved
    assert doctor(troubled).problems == ()
    assert duckdb_rows(troubled) == 5 * 3 + 1  # dave's good row of mixed.parquet is kept
    quarantine = troubled / "quarantine" / "c2026"
    assert sorted(p.name for p in quarantine.rglob("*.parquet")) == [
        "garbage.parquet",
        "mixed.parquet",
    ]
    assert len(list(folder(troubled, "carol").glob("*.parquet"))) == 1
    assert not (folder(troubled, "eve") / ".dead.tmp").exists()
    assert (folder(troubled, "eve") / ".lock").is_file()


def test_doctor_command(troubled: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["doctor", str(troubled)]) == 1
    out = capsys.readouterr().out
    assert f"{folder(troubled, 'bob') / 'garbage.parquet'}: corrupt: " in out
    assert out.endswith(
        f"5 problem(s) left; `workbook doctor {troubled} --repair` fixes what can be fixed\n"
    )
    assert main(["doctor", str(troubled), "--repair"]) == 0
    assert capsys.readouterr().out.endswith("5 problem(s) repaired\n")
    # --root STORE: the old spelling, kept for scripts written against it
    assert main(["doctor", "--root", str(troubled)]) == 0
    assert capsys.readouterr().out.startswith(f"ok: {troubled}: 5 learner folder(s), ")


def test_doctor_reports_but_never_touches_a_newer_schema(tmp_path: Path) -> None:
    s = ParquetStore(tmp_path)
    s.append([ev("alice", 1)])
    v2 = to_table([ev("alice", 2)]).append_column("value_list", pa.array([["x"]]))
    path = folder(tmp_path, "alice") / "v2.parquet"
    pq.write_table(v2, path, store_schema=False)
    before = path.read_bytes()
    (problem,) = doctor(tmp_path, repair=True).unresolved
    assert problem.path == path and "saved by a newer workbook" in problem.problem
    assert path.read_bytes() == before


def test_read_dataset_skips_and_names_an_unreadable_file(troubled: Path) -> None:
    garbage = folder(troubled, "bob") / "garbage.parquet"
    with pytest.warns(StoreWarning) as record:
        table = read_dataset(troubled)
    messages = sorted(str(w.message) for w in record)
    assert len(messages) == 2
    assert messages[0].startswith(f"skipped {garbage} (not a readable Parquet file")
    assert messages[0].endswith("run `workbook doctor --repair` to set it aside")
    assert messages[1].startswith(f"skipped {folder(troubled, 'dave') / 'mixed.parquet'} (1 of")
    assert table.num_rows == 5 * 3 + 1
    assert sorted(set(table["learner"].to_pylist())) == ["alice", "bob", "carol", "dave", "eve"]
    assert garbage.exists()  # reading moves nothing


def test_files_inside_a_parquet_folder_are_read_like_duckdb_reads_them(tmp_path: Path) -> None:
    s = ParquetStore(tmp_path)
    s.append([ev("alice", 1)])
    spark = folder(tmp_path, "alice") / "import.parquet"  # what Spark writes: a folder
    spark.mkdir()
    pq.write_table(to_table([ev("alice", 2)]), spark / "part-00000.parquet")
    (spark / "_SUCCESS").write_bytes(b"")
    assert duckdb_rows(tmp_path) == 2
    assert read_dataset(tmp_path).num_rows == 2
    assert [e.field for e in s.history("c2026", "alice")] == ["item-1", "item-2"]
    s.compact("c2026", "alice")
    assert [p.name for p in spark.iterdir()] == ["_SUCCESS"]  # merged; Spark's marker stays
    assert [e.field for e in s.history("c2026", "alice")] == ["item-1", "item-2"]
    assert duckdb_rows(tmp_path) == 2


def test_a_lock_folder_breaks_no_save_and_compaction_repairs_it(tmp_path: Path) -> None:
    s = ParquetStore(tmp_path)
    s.append([ev("alice", 0)])
    (folder(tmp_path, "alice") / ".lock").mkdir()
    for i in range(1, 30):
        s.append([ev("alice", i)])  # saves take no lock
    s.wait()  # the background compaction moved the folder aside and merged
    assert (folder(tmp_path, "alice") / ".lock").is_file()
    assert [p.name[:5] for p in (tmp_path / "quarantine").iterdir()] == ["lock-"]
    assert len(list(folder(tmp_path, "alice").glob("*.parquet"))) <= 6
    assert len(s.history("c2026", "alice")) == 30

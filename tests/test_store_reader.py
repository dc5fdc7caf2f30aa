"""Reading a learner back: only what is corrupt is set aside, and nothing wrong is restored."""

from __future__ import annotations

import datetime as dt
import os
import random
import shutil
import subprocess
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from workbook.course.kinds import Value
from workbook.errors import StoreError
from workbook.store import Event, ParquetStore, StoreWarning
from workbook.store.files import to_table

T0 = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC)


def ev(i: int, value: Value = None, value_type: str = "text") -> Event:
    return Event(
        "c2026", "alice", "m03.skills", f"item-{i}", value_type,  # type: ignore[arg-type]
        f"answer number {i}" if value is None else value, saved_at=T0 + dt.timedelta(seconds=i),
    )  # fmt: skip


def folder(root: Path) -> Path:
    return root / "events" / "cohort=c2026" / "learner=alice"


def quarantined(root: Path) -> list[str]:
    q = root / "quarantine" / "c2026" / "alice"
    return sorted(p.name for p in q.iterdir()) if q.is_dir() else []


def write_raw(path: Path, table: pa.Table) -> None:
    """A file as another (older, buggy or hostile) writer made it: no checks on the way."""
    pq.write_table(table, path, store_schema=False)


def with_column(table: pa.Table, name: str, values: pa.Array) -> pa.Table:
    return table.set_column(table.schema.get_field_index(name), name, values)


@pytest.fixture
def compacted(tmp_path: Path) -> Iterator[tuple[ParquetStore, list[Event]]]:
    """A learner with one compacted file of 30 events and 3 small files after it."""
    s = ParquetStore(tmp_path)
    events = [ev(i) for i in range(33)]
    for e in events[:30]:
        s.append([e])
    s.compact("c2026", "alice")
    for e in events[30:]:
        s.append([e])
    yield s, events


# ---- item 1: an I/O error is not corruption -------------------------------------------------

_READER = """
import sys
from workbook.errors import StoreError
from workbook.course.kinds import Value
from workbook.store import ParquetStore
try:
    ParquetStore(sys.argv[1]).history("c2026", "alice")
except StoreError as err:
    print(err)
"""


def test_permission_denied_moves_nothing_and_says_so(tmp_path: Path) -> None:
    # Root reads any file, so as root the reader runs without the capabilities that let it
    # (util-linux setpriv): the compacted file then really cannot be opened (EACCES).
    s = ParquetStore(tmp_path)
    for i in range(30):
        s.append([ev(i)])
    s.compact("c2026", "alice")
    s.append([ev(30)])
    (big,) = folder(tmp_path).glob("compacted-*.parquet")
    big.chmod(0)
    drop = ["setpriv", "--bounding-set=-dac_override,-dac_read_search"]
    command = [*(drop if os.geteuid() == 0 else []), sys.executable, "-c", _READER, str(tmp_path)]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    assert f"could not read answers in {folder(tmp_path)}: Permission denied for {big}" in out
    assert big.exists() and not (tmp_path / "quarantine").exists()
    big.chmod(0o600)
    assert len(s.history("c2026", "alice")) == 31


# ---- item 2: corruption is found, never restored ---------------------------------------------


def test_a_flipped_byte_in_a_value_is_caught_by_the_page_checksum(tmp_path: Path) -> None:
    s = ParquetStore(tmp_path)
    s.append([ev(0, "keep the customer informed")])
    s.append([ev(1)])
    (path,) = [p for p in folder(tmp_path).glob("*.parquet") if b"informed" in p.read_bytes()]
    data = path.read_bytes()
    path.write_bytes(data.replace(b"informed", b"inform3d"))
    with pytest.warns(StoreWarning, match=rf"{path.name} \(not a readable Parquet file: .*CRC"):
        got = s.history("c2026", "alice")
    assert [e.value for e in got] == ["answer number 1"]
    assert quarantined(tmp_path) == [path.name]


ROW_DEFECTS = [
    ("event_id with a space", "event_id", pa.array(["bad id"])),
    ("event_id null", "event_id", pa.array([None], pa.string())),
    ("unknown value_type", "value_type", pa.array(["number"])),
    ("value in another type's column", "value_score", pa.array([5], pa.int32())),
    ("exercise id with ..", "exercise_id", pa.array(["m03..x"])),
    ("saved_at in year 1500", "saved_at",
     pa.array([-15_000_000_000_000_000], pa.timestamp("us", tz="UTC"))),
    ("saved_at beyond year 9999", "saved_at",
     pa.array([2**62], pa.timestamp("us", tz="UTC"))),
    ("a date beyond year 9999", "value_date", pa.array([3_000_000], pa.date32())),
    ("schema_version 0", "schema_version", pa.array([0], pa.int32())),
    ("invalid UTF-8", "value_text",
     pa.Array.from_buffers(pa.string(), 1, [None, pa.py_buffer(b"\0\0\0\0\2\0\0\0"),
                                            pa.py_buffer(b"\xff\xfe")])),
]  # fmt: skip


@pytest.mark.parametrize(
    ("defect", "column", "values"), ROW_DEFECTS, ids=[d[0] for d in ROW_DEFECTS]
)
def test_a_bad_row_is_set_aside_and_the_rest_restores(
    compacted: tuple[ParquetStore, list[Event]], defect: str, column: str, values: pa.Array
) -> None:
    s, events = compacted
    bad = with_column(to_table([ev(99)]), column, values)
    if column == "value_score":  # a score beside the text: two values in one row
        bad = with_column(bad, "value_score", values)
    good_and_bad = pa.concat_tables([to_table(events[:5]), bad])
    write_raw(folder(s.root) / "mixed.parquet", good_and_bad)
    with pytest.warns(StoreWarning, match=r"mixed.parquet \(1 of 6 rows break the event rules"):
        got = s.history("c2026", "alice")
    assert got == events  # the 5 good rows of mixed.parquet are duplicates of saved events
    assert quarantined(s.root) == ["mixed.parquet"]
    assert len(list(folder(s.root).glob("salvaged-*.parquet"))) == 1
    s.compact("c2026", "alice")
    assert s.history("c2026", "alice") == events


def test_a_truncated_compacted_file_costs_only_itself(
    compacted: tuple[ParquetStore, list[Event]],
) -> None:
    s, events = compacted
    (big,) = folder(s.root).glob("compacted-*.parquet")
    big.write_bytes(big.read_bytes()[:-100])
    with pytest.warns(StoreWarning, match=rf"{big.name} \(not a readable Parquet file"):
        assert s.history("c2026", "alice") == events[30:]
    s.compact("c2026", "alice")
    assert s.history("c2026", "alice") == events[30:]
    assert quarantined(s.root) == [big.name]


def _flip(data: bytes, rng: random.Random) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        out[rng.randrange(len(out))] ^= rng.randint(1, 255)
    return bytes(out)


@pytest.mark.parametrize("target", ["small", "compacted"])
def test_fuzz_flipped_bytes_never_raise_or_restore_a_wrong_value(
    tmp_path: Path, target: str
) -> None:
    """Seeded and bounded: 150 trials per kind of file, each on a fresh copy of one store."""
    base = tmp_path / "base"
    s = ParquetStore(base)
    events = [ev(i) for i in range(20)] + [ev(20 + i, i % 11, "score") for i in range(20)]
    events += [ev(40, True, "flag"), ev(41, dt.date(2026, 12, 1), "date")]
    for e in events[:36]:
        s.append([e])
    s.compact("c2026", "alice")
    for e in events[36:]:
        s.append([e])
    names = sorted(p.name for p in folder(base).glob("*.parquet"))
    victim = next(n for n in names if n.startswith("compacted-") == (target == "compacted"))
    in_victim = {e.event_id for e in ParquetStore(base).history("c2026", "alice")
                 if (target == "compacted") == (e in events[:36])}  # fmt: skip
    if target == "small":
        in_victim = {pq.read_table(folder(base) / victim)["event_id"][0].as_py()}
    rng = random.Random(20261126 + len(target))
    data = (folder(base) / victim).read_bytes()
    caught = 0
    for trial in range(150):
        root = tmp_path / f"t{trial}"
        shutil.copytree(base, root)
        (folder(root) / victim).write_bytes(_flip(data, rng))
        with warnings.catch_warnings(record=True) as record:
            warnings.simplefilter("always")
            got = ParquetStore(root).history("c2026", "alice")  # never raises
        assert set(got) <= set(events), f"trial {trial}: a wrong value was restored"
        assert {e.event_id for e in events} - {e.event_id for e in got} <= in_victim
        caught += bool(record)
        shutil.rmtree(root)
    assert caught > 50  # most flips hit data the checksums and rules guard


# ---- item 3: a newer workbook's files are never lost -----------------------------------------


def _newer(tmp_path: Path) -> tuple[ParquetStore, Path]:
    s = ParquetStore(tmp_path)
    s.append([ev(0)])
    v2 = to_table([ev(1)]).append_column("value_list", pa.array([["a", "b"]]))
    v2 = with_column(v2, "schema_version", pa.array([2], pa.int32()))
    path = folder(tmp_path) / "v2.parquet"
    write_raw(path, v2)
    return s, path


def test_a_newer_schema_is_refused_clearly_and_never_rewritten(tmp_path: Path) -> None:
    s, path = _newer(tmp_path)
    before = path.read_bytes()
    message = rf"{path} was saved by a newer workbook \(columns value_list .*upgrade workbook"
    with pytest.raises(StoreError, match=message):
        s.history("c2026", "alice")
    with pytest.raises(StoreError, match=message):
        s.compact("c2026", "alice")
    assert path.read_bytes() == before and not (tmp_path / "quarantine").exists()


def test_newer_rows_without_new_columns_are_refused_too(tmp_path: Path) -> None:
    s = ParquetStore(tmp_path)
    s.append([ev(0)])
    write_raw(
        folder(tmp_path) / "v2.parquet",
        with_column(to_table([ev(1)]), "schema_version", pa.array([2], pa.int32())),
    )
    with pytest.raises(StoreError, match="rows of a higher schema_version"):
        s.history("c2026", "alice")


# ---- item 4: private by default -------------------------------------------------------------


@pytest.mark.parametrize("umask", [0o000, 0o022, 0o077])
def test_files_0600_and_folders_0700_whatever_the_umask(tmp_path: Path, umask: int) -> None:
    old = os.umask(umask)
    try:
        s = ParquetStore(tmp_path / "store")
        for i in range(3):
            s.append([ev(i)])
        s.compact("c2026", "alice")  # makes the lock file
        (folder(s.root) / "junk.parquet").write_bytes(b"junk")
        with pytest.warns(StoreWarning):
            s.history("c2026", "alice")
    finally:
        os.umask(old)
    paths = [s.root, *s.root.rglob("*")]
    assert {p.name for p in paths} >= {".lock", "quarantine", "junk.parquet"}
    for p in paths:
        if p.name != "junk.parquet":  # the test wrote that one itself
            assert p.stat().st_mode & 0o777 == (0o700 if p.is_dir() else 0o600), p


def test_a_memory_error_reading_a_good_file_moves_nothing(
    compacted: tuple[ParquetStore, list[Event]], monkeypatch: pytest.MonkeyPatch
) -> None:
    # A transient allocation failure can't be caused on cue: pyarrow's own error is injected.
    s, events = compacted
    before = sorted(p.name for p in folder(s.root).iterdir())

    def no_memory(*args: object, **kwargs: object) -> pa.Table:
        raise pa.ArrowMemoryError("malloc of size 1048576 failed")

    with monkeypatch.context() as m:
        m.setattr(pq.ParquetFile, "read", no_memory)
        with pytest.raises(MemoryError):
            ParquetStore(s.root).history("c2026", "alice")
    assert sorted(p.name for p in folder(s.root).iterdir()) == before
    assert quarantined(s.root) == []
    assert ParquetStore(s.root).history("c2026", "alice") == events

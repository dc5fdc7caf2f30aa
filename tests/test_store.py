"""The answer store: round trips, hostile input, concurrency, crashes, corruption, other engines."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from workbook.course.kinds import Value, ValueType
from workbook.errors import AnswerError, IdError, StoreError
from workbook.store import (
    COMPACT_AFTER,
    SCHEMA,
    Event,
    MemoryStore,
    ParquetStore,
    Store,
    StoreWarning,
    check_id,
    default_root,
    doctor,
    latest,
    read_dataset,
)

WORKER = Path(__file__).with_name("store_worker.py")
T0 = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC)


def ev(
    value_type: ValueType = "score",
    value: Value = 7,
    *,
    learner: str = "alice",
    cohort: str = "c2026",
    exercise_id: str = "m03.skills",
    field: str = "patience",
    snapshot: str = "",
    seconds: float = 0,
    event_id: str | None = None,
) -> Event:
    extra = {} if event_id is None else {"event_id": event_id}
    return Event(
        cohort, learner, exercise_id, field, value_type, value, snapshot,
        T0 + dt.timedelta(seconds=seconds), "v1", **extra,
    )  # fmt: skip


def files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


def parquet_files(root: Path) -> list[Path]:
    return sorted((root / "events").rglob("*.parquet"))


@pytest.fixture(params=["memory", "parquet"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Store:
    return MemoryStore() if request.param == "memory" else ParquetStore(tmp_path / "store")


# ---- round trips ---------------------------------------------------------------------------

VALUES: list[tuple[ValueType, Value]] = [
    ("text", "Asked what done looks like for them."),
    ("text", ""),
    ("score", 7),
    ("score", 0),
    ("score", -(2**31)),
    ("score", 2**31 - 1),
    ("flag", True),
    ("flag", False),
    ("date", dt.date(2026, 12, 1)),
    ("date", dt.date(1, 1, 1)),
    ("date", dt.date(9999, 12, 31)),
    *[(t, None) for t in ("text", "score", "flag", "date")],  # cleared
]


@pytest.mark.parametrize(("value_type", "value"), VALUES)
def test_round_trip_every_value_type(store: Store, value_type: ValueType, value: Value) -> None:
    e = ev(value_type, value)
    store.append([e])
    (got,) = store.history("c2026", "alice")
    assert got == e
    assert type(got.value) is type(value)
    assert store.learners() == [("c2026", "alice")]


TRICKY = [
    "👩🏽‍💻 handover ✅🚀",  # emoji with skin tone and zero-width joiners
    "שלום עולם — مرحبا بالعالم",  # right-to-left
    "e\u0301 n\u0303 a\u030a\u0323",  # combining marks, not normalised
    "a\x00b\x00",  # NUL is a valid character and survives
    "\ufeffBOM, \u2028line sep, \r\n CRLF, \t tab",
    "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 \U0010fffd",  # astral plane up to the last code point
]


@pytest.mark.parametrize("text", TRICKY)
def test_tricky_unicode_round_trips_exactly(store: Store, text: str) -> None:
    store.append([ev("text", text)])
    assert store.history("c2026", "alice")[0].value == text


def test_large_text_round_trips(store: Store) -> None:
    text = ("Reflection ✍️ über Übergaben.\n" * 4000)[:100_000]
    store.append([ev("text", text), ev("text", "x" * 1_000_000, field="long", seconds=1)])
    got = store.history("c2026", "alice")
    assert [e.value for e in got] == [text, "x" * 1_000_000]


def test_history_is_ordered_and_deduped(store: Store) -> None:
    a, b, c = ev(seconds=3), ev(seconds=1), ev(seconds=2, value=None)
    tie1, tie2 = ev(seconds=5, event_id="b" * 32), ev(seconds=5, event_id="a" * 32)
    store.append([a, b])
    store.append([c, tie1, tie2])
    store.append([a, c])  # a sync resending the same events
    assert store.history("c2026", "alice") == [b, c, a, tie2, tie1]
    assert store.history("c2026", "bob") == []


def test_saved_at_is_kept_in_utc_to_the_microsecond(store: Store) -> None:
    local = dt.datetime(2026, 11, 25, 10, 0, 0, 123456, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    store.append([Event("c2026", "alice", "m03.skills", "patience", "score", 3, saved_at=local)])
    (got,) = store.history("c2026", "alice")
    assert got.saved_at == local and got.saved_at.tzinfo is dt.UTC
    assert got.saved_at.microsecond == 123456


def test_latest_last_by_saved_at_then_event_id() -> None:
    first = ev(value=3, seconds=1)
    later = ev(value=9, seconds=2)
    tie = ev(value=5, seconds=2, event_id="f" * 32)  # same instant: the larger event_id wins
    cleared = ev(value=None, field="empathy", seconds=9)
    before_clear = ev(value=4, field="empathy", seconds=8)
    other_snapshot = ev(value=1, snapshot="first-day")
    got = latest([tie, later, first, cleared, before_clear, other_snapshot])
    assert got == {
        ("m03.skills", "", "patience"): tie,
        ("m03.skills", "", "empathy"): cleared,
        ("m03.skills", "first-day", "patience"): other_snapshot,
    }
    assert latest([]) == {}


def test_learners_lists_pairs(store: Store) -> None:
    store.append([ev(learner="bob"), ev(cohort="c2025", learner="zoe"), ev()])
    assert store.learners() == [("c2025", "zoe"), ("c2026", "alice"), ("c2026", "bob")]


def test_batches_are_one_file_per_learner(tmp_path: Path) -> None:
    s = ParquetStore(tmp_path)
    s.append([ev(field=f"f{i}") for i in range(5)] + [ev(learner="bob")])
    assert len(parquet_files(tmp_path)) == 2


def test_default_root(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("WORKBOOK_HOME", str(tmp_path / "wb"))
    assert default_root() == tmp_path / "wb"
    monkeypatch.delenv("WORKBOOK_HOME")
    assert default_root().name == "workbook"


# ---- hostile input -------------------------------------------------------------------------

HOSTILE = ["../x", "a/b", "", ".hidden", "00123", "2025-09-01", "inf", "Infinity", "NaN",
           "null", "TRUE", "epoch", "x" * 65, "a\x00b", "é", "a..b", "a b", "-a", "a\n"]  # fmt: skip


@pytest.mark.parametrize("bad", HOSTILE)
@pytest.mark.parametrize("what", ["cohort", "learner"])
def test_hostile_ids_are_refused_and_nothing_written(tmp_path: Path, bad: str, what: str) -> None:
    allowed = "is not allowed: use 1-64 characters, an ASCII letter first"
    s = ParquetStore(tmp_path)
    hostile: dict[str, Any] = {what: bad}
    with pytest.raises(IdError, match=f"^{what} .* {allowed}"):
        ev(**hostile)
    with pytest.raises(IdError, match=allowed):
        s.history(**{"cohort": "c2026", "learner": "alice", what: bad})
    with pytest.raises(IdError, match=allowed):
        s.compact(**{"cohort": "c2026", "learner": "alice", what: bad})  # type: ignore[arg-type]
    with pytest.raises(IdError, match=allowed):
        check_id(bad, what)
    assert files(tmp_path) == []


@pytest.mark.parametrize(
    ("key", "bad"),
    [("exercise_id", "../m03"), ("exercise_id", "M03"), ("exercise_id", "m03/x"),
     ("field", "a..b"), ("field", "/abs"), ("field", ""), ("snapshot", "First Day"),
     ("snapshot", "a/b")],
)  # fmt: skip
def test_hostile_exercise_field_snapshot(tmp_path: Path, key: str, bad: str) -> None:
    hostile: dict[str, Any] = {key: bad}
    with pytest.raises(IdError, match=f"^{key.replace('_id', ' id')} .* is not allowed: use "):
        ev(**hostile)
    assert files(tmp_path) == []


def test_good_ids_pass() -> None:
    for ok in ["me", "alice.smith", "Bob_2", "c2025-09-01", "x" * 64, "Infinite", "nullable"]:
        assert check_id(ok, "learner") == ok
    e = ev(exercise_id="hw3.audit", field="handover-1/shared-customer-information",
           snapshot="check-in-2026-11-25")  # fmt: skip
    assert e.field == "handover-1/shared-customer-information"


@pytest.mark.parametrize(
    ("value_type", "value", "message"),
    [
        ("score", "7", r"expected a score \(an int, not a bool, within 32 bits\), got str '7'"),
        ("score", True, "not a bool.*got bool True"),
        ("score", 7.0, "got float 7.0"),
        ("score", 2**31, "within 32 bits"),
        ("text", "x" * 1_000_001, "at most 1,000,000 characters, got 1,000,001"),
        ("text", "a\ud800b", "no lone surrogates"),
        ("text", 5, r"expected text \(a str\), got int 5"),
        ("flag", 1, r"expected a flag \(True or False\), got int 1"),
        ("date", dt.datetime(2026, 1, 1, tzinfo=dt.UTC), "not datetime"),
        ("date", "2026-01-01", "got str"),
        ("number", 1, "expected value_type one of text, score, flag, date"),
    ],
)
def test_wrong_value_type_is_refused(
    tmp_path: Path, value_type: ValueType, value: Value, message: str
) -> None:
    s = ParquetStore(tmp_path)
    with pytest.raises(AnswerError, match=r"^m03\.skills / patience: expected ") as info:
        s.append([ev(), ev(value_type, value)])
    assert info.match(message)
    assert files(tmp_path) == []


def test_naive_saved_at_is_refused() -> None:
    with pytest.raises(AnswerError, match="timezone-aware"):
        Event("c", "a", "m03.skills", "patience", "score", 1, saved_at=dt.datetime(2026, 1, 1))


# ---- compaction, corruption, failures ------------------------------------------------------


def test_compaction_merges_small_files(tmp_path: Path) -> None:
    s = ParquetStore(tmp_path)
    events = [ev(value=i % 10, seconds=i) for i in range(COMPACT_AFTER * 2 + 5)]
    for e in events:
        s.append([e])
    s.wait()
    names = [p.name for p in parquet_files(tmp_path)]
    assert len(names) <= COMPACT_AFTER + 1
    assert any(n.startswith("compacted-") for n in names)
    assert s.history("c2026", "alice") == events
    learner_dir = parquet_files(tmp_path)[0].parent
    abandoned = learner_dir / ".abandoned.tmp"  # a killed writer's leftover, an hour old
    abandoned.write_bytes(b"half a file")
    os.utime(abandoned, (time.time() - 3700,) * 2)
    (learner_dir / ".in-progress.tmp").write_bytes(b"half")  # saves take no lock: may be live
    shutil.copy(parquet_files(tmp_path)[0], learner_dir / "zz-duplicate.parquet")
    s.compact("c2026", "alice")
    left = [p.name for p in files(tmp_path) if p.name != ".lock"]
    assert len(left) == 2 and left[0] == ".in-progress.tmp" and left[1].startswith("compacted-")
    assert s.history("c2026", "alice") == events
    assert pq.read_table(parquet_files(tmp_path)[0]).num_rows == len(events)
    s.compact("c2026", "nobody")  # nothing there: nothing to do


def test_corrupt_neighbour_is_set_aside(tmp_path: Path) -> None:
    s = ParquetStore(tmp_path)
    good = [ev(field=f"f{i}", seconds=i) for i in range(3)]
    for e in good:
        s.append([e])
    real = parquet_files(tmp_path)[0]
    folder = real.parent
    (folder / "garbage.parquet").write_bytes(b"this is not parquet at all" * 10)
    data = real.read_bytes()
    (folder / "truncated.parquet").write_bytes(data[: len(data) // 2])
    (folder / "empty.parquet").write_bytes(b"")
    with pytest.warns(StoreWarning) as record:
        assert s.history("c2026", "alice") == good
    messages = sorted(str(w.message) for w in record)
    assert len(messages) == 3
    for m, name in zip(messages, ["empty", "garbage", "truncated"], strict=True):
        assert m.startswith(f"unreadable answer file {folder / name}.parquet (")
        assert f"set aside, moved it to {tmp_path / 'quarantine' / 'c2026' / 'alice'}" in m
        assert m.endswith("the other answers were restored")
    quarantined = sorted(p.name for p in (tmp_path / "quarantine" / "c2026" / "alice").iterdir())
    assert quarantined == ["empty.parquet", "garbage.parquet", "truncated.parquet"]
    assert s.history("c2026", "alice") == good  # no warning the second time
    assert read_dataset(tmp_path).num_rows == 3


def test_rows_with_unknown_value_type_are_set_aside(tmp_path: Path) -> None:
    s = ParquetStore(tmp_path)
    s.append([ev()])
    bad = pq.read_table(parquet_files(tmp_path)[0])
    bad = bad.set_column(4, "value_type", pa.array(["number"]))
    pq.write_table(bad, parquet_files(tmp_path)[0].with_name("bad.parquet"))
    with pytest.warns(StoreWarning, match=r"bad.parquet \(1 of 1 rows break the event rules"):
        assert len(s.history("c2026", "alice")) == 1


def test_events_path_is_a_file(tmp_path: Path) -> None:
    (tmp_path / "events").write_text("not a folder")
    s = ParquetStore(tmp_path)
    with pytest.raises(StoreError, match=f"could not save answers in {tmp_path / 'events'}"):
        s.append([ev()])
    message = f"{tmp_path / 'events'} is a file where a folder should be: move it away"
    with pytest.raises(StoreError, match=message):
        s.history("c2026", "alice")
    assert (tmp_path / "events").read_text() == "not a folder"
    assert s.learners() == []


def test_blocked_learner_folder_fails_alone_and_recovers(tmp_path: Path) -> None:
    s = ParquetStore(tmp_path)
    s.append([ev(learner="alice")])
    blocker = tmp_path / "events" / "cohort=c2026" / "learner=bob"
    blocker.write_text("in the way")
    bob = ev(learner="bob")
    with pytest.raises(StoreError, match=f"could not save answers in {blocker}: {blocker} is a f"):
        s.append([bob])
    s.append([ev(learner="alice", field="empathy")])
    assert len(s.history("c2026", "alice")) == 2
    assert s.learners() == [("c2026", "alice")]
    blocker.unlink()
    s.append([bob])  # the same store object retries and succeeds
    assert s.history("c2026", "bob") == [bob]


# ---- concurrency and crashes ---------------------------------------------------------------


def _worker(root: Path, learner: str, count: int) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(WORKER), str(root), "c2026", learner, str(count)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )


def _wait_ready(p: subprocess.Popen[str]) -> None:
    assert p.stdout is not None and p.stdin is not None
    assert p.stdout.readline() == "ready\n"


def test_threads_and_processes_write_one_learner(tmp_path: Path) -> None:
    root = tmp_path / "store"
    procs = [_worker(root, "alice", 50) for _ in range(4)]
    for p in procs:
        _wait_ready(p)
    s = ParquetStore(root)
    errors: list[BaseException] = []

    def thread_saves(n: int) -> None:
        try:
            for i in range(50):
                s.append([ev(field=f"t{n}-{i}", value=i % 10)])
        except BaseException as err:  # pragma: no cover - reported below
            errors.append(err)

    threads = [threading.Thread(target=thread_saves, args=(n,)) for n in range(8)]
    for p in procs:  # go: all 12 writers at once
        assert p.stdin is not None
        p.stdin.write("go\n")
        p.stdin.flush()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    acked = set()
    for p in procs:
        out, _ = p.communicate(timeout=60)
        assert p.returncode == 0
        acked |= set(out.split())
    assert not errors
    history = s.history("c2026", "alice")
    ids = {e.event_id for e in history}
    assert len(history) == len(ids) == 600
    assert acked <= ids and len(acked) == 200
    assert len(parquet_files(root)) <= COMPACT_AFTER + 1  # compaction kept up
    assert any(p.name.startswith("compacted-") for p in parquet_files(root))


def test_sigkill_mid_save_loses_no_acknowledged_answer(tmp_path: Path) -> None:
    root = tmp_path / "store"
    seed = int.from_bytes(os.urandom(4), "little")
    rng = random.Random(seed)
    s = ParquetStore(root)
    acked: set[str] = set()
    kills = 0
    for _ in range(16):  # two writers at a time on the same learner, each killed at random
        procs = [_worker(root, "alice", 0) for _ in range(2)]
        for p in procs:
            _wait_ready(p)
            assert p.stdin is not None
            p.stdin.write("go\n")
            p.stdin.flush()
        for p in procs:
            assert p.stdout is not None
            for _ in range(3):  # some saves acknowledged, however loaded the machine is
                acked.add(p.stdout.readline().strip())
        for p in sorted(procs, key=lambda _: rng.random()):
            time.sleep(rng.uniform(0, 0.06))
            p.send_signal(signal.SIGKILL)
        for p in procs:
            out, _ = p.communicate(timeout=10)
            assert p.returncode == -signal.SIGKILL
            complete = out if out.endswith("\n") else out.rsplit("\n", 1)[0]
            acked |= set(complete.split())
            kills += 1
        ids = {e.event_id for e in s.history("c2026", "alice")}
        assert acked <= ids, f"lost {len(acked - ids)} acknowledged saves (seed {seed})"
        glob = f"{root}/events/**/*.parquet"
        rows = duckdb.connect().sql(
            f"select distinct event_id from read_parquet('{glob}', hive_partitioning=true)"
        )
        assert {r[0] for r in rows.fetchall()} == ids, f"seed {seed}"
    assert kills >= 30
    assert not (root / "quarantine").exists()
    assert len(acked) >= 16 * 2 * 3


# ---- other engines -------------------------------------------------------------------------


@pytest.fixture
def populated(tmp_path: Path) -> tuple[Path, list[Event]]:
    s = ParquetStore(tmp_path)
    events: list[Event] = []
    for n, (t, v) in enumerate(VALUES):
        events.append(ev(t, v, field=f"f{n}", seconds=n, learner="alice"))
        events.append(ev(t, v, field=f"f{n}", seconds=n, learner="Bob.2", cohort="c2025-09-01"))
    for batch in (events[i : i + 3] for i in range(0, len(events), 3)):
        s.append(batch)
    for i in range(COMPACT_AFTER + 3):  # compacted plus small files side by side
        events.append(ev("score", i % 10, learner="carol", field=f"skill-{i % 8}", seconds=i))
        s.append([events[-1]])
    s.wait()
    return tmp_path, events


def _rows(events: list[Event]) -> set[tuple[object, ...]]:
    return {
        (e.event_id, e.cohort, e.learner, e.exercise_id, e.field, e.value_type,
         e.value if e.value_type == "text" else None,
         e.value if e.value_type == "score" else None,
         e.value if e.value_type == "flag" else None,
         e.value if e.value_type == "date" else None)
        for e in events
    }  # fmt: skip


COLUMNS = ["event_id", "cohort", "learner", "exercise_id", "field", "value_type", "value_text",
           "value_score", "value_flag", "value_date"]  # fmt: skip


def test_one_schema_in_every_file(populated: tuple[Path, list[Event]]) -> None:
    root, _ = populated
    names = [p.name for p in parquet_files(root)]
    assert any(n.startswith("compacted-") for n in names) and len(names) > 10
    for p in parquet_files(root):
        assert pq.read_schema(p).remove_metadata().equals(SCHEMA), p


def test_duckdb_reads_the_store(populated: tuple[Path, list[Event]]) -> None:
    root, events = populated
    rel = duckdb.connect().sql(
        f"select {', '.join(COLUMNS)}, typeof(cohort), typeof(learner), schema_version"
        f" from read_parquet('{root}/events/**/*.parquet', hive_partitioning=true)"
    )
    rows = rel.fetchall()
    assert len(rows) == len(events)
    assert {r[-3:] for r in rows} == {("VARCHAR", "VARCHAR", 1)}
    assert {r[:-3] for r in rows} == _rows(events)


def test_polars_reads_the_store(populated: tuple[Path, list[Event]]) -> None:
    root, events = populated
    df = pl.read_parquet(f"{root}/events/**/*.parquet", hive_partitioning=True)
    assert df.schema["cohort"] == pl.String and df.schema["learner"] == pl.String
    assert df.schema["saved_at"] == pl.Datetime("us", "UTC")
    assert df.height == len(events)
    assert set(df.select(COLUMNS).iter_rows()) == _rows(events)


def test_pandas_and_read_dataset_read_the_store(populated: tuple[Path, list[Event]]) -> None:
    root, events = populated
    df = pd.read_parquet(root / "events")
    assert len(df) == len(events)
    assert {str(c) for c in df["cohort"].unique()} == {"c2026", "c2025-09-01"}
    table = read_dataset(root)
    assert table.schema.field("cohort").type == pa.string()
    assert table.schema.field("learner").type == pa.string()
    assert table.num_rows == len(events)
    assert {tuple(r.values()) for r in table.select(COLUMNS).to_pylist()} == _rows(events)


def test_read_dataset_drops_duplicates_and_handles_empty(tmp_path: Path) -> None:
    assert read_dataset(tmp_path).num_rows == 0
    s = ParquetStore(tmp_path)
    s.append([ev(), ev(field="empathy")])
    p = parquet_files(tmp_path)[0]
    shutil.copy(p, p.with_name("copy.parquet"))  # as after a crash mid-compaction
    assert read_dataset(tmp_path).num_rows == 2
    assert len(s.history("c2026", "alice")) == 2


@pytest.mark.parametrize("seed", range(5))
def test_latest_is_the_newest_of_each_slot_among_many_saves(store: Store, seed: int) -> None:
    """Saves in any order, several batches and slots (ties on saved_at included): the store's
    current answers are exactly what `latest` picks from its history."""
    rng = random.Random(seed)
    slots = [(x, s, f) for x in ("m03.skills", "m04.gap") for s in ("", "first-day")
             for f in ("patience", "a/b", "c")]  # fmt: skip
    saved = [
        ev("text", f"v{n}", exercise_id=x, snapshot=s, field=f, seconds=rng.randrange(40))
        for n, (x, s, f) in enumerate(rng.choices(slots, k=60))
    ]
    rng.shuffle(saved)
    for n in range(0, len(saved), 7):
        store.append(saved[n : n + 7])
    assert store.latest("c2026", "alice") == latest(saved)


@pytest.mark.parametrize("who", ["compaction", "doctor"])
def test_a_save_finishing_while_its_folder_is_listed_is_no_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, who: str
) -> None:
    """A save renames its temp file without a lock, so it may go between listing and stat."""
    s = ParquetStore(tmp_path)
    events = [ev(value=i, seconds=i) for i in range(3)]
    for e in events:
        s.append([e])
    learner_dir = parquet_files(tmp_path)[0].parent
    live = learner_dir / ".live-save.tmp"
    live.write_bytes(b"half")
    real_scandir = os.scandir

    @contextlib.contextmanager
    def listed_then_renamed(path: Any) -> Iterator[list[os.DirEntry[str]]]:
        with real_scandir(path) as it:
            entries = list(it)
        if Path(path) == learner_dir and live.exists():  # the save ends just after the listing
            live.rename(learner_dir / "zz-finished.parquet.gone")
        yield entries

    monkeypatch.setattr(os, "scandir", listed_then_renamed)
    if who == "compaction":
        s.compact("c2026", "alice")
        assert s.history("c2026", "alice") == events
    else:
        assert not [p for p in doctor(tmp_path).problems if ".live-save" in str(p.path)]

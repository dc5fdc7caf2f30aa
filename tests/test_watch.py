"""The store watcher: a save by another session (another kernel) reaches this one's listeners."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest

from workbook import load_course
from workbook.course.model import Course
from workbook.learner.session import Session
from workbook.learner.watch import Watcher, watch
from workbook.store import MemoryStore, ParquetStore, Store


@pytest.fixture(scope="module")
def course() -> Course:
    return load_course()


STORES: dict[str, Callable[[Path], Store]] = {
    "parquet": lambda tmp: ParquetStore(tmp),
    "memory": lambda _: MemoryStore(),
}


def _pair(course: Course, store: Store) -> tuple[Session, Session]:
    """Two kernels of one learner: the module they write in and the index they look at."""
    return tuple(Session(course, store, "local", "ada", debounce=60) for _ in range(2))  # type: ignore[return-value]


@pytest.mark.parametrize("kind", list(STORES))
def test_a_save_elsewhere_is_seen_once_and_names_its_exercise(
    course: Course, tmp_path: Path, kind: str
) -> None:
    writer, reader = _pair(course, STORES[kind](tmp_path))
    seen: list[str] = []
    reader.on_change("test", seen.append)
    watcher = Watcher(reader)
    assert watcher.check() == set()

    writer.set("m04.gap", "text", "the briefing")
    writer.set("m03.skills", "patience", 7, "first-day")
    assert watcher.check() == set()  # still only pending in the writer
    writer.flush()
    assert watcher.check() == {"m04.gap", "m03.skills"}
    assert sorted(seen) == ["m03.skills", "m04.gap"]
    assert reader.answers("m04.gap") == {"text": "the briefing"}
    assert watcher.check() == set() and watcher.refreshes == 1  # nothing new: not re-read


def test_own_saves_and_compaction_notify_nobody(course: Course, tmp_path: Path) -> None:
    store = ParquetStore(tmp_path)
    session = Session(course, store, "local", "ada", debounce=60)
    seen: list[str] = []
    watcher = Watcher(session)
    session.on_change("test", seen.append)
    session.set("m04.gap", "text", "mine")
    seen.clear()
    session.flush()
    store.compact("local", "ada")
    assert watcher.check() == set()
    assert seen == []


def test_the_thread_delivers_within_a_poll_and_survives_a_failing_listener(
    course: Course, tmp_path: Path
) -> None:
    writer, reader = _pair(course, ParquetStore(tmp_path))
    seen: list[tuple[str, float]] = []

    def broken(_: str) -> None:
        raise RuntimeError("a closed widget")

    reader.on_change("broken", broken)
    reader.on_change("test", lambda e: seen.append((e, time.monotonic())))
    watcher = watch(reader, interval=0.05)
    try:
        assert watch(reader) is watcher  # one thread per session, however many widgets ask
        for text in ("first", "second"):
            writer.set("m04.gap", "text", text)
            writer.flush()
            saved = time.monotonic()
            deadline = saved + 5
            while reader.answers("m04.gap").get("text") != text and time.monotonic() < deadline:
                time.sleep(0.01)
            assert reader.answers("m04.gap") == {"text": text}
        assert watcher.alive
        assert [e for e, _ in seen][-1] == "m04.gap"
    finally:
        watcher.stop()
    assert not watcher.alive


def test_an_unreadable_store_is_retried_not_fatal(
    course: Course, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    writer, reader = _pair(course, ParquetStore(tmp_path))
    watcher = Watcher(reader)
    writer.set("m04.gap", "text", "kept")
    writer.flush()

    from workbook.errors import StoreError

    def fail(*_: object) -> list[object]:
        raise StoreError("disk gone")

    with monkeypatch.context() as mp:
        mp.setattr(reader.store, "latest", fail)  # what refresh reads
        with pytest.raises(StoreError):
            watcher.check()
    watcher._last = None  # what the thread does after a failed poll
    assert watcher.check() == {"m04.gap"}

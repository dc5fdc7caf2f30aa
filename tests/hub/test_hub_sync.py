"""Sync from the learner's side, against a cohort folder: queued while it is away, resumed
without re-sending, never touching the local store; the status line says how it went."""

from __future__ import annotations

import datetime as dt
import re
import time
from pathlib import Path

import pytest

from workbook.course.content import load_course
from workbook.errors import OfflineError
from workbook.learner.session import Session
from workbook.store import Event, LazyParquetStore, ParquetStore
from workbook.sync.client import BackgroundSync, status_line, sync
from workbook.sync.folder import FolderTarget, read_folder

SKILLS = [i.id for i in load_course().exercise("m03.skills").items]


def events(n: int, score: int = 5) -> list[Event]:
    at = dt.datetime(2026, 11, 26, 9, score, tzinfo=dt.UTC)  # a higher score saved later
    return [
        Event("local", "me", "m03.skills", SKILLS[i], "score", score, "first-day", saved_at=at)
        for i in range(n)
    ]


def test_queued_while_away_then_sent_as_one_current_file(tmp_path: Path) -> None:
    local = ParquetStore(tmp_path / "home")
    local.append(events(7))
    before = local.history("local", "me")
    folder = tmp_path / "shared" / "cohort-x"
    target = FolderTarget(folder)

    with pytest.raises(OfflineError, match="is not there"):
        sync(local, local.root, "local", "me", target)
    assert "not synced yet" in status_line(local.root, "local", "me", target)

    folder.mkdir(parents=True)
    result = sync(local, local.root, "local", "me", target, batch=3)
    assert (result.cohort, result.sent, result.stored) == ("cohort-x", 7, 7)
    assert len(list(folder.glob("*.parquet"))) == 1  # the current answers, not batches
    local.append(events(8, score=6))  # 7 changed, 1 new
    assert sync(local, local.root, "local", "me", target).sent == 8
    assert sync(local, local.root, "local", "me", target).sent == 0
    assert len(list(folder.glob("*.parquet"))) == 1  # the previous file was replaced
    assert read_folder(folder)["value_score"].to_pylist() == [6] * 8
    after = local.history("local", "me")
    assert len(after) == 15 and set(before) <= set(after)  # nothing deleted or rewritten
    line = status_line(local.root, "local", "me", target)
    assert re.fullmatch(r"Saved on this computer · synced to cohort-x \d\d:\d\d", line)


def test_nothing_new_is_told_by_the_folder_listing_and_any_change_reads_again(
    tmp_path: Path,
) -> None:
    local = ParquetStore(tmp_path / "home")
    local.append(events(3))
    folder = tmp_path / "shared" / "cohort-z"
    folder.mkdir(parents=True)
    target = FolderTarget(folder)

    def synced() -> tuple[int, bool]:
        lazy = LazyParquetStore(local.root)
        sent = sync(lazy, local.root, "local", "me", target).sent
        return sent, lazy._store is not None  # whether it opened the files

    assert synced() == (3, True)
    assert synced() == (0, False)
    local.append(events(4, score=6))
    assert synced() == (4, True)
    local.compact("local", "me")  # the same events under a new file name: read, nothing new
    assert synced() == (0, True)
    assert synced() == (0, False)
    assert read_folder(folder)["value_score"].to_pylist() == [6] * 4
    line = status_line(local.root, "local", "me", target)
    assert re.fullmatch(r"Saved on this computer · synced to cohort-z \d\d:\d\d", line)


def wait_for(session: Session, text: str) -> str:
    deadline = time.monotonic() + 20
    while text not in session.status.message:
        assert time.monotonic() < deadline, session.status.message
        time.sleep(0.02)
    return session.status.message


def test_background_sync_after_saves_and_retry_when_back(tmp_path: Path) -> None:
    local = ParquetStore(tmp_path / "home")
    session = Session(load_course(), local, "local", "me", debounce=0.01)
    folder = tmp_path / "shared" / "cohort-y"
    BackgroundSync(session, local.root, FolderTarget(folder), delay=0.01, retry=0.2)

    started = time.perf_counter()
    session.set("m03.skills", "patience", 6)
    assert time.perf_counter() - started < 0.05  # typing never waits for the network
    assert "retrying in 0 s" in wait_for(session, "not synced yet")
    folder.mkdir(parents=True)
    line = wait_for(session, "synced to")
    assert re.fullmatch(r"Saved on this computer · synced to cohort-y \d\d:\d\d", line)
    table = read_folder(folder)
    assert table["value_score"].to_pylist() == [6]

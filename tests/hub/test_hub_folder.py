"""The shared-folder target with real Unix users: a drop box learners can add to but not
list, read or delete from, and the facilitators' group reads."""

from __future__ import annotations

import datetime as dt
import errno
import grp
import os
import pwd
import select
import shutil
import stat
import subprocess
import tempfile
import time
import uuid
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from workbook.cli import main
from workbook.hub.facilitator import load_cohort
from workbook.hub.feed import FolderFeed
from workbook.store import Event, ParquetStore, StoreWarning
from workbook.store.files import to_table
from workbook.store.sharing import PRIVATE, SHARE_FIELD
from workbook.sync.client import sync
from workbook.sync.folder import (
    FILE_MODE,
    FolderTarget,
    folder_events,
    make_cohort_folder,
    read_folder,
)

pytestmark = pytest.mark.skipif(
    os.geteuid() != 0 or shutil.which("useradd") is None, reason="needs root and useradd"
)


def start_as_user(user: str, action: Callable[[], object]) -> int:
    """Start `action` in a child process with `user`'s uid, gid and groups; its pid. The child
    exits 0, or with the errno of the OSError it raised (modules are already loaded)."""
    info = pwd.getpwnam(user)
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        code = 0
        try:
            os.initgroups(user, info.pw_gid)
            os.setgid(info.pw_gid)
            os.setuid(info.pw_uid)
            action()
        except OSError as err:
            code = err.errno or 1
        except BaseException:
            code = 99
        os._exit(code)
    return pid


def as_user(user: str, action: Callable[[], object]) -> int:
    """Run `action` as `user` (see start_as_user) and return its exit status."""
    return os.waitstatus_to_exitcode(os.waitpid(start_as_user(user, action), 0)[1])


@pytest.fixture
def people() -> Iterator[dict[str, str]]:
    tag = uuid.uuid4().hex[:6]
    names = {"group": f"wbfac{tag}", "a": f"wbla{tag}", "b": f"wblb{tag}", "fac": f"wbf{tag}"}
    subprocess.run(["groupadd", names["group"]], check=True)
    try:
        for role in ("a", "b"):
            subprocess.run(["useradd", "-M", "-N", "-g", "users", names[role]], check=True)
        subprocess.run(["useradd", "-M", "-N", "-g", names["group"], names["fac"]], check=True)
        yield names
    finally:
        for role in ("a", "b", "fac"):
            subprocess.run(["userdel", names[role]], check=False, capture_output=True)
        subprocess.run(["groupdel", names["group"]], check=False, capture_output=True)


def batch(learner: str) -> list[Event]:
    at = dt.datetime(2026, 11, 26, 9, tzinfo=dt.UTC)
    return [Event("local", learner, "m01.journey-map", "sales/well", "text", "ok", saved_at=at)]


def test_learners_drop_files_others_cannot_list_read_or_delete(people: dict[str, str]) -> None:
    shared = Path(tempfile.mkdtemp(prefix="wbshared-"))
    try:
        os.chmod(shared, 0o755)
        folder = make_cohort_folder(shared / "cohort-x", people["group"])
        assert stat.S_IMODE(folder.stat().st_mode) == 0o3773
        target = FolderTarget(folder)

        assert as_user(people["a"], lambda: print(target.push(batch("me")))) == 0
        assert as_user(people["b"], lambda: print(target.push(batch("me")))) == 0
        files = {pwd.getpwuid(p.stat().st_uid).pw_name: p for p in folder.iterdir()}
        assert set(files) == {people["a"], people["b"]}
        mine = files[people["a"]]
        assert stat.S_IMODE(mine.stat().st_mode) == FILE_MODE
        assert grp.getgrgid(mine.stat().st_gid).gr_name == people["group"]  # setgid folder

        def read() -> None:
            mine.read_bytes()

        def tamper() -> None:
            with open(mine, "ab"):
                pass

        for action in (lambda: os.listdir(folder), read, tamper, lambda: os.unlink(mine),
                       lambda: os.rename(mine, folder / "mine.parquet")):  # fmt: skip
            assert as_user(people["b"], action) in (errno.EACCES, errno.EPERM)
        assert mine.exists()

        def facilitate() -> None:
            table = read_folder(folder)
            if set(table["learner"].to_pylist()) != {people["a"], people["b"]}:
                raise OSError(errno.EBADMSG, "wrong learners")

        assert as_user(people["fac"], facilitate) == 0
        assert as_user(people["fac"], lambda: os.unlink(mine)) in (errno.EACCES, errno.EPERM)
    finally:
        shutil.rmtree(shared)


@pytest.fixture
def drop_box(people: dict[str, str]) -> Iterator[Path]:
    shared = Path(tempfile.mkdtemp(prefix="wbshared-"))
    try:
        os.chmod(shared, 0o755)
        yield make_cohort_folder(shared / "cohort-x", people["group"])
    finally:
        shutil.rmtree(shared)


def home_of(user: str) -> Path:
    """A private folder of `user` for their local store and sync state."""
    home = Path(tempfile.mkdtemp(prefix="wbhome-"))
    info = pwd.getpwnam(user)
    os.chown(home, info.pw_uid, info.pw_gid)
    return home


def text(field: str, value: str | bool, minute: int, exercise: str = "m04.gap") -> Event:
    at = dt.datetime(2026, 11, 27, 9, minute, tzinfo=dt.UTC)
    if isinstance(value, bool):
        return Event("local", "me", exercise, field, "flag", value, saved_at=at)
    return Event("local", "me", exercise, field, "text", value, saved_at=at)


def sync_as(user: str, folder: Path, home: Path, evs: list[Event]) -> int:
    def run() -> None:
        store = ParquetStore(home)
        store.append(evs)
        sync(store, home, "local", "me", FolderTarget(folder))

    return as_user(user, run)


def test_drafts_and_unshared_text_never_reach_the_folder(
    people: dict[str, str], drop_box: Path
) -> None:
    home = home_of(people["a"])
    try:
        evs = [text("text", f"draft {n} I typed over", n) for n in range(5)]
        evs += [text("text", "my shared answer", 10), text(SHARE_FIELD, True, 11)]
        evs += [text("sales/going-well", "my private reflection", 12, "m01.journey-map")]
        assert sync_as(people["a"], drop_box, home, evs) == 0
        dropped = [pq.read_table(p) for p in drop_box.iterdir()]  # what the group can read
        assert len(dropped) == 1
        texts = set(dropped[0]["value_text"].to_pylist())
        assert texts == {"my shared answer", PRIVATE, None}  # None: the share flag's row

        # Withdrawn: the next sync replaces the file, and the text is gone from the folder.
        assert sync_as(people["a"], drop_box, home, [text(SHARE_FIELD, False, 20)]) == 0
        (only,) = drop_box.iterdir()
        assert "my shared answer" not in pq.read_table(only)["value_text"].to_pylist()
    finally:
        shutil.rmtree(home)


def test_drops_from_before_redaction_are_superseded_then_removed(
    people: dict[str, str],
    drop_box: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    home = home_of(people["a"])
    try:
        evs = [text("text", "my shared answer", 10), text(SHARE_FIELD, True, 11)]
        evs += [text("sales/going-well", "my private reflection", 12, "m01.journey-map")]
        # As versions before redaction dropped: every word, a new file per batch, and a status
        # naming no file.
        with monkeypatch.context() as old:
            old.setattr("workbook.store.sharing.redact", lambda events: list(events))
            assert sync_as(people["a"], drop_box, home, evs[:2]) == 0
            (status,) = home.rglob("status.json")
            status.write_text('{"cohort": "cohort-x", "file": "", "pending": 0}')
            assert sync_as(people["a"], drop_box, home, evs[2:]) == 0
        status.write_text('{"cohort": "cohort-x", "file": "", "pending": 0}')
        first, second = sorted(drop_box.iterdir(), key=lambda p: p.stat().st_mtime_ns)

        def words() -> set[str]:
            return set(read_folder(drop_box)["value_text"].to_pylist())

        assert "my private reflection" in words()
        assert sync_as(people["a"], drop_box, home, []) == 0  # nothing new, the drop replaced
        assert words() == {"my shared answer", PRIVATE, None}
        (newest,) = set(drop_box.iterdir()) - {first, second}  # a learner cannot list the rest
        assert sync_as(people["a"], drop_box, home, []) == 0  # once only
        assert set(drop_box.iterdir()) == {first, second, newest}

        # Root runs `workbook cohort folder` again: only each learner's newest file stays.
        assert main(["cohort", "folder", str(drop_box), "--group", people["group"]]) == 0
        assert "removed 2 older file(s)" in capsys.readouterr().out
        assert set(drop_box.iterdir()) == {newest}
        assert words() == {"my shared answer", PRIVATE, None}
    finally:
        shutil.rmtree(home)


def test_a_store_planted_before_the_first_sync_shows_no_learner(
    people: dict[str, str], drop_box: Path
) -> None:
    def plant() -> None:
        forged = [Event("cohort-x", "other", "m04.gap", "text", "text", "forged")]
        d = drop_box / "events" / "cohort=cohort-x" / "learner=other"
        d.mkdir(parents=True)
        pq.write_table(to_table(forged), d / "forged.parquet")

    assert as_user(people["b"], plant) == 0
    assert (drop_box / "events" / "cohort=cohort-x" / "learner=other").is_dir()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", StoreWarning)
        assert load_cohort("cohort-x", folder=drop_box) == []
        assert FolderFeed(drop_box).read("cohort-x").events == ()  # the report's reader


@pytest.fixture
def dropped(people: dict[str, str], drop_box: Path) -> Iterator[tuple[Path, Path]]:
    """b dropped an unshared text, a dropped theirs: (b's private store file, a's drop)."""
    home_a, home_b = home_of(people["a"]), home_of(people["b"])
    try:
        secret = [text("text", "b's unshared secret", 1)]
        assert sync_as(people["b"], drop_box, home_b, secret) == 0
        private = next(home_b.rglob("*.parquet"))  # b's own store, unredacted
        assert sync_as(people["a"], drop_box, home_a, [text("text", "mine", 1)]) == 0
        (mine,) = (p for p in drop_box.iterdir() if p.owner() == people["a"])
        yield private, mine
    finally:
        shutil.rmtree(home_a)
        shutil.rmtree(home_b)


def test_links_and_files_named_for_another_learner_are_not_read(
    people: dict[str, str], drop_box: Path, dropped: tuple[Path, Path]
) -> None:
    private, mine = dropped

    def swap_for_links() -> None:
        os.unlink(mine)
        os.symlink(private, mine)  # a's name, b's private file
        os.symlink(private, drop_box / f"{people['b']}-{'0' * 32}.parquet")
        named_for_b = drop_box / f"{people['b']}-{'1' * 32}.parquet"
        with open(named_for_b, "wb") as f:  # a's file, named as b's
            pq.write_table(to_table([text("text", "forged for b", 5)]), f)

    assert as_user(people["a"], swap_for_links) == 0
    with pytest.warns(StoreWarning):
        seen = {(e.learner, e.value) for e in folder_events(drop_box, "cohort-x")}
    # b's own drop only; a's only file is now a link, so a shows nothing.
    assert seen == {(people["b"], PRIVATE)}


# Reads racing the swaps: about 1,300 fit in 4 s here, swapping all the while.
READS = 500


def test_a_file_swapped_for_a_link_while_it_is_read_leaks_nothing(
    people: dict[str, str], drop_box: Path, dropped: tuple[Path, Path]
) -> None:
    private, mine = dropped
    good = mine.read_bytes()
    stop, stopping = os.pipe()  # a byte written: the swapping stops, its name a file again

    def swap() -> None:  # as a: the name is a file, then a link to b's file, and again
        deadline = time.monotonic() + 4
        while time.monotonic() < deadline and not select.select([stop], [], [], 0)[0]:
            (drop_box / ".link").symlink_to(private)
            os.replace(drop_box / ".link", mine)
            (drop_box / ".file").write_bytes(good)
            os.replace(drop_box / ".file", mine)

    pid, reads, leaks = start_as_user(people["a"], swap), 0, 0
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", StoreWarning)
            while reads < READS and os.waitpid(pid, os.WNOHANG) == (0, 0):
                values = read_folder(drop_box)["value_text"].to_pylist()
                reads, leaks = reads + 1, leaks + ("b's unshared secret" in values)
        if reads == READS:
            os.write(stopping, b".")
            os.waitpid(pid, 0)
    finally:
        os.close(stop)
        os.close(stopping)
    assert reads > 20 and leaks == 0, (reads, leaks)

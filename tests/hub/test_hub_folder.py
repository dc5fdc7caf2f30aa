"""The shared-folder target with real Unix users: a drop box learners can add to but not
list, read or delete from, and the facilitators' group reads."""

from __future__ import annotations

import datetime as dt
import errno
import grp
import os
import pwd
import shutil
import stat
import subprocess
import tempfile
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from workbook.hub.folder import FILE_MODE, FolderTarget, make_cohort_folder, read_folder
from workbook.store import Event

pytestmark = pytest.mark.skipif(
    os.geteuid() != 0 or shutil.which("useradd") is None, reason="needs root and useradd"
)


def as_user(user: str, action: Callable[[], object]) -> int:
    """Run `action` in a child process with `user`'s uid, gid and groups; its exit status is
    0, or the errno of the OSError it raised (modules are already loaded: no exec needed)."""
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
    return os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])


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

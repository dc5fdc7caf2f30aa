"""Sync without a hub service: a cohort folder on a shared volume, used as a drop box.

For single-machine hubs whose learners are real Unix users (The Littlest JupyterHub). The admin
makes the folder once, owned by root and the facilitators' group, mode 3773 (setgid + sticky,
``rwxrwx-wx``): a learner can create files but not list the folder, and the sticky bit stops
them deleting or renaming what is not theirs. Each batch becomes one Parquet file of mode 0640,
in the facilitators' group (setgid): other learners can't read it, facilitators can.

What a learner drops is their current answers with text only where they shared it (see
:mod:`workbook.store.sharing`): drafts and unshared text never leave the laptop. Each sync
replaces the learner's previous file. The reader trusts nothing in the folder: a file is opened
without following links and checked on the open descriptor; it counts only if it is a regular
file with one link whose owner is the Unix user its name starts with, the learner it belongs
to; only each learner's newest file is read; folders (say, a store layout planted before the
first sync) are ignored; every row is checked with the store's and the course's rules.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import grp
import os
import pwd
import re
import stat
import uuid
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import OfflineError, StoreError, SyncError
from ..store.ids import check_id, store_id
from .target import Delivery, target_key

if TYPE_CHECKING:
    import pyarrow as pa

    from ..store import Event

# Arrow, the store's checks and the course's rules are imported where a file is written or read:
# `workbook sync` makes a FolderTarget whether or not it has anything to drop.

__all__ = [
    "FILE_MODE",
    "FOLDER_MODE",
    "FolderTarget",
    "drop_superseded",
    "folder_events",
    "is_drop_box",
    "make_cohort_folder",
    "read_folder",
]

FOLDER_MODE = 0o3773
FILE_MODE = 0o640


def make_cohort_folder(path: Path, group: str) -> Path:
    """Create (or fix) a cohort drop-box folder owned by root:`group`; run as root."""
    try:
        gid = grp.getgrnam(group).gr_gid
    except KeyError:
        raise SyncError(f"no Unix group {group!r}: create it with `groupadd {group}`") from None
    path.mkdir(parents=True, exist_ok=True)
    os.chown(path, 0, gid)
    os.chmod(path, FOLDER_MODE)
    return path


def is_drop_box(path: Path) -> bool:
    """Whether `path` is a cohort drop-box folder (sticky, as `make_cohort_folder` leaves it),
    not a store: what is inside never decides how it is read."""
    try:
        return bool(os.stat(path).st_mode & stat.S_ISVTX)
    except OSError:
        return False


_NAME = re.compile(r"^(?P<learner>.+)-[0-9a-f]{32}\.parquet$")


class FolderTarget:
    """Drop the learner's current answers (shared text only) into a cohort folder as one file
    owned by the learner, replacing their previous one."""

    whole = True

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder).absolute()
        self.key = target_key("folder", str(self.folder))
        self.label = f"the cohort folder {self.folder}"
        self.cohort = check_id(self.folder.name, "cohort")

    def push(self, events: Sequence[Event], replaces: str = "") -> Delivery:
        if not self.folder.is_dir():
            raise OfflineError(f"{self.label} is not there (is the shared volume mounted?)")
        import pyarrow.parquet as pq

        from ..store.files import to_table

        owner = store_id(pwd.getpwuid(os.geteuid()).pw_name)
        name = f"{owner}-{uuid.uuid4().hex}.parquet"
        tmp = self.folder / f".{name}.tmp"
        try:
            flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC | os.O_NOFOLLOW
            fd = os.open(tmp, flags, FILE_MODE)
            with os.fdopen(fd, "wb") as f:
                pq.write_table(to_table(list(events)), f, compression="zstd")
                os.fchmod(f.fileno(), FILE_MODE)  # whatever the umask
                f.flush()
                os.fsync(f.fileno())
            os.rename(tmp, self.folder / name)
        except PermissionError as err:
            raise SyncError(
                f"{self.label} does not let you add files ({err.strerror}): ask the hub admin"
                " to run `workbook cohort folder` for it"
            ) from err
        except OSError as err:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise OfflineError(f"could not write to {self.label}: {err}") from err
        match = _NAME.match(replaces)
        if match and match["learner"] == owner and replaces != name:
            # The sticky folder lets us remove only our own; if this fails the reader still
            # takes the newest file.
            with contextlib.suppress(OSError):
                os.unlink(self.folder / replaces)
        return Delivery(self.cohort, len(events), name)

    def close(self) -> None:
        pass


def _open_file(folder: Path, name: str) -> tuple[int, os.stat_result] | None:
    """A descriptor of a regular file with one link, never through a link; else None."""
    from ..store import StoreWarning

    try:
        fd = os.open(folder / name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as err:
        warnings.warn(f"skipped {folder / name}: {err}", StoreWarning, stacklevel=3)
        return None
    info = os.fstat(fd)
    if stat.S_ISREG(info.st_mode) and info.st_nlink == 1:
        return fd, info
    os.close(fd)
    warnings.warn(f"skipped {folder / name}: not a plain file", StoreWarning, stacklevel=3)
    return None


def _learner_of(info: os.stat_result, name: str) -> str | None:
    """The learner a file belongs to: its owner, if its name says the same."""
    try:
        owner = store_id(pwd.getpwuid(info.st_uid).pw_name)
    except KeyError:
        return None
    match = _NAME.match(name)
    return owner if match and match["learner"] == owner else None


def read_folder(folder: Path) -> pa.Table:
    """Each learner's newest file in a cohort folder, rows that break the store's rules left
    out, as one table with `cohort` and `learner` columns (the shape of
    :func:`workbook.store.read_dataset`); run as a facilitator or root."""
    import pyarrow as pa

    from ..store import SCHEMA

    folder = Path(folder)
    cohort = check_id(folder.name, "cohort")
    newest, _ = _newest(folder)
    try:
        tables = [
            _read(folder / rank[1], fd, cohort, learner) for learner, (rank, fd) in newest.items()
        ]
    finally:
        _close(newest)
    full = pa.schema([*SCHEMA, ("cohort", pa.string()), ("learner", pa.string())])
    found = [t for t in tables if t is not None]
    return pa.concat_tables(found) if found else full.empty_table()


def drop_superseded(folder: Path) -> list[str]:
    """Delete every learner's files but their newest (the only one read): what versions before
    one file per learner left, one per batch and unredacted. Run as root; the names removed."""
    folder = Path(folder)
    newest, older = _newest(folder)
    _close(newest)
    for name in older:  # a link planted under a learner's name goes, not what it points to
        with contextlib.suppress(FileNotFoundError):
            os.unlink(folder / name)
    return older


_Newest = dict[str, tuple[tuple[int, str], int]]  # learner -> ((mtime, name), open fd)


def _newest(folder: Path) -> tuple[_Newest, list[str]]:
    """Each learner's newest file, opened, and the names of their older ones; files not their
    owner's are skipped with a warning."""
    from ..store import StoreWarning

    try:
        names = sorted(e.name for e in os.scandir(folder) if not e.name.startswith("."))
    except OSError as err:
        raise StoreError(f"could not list {folder}: {err}; are you in its group?") from err
    newest: _Newest = {}
    older: list[str] = []
    try:
        for name in names:
            if not name.endswith(".parquet") or (opened := _open_file(folder, name)) is None:
                continue
            fd, info = opened
            learner = _learner_of(info, name)
            if learner is None:
                os.close(fd)
                warnings.warn(
                    f"skipped {folder / name}: not its owner's", StoreWarning, stacklevel=3
                )
                continue
            rank = (info.st_mtime_ns, name)
            if learner in newest and newest[learner][0] > rank:
                os.close(fd)
                older.append(name)
                continue
            if learner in newest:
                os.close(newest[learner][1])
                older.append(newest[learner][0][1])
            newest[learner] = (rank, fd)
    except BaseException:
        _close(newest)
        raise
    return newest, sorted(older)


def _close(newest: _Newest) -> None:
    for _, fd in newest.values():
        with contextlib.suppress(OSError):
            os.close(fd)


def _read(path: Path, fd: int, cohort: str, learner: str) -> pa.Table | None:
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    from ..store import SCHEMA, StoreWarning
    from ..store.checks import bad_rows

    try:
        with os.fdopen(os.dup(fd), "rb") as f:
            table = pq.read_table(f).select(SCHEMA.names).cast(SCHEMA)
    except (OSError, KeyError, pa.ArrowInvalid, ValueError) as err:
        warnings.warn(f"skipped {path}: {err}", StoreWarning, stacklevel=3)
        return None
    if (mask := bad_rows(table)) is not None:
        warnings.warn(
            f"skipped rows of {path} that break the event rules", StoreWarning, stacklevel=3
        )
        table = table.filter(pc.invert(mask))
    n = table.num_rows
    table = table.append_column("cohort", pa.array([cohort] * n, pa.string()))
    return table.append_column("learner", pa.array([learner] * n, pa.string()))


def folder_events(folder: Path, cohort: str) -> list[Event]:
    """The events of a cohort folder that keep the course's rules (see :func:`read_folder`)."""
    import pyarrow.compute as pc

    from ..store import StoreWarning
    from ..store.files import to_events
    from ..store.rules import course_rules

    table = read_folder(folder)
    events = []
    for learner in sorted(set(table["learner"].to_pylist())):
        events += to_events(cohort, learner, table.filter(pc.equal(table["learner"], learner)))
    kept, problems = course_rules().checked(events, now=dt.datetime.now(dt.UTC))
    for problem in problems:
        warnings.warn(f"skipped {problem}", StoreWarning, stacklevel=2)
    return kept

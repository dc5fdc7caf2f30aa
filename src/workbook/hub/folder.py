"""Sync without a hub service: a cohort folder on a shared volume, used as a drop box.

For single-machine hubs whose learners are real Unix users (The Littlest JupyterHub). The admin
makes the folder once, owned by root and the facilitators' group, mode 3773 (setgid + sticky,
``rwxrwx-wx``): a learner can create files but not list the folder, and the sticky bit stops
them deleting or renaming what is not theirs. Each batch becomes one Parquet file of mode 0640,
in the facilitators' group (setgid): other learners can't read it, facilitators can. The learner
a file belongs to is its owner's user name, which a learner can't forge, never its file name.
"""

from __future__ import annotations

import contextlib
import grp
import os
import pwd
import stat
import uuid
import warnings
from collections.abc import Sequence
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from ..errors import OfflineError, StoreError, SyncError
from ..store import SCHEMA, Event, StoreWarning, check_id, store_id
from ..store.files import to_table
from .sync import _key

__all__ = ["FILE_MODE", "FOLDER_MODE", "FolderTarget", "make_cohort_folder", "read_folder"]

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


class FolderTarget:
    """Drop each batch into a cohort folder as one file owned by the learner."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder).absolute()
        self.key = _key("folder", str(self.folder))
        self.label = f"the cohort folder {self.folder}"
        self.cohort = check_id(self.folder.name, "cohort")

    def push(self, events: Sequence[Event]) -> str:
        if not self.folder.is_dir():
            raise OfflineError(f"{self.label} is not there (is the shared volume mounted?)")
        owner = store_id(pwd.getpwuid(os.geteuid()).pw_name)
        name = f"{owner}-{uuid.uuid4().hex}.parquet"
        tmp = self.folder / f".{name}.tmp"
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, FILE_MODE)
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
        return self.cohort

    def close(self) -> None:
        pass


def read_folder(folder: Path) -> pa.Table:
    """Every file of a cohort folder as one store table with `cohort` and `learner` columns
    (the shape of :func:`workbook.store.read_dataset`); run as a facilitator or root."""
    folder = Path(folder)
    cohort = check_id(folder.name, "cohort")
    tables = []
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError as err:
        raise StoreError(f"could not list {folder}: {err}; are you in its group?") from err
    for entry in entries:
        if entry.name.startswith(".") or not entry.name.endswith(".parquet"):
            continue
        try:
            info = entry.stat(follow_symlinks=False)
            if not stat.S_ISREG(info.st_mode):
                continue
            table = pq.read_table(entry.path).select(SCHEMA.names).cast(SCHEMA)
            learner = store_id(pwd.getpwuid(info.st_uid).pw_name)
        except (OSError, KeyError, pa.ArrowException, ValueError) as err:
            warnings.warn(f"skipped {entry.path}: {err}", StoreWarning, stacklevel=2)
            continue
        n = table.num_rows
        table = table.append_column("cohort", pa.array([cohort] * n, pa.string()))
        tables.append(table.append_column("learner", pa.array([learner] * n, pa.string())))
    full = pa.schema([*SCHEMA, ("cohort", pa.string()), ("learner", pa.string())])
    return pa.concat_tables(tables) if tables else full.empty_table()

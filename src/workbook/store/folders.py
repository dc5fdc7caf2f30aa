"""The store as folders: where it is by default and what a learner's folder lists, without
Arrow.

Files are never modified, only added (a save) or merged under a new name (compaction), so a
learner folder's listing changes exactly when its events may have: a caller that only needs to
know whether anything changed (`workbook sync` with nothing new) lists a folder and stops, and
pays for pyarrow only when there is something to read.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from ..errors import StoreError
from .ids import check_id

__all__ = [
    "STALE_TEMP_SECONDS",
    "default_root",
    "event_files",
    "fingerprint",
    "learner_folder",
    "stale_temps",
]

# A dot-temp file this old belongs to a killed writer: saves take no lock, so a younger one may
# be a save in progress.
STALE_TEMP_SECONDS = 3600.0


def default_root() -> Path:
    """$WORKBOOK_HOME if set, else the platform's per-user data folder."""
    if home := os.environ.get("WORKBOOK_HOME"):
        return Path(home).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("workbook"))


def learner_folder(root: Path, cohort: str, learner: str) -> Path:
    cohort, learner = check_id(cohort, "cohort"), check_id(learner, "learner")
    return root / "events" / f"cohort={cohort}" / f"learner={learner}"


def event_files(d: Path) -> list[str]:
    """A learner folder's event files as sorted relative paths, as DuckDB's `**/*.parquet` sees
    them: folders below are searched too (Spark writes `x.parquet/part-0.parquet`); a name
    starting with "." or "_" is not data (temp files, `_SUCCESS`), as for pyarrow and Spark.
    """
    found: list[str] = []
    with os.scandir(d) as it:
        for e in it:
            if e.name.startswith((".", "_")):
                continue
            if e.is_dir(follow_symlinks=False):
                found += [f"{e.name}/{n}" for n in event_files(Path(e.path))]
            elif e.name.endswith(".parquet") and e.is_file():
                found.append(e.name)
    return sorted(found)


def stale_temps(d: Path) -> list[Path]:
    """A folder's temp files left by killed saves. A live save may rename its temp file between
    the listing and the look at its age: that file is simply not stale."""
    now = time.time()
    found: list[Path] = []
    with os.scandir(d) as it:
        for e in it:
            if not (e.name.startswith(".") and e.name.endswith(".tmp")):
                continue
            try:
                if now - e.stat(follow_symlinks=False).st_mtime > STALE_TEMP_SECONDS:
                    found.append(Path(e.path))
            except FileNotFoundError:
                continue
    return found


def fingerprint(root: Path, cohort: str, learner: str) -> tuple[str, ...]:
    """The learner folder's file names: one scandir, ~20 µs (see the module's docstring)."""
    d = learner_folder(root, cohort, learner)
    try:
        return tuple(event_files(d))
    except FileNotFoundError:
        return ()
    except OSError as err:
        raise StoreError(f"could not list answers in {d}: {err}") from err

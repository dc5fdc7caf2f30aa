"""The store as folders: where it is by default and what a learner's folder lists, without
Arrow.

Files are never modified, only added (a save) or merged under a new name (compaction), so a
learner folder's listing changes exactly when its events may have: a caller that only needs to
know whether anything changed (`workbook sync` with nothing new) lists a folder and stops, and
pays for pyarrow only when there is something to read.
"""

from __future__ import annotations

import os
from collections.abc import Hashable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import StoreError
from .ids import check_id

if TYPE_CHECKING:
    from .events import Event
    from .parquet import ParquetStore

__all__ = ["LazyParquetStore", "default_root", "event_files", "fingerprint", "learner_folder"]


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


def fingerprint(root: Path, cohort: str, learner: str) -> tuple[str, ...]:
    """The learner folder's file names: one scandir, ~20 µs (see the module's docstring)."""
    d = learner_folder(root, cohort, learner)
    try:
        return tuple(event_files(d))
    except FileNotFoundError:
        return ()
    except OSError as err:
        raise StoreError(f"could not list answers in {d}: {err}") from err


class LazyParquetStore:
    """A :class:`~workbook.store.ParquetStore` that imports Arrow on its first read or save;
    until then it only lists folders."""

    def __init__(self, root: Path | str) -> None:
        self.root = Path(root).absolute()
        self._store: ParquetStore | None = None

    def _open(self) -> ParquetStore:
        if self._store is None:
            from .parquet import ParquetStore

            self._store = ParquetStore(self.root)
        return self._store

    def fingerprint(self, cohort: str, learner: str) -> Hashable:
        return fingerprint(self.root, cohort, learner)

    def append(self, events: Sequence[Event]) -> None:
        self._open().append(events)

    def history(self, cohort: str, learner: str) -> list[Event]:
        return self._open().history(cohort, learner)

    def latest(self, cohort: str, learner: str) -> dict[tuple[str, str, str], Event]:
        return self._open().latest(cohort, learner)

    def learners(self) -> list[tuple[str, str]]:
        return self._open().learners()

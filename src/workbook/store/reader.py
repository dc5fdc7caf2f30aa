"""Reading one learner's folder back: what is corrupt is set aside, everything else restores.

Only a file whose bytes do not parse, or rows that break an event rule, are set aside (moved to
``<root>/quarantine/<cohort>/<learner>/``, good rows of a partly bad file saved anew first). An
I/O error is raised as it is and moves nothing: a permission problem is not corruption.
"""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Callable
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from ..errors import StoreError
from .checks import bad_rows
from .events import SCHEMA
from .files import (
    BIG,
    NewerSchema,
    Unreadable,
    event_files,
    make_dirs,
    newer_error,
    newer_rows,
    parse,
    read_bytes,
    stamp,
    write_atomic,
)

__all__ = ["Report", "read_folder", "set_aside"]

Report = Callable[[str], None]  # how a set-aside file is told: a warning, or a log line


def read_folder(d: Path, quarantine: Path, report: Report) -> tuple[list[str], pa.Table]:
    """The names of a learner's files and all their valid rows (duplicates not yet dropped).

    A vanished folder is an empty one. Raises OSError for I/O errors, and StoreError for a
    newer version's files, which are never set aside.
    """
    tables: dict[str, pa.Table] = {}  # files never change: a new pass reads only new names
    skip: set[str] = set()  # set aside, or failed to be: not read or told twice in this call
    for _ in range(50):
        try:
            names = [n for n in event_files(d) if n not in skip]
        except FileNotFoundError:
            return [], SCHEMA.empty_table()
        changed = False
        try:
            for n in names:
                if n in tables:
                    continue
                try:
                    tables[n] = parse(read_bytes(d / n))
                except Unreadable as err:
                    skip.add(n)
                    set_aside(d, n, quarantine, None, str(err), report)
                    changed = True
                except NewerSchema as err:
                    raise newer_error(d / n, str(err)) from None
        except FileNotFoundError:  # a compaction merged and deleted it: list again
            continue
        if changed:
            continue
        table = pa.concat_tables([tables[n] for n in names] or [SCHEMA.empty_table()])
        if newer_rows(table):
            n = next(n for n in names if newer_rows(tables[n]))
            raise newer_error(d / n, "rows of a higher schema_version")
        if bad_rows(table) is None:  # checked once for all; per file only to find the culprit
            return names, table
        for n in names:
            if (mask := bad_rows(tables[n])) is not None:
                good = tables[n].filter(pc.invert(mask))
                count = f"{len(mask) - len(good)} of {len(mask)} rows break the event rules"
                if set_aside(d, n, quarantine, good, count, report):
                    skip.add(n)  # its good rows are in a new file, read on the next pass
                    del tables[n]
                else:
                    tables[n] = good  # it could not move: its good rows still count
    raise StoreError(f"{d} kept changing while it was read; try again")


def set_aside(
    d: Path, name: str, quarantine: Path, good: pa.Table | None, why: str, report: Report
) -> bool:
    """Move a corrupt file to the quarantine folder, first saving its `good` rows anew.

    False if it could not be moved (and stays where it is); True once it is gone.
    """
    path = d / name
    dest = quarantine / name.replace("/", "~")
    salvaged = None
    try:
        if good is not None and good.num_rows:
            salvaged = f"salvaged-{stamp()}.parquet"
            write_atomic(d, salvaged, good, BIG)
        make_dirs(quarantine)
        if dest.exists():
            dest = dest.with_name(f"{dest.name}.{uuid.uuid4().hex[:8]}")
        os.rename(path, dest)
        done = f"moved it to {dest}"
    except FileNotFoundError:
        if salvaged:  # another reader set it aside first (and saved its good rows)
            with contextlib.suppress(OSError):
                os.unlink(d / salvaged)
        return True
    except OSError as err:
        if salvaged:  # the file stays, so its good rows are read from it: no second copy
            with contextlib.suppress(OSError):
                os.unlink(d / salvaged)
        done = f"set aside, skipped it (could not move it: {err})"
        report(f"unreadable answer file {path} ({why}): {done}; the other answers were restored")
        return False
    kept = f", its good rows kept in {salvaged}" if salvaged else ""
    report(
        f"unreadable answer file {path} ({why}): set aside, {done}{kept}; the other answers"
        " were restored"
    )
    return True

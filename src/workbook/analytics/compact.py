"""The per-cohort layout analysts read fast, written beside the live per-learner layout.

``workbook compact`` first compacts every learner folder with the store's own compaction (one
file each, still the live store's), then writes each cohort's events, deduplicated and sorted
by learner, as a few large files under ``<root>/cohorts/cohort=<id>/``, and last a manifest
naming those parts, the learner files they hold and the store's clock before they were listed.
The manifest is the commit: readers (:mod:`.sources`) read the parts it names plus every learner
file it does not name, so an event saved after compaction is read from its learner file and none
is read twice; learner folders unchanged since that clock are not even listed. Parts a crash left
unnamed are never read and are deleted by the next compaction.
"""

from __future__ import annotations

import dataclasses
import json
import os
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.fs as pafs

from ..errors import StoreError, StoreNotFoundError
from ..store import ParquetStore
from ..store.files import BIG, event_files, stamp, write_atomic, write_bytes
from .engines import Query, read_part
from .sources import LEARNERS_PER_PART, MANIFEST, Part

__all__ = ["Compaction", "compact"]


@dataclasses.dataclass(frozen=True)
class Compaction:
    cohort: str
    learners: int
    events: int
    parts: int


def compact(root: Path | str) -> list[Compaction]:
    """Compact the cohort store at `root` into the per-cohort layout; one result per cohort."""
    store = ParquetStore(root)
    if not (store.root / "events").is_dir():
        raise StoreNotFoundError(f"no store at {root}: pass the folder that holds events/")
    pairs = store.learners()
    for cohort, learner in pairs:
        names = event_files(store.root / "events" / f"cohort={cohort}" / f"learner={learner}")
        if len(names) > 1 or any("/" in n for n in names):  # else nothing to merge: not read
            store.compact(cohort, learner)
    cohorts = sorted({c for c, _ in pairs})
    try:
        return [_compact_cohort(store.root, c) for c in cohorts]
    except OSError as err:
        raise StoreError(f"could not compact {root}: {err}") from err


def _compact_cohort(root: Path, cohort: str) -> Compaction:
    source = root / "events" / f"cohort={cohort}"
    folder = root / "cohorts" / f"cohort={cohort}"
    folder.mkdir(parents=True, exist_ok=True)
    # The store's clock before listing: a learner folder older than this is unchanged since
    # (readers skip listing it, see .sources); the file's time, not ours, in case they differ.
    mark = folder / ".listed"
    mark.touch()
    listed_after_ns = mark.stat().st_mtime_ns
    for _ in range(5):  # a live compaction may merge a file away while we read: list again
        covered = {
            d.name.removeprefix("learner="): event_files(d)
            for d in sorted(source.glob("learner=*"))
            if d.is_dir()
        }
        files = [
            str(source / f"learner={who}" / n) for who, names in covered.items() for n in names
        ]
        try:
            # every event once (deduped), with cohort and learner columns
            rows = read_part(pafs.LocalFileSystem(), Part(tuple(files)), Query(latest=False))
            break
        except FileNotFoundError:
            continue
    else:
        raise StoreError(f"{source} kept changing while it was compacted; try again")
    rows = rows.drop_columns(["cohort"]).sort_by(
        [
            (k, "ascending")
            for k in ("learner", "exercise_id", "field", "snapshot", "saved_at", "event_id")
        ]
    )
    learners = sorted(covered)
    listing: dict[str, list[str]] = {}
    name = stamp()
    for n in range(0, len(learners), LEARNERS_PER_PART):
        chunk = learners[n : n + LEARNERS_PER_PART]
        mask = pc.is_in(rows["learner"], value_set=pa.array(chunk, pa.string()))
        part = f"part-{name}-{n // LEARNERS_PER_PART:04d}.parquet"
        write_atomic(folder, part, rows.filter(mask), BIG)
        listing[part] = [f"learner={who}/{f}" for who in chunk for f in covered[who]]
    old = _parts_in(folder)
    manifest = {
        "format": 1,
        "cohort": cohort,
        "listed_after_ns": listed_after_ns,
        "parts": listing,
    }
    write_bytes(folder, MANIFEST, json.dumps(manifest, indent=1).encode())
    for stale in old - set(listing):  # only now that the new manifest is durable
        (folder / stale).unlink(missing_ok=True)
    return Compaction(cohort, len(learners), rows.num_rows, len(listing))


def _parts_in(folder: Path) -> set[str]:
    return {n for n in os.listdir(folder) if n.startswith("part-") and n.endswith(".parquet")}

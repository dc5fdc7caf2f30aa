"""The per-cohort layout analysts read fast, written beside the live per-learner layout.

``workbook compact`` first compacts every learner folder with the store's own compaction (one
file each, still the live store's), then writes each cohort's events, deduplicated and sorted
by learner, as a few large files under ``<root>/cohorts/cohort=<id>/``, and last a manifest
naming those parts, the learner files they hold and the store's clock before they were listed.
The manifest is the commit: readers (:mod:`.sources`) read the parts it names plus every learner
file it does not name, so an event saved after compaction is read from its learner file and none
is read twice; learner folders unchanged since that clock are not even listed. Parts a crash left
unnamed are never read and are deleted by the next compaction.

A store on object storage (``s3://…``, any URL pyarrow opens) is compacted the same way, without
the per-learner step (objects are written whole, once) and with no clock in the manifest:
readers list remote learner folders anyway.
"""

from __future__ import annotations

import dataclasses
import json
import os
from collections.abc import Callable
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.fs as pafs
import pyarrow.parquet as pq

from ..errors import StoreError, StoreNotFoundError
from ..store import ParquetStore
from ..store.files import BIG, event_files, stamp, write_bytes
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
    """Compact the cohort store at `root` (a folder or URL) into the per-cohort layout; one
    result per cohort."""
    if "://" in os.fspath(root):
        return _compact_remote(os.fspath(root))
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
    old = _parts_in(folder)
    done, listing = _write_parts(
        cohort, rows, covered, listed_after_ns, lambda name, data: write_bytes(folder, name, data)
    )
    for stale in old - set(listing):  # only now that the new manifest is durable
        (folder / stale).unlink(missing_ok=True)
    return done


def _write_parts(
    cohort: str,
    rows: pa.Table,
    covered: dict[str, list[str]],
    listed_after_ns: int | None,
    write: Callable[[str, memoryview | bytes], None],
) -> tuple[Compaction, dict[str, list[str]]]:
    """Write a cohort's rows as parts of whole learners, then the manifest naming them."""
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
        sink = pa.BufferOutputStream()
        pq.write_table(rows.filter(mask), sink, **BIG)
        write(part, memoryview(sink.getvalue()))
        listing[part] = [f"learner={who}/{f}" for who in chunk for f in covered[who]]
    manifest = {
        "format": 1,
        "cohort": cohort,
        "listed_after_ns": listed_after_ns,
        "parts": listing,
    }
    write(MANIFEST, json.dumps(manifest, indent=1).encode())
    return Compaction(cohort, len(learners), rows.num_rows, len(listing)), listing


def _compact_remote(url: str) -> list[Compaction]:
    try:
        fs, root = pafs.FileSystem.from_uri(url)
    except (pa.ArrowException, ValueError) as err:
        raise StoreNotFoundError(f"cannot open {url}: {err}") from err
    root = root.rstrip("/")
    try:
        if fs.get_file_info(f"{root}/events").type != pafs.FileType.Directory:
            raise StoreNotFoundError(
                f"no store at {url}: pass the URL of the folder holding events/"
            )
        found = fs.get_file_info(pafs.FileSelector(f"{root}/events", recursive=True))
        by_cohort: dict[str, dict[str, list[str]]] = {}
        for info in found:
            rel = info.path[len(root) + len("/events/") :].split("/")
            if (
                info.type != pafs.FileType.File
                or len(rel) < 3
                or not info.path.endswith(".parquet")
            ):
                continue
            cohort, learner = rel[0].removeprefix("cohort="), rel[1].removeprefix("learner=")
            if (
                rel[0].startswith("cohort=")
                and rel[1].startswith("learner=")
                and not any(x.startswith((".", "_")) for x in rel[2:])
            ):
                by_cohort.setdefault(cohort, {}).setdefault(learner, []).append("/".join(rel[2:]))
        return [_compact_remote_cohort(fs, root, c, by_cohort[c]) for c in sorted(by_cohort)]
    except OSError as err:
        raise StoreError(f"could not compact {url}: {err}") from err


def _compact_remote_cohort(
    fs: pafs.FileSystem, root: str, cohort: str, covered: dict[str, list[str]]
) -> Compaction:
    source = f"{root}/events/cohort={cohort}"
    folder = f"{root}/cohorts/cohort={cohort}"
    files = [f"{source}/learner={who}/{n}" for who, names in covered.items() for n in names]
    rows = read_part(fs, Part(tuple(sorted(files))), Query(latest=False))
    old = {
        i.base_name
        for i in fs.get_file_info(pafs.FileSelector(folder, allow_not_found=True))
        if i.base_name.startswith("part-")
    }

    def write(name: str, data: memoryview | bytes) -> None:
        with fs.open_output_stream(f"{folder}/{name}") as out:  # an object appears whole
            out.write(data)

    done, listing = _write_parts(cohort, rows, covered, None, write)
    for stale in old - set(listing):
        fs.delete_file(f"{folder}/{stale}")
    return done


def _parts_in(folder: Path) -> set[str]:
    return {n for n in os.listdir(folder) if n.startswith("part-") and n.endswith(".parquet")}

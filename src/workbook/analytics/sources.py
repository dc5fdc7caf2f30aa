"""Which Parquet files a question reads: stores, folders, globs and URLs resolved to one file list.

A source is a store root (the folder holding ``events/``), any folder inside or above stores (a
folder of learners' stores, ``events/``, one ``cohort=`` or ``learner=`` folder), a glob of
those, or a URL pyarrow's filesystems open (``file://``, ``s3://``, ``gs://``…). Every
``*.parquet`` file under it is classified by its path: ``…/cohort=C/learner=L/<name>.parquet`` is
a learner file, ``…/cohorts/cohort=C/<part>.parquet`` a part of the per-cohort layout that
``workbook compact`` writes; its manifest names the learner files it already holds, which are
then not read again.

Finding the saves made after a compaction must not cost a listing of every learner folder (at
10,000 learners that listing was a third of a question's time). The manifest records the
cohort store's clock just before compaction listed the learner folders (``listed_after_ns``): a
learner folder whose modification time is older has gained or lost no file since, so every file
in it is named by the manifest and the folder is not listed. Any save adds a file, which moves
the folder's time. Folders on other filesystems (URLs) are always listed.

Longer than 400 lines on purpose: resolving, classifying and the manifest shortcut are one
walk over the same paths, and splitting it would pass its state between modules.
"""

from __future__ import annotations

import dataclasses
import glob
import json
import os
import warnings
from collections.abc import Callable, Iterable, Sequence

import pyarrow as pa
import pyarrow.fs as pafs
import pyarrow.parquet as pq

from ..errors import IdError, StoreError, StoreNotFoundError
from ..store import SCHEMA, check_id

__all__ = [
    "MANIFEST",
    "AnalyticsWarning",
    "Part",
    "Scan",
    "Source",
    "find_corrupt",
    "scan",
    "skipped_warning",
]

MANIFEST = "manifest.json"
# Folder times and the watermark come from the same filesystem clock (the kernel's coarse one,
# ticks of a few ms); the margin covers a tick and small steps back.
_MARGIN_NS = 100_000_000
_LOCAL = pafs.LocalFileSystem()
Source = str | os.PathLike[str]


class AnalyticsWarning(UserWarning):
    """Some files were skipped (unreadable, or not named like a store's); the rest was read.

    `files` names them; `events` is how many events they hold, counted from the footers that
    can still be read (`uncounted` files are too damaged to say).
    """

    def __init__(
        self, message: str, files: Sequence[str] = (), events: int = 0, uncounted: int = 0
    ) -> None:
        super().__init__(message)
        self.files = tuple(files)
        self.events = events
        self.uncounted = uncounted


def skipped_warning(fs: pafs.FileSystem, paths: Sequence[str], why: str) -> AnalyticsWarning:
    """The warning for `paths` skipped because `why`: names them and counts their events."""
    events = uncounted = 0
    for path in paths:
        try:
            with fs.open_input_file(path) as f:
                events += pq.ParquetFile(f).metadata.num_rows
        except (pa.ArrowException, OSError, ValueError):
            uncounted += 1
    shown = ", ".join(paths[:5]) + (f" and {len(paths) - 5} more" if len(paths) > 5 else "")
    damaged = f", {uncounted} too damaged to count" if uncounted else ""
    return AnalyticsWarning(
        f"skipped {len(paths)} file(s) {why} ({events:,} events{damaged}): {shown}",
        paths,
        events,
        uncounted,
    )


@dataclasses.dataclass(frozen=True)
class Part:
    """A group of files holding whole learners: what one engine task reads.

    `learner_files` carry cohort and learner in their folder names; `cohort_files` are parts of
    the per-cohort layout, with cohort in the folder name and learner as a column.
    """

    learner_files: tuple[str, ...] = ()
    cohort_files: tuple[str, ...] = ()

    @property
    def files(self) -> tuple[str, ...]:
        return self.learner_files + self.cohort_files


@dataclasses.dataclass(frozen=True)
class Scan:
    """The files of one question and the filesystem that holds them."""

    filesystem: pafs.FileSystem
    parts: tuple[Part, ...]
    sources: tuple[str, ...]

    @property
    def learner_files(self) -> tuple[str, ...]:
        return tuple(f for p in self.parts for f in p.learner_files)

    @property
    def cohort_files(self) -> tuple[str, ...]:
        return tuple(f for p in self.parts for f in p.cohort_files)

    @property
    def files(self) -> tuple[str, ...]:
        return self.learner_files + self.cohort_files

    def without(self, bad: Iterable[str]) -> Scan:
        drop = set(bad)
        parts = tuple(
            Part(
                tuple(f for f in p.learner_files if f not in drop),
                tuple(f for f in p.cohort_files if f not in drop),
            )
            for p in self.parts
        )
        return dataclasses.replace(self, parts=tuple(p for p in parts if p.files))


# Learners per part: big enough that a Dask task outweighs its overhead, small enough to spread.
LEARNERS_PER_PART = 250
_GLOB = frozenset("*?[")


def _partition(name: str, key: str) -> str | None:
    prefix = f"{key}="
    return name[len(prefix) :] if name.startswith(prefix) else None


def _expand(source: Source) -> list[tuple[pafs.FileSystem, str, str]]:
    """(filesystem, path, what the user wrote) for each match of `source`."""
    text = os.fspath(source)
    if "://" in text:
        try:
            fs, path = pafs.FileSystem.from_uri(text)
        except (pa.ArrowException, ValueError) as err:
            raise StoreNotFoundError(f"cannot open {text}: {err}") from err
        return [(fs, path.rstrip("/") or "/", text)]
    local = pafs.LocalFileSystem()
    if _GLOB & set(text):
        matches = sorted(glob.glob(os.path.expanduser(text)))
        if not matches:
            raise StoreNotFoundError(f"no store matches {text}: check the pattern")
        return [(local, os.path.abspath(m), m) for m in matches]
    return [(local, os.path.abspath(os.path.expanduser(text)), text)]


def _list(fs: pafs.FileSystem, path: str, shown: str) -> list[str]:
    info = fs.get_file_info(path)
    if info.type == pafs.FileType.NotFound:
        raise StoreNotFoundError(
            f"no store at {shown}: pass a store folder (the one holding events/), a folder of"
            " stores, or a glob of them"
        )
    if info.type == pafs.FileType.File:
        return [path]
    try:
        if isinstance(fs, pafs.LocalFileSystem):
            return _walk(path)
        infos = fs.get_file_info(pafs.FileSelector(path, recursive=True))
    except OSError as err:
        raise StoreError(f"cannot list {shown}: {err}") from err
    return [i.path for i in infos if i.type == pafs.FileType.File]


def _walk(path: str, skip: Callable[[os.DirEntry[str]], bool] | None = None) -> list[str]:
    """Every file under the local folder `path`, but not in the folders just below it that
    `skip` picks; a store root's learner folders untouched since its compaction are skipped."""
    files: list[str] = []
    with os.scandir(path) as it:
        entries = list(it)
    names = {e.name for e in entries if e.is_dir()}
    if {"events", "cohorts"} <= names and (marks := _watermarks(f"{path}/cohorts")):
        files += _walk(f"{path}/cohorts")
        with os.scandir(f"{path}/events") as it:
            for e in it:
                if e.is_dir():
                    mark = marks.get(_partition(e.name, "cohort") or "")
                    files += _walk(e.path, _unchanged_since(*mark) if mark else None)
                elif e.is_file():
                    files.append(e.path)
        entries = [e for e in entries if e.name not in ("events", "cohorts")]
    for e in entries:
        if e.is_dir():
            if skip is None or not skip(e):
                files += _walk(e.path)
        elif e.is_file():
            files.append(e.path)
    return files


def _watermarks(cohorts: str) -> dict[str, tuple[int, frozenset[str]]]:
    """Cohort → (its compaction's watermark, learners with files in subfolders) by manifest."""
    marks = {}
    with os.scandir(cohorts) as it:
        for e in it:
            cohort = _partition(e.name, "cohort")
            found = _read_manifest(_LOCAL, f"{e.path}/{MANIFEST}") if cohort else None
            if (
                cohort
                and found
                and found.listed_after_ns is not None
                # a part gone missing: its learners' files are read instead, so listed
                and all(os.path.isfile(f"{e.path}/{part}") for part in found.parts)
            ):
                nested = frozenset(
                    rel.split("/", 1)[0]
                    for files in found.parts.values()
                    for rel in files
                    if rel.count("/") > 1
                )  # a file added in a subfolder moves the subfolder's time, not the learner's
                marks[cohort] = (found.listed_after_ns - _MARGIN_NS, nested)
    return marks


def _unchanged_since(mark: int, nested: frozenset[str]) -> Callable[[os.DirEntry[str]], bool]:
    """A learner folder no file was added to or removed from since `mark` (a folder time)."""

    def unchanged(entry: os.DirEntry[str]) -> bool:
        return (
            entry.name.startswith("learner=")
            and entry.name not in nested
            and entry.stat().st_mtime_ns < mark
        )

    return unchanged


@dataclasses.dataclass(frozen=True)
class _Manifest:
    parts: dict[str, list[str]]  # part name → the learner files (``learner=L/<name>``) it holds
    listed_after_ns: int | None  # the store's clock before compaction listed learner folders


def _read_manifest(fs: pafs.FileSystem, path: str) -> _Manifest | None:
    """The compaction manifest at `path`; None if unreadable."""
    try:
        with fs.open_input_stream(path) as f:
            data = json.loads(f.read())
        parts = data["parts"]
        if not isinstance(parts, dict):
            return None
        mark = data.get("listed_after_ns")
        return _Manifest(
            {str(k): [str(x) for x in v] for k, v in parts.items()},
            mark if isinstance(mark, int) else None,
        )
    except (OSError, ValueError, KeyError, TypeError, AttributeError, pa.ArrowException):
        return None


def _skipped(fs: pafs.FileSystem, paths: Sequence[str], why: str) -> None:
    if paths:
        warnings.warn(skipped_warning(fs, paths, why), stacklevel=3)


def scan(sources: Source | Sequence[Source]) -> Scan:
    """Resolve stores, folders, globs or URLs to the files one question reads.

    Raises StoreNotFoundError for a path or pattern that matches nothing; a store with no
    answers yet gives a scan with no files (and empty results).
    """
    items = [sources] if isinstance(sources, str | os.PathLike) else list(sources)
    if not items:
        raise StoreNotFoundError("no store given: pass at least one store folder, glob or URL")
    filesystem: pafs.FileSystem | None = None
    learner_files: dict[tuple[str, str, str], list[str]] = {}  # (store, cohort, learner) → files
    manifests: dict[tuple[str, str], str] = {}  # (store, cohort) → manifest path
    cohort_parts: dict[tuple[str, str], list[str]] = {}
    odd: list[str] = []
    seen: dict[str, bool] = {}  # file → whether it is a store's
    for item in items:
        for fs, path, shown in _expand(item):
            if filesystem is None:
                filesystem = fs
            elif type(fs) is not type(filesystem):
                raise StoreError(f"{shown}: all sources of one question must be on one filesystem")
            found = False
            for file in _list(fs, path, shown):
                if file not in seen:
                    seen[file] = _classify(file, learner_files, manifests, cohort_parts, odd)
                found |= seen[file]
            if not (found or _looks_like_store(fs, path)):
                raise StoreNotFoundError(
                    f"{shown} holds no store: pass a store folder (the one holding events/),"
                    " a folder of stores, or a glob of them"
                )
    assert filesystem is not None
    _skipped(filesystem, odd, "whose folders are not a store's (cohort=<id>/learner=<id>)")
    return Scan(filesystem, _parts(filesystem, learner_files, manifests), tuple(map(str, items)))


def _looks_like_store(fs: pafs.FileSystem, path: str) -> bool:
    """A folder with no answers yet that is still a store's: a store root (holding events/), a
    folder of such stores, or a folder inside one."""
    name = path.rstrip("/").rsplit("/", 1)[-1]
    if name in ("events", "cohorts") or name.startswith(("cohort=", "learner=")):
        return True
    try:
        children = fs.get_file_info(pafs.FileSelector(path))
        if any(c.base_name == "events" for c in children):
            return True
        folders = [c.path for c in children if c.type == pafs.FileType.Directory]
        return any(fs.get_file_info(f"{f}/events").type == pafs.FileType.Directory for f in folders)
    except (OSError, pa.ArrowException):  # a file, or a folder we cannot list
        return False


def _classify(
    file: str,
    learner_files: dict[tuple[str, str, str], list[str]],
    manifests: dict[tuple[str, str], str],
    cohort_parts: dict[tuple[str, str], list[str]],
    odd: list[str],
) -> bool:
    """File `file` under its kind; whether it is a store's."""
    head, name = file.rsplit("/", 1)
    if name.startswith((".", "_")):  # a writer's temp file, or metadata
        return "/events/" in file or "/cohorts/" in file
    parent, folder = head.rsplit("/", 1) if "/" in head else ("", head)
    grand, above = parent.rsplit("/", 1) if "/" in parent else ("", parent)
    if name == MANIFEST and above == "cohorts" and (cohort := _partition(folder, "cohort")):
        manifests[(grand, cohort)] = file
        return True
    if not name.endswith(".parquet"):
        return False
    learner, cohort = _partition(folder, "learner"), _partition(above, "cohort")
    if learner is not None and cohort is not None:
        store = grand.rsplit("/", 1)[0] if grand.endswith("/events") or grand == "events" else grand
        try:
            check_id(cohort, "cohort")
            check_id(learner, "learner")
        except IdError:
            odd.append(file)
            return False
        learner_files.setdefault((store, cohort, learner), []).append(file)
        return True
    if (cohort := _partition(folder, "cohort")) is not None and above == "cohorts":
        cohort_parts.setdefault((grand, cohort), []).append(file)  # read only via the manifest
        return True
    if "/quarantine/" in file:
        return True
    odd.append(file)
    return False


def _parts(
    fs: pafs.FileSystem,
    learner_files: dict[tuple[str, str, str], list[str]],
    manifests: dict[tuple[str, str], str],
) -> tuple[Part, ...]:
    """Group files so each part holds whole learners: a learner's latest answer is per part."""
    parts: list[Part] = []
    covered: set[str] = set()
    in_parts: dict[tuple[str, str, str], list[str]] = {}  # learner → its cohort part files
    for (store, cohort), manifest in sorted(manifests.items()):
        found = _read_manifest(fs, manifest)
        if found is None:
            _skipped(
                fs, [manifest], "(an unreadable compaction manifest: its learner files are read)"
            )
            continue
        folder = manifest.rsplit("/", 1)[0]
        for part, files in sorted(found.parts.items()):
            path = f"{folder}/{part}"
            if fs.get_file_info(path).type != pafs.FileType.File:
                _skipped(fs, [path], "(named by the compaction manifest but missing)")
                continue
            for rel in files:
                learner = rel.split("/", 1)[0].removeprefix("learner=")
                covered.add(f"{store}/events/cohort={cohort}/{rel}")
                in_parts.setdefault((store, cohort, learner), []).append(path)
    grouped: dict[tuple[str, ...], list[str]] = {}  # cohort part files → learner files beside
    loose: list[list[str]] = []
    for key, files in sorted(learner_files.items()):
        rest = [f for f in sorted(files) if f not in covered]
        if key in in_parts:
            grouped.setdefault(tuple(sorted(set(in_parts[key]))), []).extend(rest)
        elif rest:
            loose.append(rest)
    for paths in in_parts.values():  # compacted learners whose folders are gone meanwhile
        grouped.setdefault(tuple(sorted(set(paths))), [])
    for cohort_files, files in sorted(grouped.items()):
        parts.append(Part(tuple(files), cohort_files))
    for i in range(0, len(loose), LEARNERS_PER_PART):
        chunk = loose[i : i + LEARNERS_PER_PART]
        parts.append(Part(tuple(f for files in chunk for f in files)))
    return tuple(parts)


def find_corrupt(scan: Scan, columns: Sequence[str]) -> list[str]:
    """The files of `scan` that cannot be read whole (only the `columns` asked for)."""
    wanted = [c for c in columns if c in SCHEMA.names]
    bad = []
    for path in scan.files:
        try:
            with scan.filesystem.open_input_file(path) as f:
                table = pq.ParquetFile(f).read(columns=wanted or None)
            if table.num_rows and "saved_at" in wanted and table["saved_at"].null_count:
                raise ValueError("rows without saved_at")
        except (pa.ArrowException, OSError, ValueError, KeyError):
            bad.append(path)
    return bad

"""`workbook doctor`: check a whole store (every file, every row) and, asked to, repair it.

The store repairs a learner's folder when that learner's session reads it; analysts' engines
read every folder at once and fail on one bad file. The doctor finds what would fail before
they do, and with ``repair`` sets bad files aside and merges a killed compaction's leftovers,
the way a learner's own read and compaction would (nothing is deleted that is not also kept).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from ..errors import IdError, StoreError
from .checks import bad_rows
from .files import NewerSchema, Unreadable, event_files, parse, read_bytes
from .folders import stale_temps
from .ids import check_id
from .parquet import ParquetStore

__all__ = ["Checkup", "Problem", "doctor"]


@dataclass(frozen=True)
class Problem:
    """Something wrong at `path`; `repaired` says what --repair did ("" if nothing)."""

    path: Path
    problem: str
    repaired: str = ""


@dataclass(frozen=True)
class Checkup:
    learners: int
    files: int
    rows: int
    problems: tuple[Problem, ...]

    @property
    def unresolved(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if not p.repaired)


def _split(d: Path) -> tuple[str, str] | None:
    """(cohort, learner) of a learner folder, None if the name is not the store's."""
    cohort, learner = d.parent.name, d.name
    if not (cohort.startswith("cohort=") and learner.startswith("learner=")):
        return None
    try:
        return (
            check_id(cohort.removeprefix("cohort="), "cohort"),
            check_id(learner.removeprefix("learner="), "learner"),
        )
    except IdError:
        return None


def _check_folder(d: Path) -> tuple[list[Problem], int, int, bool]:
    """Problems of one learner folder, its files and rows, and whether compaction repairs all."""
    problems: list[Problem] = []
    repairable = True
    if (d / ".lock").is_dir():
        problems.append(Problem(d / ".lock", "a folder where the compaction lock file should be"))
    problems += [Problem(p, "a killed save's leftover temp file") for p in stale_temps(d)]
    seen: Counter[str] = Counter()
    names = event_files(d)
    rows = 0
    for n in names:
        path = d / n
        try:
            table = parse(read_bytes(path))
        except Unreadable as err:
            problems.append(Problem(path, f"corrupt: {err}"))
            continue
        except NewerSchema as err:
            problems.append(Problem(path, f"saved by a newer workbook: {err}; upgrade workbook"))
            repairable = False
            continue
        except OSError as err:
            problems.append(Problem(path, f"cannot be read: {err.strerror}; check its owner"))
            repairable = False
            continue
        rows += table.num_rows
        if (mask := bad_rows(table)) is not None:
            count = sum(mask.to_pylist())
            problems.append(
                Problem(path, f"{count} of {table.num_rows} rows break the event rules")
            )
        seen.update(set(table["event_id"].to_pylist()))
    if twice := sum(1 for c in seen.values() if c > 1):
        problems.append(Problem(d, f"{twice} events in more than one file (a killed compaction)"))
    return problems, len(names), rows, repairable


def doctor(root: Path | str, *, repair: bool = False) -> Checkup:
    """Check every learner folder of the store at `root`; with `repair`, fix what can be fixed.

    A repair is the learner's own compaction, run now: corrupt files and rows are set aside in
    ``quarantine/`` (good rows kept), duplicates merged, dead temp files and a lock folder
    removed. A newer version's files and unreadable (permission) files are only reported.
    """
    root = Path(root)
    store = ParquetStore(root)
    problems: list[Problem] = []
    learners = files = rows = 0
    events = root / "events"
    folders = sorted(events.glob("*/*")) if events.is_dir() else []
    strays = [p for p in events.glob("*") if not p.name.startswith("cohort=")] if folders else []
    problems += [Problem(p, "not a cohort folder: engines reading the store may fail on it")
                 for p in strays]  # fmt: skip
    for d in folders:
        pair = _split(d)
        if pair is None or not d.is_dir():
            problems.append(Problem(d, "not a learner folder (cohort=<id>/learner=<id>)"))
            continue
        learners += 1
        found, n_files, n_rows, repairable = _check_folder(d)
        files, rows = files + n_files, rows + n_rows
        if found and repair and repairable:
            done: list[str] = []
            try:
                store.compact(*pair, report=done.append)
            except StoreError as err:
                found.append(Problem(d, f"could not repair: {err}"))
            else:
                what = "; ".join(done) or "merged and cleaned up by a compaction"
                found = [Problem(p.path, p.problem, what) for p in found]
        problems += found
    return Checkup(learners, files, rows, tuple(problems))

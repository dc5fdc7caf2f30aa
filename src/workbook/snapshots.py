"""Self-score snapshots: their names, labels and order, and which one is "in effect".

A self-score is taken as First day, retaken at dated check-ins and as Last day. Course order is
First day → check-ins by date → Last day (not save order: editing a First day score afterwards
does not make it the newest). The snapshot in effect, the one progress, "your two lowest" and
the latest-scores chart use, is the last *complete* one in that order; a partial retake stays
"in progress" and changes nothing until it is finished.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from .kinds import Value, fields_of, is_complete
from .model import Exercise

__all__ = [
    "FIRST",
    "LAST",
    "SNAPSHOTS",
    "SnapshotState",
    "comes_before",
    "in_effect",
    "is_snapshot",
    "ordered",
    "snapshot_label",
    "states",
]

FIRST, LAST = "first-day", "last-day"
SNAPSHOTS = {FIRST: "First day", LAST: "Last day"}
_CHECK_IN = re.compile(r"^check-in-(\d{4}-\d{2}-\d{2})$")


def is_snapshot(name: str) -> bool:
    return name in SNAPSHOTS or bool(_CHECK_IN.match(name))


def snapshot_label(snapshot: str) -> str:
    if snapshot in SNAPSHOTS:
        return SNAPSHOTS[snapshot]
    match = _CHECK_IN.match(snapshot)
    return f"Check-in {match[1]}" if match else snapshot


def _rank(snapshot: str) -> tuple[int, str]:
    if snapshot == FIRST:
        return 0, ""
    if snapshot == LAST:
        return 2, ""
    return 1, snapshot  # check-in-YYYY-MM-DD sorts by date as text


def comes_before(a: str, b: str) -> bool:
    """Whether snapshot `a` is taken before `b` in course order."""
    return _rank(a) < _rank(b)


def ordered(snapshots: Iterable[str]) -> list[str]:
    """Distinct snapshots in course order: First day, check-ins by date, Last day."""
    return sorted(set(snapshots), key=_rank)


@dataclass(frozen=True)
class SnapshotState:
    """How far one snapshot of a self-score has got: `scored` of `total` answer slots."""

    snapshot: str
    scored: int
    total: int
    complete: bool

    @property
    def label(self) -> str:
        return snapshot_label(self.snapshot)

    @property
    def progress(self) -> str:
        """`First day ✓` or `Last day · 3 of 8 scored`."""
        if self.complete:
            return f"{self.label} ✓"
        return f"{self.label} · {self.scored} of {self.total} scored"


def states(
    exercise: Exercise, by_snapshot: Mapping[str, Mapping[str, Value]]
) -> list[SnapshotState]:
    """Every snapshot holding at least one answer, in course order."""
    keys = [f.key for f in fields_of(exercise)]
    out = []
    for snapshot in ordered(by_snapshot):
        answers = by_snapshot[snapshot]
        scored = sum(answers.get(k) is not None for k in keys)
        if scored:
            out.append(SnapshotState(snapshot, scored, len(keys), is_complete(exercise, answers)))
    return out


def in_effect(exercise: Exercise, by_snapshot: Mapping[str, Mapping[str, Value]]) -> str | None:
    """The last complete snapshot in course order, else the only one begun; None if none is."""
    found = states(exercise, by_snapshot)
    complete = [s.snapshot for s in found if s.complete]
    if complete:
        return complete[-1]
    return found[-1].snapshot if found else None

"""Self-score snapshots: their names, labels and order, and which one is "in effect".

A self-score is taken as First day, retaken at dated check-ins and as Last day. Course order is
First day → check-ins by date → Last day (not save order: editing a First day score afterwards
does not make it the newest). The snapshot in effect, the one progress, "your two lowest" and
the latest-scores chart use, is the last *complete* one in that order; a partial retake stays
"in progress" and changes nothing until it is finished.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from .kinds import Value, fields_of, is_complete
from .model import Exercise

__all__ = [
    "FIRST",
    "LAST",
    "SNAPSHOTS",
    "SnapshotState",
    "comes_before",
    "current_answers",
    "in_effect",
    "in_view",
    "is_snapshot",
    "ordered",
    "snapshot_label",
    "states",
]

FIRST, LAST = "first-day", "last-day"
SNAPSHOTS = {FIRST: "First day", LAST: "Last day"}
_CHECK_IN = re.compile(r"^check-in-(\d{4}-\d{2}-\d{2})$")


def is_snapshot(name: str) -> bool:
    """first-day, last-day, or check-in-YYYY-MM-DD of a real date (not check-in-9999-99-99)."""
    if name in SNAPSHOTS:
        return True
    match = _CHECK_IN.match(name)
    try:
        return match is not None and bool(dt.date.fromisoformat(match[1]))
    except ValueError:
        return False


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


def in_view(
    exercise: Exercise,
    source: Exercise | None,
    answers: Mapping[str, Mapping[str, Mapping[str, Value]]],
) -> str:
    """The snapshot whose answers the learner sees and that counts for `exercise`.

    A self-score's snapshot in effect; for an exercise derived from a self-score (`source`),
    the source's snapshot in effect (its rows name that snapshot's lowest items), First day
    before any is scored; for every other exercise "".
    """
    if exercise.snapshots:
        return in_effect(exercise, answers.get(exercise.id, {})) or exercise.first_snapshot
    if source is not None and source.snapshots:
        return in_effect(source, answers.get(source.id, {})) or source.first_snapshot
    return ""


def current_answers(
    answers: Mapping[str, Mapping[str, Mapping[str, Value]]],
    exercise: Callable[[str], Exercise | None],
) -> dict[str, dict[str, Value]]:
    """exercise id → snapshot → field → value, reduced to the answers in view (:func:`in_view`).

    What progress, "what is next" and the take-away's progress line count: after a retake, a
    derived exercise counts the rows of the new snapshot, not the ones written for the old.
    Exercises `exercise` does not know (saved against an older course) are left out.
    """
    out: dict[str, dict[str, Value]] = {}
    for exercise_id, by_snapshot in answers.items():
        found = exercise(exercise_id)
        if found is None:
            continue
        source = exercise(found.derive.lowest_of) if found.derive is not None else None
        out[exercise_id] = dict(by_snapshot.get(in_view(found, source, answers), {}))
    return out

"""What a facilitator may read of a learner's answers: the current ones, text only if shared.

A learner shares an exercise's text with the "Share with my facilitator" toggle, stored as a
flag in the exercise's field ``shared-with-facilitator`` (off until turned on). Every reader on
the facilitator's side (the cohort service, the folder and store readers) and the drop-box
sync pass events through :func:`redact`: each field's latest answer only (no drafts, no
history), and text answers of exercises not shared replaced by a marker that keeps completion
(a written answer still counts as written) and tells nothing of what was written.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

from . import Event, latest
from .rules import SHARE_FIELD

__all__ = ["PRIVATE", "SHARE_FIELD", "redact", "shared"]

PRIVATE = "(not shared)"
# A choice kind stores the picked item's id in this field: a pick from the course's list, not
# the learner's words.
_PICK = "choice"


def _current(events: Iterable[Event]) -> list[Event]:
    """Each learner's latest event per (exercise, snapshot, field)."""
    by_learner: dict[tuple[str, str], list[Event]] = {}
    for e in events:
        by_learner.setdefault((e.cohort, e.learner), []).append(e)
    return [e for group in by_learner.values() for e in latest(group).values()]


def shared(events: Iterable[Event]) -> set[tuple[str, str, str]]:
    """(cohort, learner, exercise) whose latest share flag is on."""
    return {
        (e.cohort, e.learner, e.exercise_id)
        for e in _current(e for e in events if e.field == SHARE_FIELD)
        if e.value is True
    }


def redact(events: Iterable[Event]) -> list[Event]:
    """The current answers of `events`, text of exercises not shared replaced by PRIVATE."""
    current = _current(events)
    allowed = shared(current)
    return [
        e
        if e.value_type != "text"
        or not e.value
        or e.field == _PICK
        or (e.cohort, e.learner, e.exercise_id) in allowed
        else dataclasses.replace(e, value=PRIVATE)
        for e in current
    ]

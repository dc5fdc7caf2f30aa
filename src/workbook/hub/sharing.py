"""What a facilitator may read of a learner's text: only what the learner chose to share.

A learner shares an exercise's text with the "Share with my facilitator" toggle, stored as a
flag in the exercise's field ``shared-with-facilitator`` (off until turned on). Every reader on
the facilitator's side (the cohort service, the folder and store readers) passes events through
:func:`redact`: text answers of exercises not shared are replaced by a marker that keeps
completion (a written answer still counts as written) and tells nothing of what was written.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

from ..store import Event, latest

__all__ = ["PRIVATE", "SHARE_FIELD", "redact", "shared"]

SHARE_FIELD = "shared-with-facilitator"
PRIVATE = "(not shared)"
# A choice kind stores the picked item's id in this field: a pick from the course's list, not
# the learner's words.
_PICK = "choice"


def shared(events: Iterable[Event]) -> set[tuple[str, str, str]]:
    """(cohort, learner, exercise) whose latest share flag is on."""
    by_learner: dict[tuple[str, str], list[Event]] = {}
    for e in events:
        if e.field == SHARE_FIELD:
            by_learner.setdefault((e.cohort, e.learner), []).append(e)
    return {
        (cohort, learner, ex)
        for (cohort, learner), flags in by_learner.items()
        for (ex, _, _), e in latest(flags).items()
        if e.value is True
    }


def redact(events: Iterable[Event]) -> list[Event]:
    events = list(events)
    allowed = shared(events)
    return [
        e
        if e.value_type != "text"
        or not e.value
        or e.field == _PICK
        or (e.cohort, e.learner, e.exercise_id) in allowed
        else dataclasses.replace(e, value=PRIVATE)
        for e in events
    ]

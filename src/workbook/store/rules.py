"""The rules an answer change obeys, one rule book at every door.

The learner's session checks each change with :meth:`Rules.change` before it is saved; the
cohort service and the drop-box reader check each event that arrives with :meth:`Rules.event`,
which is the same check plus what only a receiver needs (the stored type matches the field's,
`saved_at` is not in the future). Both read the kinds table (:mod:`workbook.course.kinds`); the
store's own rules (ids, value types, sizes) hold already for any :class:`~workbook.store.Event`.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable
from pathlib import Path

from ..course.content import load_course
from ..course.kinds import Field, Value, check_answer, fields_of
from ..course.model import Course, Exercise
from ..course.snapshots import is_snapshot
from ..errors import AnswerError
from ..paths import content_root
from . import Event

__all__ = ["CLOCK_SKEW", "SHARE", "SHARE_FIELD", "Rules", "course_rules"]

SHARE_FIELD = "shared-with-facilitator"
# The "Share with my facilitator" toggle: a field of every exercise, off until turned on.
SHARE = Field(SHARE_FIELD, "flag", "Share with my facilitator")
# How far ahead of the receiver's clock a laptop's clock may run.
CLOCK_SKEW = dt.timedelta(minutes=10)


class Rules:
    """`course`'s rules for answer changes."""

    def __init__(self, course: Course) -> None:
        self.course = course
        self._exercises: dict[str, Exercise] = {
            e.id: e for c in course.chapters for u in c.units for e in u.exercises
        }
        self._fields = {k: {f.key: f for f in fields_of(e)} for k, e in self._exercises.items()}

    def exercise(self, exercise_id: str) -> Exercise:
        try:
            return self._exercises[exercise_id]
        except KeyError:
            raise AnswerError(
                f"No exercise {exercise_id!r} in this course: regenerate the notebooks with "
                "`workbook build` or ask your facilitator for the current ones."
            ) from None

    def snapshot_source(self, exercise: Exercise) -> Exercise | None:
        """The self-score a derived exercise follows, whose snapshots its answers belong to."""
        if exercise.derive is None:
            return None
        source = self.exercise(exercise.derive.lowest_of)
        return source if source.snapshots else None

    def change(self, exercise_id: str, key: str, value: Value, snapshot: str = "") -> Field:
        """The field a change fills, if the change fits the course; else an AnswerError."""
        exercise = self.exercise(exercise_id)
        # The kind's own rules for its fields: known field, offered choice, score in scale.
        f = (
            SHARE
            if key == SHARE_FIELD
            else check_answer(exercise, key, value, self._fields[exercise.id])
        )
        if snapshot and not is_snapshot(snapshot):
            raise AnswerError(
                f"Unknown snapshot {snapshot!r}: use first-day, last-day or check-in-YYYY-MM-DD"
            )
        if snapshot and not (exercise.snapshots or self.snapshot_source(exercise)):
            raise AnswerError(
                f"{exercise.id} is not a self-score: it keeps one answer, not snapshots"
            )
        return f

    def event(self, e: Event, *, now: dt.datetime | None = None) -> None:
        """An AnswerError naming the rule a received event breaks (`now`: the receiver's clock)."""
        f = self.change(e.exercise_id, e.field, e.value, e.snapshot)
        if e.value_type != f.type:
            raise AnswerError(f"{e.exercise_id} · {f.label} holds {f.type}, not {e.value_type}")
        if now is not None and e.saved_at > now + CLOCK_SKEW:
            raise AnswerError(
                f"saved_at {e.saved_at.isoformat()} is in the future (more than"
                f" {CLOCK_SKEW.seconds // 60} minutes ahead): check the computer's clock"
            )

    def checked(
        self, events: Iterable[Event], *, now: dt.datetime | None = None
    ) -> tuple[list[Event], list[str]]:
        """The events that keep the rules, and what is wrong with each of the others (for a
        reader of stored events: a store written before these rules may hold some)."""
        kept, problems = [], []
        for e in events:
            try:
                self.event(e, now=now)
            except AnswerError as err:
                problems.append(f"{e.learner}'s event {e.event_id}: {err}")
                continue
            kept.append(e)
        return kept, problems


def course_rules(content: Path | None = None) -> Rules:
    """The rules of the course under `content` (default: the one this workbook runs)."""
    return _rules((content or content_root()).absolute())


@functools.cache
def _rules(content: Path) -> Rules:
    return Rules(load_course(content))  # loading a course takes a while: once per process

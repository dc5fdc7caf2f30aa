"""The dated actions of a learner's action plans as an iCalendar file: one all-day event each.

A plan derived from a self-score contributes the rows of the snapshot in view (the current
plan). UIDs come from cohort + learner + exercise + row, and the stamp from when the row was last
saved, so exporting again gives the same events (byte for byte if nothing changed) and a
calendar re-importing the file updates them instead of adding duplicates.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from ..course.kinds import PLAN_FIELDS
from ..course.model import Chapter, Course
from ..course.snapshots import in_view
from ..errors import NothingToExportError
from .document import by_exercise

__all__ = ["action_calendar", "event_uid"]

_LABELS = {item.id: item.label for item, _ in PLAN_FIELDS}


def event_uid(cohort: str, learner: str, exercise_id: str, row_id: str) -> str:
    return f"{cohort}.{learner}.{exercise_id}.{row_id}@workbook"


def action_calendar(
    course: Course,
    chapter: Chapter,
    frame: pd.DataFrame,
    history: pd.DataFrame,
    *,
    cohort: str,
    learner: str,
) -> bytes:
    """An .ics of every action-plan row that has a date; raises if there is none.

    `frame` is the learner's latest tidy frame, `history` the same as history: each save of a
    row raises its SEQUENCE, the revision number calendars compare to take the newer event.
    """
    import icalendar  # only for this format: HTML, Markdown and PDF exports do without

    calendar = icalendar.Calendar.new(
        prodid=f"-//workbook//{course.title}//EN",
        name=f"{course.title} · {chapter.title}",
        uid=f"{cohort}.{learner}@workbook",
    )
    plans = [(u, e) for u in chapter.units for e in u.exercises if e.kind == "action_plan"]
    answers = by_exercise(frame)
    for unit, exercise in plans:
        # A plan derived from a self-score keeps one set of rows per snapshot: the one in view
        # is the current plan (a retake's plan replaces the event of the same row).
        source = chapter.exercise(exercise.derive.lowest_of) if exercise.derive else None
        snapshot = in_view(exercise, source, answers)
        mine = frame[(frame["exercise"] == exercise.id) & (frame["snapshot"] == snapshot)]
        for row in exercise.rows:
            cells = mine[mine["item"].str.startswith(f"{row.id}/")]
            values = {
                k.removeprefix(f"{row.id}/"): v
                for k, v in zip(cells["item"], cells["value"], strict=True)
            }
            day = values.get("date")
            if not isinstance(day, dt.date):
                continue
            action, deliverable, partner = (
                str(values.get(k) or "").strip() for k in ("action", "deliverable", "partner")
            )
            details = [
                f"{_LABELS[k]}: {v}"
                for k, v in (("deliverable", deliverable), ("partner", partner))
                if v
            ]
            details.append(f"{unit.label} · {exercise.title}: {row.label}")
            saved = cells["saved_at"].max().to_pydatetime()
            revisions = history[
                (history["exercise"] == exercise.id)
                & (history["snapshot"] == snapshot)
                & history["item"].str.startswith(f"{row.id}/")
            ]
            calendar.add_component(
                icalendar.Event.new(
                    uid=event_uid(cohort, learner, exercise.id, row.id),
                    summary=action or row.label,
                    start=day,
                    end=day + dt.timedelta(days=1),
                    description="\n".join(details),
                    contacts=[partner] if partner else None,
                    categories=[unit.label],
                    stamp=saved,
                    last_modified=saved,
                    sequence=len(revisions),
                )
            )
    if not calendar.events:
        where = " or ".join(f"{u.label} (“{e.title}”)" for u, e in plans)
        raise NothingToExportError(
            f"no dated actions yet: give an action a date in {where}, then export again"
        )
    return bytes(calendar.to_ical())

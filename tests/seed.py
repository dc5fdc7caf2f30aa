"""A learner who answered every exercise of the chapter, saved the way the widgets save.

Every text answer is distinct (its exercise and field are in it), so a test can look for each
one in an export; one reflection is hostile (markup, Markdown, line breaks). Self-scores get a
First day and a Last day, and so do the exercises derived from them (their rows are saved under
the snapshot that named the items, as the widgets save them). Used by the export tests and benchmarks/bench_export.py.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from workbook.course.content import load_course
from workbook.course.kinds import RECALL_MARKS, Value, fields_of
from workbook.course.model import Course, Exercise
from workbook.learner.session import Session
from workbook.store import ParquetStore

COHORT, LEARNER = "c2026", "ada"
HOSTILE_ID = "m04.gap"  # a free-text reflection
HOSTILE = (
    'My gap: <script>alert("owned")</script> and </div></section>\n'
    "# not a heading\n- not a list\n1. not a list\n**not bold** [not a link](http://x) &amp; | ~"
)
PLAN_START = dt.date(2026, 12, 1)


@dataclass
class Seeded:
    course: Course
    root: Path
    texts: list[str] = field(default_factory=list)  # every text answer given
    labels: list[str] = field(default_factory=list)  # choice labels and ticked items shown
    # (plan, row) → the date of the plan in view, the one the calendar holds (the last saved)
    dates: dict[tuple[str, str], dt.date] = field(default_factory=dict)
    every_date: list[dt.date] = field(default_factory=list)  # every date given, any snapshot


def _value(e: Exercise, key: str, type_: str, n: int, snapshot: str, s: Seeded) -> Value:
    if type_ == "score":
        assert e.scale is not None
        span = e.scale.max - e.scale.min + 1
        return e.scale.min + (n + (2 if snapshot == "last-day" else 0)) % span
    if type_ == "flag":
        return n % 2 == 0 or key == "revealed"
    if type_ == "date":
        day = PLAN_START + dt.timedelta(days=7 * len(s.every_date))
        s.dates[(e.id, key.split("/")[0])] = day
        s.every_date.append(day)
        return day
    if e.kind == "choice":
        item = e.items[1]
        s.labels.append(item.label)
        return item.id
    if e.kind == "recall_check" and key != "recall":  # an item marked once revealed
        mark = RECALL_MARKS[n % len(RECALL_MARKS)]
        s.labels.append(mark.label)
        return mark.id
    text = (
        HOSTILE
        if e.id == HOSTILE_ID
        else " ".join(("Answer", e.id, key, *([snapshot] if snapshot else []), "by", LEARNER))
    )
    s.texts.append(text)
    return text


def snapshots_of(course: Course, e: Exercise) -> tuple[str, ...]:
    source = course.exercise(e.derive.lowest_of) if e.derive else e
    return ("first-day", "last-day") if source.snapshots else ("",)


def seed(root: Path, learner: str = LEARNER, drafts: int = 0, cohort: str = COHORT) -> Seeded:
    """Answer everything, one saved batch per exercise and snapshot (as the debounce saves);
    with `drafts`, each text is first saved that many times half-typed, as a learner types."""
    course = load_course()
    seeded = Seeded(course, root)
    session = Session(course, ParquetStore(root), cohort, learner, debounce=60)
    for unit in course.chapters[0].units:
        for e in unit.exercises:
            for snapshot in snapshots_of(course, e):
                for n, f in enumerate(fields_of(e)):
                    written = len(seeded.texts)
                    value = _value(e, f.key, f.type, n, snapshot, seeded)
                    if value is True and e.kind == "checklist":
                        seeded.labels.append(f.label)
                    if isinstance(value, str) and len(seeded.texts) > written:  # typed text
                        for d in range(1, drafts + 1):
                            session.set(
                                e.id, f.key, value[: len(value) * d // (drafts + 1)], snapshot
                            )
                            session.flush()
                    session.set(e.id, f.key, value, snapshot)
                session.flush()
    return seeded


def seeded_session(root: Path) -> Session:
    """A session of the learner `seed` answered everything for, read from its store."""
    seeded = seed(root)
    session = Session(seeded.course, ParquetStore(seeded.root), COHORT, LEARNER, debounce=60)
    session.refresh()
    return session

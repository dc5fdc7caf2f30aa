"""A learner's workbook as data: every exercise in course order with its answer, ready to render.

Renderers (HTML, Markdown, PDF) only lay out what is built here, so they all say the same
thing. Each kind has one row in :data:`PARTS`: how its stored fields read as printed parts.
Labels come from content and the kinds table; values are formatted once, as plain text (the
renderers escape them).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import ClassVar

import pandas as pd

from ..course.kinds import RECALL_MARKS, RECALL_REVIEW, Field, Value, answered, fields_of
from ..course.model import Chapter, Course, Exercise, Item, Scale
from ..course.progress import progress
from ..course.scores import lowest
from ..course.snapshots import current_answers, in_view, ordered, snapshot_label

__all__ = [
    "PARTS",
    "Chart",
    "ExercisePage",
    "Group",
    "Marks",
    "Part",
    "Scores",
    "Text",
    "Ticks",
    "UnitPage",
    "Workbook",
    "by_exercise",
    "texts",
    "workbook",
]

# One exercise's answers: snapshot ("" for most) → field → value; a learner's: by exercise id.
Snapshots = Mapping[str, Mapping[str, Value]]
Answers = Mapping[str, Snapshots]


@dataclass(frozen=True)
class Text:
    """A labelled text answer; `text` is "" when nothing was written."""

    kind: ClassVar[str] = "text"
    label: str
    text: str


@dataclass(frozen=True)
class Ticks:
    """Items that were or were not ticked."""

    kind: ClassVar[str] = "ticks"
    label: str
    items: tuple[tuple[str, bool], ...]


@dataclass(frozen=True)
class Marks:
    """Items each marked with a word (a recall check's "Got it", "Missed")."""

    kind: ClassVar[str] = "marks"
    label: str
    items: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Scores:
    """Scored items, one column per snapshot in course order ("" where not scored)."""

    kind: ClassVar[str] = "scores"
    label: str
    snapshots: tuple[str, ...]
    rows: tuple[tuple[str, tuple[str, ...]], ...]


@dataclass(frozen=True)
class Group:
    """Parts under one heading: a row of a grid or of an action plan, a handover of an audit."""

    kind: ClassVar[str] = "group"
    label: str
    parts: tuple[Part, ...]


Part = Text | Ticks | Marks | Scores | Group


@dataclass(frozen=True)
class ExercisePage:
    id: str
    title: str
    prompt: str
    derived: str  # "Your two lowest skills: A and B", or ""
    scale: str  # "1–10 · 1 = just starting · 10 = a model for others", or ""
    parts: tuple[Part, ...]
    answered: bool
    required: bool


@dataclass(frozen=True)
class UnitPage:
    id: str
    label: str  # "Module 3", "Homework 1"
    title: str
    exercises: tuple[ExercisePage, ...]


@dataclass(frozen=True)
class Chart:
    """An image for the charts section, embedded as a data URI wherever it is rendered."""

    title: str
    description: str
    media_type: str  # image/png or image/svg+xml
    data: bytes


@dataclass(frozen=True)
class Workbook:
    course: str
    chapter: str
    learner: str
    cohort: str
    exported: dt.date
    progress: str  # "3 / 11 · 27%"
    progress_detail: str  # "2/8 modules · 1/3 homework"
    units: tuple[UnitPage, ...]
    charts: tuple[Chart, ...] = field(default=())


def by_exercise(frame: pd.DataFrame) -> dict[str, dict[str, dict[str, Value]]]:
    """One learner's latest tidy frame as exercise id → snapshot → item → value."""
    out: dict[str, dict[str, dict[str, Value]]] = {}
    for exercise, snapshot, item, value in frame[
        ["exercise", "snapshot", "item", "value"]
    ].itertuples(index=False):
        out.setdefault(exercise, {}).setdefault(snapshot, {})[item] = value
    return out


# ---- values as text ----------------------------------------------------------------------------


def _show(exercise: Exercise, f: Field, value: Value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    if exercise.kind == "choice" and isinstance(value, str):  # the stored value is an item id
        return next((i.label for i in exercise.items if i.id == value), value)
    return str(value)


def _scale(scale: Scale | None) -> str:
    if scale is None:
        return ""
    anchors = " · ".join(f"{point} = {label}" for point, label in scale.anchors)
    return f"{scale.min}–{scale.max}" + (f" · {anchors}" if anchors else "")


# ---- one row per kind: stored fields → printed parts -------------------------------------------

PartsOf = Callable[[Exercise, Snapshots, tuple[str, ...]], tuple[Part, ...]]


def texts(e: Exercise, a: Snapshots, _: tuple[str, ...]) -> tuple[Part, ...]:
    """Each field a labelled text; an exercise with one field needs no label."""
    values = a.get("", {})
    fields = fields_of(e)
    label = len(fields) > 1
    return tuple(Text(f.label if label else "", _show(e, f, values.get(f.key))) for f in fields)


def _rows(e: Exercise, a: Snapshots, rows: tuple[str, ...]) -> tuple[Part, ...]:
    """Fields keyed `row/column`, grouped by row; derived rows carry the item they name."""
    values = a.get("", {})
    out: list[Part] = []
    for row, heading in zip(e.rows, rows, strict=True):
        cells = [f for f in fields_of(e) if f.key.startswith(f"{row.id}/")]
        cells_text = tuple(
            Text(f.label.removeprefix(f"{row.label} · "), _show(e, f, values.get(f.key)))
            for f in cells
        )
        out.append(Group(heading, cells_text))
    return tuple(out)


def _ticks(e: Exercise, a: Snapshots, _: tuple[str, ...]) -> tuple[Part, ...]:
    values = a.get("", {})
    return (Ticks("", tuple((i.label, values.get(i.id) is True) for i in e.items)),)


def _recall(e: Exercise, a: Snapshots, _: tuple[str, ...]) -> tuple[Part, ...]:
    """What was written from memory; once revealed, each item's mark and the ones to go back to."""
    values = a.get("", {})
    recall, revealed, *items = fields_of(e)
    text = Text(recall.label, _show(e, recall, values.get(recall.key)))
    if not values.get(revealed.key):
        return (text,)
    marks = {m.id: m.label for m in RECALL_MARKS}
    review, review_label = RECALL_REVIEW
    marked = tuple((f.label, marks.get(str(values.get(f.key)), "")) for f in items)
    again = ", ".join(f.label for f in items if values.get(f.key) in review)
    return text, Marks(revealed.label, marked), Text(review_label, again)


def _score_table(e: Exercise, a: Snapshots, label: str, fields: list[Field], prefix: str) -> Scores:
    """`fields` as rows (labels without `prefix`), one column per snapshot holding a score."""
    snapshots = ordered(s for s, v in a.items() if any(x is not None for x in v.values()))
    rows = tuple(
        (f.label.removeprefix(prefix), tuple(_show(e, f, a[s].get(f.key)) for s in snapshots))
        for f in fields
    )
    return Scores(label, tuple(snapshot_label(s) for s in snapshots), rows)


def _scale_scores(e: Exercise, a: Snapshots, _: tuple[str, ...]) -> tuple[Part, ...]:
    return (_score_table(e, a, "", list(fields_of(e)), ""),)


def _matrix_scores(e: Exercise, a: Snapshots, _: tuple[str, ...]) -> tuple[Part, ...]:
    """One table per row (a handover), its columns (the areas) as the table's rows."""
    return tuple(
        _score_table(
            e,
            a,
            row.label,
            [f for f in fields_of(e) if f.key.startswith(f"{row.id}/")],
            f"{row.label} · ",
        )
        for row in e.rows
    )


PARTS: Mapping[str, PartsOf] = {
    "free_text": texts,
    "choice": texts,
    "document": texts,
    "text_grid": _rows,
    "action_plan": _rows,
    "checklist": _ticks,
    "recall_check": _recall,
    "score_scale": _scale_scores,
    "score_matrix": _matrix_scores,
}


# ---- the workbook ------------------------------------------------------------------------------


def _named(source: Exercise, scores: Mapping[str, Value], e: Exercise) -> tuple[Item, ...]:
    """The items a derived exercise's rows name, from one set of the source's scores."""
    assert e.derive is not None
    return tuple(lowest(source, scores, e.derive.count) or ())


def _headings(e: Exercise, named: tuple[Item, ...]) -> tuple[str, ...]:
    return tuple(
        f"{row.label}: {named[n].label}" if n < len(named) else row.label
        for n, row in enumerate(e.rows)
    )


def _page(chapter: Chapter, e: Exercise, answers: Answers) -> ExercisePage:
    mine = answers.get(e.id, {})
    derived, parts = "", PARTS[e.kind](e, mine, tuple(r.label for r in e.rows))
    if e.derive is not None:
        source = chapter.exercise(e.derive.lowest_of)
        scores = answers.get(source.id, {})
        view = in_view(e, source, answers)
        named = _named(source, scores.get(view, {}), e)
        if named:
            derived = f"{e.derive.label}: {' and '.join(i.label for i in named)}"
        if source.snapshots:
            # The rows written for each snapshot, headed by the items that snapshot named:
            # a retake's actions and the first day's both belong in the take-away.
            taken = ordered(s for s, v in mine.items() if answered(v)) or [view]
            parts = tuple(
                Group(
                    snapshot_label(s),
                    PARTS[e.kind](
                        e, {"": mine.get(s, {})}, _headings(e, _named(source, scores.get(s, {}), e))
                    ),
                )
                for s in taken
            )
        else:
            parts = PARTS[e.kind](e, mine, _headings(e, named))
    return ExercisePage(
        id=e.id,
        title=e.title,
        prompt=e.prompt,
        derived=derived,
        scale=_scale(e.scale),
        parts=parts,
        answered=any(answered(s) for s in mine.values()),
        required=e.required,
    )


def workbook(
    course: Course,
    frame: pd.DataFrame,
    *,
    cohort: str,
    learner: str,
    exported: dt.date,
    charts: tuple[Chart, ...] = (),
    chapter: Chapter | None = None,
) -> Workbook:
    """The learner's whole workbook from their latest tidy answers frame."""
    chapter = chapter or course.chapters[0]
    answers = by_exercise(frame)
    done = progress(chapter, current_answers(answers, course.find))
    units = tuple(
        UnitPage(u.id, u.label, u.title, tuple(_page(chapter, e, answers) for e in u.exercises))
        for u in chapter.units
    )
    return Workbook(
        course=course.title,
        chapter=chapter.title,
        learner=learner,
        cohort=cohort,
        exported=exported,
        progress=done.summary,
        progress_detail=done.detail,
        units=units,
        charts=charts,
    )

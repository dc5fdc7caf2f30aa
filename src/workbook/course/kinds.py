"""The exercise kinds, described once: what each needs from content, what it stores, when it is done.

The loader validates against this table, the store types values with it, widgets and charts
read it. A new kind is a new row here (plus a widget builder), not a branch in every module.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Literal

from ..errors import AnswerError
from .model import Exercise, Item

__all__ = [
    "KINDS",
    "PLAN_FIELDS",
    "RECALL_MARKS",
    "RECALL_REVIEW",
    "Field",
    "Kind",
    "Value",
    "ValueType",
    "answered",
    "check_answer",
    "fields_of",
    "filled",
    "hidden_while_recalling",
    "is_complete",
    "options_of",
    "score_of",
]

ValueType = Literal["text", "score", "flag", "date"]
Value = str | int | bool | dt.date | None

# An action plan's columns are the same everywhere: the course asks for all four.
PLAN_FIELDS: tuple[tuple[Item, ValueType], ...] = (
    (Item("action", "Action"), "text"),
    (Item("date", "By when"), "date"),
    (Item("deliverable", "Deliverable"), "text"),
    (Item("partner", "Accountability partner"), "text"),
)
# A recall check is marked item by item once the list is revealed: the course's "check yourself".
RECALL_MARKS: tuple[Item, ...] = (
    Item("got-it", "Got it"),
    Item("wrong", "Got it wrong"),
    Item("missed", "Missed"),
)
# The marks that name an item to go back to, and what the workbook calls that list.
RECALL_REVIEW: tuple[frozenset[str], str] = (frozenset({"wrong", "missed"}), "To internalise")


def hidden_while_recalling(exercise_id: str) -> str:
    """The class of the list a recall check asks for: the notebook wraps the list in it, and the
    check hides it from the first word written until the reveal ("without looking back")."""
    return f"wb-recall-for-{exercise_id.replace('.', '-')}"


@dataclass(frozen=True)
class Field:
    """One stored answer slot of an exercise: the `field` column of the store."""

    key: str
    type: ValueType
    label: str


def _cells(rows: tuple[Item, ...], cols: tuple[Item, ...], type_: ValueType) -> tuple[Field, ...]:
    return tuple(
        Field(f"{r.id}/{c.id}", type_, f"{r.label} · {c.label}") for r in rows for c in cols
    )


def _per_item(type_: ValueType) -> Callable[[Exercise], tuple[Field, ...]]:
    return lambda e: tuple(Field(i.id, type_, i.label) for i in e.items)


def _plan(e: Exercise) -> tuple[Field, ...]:
    return tuple(
        Field(f"{r.id}/{c.id}", t, f"{r.label} · {c.label}") for r in e.rows for c, t in PLAN_FIELDS
    )


def filled(v: Value) -> bool:
    """Whether a value counts as an answer: text not blank, a box ticked, a score or date set.

    The one rule behind every kind's completion, "your answers are back" and which snapshots
    a self-score holds.
    """
    if isinstance(v, bool):
        return v
    if isinstance(v, str):
        return bool(v.strip())
    return v is not None


def answered(answers: Mapping[str, Value]) -> bool:
    """Whether anything in `answers` (field → value) counts as an answer."""
    return any(filled(v) for v in answers.values())


def score_of(v: Value) -> int | None:
    """`v` as a score, or None when it is not one (bool is an int subclass: True is no score)."""
    return v if isinstance(v, int) and not isinstance(v, bool) else None


def _all(
    keys: Callable[[Exercise], tuple[str, ...]],
) -> Callable[[Exercise, Mapping[str, Value]], bool]:
    return lambda e, a: all(filled(a.get(k)) for k in keys(e))


def _each_row_any(e: Exercise, a: Mapping[str, Value]) -> bool:
    return all(any(filled(a.get(f"{r.id}/{c.id}")) for c in e.columns) for r in e.rows)


def _each_plan(e: Exercise, a: Mapping[str, Value]) -> bool:
    # A plan is its action; content names the date, deliverable or partner where the course asks.
    need = e.complete_with or ("action",)
    return all(filled(a.get(f"{r.id}/{c}")) for r in e.rows for c in need)


def _any(e: Exercise, a: Mapping[str, Value]) -> bool:
    return answered(a)


# A kind's value check: what is wrong with a (non-None) value for one of its fields, or None.
# Types alone (text is a str, a date a date) are the store's to check when it builds the event.
Check = Callable[[Exercise, Field, Value], str | None]


def _any_value(e: Exercise, f: Field, v: Value) -> str | None:
    return None


def _in_scale(e: Exercise, f: Field, v: Value) -> str | None:
    score = score_of(v)
    if score is None:
        return "a score must be a whole number"
    assert e.scale is not None  # content requires a scale of every score kind
    if not e.scale.min <= score <= e.scale.max:
        return f"{score} is outside {e.scale.min}–{e.scale.max}"
    return None


# A pick kind's options: the values one of its fields may hold (empty: that field is free).
Options = Callable[[Exercise, Field], tuple[Item, ...]]


def _one_of(options: Options) -> Check:
    def check(e: Exercise, f: Field, v: Value) -> str | None:
        ids = [i.id for i in options(e, f)]
        # isinstance first: a list or dict is unhashable and must be refused, not raise TypeError.
        if not ids or (isinstance(v, str) and v in ids):
            return None
        return f"{v!r} is not one of {ids}"

    return check


def _recall_marks(e: Exercise, f: Field) -> tuple[Item, ...]:
    # What was written from memory is free text; each item is marked with one of RECALL_MARKS.
    return RECALL_MARKS if f.type == "text" and f.key != "recall" else ()


@dataclass(frozen=True)
class Kind:
    """A row of the kinds table.

    `needs` names the Exercise attributes content must fill; `fields` lists the stored slots;
    `complete` is the completion rule progress counts; `check` says what is wrong with a value
    for one of its fields; `options` are the values a field may hold when it is a pick (none: any
    value of its type); `self_score` kinds keep snapshots and are charted.
    """

    name: str
    description: str
    needs: frozenset[str]
    fields: Callable[[Exercise], tuple[Field, ...]]
    complete: Callable[[Exercise, Mapping[str, Value]], bool]
    check: Check = _any_value
    self_score: bool = False
    options: Options | None = None


def _kind(
    name: str,
    description: str,
    needs: set[str],
    fields: Callable[[Exercise], tuple[Field, ...]],
    complete: Callable[[Exercise, Mapping[str, Value]], bool],
    check: Check = _any_value,
    self_score: bool = False,
    options: Options | None = None,
) -> Kind:
    if options is not None:
        check = _one_of(options)
    return Kind(name, description, frozenset(needs), fields, complete, check, self_score, options)


KINDS: Mapping[str, Kind] = {
    k.name: k
    for k in (
        _kind(
            "free_text",
            "one text answer: done when not blank",
            set(),
            lambda e: (Field("text", "text", e.title or "Answer"),),
            _all(lambda e: ("text",)),
        ),
        _kind(
            "text_grid",
            "rows × columns of text: done when every row has some text",
            {"rows", "columns"},
            lambda e: _cells(e.rows, e.columns, "text"),
            _each_row_any,
        ),
        _kind(
            "score_scale",
            "each item scored on one range: done when every item is scored",
            {"items", "scale"},
            _per_item("score"),
            _all(lambda e: tuple(i.id for i in e.items)),
            _in_scale,
            self_score=True,
        ),
        _kind(
            "score_matrix",
            "rows × columns of scores on one range: done when every cell is scored",
            {"rows", "columns", "scale"},
            lambda e: _cells(e.rows, e.columns, "score"),
            _all(lambda e: tuple(f"{r.id}/{c.id}" for r in e.rows for c in e.columns)),
            _in_scale,
            self_score=True,
        ),
        _kind(
            "checklist",
            "tick the items that hold: done once anything is ticked",
            {"items"},
            _per_item("flag"),
            _any,
        ),
        _kind(
            "choice",
            "pick one of the items: done when one is picked",
            {"items"},
            lambda e: (Field("choice", "text", e.title or "Choice"),),
            _all(lambda e: ("choice",)),
            options=lambda e, f: e.items,
        ),
        _kind(
            "action_plan",
            "per row: action, by when, deliverable, partner: done when every row has an action "
            "(and the fields `complete_with` names)",
            {"rows"},
            _plan,
            _each_plan,
        ),
        _kind(
            "recall_check",
            "write items from memory, reveal, mark each got it / got it wrong / missed: "
            "done when written and every item is marked",
            {"items"},
            lambda e: (
                Field("recall", "text", "From memory"),
                Field("revealed", "flag", "Revealed"),
                *_per_item("text")(e),
            ),
            _all(lambda e: ("recall", "revealed", *(i.id for i in e.items))),
            options=_recall_marks,
        ),
        _kind(
            "document",
            "named sections of text: done when every section has text",
            {"items"},
            _per_item("text"),
            _all(lambda e: tuple(i.id for i in e.items)),
        ),
    )
}


def fields_of(exercise: Exercise) -> tuple[Field, ...]:
    return KINDS[exercise.kind].fields(exercise)


def options_of(exercise: Exercise, field: Field) -> tuple[str, ...]:
    """The ids a field may hold when it is a pick (a choice, a recall mark); () when it is free."""
    options = KINDS[exercise.kind].options
    return () if options is None else tuple(i.id for i in options(exercise, field))


def is_complete(exercise: Exercise, answers: Mapping[str, Value]) -> bool:
    return KINDS[exercise.kind].complete(exercise, answers)


def check_answer(
    exercise: Exercise, key: str, value: Value, fields: Mapping[str, Field] | None = None
) -> Field:
    """The field `key` of `exercise` if `value` fits it (None clears), else an AnswerError.

    `fields`: the exercise's fields by key, when the caller keeps them (a receiver checking
    thousands of events); else they are listed afresh.
    """
    if fields is None:
        fields = {f.key: f for f in fields_of(exercise)}
    field = fields.get(key)
    if field is None:
        raise AnswerError(f"{exercise.id} has no field {key!r}; expected one of its items")
    problem = None if value is None else KINDS[exercise.kind].check(exercise, field, value)
    if problem:
        raise AnswerError(f"{exercise.id} · {field.label}: {problem}")
    return field

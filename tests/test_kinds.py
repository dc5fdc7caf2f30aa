"""The kinds table: every row has a widget, checks its values and says when it is complete."""

from __future__ import annotations

import datetime as dt

import pytest

from workbook.course.kinds import (
    KINDS,
    RECALL_MARKS,
    Field,
    Value,
    ValueType,
    answered,
    check_answer,
    fields_of,
    filled,
    is_complete,
    score_of,
)
from workbook.course.model import Exercise, Item, Scale
from workbook.errors import AnswerError

_ITEMS = (Item("one", "One"), Item("two", "Two"))


def example(kind: str) -> Exercise:
    """The smallest exercise of `kind` content could give: two of everything it needs."""
    needs = KINDS[kind].needs
    return Exercise(
        id="m01.example",
        kind=kind,
        prompt="Answer",
        items=_ITEMS if "items" in needs else (),
        rows=_ITEMS if "rows" in needs else (),
        columns=_ITEMS if "columns" in needs else (),
        scale=Scale(1, 5) if "scale" in needs else None,
    )


def a_value(exercise: Exercise, field: Field) -> Value:
    """A value the exercise's kind accepts for this field."""
    if exercise.kind == "choice":
        return exercise.items[0].id
    if exercise.kind == "recall_check" and field.key not in ("recall", "revealed"):
        return RECALL_MARKS[0].id
    values: dict[ValueType, Value] = {
        "text": "x",
        "score": exercise.scale.max if exercise.scale else None,
        "flag": True,
        "date": dt.date(2026, 12, 1),
    }
    return values[field.type]


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_kind_has_a_widget_with_a_control_per_field(kind: str) -> None:
    from workbook.learner.widgets.view import BUILDERS

    assert kind in BUILDERS, (
        f"{kind} has no widget builder in workbook.learner.widgets.view.BUILDERS"
    )
    exercise = example(kind)
    form = BUILDERS[kind](exercise)
    assert sorted(form.controls) == sorted(f.key for f in fields_of(exercise))


def test_widgets_build_only_kinds_of_the_table() -> None:
    from workbook.learner.widgets.view import BUILDERS

    assert set(BUILDERS) == set(KINDS)


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_kind_accepts_its_values_and_completes_when_all_are_given(kind: str) -> None:
    exercise = example(kind)
    answers = {f.key: a_value(exercise, f) for f in fields_of(exercise)}
    for key, value in answers.items():
        assert check_answer(exercise, key, value).key == key
        assert check_answer(exercise, key, None).key == key  # clearing is always allowed
    assert not is_complete(exercise, {})
    assert is_complete(exercise, answers)
    assert answered(answers) and not answered({})


@pytest.mark.parametrize(
    ("kind", "key", "value", "problem"),
    [
        ("score_scale", "one", 6, "m01.example · One: 6 is outside 1–5"),
        ("score_scale", "one", 0, "0 is outside 1–5"),
        ("score_scale", "one", "3", "a score must be a whole number"),
        ("score_scale", "one", True, "a score must be a whole number"),
        ("score_matrix", "one/two", 9, "m01.example · One · Two: 9 is outside 1–5"),
        ("choice", "choice", "three", "Choice: 'three' is not one of ['one', 'two']"),
        ("choice", "choice", ["one"], "['one'] is not one of ['one', 'two']"),
        ("choice", "choice", {"one": 1}, "{'one': 1} is not one of"),
        ("recall_check", "one", "sure", "m01.example · One: 'sure' is not one of ['got-it',"),
        ("free_text", "answer", "x", "m01.example has no field 'answer'"),
    ],
)
def test_values_a_kind_refuses(kind: str, key: str, value: object, problem: str) -> None:
    with pytest.raises(AnswerError, match=problem.replace("[", r"\[").replace("]", r"\]")):
        check_answer(example(kind), key, value)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("value", "counts"),
    [
        ("", False),
        ("  \n", False),
        ("x", True),
        (False, False),
        (True, True),
        (None, False),
        (0, True),
        (7, True),
        (dt.date(2026, 1, 1), True),
    ],
)
def test_what_counts_as_an_answer(value: Value, counts: bool) -> None:
    assert filled(value) is counts


@pytest.mark.parametrize(
    ("value", "score"), [(3, 3), (0, 0), (True, None), ("3", None), (None, None)]
)
def test_score_of(value: Value, score: int | None) -> None:
    assert score_of(value) == score

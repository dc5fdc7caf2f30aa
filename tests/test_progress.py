"""The completion rule, per kind and per unit, and the course's progress wording."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import pytest

from workbook import load_course, progress
from workbook.course.kinds import Value, is_complete
from workbook.course.model import Chapter

_DAY = dt.date(2026, 12, 1)
_PLAN = ("action", "date", "deliverable", "partner")
_M08_ROWS = ("close-mistake", "install-practice")
_MARKED = {
    d: "got-it"
    for d in (
        "primary-goal",
        "customer-stage",
        "focus",
        "duration",
        "success-measure",
        "main-activities",
        "mindset",
        "communication-style",
    )
}


@pytest.fixture(scope="module")
def chapter() -> Chapter:
    return load_course().chapters[0]


def test_nothing_done(chapter: Chapter) -> None:
    p = progress(chapter, {})
    assert (p.summary, p.detail) == ("0 / 11 · 0%", "0/8 modules · 0/3 homework")


@pytest.mark.parametrize(
    ("exercise_id", "answers", "complete"),
    [
        ("m04.gap", {"text": "  "}, False),
        ("m04.gap", {"text": "x"}, True),
        ("m04.am-view", {"healthy/am-would-say": "x"}, False),
        ("m04.am-view", {"healthy/am-would-say": "x", "broken/am-would-say": "y"}, True),
        ("m03.skills", {"patience": 3}, False),
        ("m07.readiness", {}, False),
        ("m07.readiness", {"setup-complete": False}, False),
        ("m07.readiness", {"setup-complete": True}, True),
        ("m08.mistake", {"choice": "rushed-handover"}, True),
        ("m08.plan", {"close-mistake/action": "x", "install-practice/action": "y"}, False),
        ("m08.plan", {f"{r}/{f}": "x" for r in _M08_ROWS for f in _PLAN if f != "date"}, False),
        (
            "m08.plan",
            {f"{r}/{f}": _DAY if f == "date" else "x" for r in _M08_ROWS for f in _PLAN},
            True,
        ),
        # The course asks homework 3 for a plan, not a date: the action is the plan.
        ("hw3.plan", {"lift-lowest/date": _DAY}, False),
        ("hw3.plan", {"lift-lowest/action": "weekly sync"}, True),
        ("m05.recall", {"recall": "x"}, False),
        ("m05.recall", {"recall": "x", "revealed": True}, False),
        ("m05.recall", {"recall": "x", "revealed": True, **_MARKED, "mindset": None}, False),
        ("m05.recall", {"recall": "x", "revealed": True, **_MARKED}, True),
        ("hw2.standard", {"from-sales": "a", "readiness": "b", "transition-meeting": "c"}, False),
    ],
)
def test_completion_rule(
    chapter: Chapter, exercise_id: str, answers: dict[str, Any], complete: bool
) -> None:
    assert is_complete(chapter.exercise(exercise_id), answers) is complete


def test_a_module_is_done_when_its_required_exercises_are(chapter: Chapter) -> None:
    skills = {i.id: 5 for i in chapter.exercise("m03.skills").items}
    actions = {"lowest-1/action": "a", "lowest-2/action": "b"}
    plan: dict[str, Value] = {
        f"{r}/{f}": _DAY if f == "date" else "do" for r in _M08_ROWS for f in _PLAN
    }
    answers: dict[str, Mapping[str, Value]] = {
        "m03.skills": skills,
        "m03.skill-actions": actions,
        "m08.mistake": {"choice": "rushed-handover"},
        "m08.practice": {"choice": "sops"},
        "m08.plan": plan,
        "hw2.standard": {
            k: "x" for k in ("from-sales", "readiness", "transition-meeting", "first-ninety-days")
        },
        "m01.friction": {"choice": "sales"},  # optional: does not finish module 1
    }
    p = progress(chapter, answers)
    assert (p.summary, p.detail) == ("3 / 11 · 27%", "2/8 modules · 1/3 homework")
    assert [u.unit.id for u in p.units if u.done] == ["m03", "m08", "hw2"]

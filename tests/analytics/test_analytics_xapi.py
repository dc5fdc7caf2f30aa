"""xAPI statements, validated by an independent model (ralph's pydantic xAPI statements)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from ralph.models.xapi.base.statements import BaseXapiStatement

from workbook.analytics import answers, completion
from workbook.analytics.xapi import CMI5_PROGRESS, VERBS, statements, write_statements
from workbook.course.content import load_course

CHAPTER = load_course().chapters[0]


@pytest.fixture(scope="module")
def written(demo_store: Path, tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, object]]:
    path = tmp_path_factory.mktemp("xapi") / "statements.jsonl"
    frame = answers(demo_store, salt="pepper", event_ids=True)
    count = write_statements(statements(frame, CHAPTER), path)
    lines = path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == count > 0
    return [json.loads(line) for line in lines]


def test_every_statement_is_valid_xapi(written: list[dict[str, object]]) -> None:
    for item in written:
        BaseXapiStatement.model_validate(item)
    ids = [s["id"] for s in written]
    assert len(set(ids)) == len(ids)


def test_self_scores_are_rated_with_raw_min_max_scaled(
    demo_store: Path, written: list[dict[str, object]]
) -> None:
    rated = [s for s in written if s["verb"]["id"] == VERBS["rated"]]  # type: ignore[index]
    frame = answers(demo_store, value_types=["score"], salt="pepper")
    assert len(rated) == len(frame)
    for s in rated[:200]:
        score = s["result"]["score"]  # type: ignore[index]
        assert score["min"] <= score["raw"] <= score["max"]
        assert score["scaled"] == round(
            (score["raw"] - score["min"]) / (score["max"] - score["min"]), 4
        )
    audit = [s for s in rated if "/m06.audit/" in s["object"]["id"]]  # type: ignore[index]
    assert {s["result"]["score"]["max"] for s in audit} == {5}  # type: ignore[index]
    assert not any(s["actor"]["account"]["name"].startswith("learner-") for s in rated)  # type: ignore[index]


def test_units_completed_or_progressed_with_cmi5_progress(
    demo_store: Path, written: list[dict[str, object]]
) -> None:
    units = [s for s in written if s["verb"]["id"] != VERBS["rated"]]  # type: ignore[index]
    completed = [s for s in units if s["verb"]["id"] == VERBS["completed"]]  # type: ignore[index]
    expected = completion(answers(demo_store), CHAPTER, min_group=1)["completed"].sum()
    assert len(completed) == expected
    for s in units:
        progress = s["result"]["extensions"][CMI5_PROGRESS]  # type: ignore[index]
        assert isinstance(progress, int) and 0 <= progress <= 100
        assert s["result"]["completion"] == (progress == 100)  # type: ignore[index]
    assert any(s["verb"]["id"] == VERBS["progressed"] for s in units)  # type: ignore[index]


def test_exporting_twice_gives_the_same_ids(demo_store: Path) -> None:
    frame = answers(demo_store, event_ids=True)
    first = [s["id"] for s in statements(frame, CHAPTER)]
    assert first == [s["id"] for s in statements(frame, CHAPTER)]
    salted = answers(demo_store, event_ids=True, salt="another salt")
    assert sorted(first) == sorted(s["id"] for s in statements(salted, CHAPTER))  # not salted
    with pytest.raises(ValueError, match="event_ids=True"):
        next(statements(answers(demo_store), CHAPTER))


def test_the_model_does_reject_a_broken_statement(written: list[dict[str, object]]) -> None:
    rated = next(s for s in written if s["verb"]["id"] == VERBS["rated"])  # type: ignore[index]
    broken = json.loads(json.dumps(rated))
    broken["result"]["score"]["raw"] = broken["result"]["score"]["max"] + 1
    with pytest.raises(ValueError, match="raw cannot be greater than max"):
        BaseXapiStatement.model_validate(broken)

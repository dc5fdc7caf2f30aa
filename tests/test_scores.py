"""Lowest-scored items: what the derived prompts name."""

from __future__ import annotations

import pytest

from workbook import load_course
from workbook.course.model import Chapter
from workbook.course.scores import item_scores, lowest


@pytest.fixture(scope="module")
def chapter() -> Chapter:
    return load_course().chapters[0]


AREAS = (
    "shared-customer-information",
    "internal-communication",
    "unified-messaging",
    "escalation-management",
    "relationship-continuity",
)


def test_two_lowest_skills_ties_keep_course_order(chapter: Chapter) -> None:
    skills = chapter.exercise("m03.skills")
    answers = {i.id: 5 for i in skills.items} | {"training-ability": 2, "attention-to-detail": 2}
    found = lowest(skills, answers, 2)
    assert found is not None
    assert [i.label for i in found] == ["Training ability", "Attention to detail"]


def test_no_verdict_until_every_skill_is_scored(chapter: Chapter) -> None:
    skills = chapter.exercise("m03.skills")
    assert lowest(skills, {"patience": 1}, 2) is None


def test_lowest_area_is_averaged_over_the_three_handovers(chapter: Chapter) -> None:
    audit = chapter.exercise("m06.audit")
    answers = {f"handover-{h}/{a}": 3 for h in (1, 2, 3) for a in AREAS}
    answers["handover-1/unified-messaging"] = 1  # mean 2.33
    answers["handover-2/escalation-management"] = 2  # mean 2.67
    found = lowest(audit, answers, 1)
    assert found is not None and [i.label for i in found] == ["Unified Messaging"]
    means = dict((i.id, round(m, 2)) for i, m in item_scores(audit, answers))
    assert means["unified-messaging"] == 2.33


def test_a_partial_audit_names_no_area(chapter: Chapter) -> None:
    audit = chapter.exercise("m06.audit")
    only_first = {f"handover-1/{a}": 2 for a in AREAS}
    assert lowest(audit, only_first, 1) is None

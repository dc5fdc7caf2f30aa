"""Content loading: the real course loads exactly, and every broken fixture fails where it should.

Each file in fixtures/broken/ is a module 3 with one thing wrong; its first line says the error
expected (file:line: field: message start) when it replaces module 3 in a copy of the course.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from workbook import ContentError, load_course
from workbook.course.model import Chapter
from workbook.paths import content_root

BROKEN = sorted((Path(__file__).parent / "fixtures" / "broken").glob("*.yaml"))


@pytest.fixture(scope="module")
def chapter() -> Chapter:
    return load_course().chapters[0]


def _names(chapter: Chapter, list_id: str) -> list[str]:
    named = next(n for u in chapter.units for n in u.lists if n.id == list_id)
    return [i.label for i in named.items]


def test_chapter_shape(chapter: Chapter) -> None:
    assert len(chapter.modules) == 8
    assert len(chapter.homework) == 3
    assert [c.title for c in chapter.categories] == [
        "The Journey Frame",
        "Know Your Role",
        "The Difference",
        "The Coordination Discipline",
        "The Handover Playbook",
        "The Operating Discipline",
    ]
    assert [m.minutes for m in chapter.modules] == [13, 11, 16, 14, 10, 13, 17, 14]
    assert [len(chapter.modules_in(c.id)) for c in chapter.categories] == [2, 2, 1, 1, 1, 1]


@pytest.mark.parametrize(
    ("list_id", "expected"),
    [
        (
            "journey-stages",
            [
                "Marketing",
                "Sales",
                "Onboarding",
                "Account Management",
                "Customer Support and Success",
            ],
        ),
        (
            "onboarding-responsibilities",
            [
                "Customer Welcome",
                "Kick-Off Meetings",
                "System Setup and Configuration",
                "Training and Education",
                "Adoption Support",
                "Project Coordination",
                "Building Initial Trust",
            ],
        ),
        (
            "onboarding-skills",
            [
                "Patience",
                "Communication skills",
                "Training ability",
                "Technical understanding",
                "Problem-solving skills",
                "Organisational skills",
                "Customer empathy",
                "Attention to detail",
            ],
        ),
        (
            "am-responsibilities",
            [
                "Relationship Management",
                "Customer Retention",
                "Business Reviews",
                "Growth Opportunities",
                "Strategic Planning",
                "Contract and Renewal Management",
            ],
        ),
        (
            "am-skills",
            [
                "Relationship-building ability",
                "Strategic thinking",
                "Negotiation skills",
                "Commercial awareness",
                "Emotional intelligence",
                "Business development capability",
                "Communication and leadership skills",
            ],
        ),
        (
            "dimensions",
            [
                "Primary Goal",
                "Customer Stage",
                "Focus",
                "Duration",
                "Success Measure",
                "Main Activities",
                "Mindset",
                "Communication Style",
            ],
        ),
        (
            "coordination-areas",
            [
                "Shared Customer Information",
                "Internal Communication",
                "Unified Messaging",
                "Escalation Management",
                "Relationship Continuity",
            ],
        ),
        (
            "handover-stages",
            [
                "Sales to Onboarding Handover",
                "Onboarding Process Begins",
                "Readiness Assessment",
                "Joint Transition Meeting",
                "Official Handover",
            ],
        ),
        (
            "readiness-conditions",
            [
                "Has the customer successfully completed setup?",
                "Has the customer started actively using the service?",
                "Has the customer achieved their initial milestones?",
                "Has the customer received the necessary training?",
                "Does the customer understand the processes they need to operate?",
                "Has the customer gained confidence in the solution and the company?",
            ],
        ),
        (
            "common-mistakes",
            [
                "No Clear Ownership",
                "Poor Internal Notes",
                "Rushed Handover",
                "Lack of Relationship Introduction",
                "Overpromising During Sales",
                "No Success Metrics",
            ],
        ),
        (
            "best-practices",
            [
                "Create Standard Operating Procedures (SOPs)",
                "Use Shared CRM Systems",
                "Conduct Internal Alignment Meetings",
                "Define Success Metrics",
                "Build a Customer-Centric Culture",
            ],
        ),
        (
            "onboarding-kpis",
            ["Time to activation", "Completion rate", "Adoption rate", "Customer readiness score"],
        ),
        (
            "account-management-kpis",
            ["Retention rate", "Customer satisfaction", "Revenue growth", "Renewal rate"],
        ),
    ],
)
def test_named_items_are_exact(chapter: Chapter, list_id: str, expected: list[str]) -> None:
    assert _names(chapter, list_id) == expected


def test_named_items_appear_verbatim_in_the_source(chapter: Chapter) -> None:
    # A copy of the training platform's text, so this runs wherever the tests do.
    text = (Path(__file__).parent / "fixtures" / "chapter-01-source.txt").read_text(
        encoding="utf-8"
    )
    for unit in chapter.units:
        for named in unit.lists:
            for item in named.items:
                assert item.label in text, (named.id, item.label)
                for side in item.sides:
                    assert side.text in text, (named.id, item.label, side.text)
    for unit in chapter.modules:
        assert f"Module {unit.number} · ~{unit.minutes} min\n\n{unit.title}\n" in text
    for unit in chapter.homework:
        assert f"\n{unit.title}\n" in text


def test_dimensions_have_both_sides(chapter: Chapter) -> None:
    named = next(n for u in chapter.units for n in u.lists if n.id == "dimensions")
    primary = named.items[0]
    assert [(s.label, s.text) for s in primary.sides] == [
        ("Onboarding", "Successful implementation"),
        ("Account Management", "Long-term relationship growth"),
    ]
    assert all(len(i.sides) == 2 for i in named.items)


def test_readiness_list_keeps_intro_and_outro_out_of_the_items(chapter: Chapter) -> None:
    named = next(n for u in chapter.units for n in u.lists if n.id == "readiness-conditions")
    assert len(named.items) == 6
    assert named.intro.startswith("Before handover")
    assert named.outro.startswith("Only when ALL six conditions")


def test_coordination_audit_anchors(chapter: Chapter) -> None:
    audit = chapter.exercise("m06.audit")
    assert audit.scale is not None
    assert (audit.scale.min, audit.scale.max) == (1, 5)
    assert dict(audit.scale.anchors) == {1: "failed", 5: "invisible to the customer"}
    assert [r.label for r in audit.rows] == ["Handover 1", "Handover 2", "Handover 3"]
    assert len(audit.columns) == 5


def test_only_the_course_prompts_are_required(chapter: Chapter) -> None:
    # Aids we add (pause-and-reflect picks, the readiness checklist) never hold progress back.
    optional = {e.id for u in chapter.units for e in u.exercises if not e.required}
    assert optional == {
        "m01.friction",
        "m01.opportunity",
        "m04.gap",
        "m06.last-handover",
        "m07.readiness",
    }


def test_action_plans_ask_what_the_course_asks(chapter: Chapter) -> None:
    # Module 8 asks for "a date, a deliverable, and an accountability partner"; homework 3 does not.
    assert chapter.exercise("m08.plan").complete_with == (
        "action",
        "date",
        "deliverable",
        "partner",
    )
    assert chapter.exercise("hw3.plan").complete_with == ()


def test_kpis_are_two_unranked_groups_of_four(chapter: Chapter) -> None:
    groups = [n for n in chapter.unit("m08").lists if n.id.endswith("kpis")]
    assert [(n.title, len(n.items), n.numbered) for n in groups] == [
        ("Onboarding KPIs", 4, False),
        ("Account Management KPIs", 4, False),
    ]


def test_exercise_ids_are_unique_and_stable(chapter: Chapter) -> None:
    ids = [e.id for u in chapter.units for e in u.exercises]
    assert len(ids) == len(set(ids))
    assert {"m03.skills", "m06.audit", "m07.readiness", "hw2.standard", "hw3.audit"} <= set(ids)


@pytest.fixture
def course_copy(tmp_path: Path) -> Path:
    root = tmp_path / "content"
    shutil.copytree(content_root(), root)
    return root


@pytest.mark.parametrize("fixture", BROKEN, ids=[p.stem for p in BROKEN])
def test_broken_content_names_file_line_and_field(fixture: Path, course_copy: Path) -> None:
    expected = fixture.read_text(encoding="utf-8").splitlines()[0].removeprefix("# expect: ")
    shutil.copy(fixture, course_copy / "chapter-01" / "modules" / "03-onboarding-team.yaml")
    with pytest.raises(ContentError) as caught:
        load_course(course_copy)
    assert str(caught.value).startswith(expected)


def test_duplicate_unit_id_across_files(course_copy: Path) -> None:
    modules = course_copy / "chapter-01" / "modules"
    text = (modules / "02-sales-to-onboarding.yaml").read_text(encoding="utf-8")
    (modules / "02-sales-to-onboarding.yaml").write_text(
        text.replace("id: m02\n", "id: m03\n", 1).replace("m02.", "m03.x"), encoding="utf-8"
    )
    with pytest.raises(ContentError, match="duplicate module/homework id 'm03'"):
        load_course(course_copy)


def test_a_new_module_is_a_new_file(course_copy: Path) -> None:
    modules = course_copy / "chapter-01" / "modules"
    text = (modules / "05-core-differences.yaml").read_text(encoding="utf-8")
    new = (
        text.replace("id: m05", "id: m09").replace("number: 5", "number: 9").replace("m05.", "m09.")
    )
    new = new.replace("id: dimensions", "id: dimensions-again").replace(
        "items: dimensions", "items: dimensions-again"
    )
    (modules / "09-new.yaml").write_text(new, encoding="utf-8")
    chapter = load_course(course_copy).chapters[0]
    assert [m.number for m in chapter.modules][-1] == 9
    assert chapter.exercise("m09.recall").kind == "recall_check"

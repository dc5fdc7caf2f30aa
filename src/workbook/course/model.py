"""The course as frozen value objects: what content/ loads into and everything else reads."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

__all__ = [
    "Block",
    "Callout",
    "CalloutKind",
    "Category",
    "Chapter",
    "Course",
    "Derive",
    "Exercise",
    "Item",
    "NamedList",
    "Prose",
    "Scale",
    "Side",
    "Unit",
]

CalloutKind = Literal["insight", "mistake", "pause", "principle", "quote"]


@dataclass(frozen=True)
class Side:
    """One side of a two-sided item (a dimension: what Onboarding does, what AM does)."""

    label: str
    text: str


@dataclass(frozen=True)
class Item:
    """A named item of the course (a stage, a skill, a condition) or an option of an exercise."""

    id: str
    label: str
    detail: str = ""
    sides: tuple[Side, ...] = ()


@dataclass(frozen=True)
class NamedList:
    """A numbered list the course names ("The Eight Skills…"); exercises may reuse its items."""

    id: str
    title: str
    items: tuple[Item, ...]
    intro: str = ""
    outro: str = ""
    numbered: bool = True  # False where order means nothing (the KPIs), so no rank is implied


@dataclass(frozen=True)
class Prose:
    body: str
    title: str = ""


@dataclass(frozen=True)
class Callout:
    kind: CalloutKind
    title: str
    body: str


@dataclass(frozen=True)
class Scale:
    """An inclusive integer range with labels for some points (1 = failed …)."""

    min: int
    max: int
    anchors: tuple[tuple[int, str], ...] = ()

    def points(self) -> range:
        return range(self.min, self.max + 1)


@dataclass(frozen=True)
class Derive:
    """A prompt computed from another exercise: "<label>: X and Y", its `count` lowest items."""

    lowest_of: str
    count: int
    label: str  # what the named items are, e.g. "Your two lowest skills"
    group_label: str  # the same for a group's means (cohort charts), e.g. "The two lowest skills"


@dataclass(frozen=True)
class Exercise:
    """One thing a learner answers. Which attributes a kind needs is in :mod:`workbook.course.kinds`."""

    id: str
    kind: str
    prompt: str
    title: str = ""
    items: tuple[Item, ...] = ()
    rows: tuple[Item, ...] = ()
    columns: tuple[Item, ...] = ()
    scale: Scale | None = None
    derive: Derive | None = None
    snapshots: bool = False
    # The snapshot a learner scores first: First day, or Last day for a self-score met only at
    # the end of the chapter (homework 3's audit), so it is not asked as "First day" there.
    first_snapshot: str = "first-day"
    required: bool = True
    placeholder: str = ""
    start_from: str = ""  # an exercise of the same shape whose answers the learner may copy in
    complete_with: tuple[str, ...] = ()  # an action plan's fields every row needs; else its action


Block = Prose | NamedList | Callout | Exercise


@dataclass(frozen=True)
class Category:
    id: str
    title: str


@dataclass(frozen=True)
class Unit:
    """A module or a homework assignment: one notebook, one step of progress."""

    id: str
    number: int
    title: str
    blocks: tuple[Block, ...]
    category: str = ""
    minutes: int = 0
    promise: str = ""
    intro: str = ""
    takeaways: tuple[str, ...] = ()
    reflection: tuple[Exercise, ...] = ()
    walk_away: str = ""
    homework: bool = False
    source: str = field(default="", compare=False)

    @property
    def label(self) -> str:
        return f"Homework {self.number}" if self.homework else f"Module {self.number}"

    @property
    def exercises(self) -> tuple[Exercise, ...]:
        inline = tuple(b for b in self.blocks if isinstance(b, Exercise))
        return inline + self.reflection

    @property
    def lists(self) -> tuple[NamedList, ...]:
        return tuple(b for b in self.blocks if isinstance(b, NamedList))

    def exercise(self, exercise_id: str) -> Exercise:
        for exercise in self.exercises:
            if exercise.id == exercise_id:
                return exercise
        raise KeyError(exercise_id)


@dataclass(frozen=True)
class Chapter:
    number: int
    title: str
    summary: str
    topics: tuple[str, ...]
    categories: tuple[Category, ...]
    modules: tuple[Unit, ...]
    homework: tuple[Unit, ...]
    homework_intro: str = ""

    @property
    def units(self) -> tuple[Unit, ...]:
        return self.modules + self.homework

    def unit(self, unit_id: str) -> Unit:
        for unit in self.units:
            if unit.id == unit_id:
                return unit
        raise KeyError(unit_id)

    def exercise(self, exercise_id: str) -> Exercise:
        return self.unit_of(exercise_id).exercise(exercise_id)

    def unit_of(self, exercise_id: str) -> Unit:
        for unit in self.units:
            if any(e.id == exercise_id for e in unit.exercises):
                return unit
        raise KeyError(exercise_id)

    def modules_in(self, category_id: str) -> tuple[Unit, ...]:
        return tuple(m for m in self.modules if m.category == category_id)


@dataclass(frozen=True)
class Course:
    """The whole course. Unit and exercise ids are unique across its chapters (content checks)."""

    title: str
    version: str
    chapters: tuple[Chapter, ...]

    def chapter_of(self, unit_id: str) -> Chapter:
        for chapter in self.chapters:
            if any(u.id == unit_id for u in chapter.units):
                return chapter
        raise KeyError(unit_id)

    def unit(self, unit_id: str) -> Unit:
        return self.chapter_of(unit_id).unit(unit_id)

    def exercise(self, exercise_id: str) -> Exercise:
        return self.unit_of(exercise_id).exercise(exercise_id)

    def find(self, exercise_id: str) -> Exercise | None:
        """The exercise, or None for an id this course does not have (an older course's)."""
        try:
            return self.exercise(exercise_id)
        except KeyError:
            return None

    def unit_of(self, exercise_id: str) -> Unit:
        for chapter in self.chapters:
            for unit in chapter.units:
                if any(e.id == exercise_id for e in unit.exercises):
                    return unit
        raise KeyError(exercise_id)

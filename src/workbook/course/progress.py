"""Progress through a chapter: which modules and homework are done, as the course shows it.

The rule: a module or homework is done when every one of its required exercises is complete
(each kind's completion rule is in :mod:`workbook.course.kinds`; for self-scores, any snapshot counts).
Optional exercises (pause-and-reflect) never hold progress back.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from .kinds import Value, is_complete
from .model import Chapter, Unit

__all__ = ["Progress", "UnitProgress", "progress", "unit_progress"]


@dataclass(frozen=True)
class UnitProgress:
    unit: Unit
    complete: int
    required: int

    @property
    def done(self) -> bool:
        return self.complete == self.required


@dataclass(frozen=True)
class Progress:
    units: tuple[UnitProgress, ...]

    @property
    def done(self) -> int:
        return sum(u.done for u in self.units)

    @property
    def total(self) -> int:
        return len(self.units)

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0

    def _count(self, homework: bool) -> tuple[int, int]:
        group = [u for u in self.units if u.unit.homework == homework]
        return sum(u.done for u in group), len(group)

    @property
    def summary(self) -> str:
        """`3 / 11 · 27%`, as the course page shows it."""
        return f"{self.done} / {self.total} · {self.percent}%"

    @property
    def detail(self) -> str:
        """`2/8 modules · 1/3 homework`."""
        (m, mt), (h, ht) = self._count(False), self._count(True)
        return f"{m}/{mt} modules · {h}/{ht} homework"


def unit_progress(unit: Unit, answers: Mapping[str, Mapping[str, Value]]) -> UnitProgress:
    required = [e for e in unit.exercises if e.required]
    complete = sum(is_complete(e, answers.get(e.id, {})) for e in required)
    return UnitProgress(unit, complete, len(required))


def progress(chapter: Chapter, answers: Mapping[str, Mapping[str, Value]]) -> Progress:
    """`answers`: exercise id → field → value (snapshots merged, latest winning)."""
    return Progress(tuple(unit_progress(u, answers) for u in chapter.units))

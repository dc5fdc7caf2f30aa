"""`workbook cohort scores|change` in plain Python: the analysts' figures without pandas.

The figures are those of :mod:`workbook.analytics.aggregates` (``summarise`` of
``skill_scores``, ``cohort_change`` of ``change``), row for row and in the same order, so the
commands answer without importing pandas; tests/hub/test_hub_figures.py holds the two equal on
a realistic cohort. :func:`as_text` prints a table as ``DataFrame.to_string`` did.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ..course.kinds import KINDS
from ..course.model import Chapter
from ..inert import for_terminal
from ..store import Event
from ..store.sharing import SHARE_FIELD

__all__ = ["Figures", "as_text", "change_figures", "score_figures"]

# The summary's figures after its group columns, as analytics.aggregates.SUMMARY.
SUMMARY = ("learners", "mean", "median", "std", "min", "max")
Cell = str | int | float


@dataclass(frozen=True)
class Figures:
    """A summary table: its columns (group keys, then SUMMARY) and its rows."""

    columns: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]


def _latest_scores(events: Iterable[Event]) -> list[tuple[Event, int]]:
    """Each learner × exercise × field × snapshot's current answer where it is a whole score
    (the tidy frame's rule: last by saved_at then event_id; cleared answers dropped)."""
    current: dict[tuple[str, str, str, str, str], Event] = {}
    for e in events:
        if e.field == SHARE_FIELD:
            continue
        key = (e.cohort, e.learner, e.exercise_id, e.field, e.snapshot)
        held = current.get(key)
        if held is None or (e.saved_at, e.event_id) >= (held.saved_at, held.event_id):
            current[key] = e
    return [
        (e, e.value)
        for e in current.values()
        if isinstance(e.value, int) and not isinstance(e.value, bool)
    ]


def _skill_map(chapter: Chapter) -> dict[tuple[str, str], tuple[str, str]]:
    """(exercise, item) → (skill, label): a scale's item, or a matrix's column."""
    out: dict[tuple[str, str], tuple[str, str]] = {}
    for unit in chapter.units:
        for ex in unit.exercises:
            if not KINDS[ex.kind].self_score:
                continue
            if ex.kind == "score_scale":
                out.update({(ex.id, i.id): (i.id, i.label) for i in ex.items})
            else:
                out.update(
                    {
                        (ex.id, f"{r.id}/{c.id}"): (c.id, c.label)
                        for r in ex.rows
                        for c in ex.columns
                    }
                )
    return out


def _skill_scores(events: Iterable[Event], chapter: Chapter) -> dict[tuple[str, ...], float]:
    """(cohort, learner, exercise, snapshot, skill, label) → the learner's score (rows averaged)."""
    skills = _skill_map(chapter)
    scored: dict[tuple[str, ...], list[int]] = {}
    for e, score in _latest_scores(events):
        skill = skills.get((e.exercise_id, e.field))
        if skill is not None:
            key = (e.cohort, e.learner, e.exercise_id, e.snapshot, *skill)
            scored.setdefault(key, []).append(score)
    return {k: statistics.fmean(v) for k, v in scored.items()}


def _summarise(
    values: Iterable[tuple[tuple[str, ...], str, float]], columns: Sequence[str], min_group: int
) -> Figures:
    """Per group (sorted): learners, mean, median, sample std (NaN for one value), min, max;
    groups of fewer than `min_group` learners left out."""
    groups: dict[tuple[str, ...], tuple[set[str], list[float]]] = {}
    for group, learner, value in values:
        learners, got = groups.setdefault(group, (set(), []))
        learners.add(learner)
        got.append(value)
    rows: list[tuple[Cell, ...]] = []
    for group, (learners, got) in sorted(groups.items()):
        if len(learners) >= min_group:
            spread = statistics.stdev(got) if len(got) > 1 else math.nan  # pandas' ddof=1
            middle = float(statistics.median(got))
            rows.append((*group, len(learners), statistics.fmean(got), middle, spread,
                         min(got), max(got)))  # fmt: skip
    return Figures((*columns, *SUMMARY), tuple(rows))


def score_figures(events: Iterable[Event], chapter: Chapter, min_group: int) -> Figures:
    """Per skill or coordination area and snapshot: ``CohortView.scores`` without pandas."""
    skills = _skill_scores(events, chapter)
    by = (((c, ex, label, snap), lr, s) for (c, lr, ex, snap, _, label), s in skills.items())
    return _summarise(by, ("cohort", "exercise", "label", "snapshot"), min_group)


def change_figures(
    events: Iterable[Event],
    chapter: Chapter,
    min_group: int,
    *,
    before: str = "first-day",
    after: str = "last-day",
) -> Figures:
    """First day → last day per skill, learners with both: ``CohortView.change`` without pandas."""
    skills = _skill_scores(events, chapter)
    by = []
    for (c, lr, ex, snap, skill, label), first in skills.items():
        last = skills.get((c, lr, ex, after, skill, label))
        if snap == before and last is not None:
            by.append(((c, ex, skill, label), lr, last - first))
    return _summarise(by, ("cohort", "exercise", "skill", "label"), min_group)


def _floats(values: Sequence[float]) -> list[str]:
    """pandas' fixed-point column: 6 decimals with the zeros every value ends in trimmed (one
    kept), a space where the sign would be, NaN as such. A mean's rounding noise (-1e-17) shows
    as 0, not "-0.000000": ``+ 0.0`` turns the -0.0 that round() leaves into 0.0."""
    shown = [None if math.isnan(v) else f"{round(v, 6) + 0.0: .6f}" for v in values]
    numbers = [s for s in shown if s is not None]
    while numbers and all(s.endswith("0") and not s.endswith(".0") for s in numbers):
        numbers = [s[:-1] for s in numbers]
    it = iter(numbers)
    return ["NaN" if s is None else next(it) for s in shown]


def as_text(figures: Figures) -> str:
    """The table as ``DataFrame.to_string`` printed it: a row number, then each column right
    aligned (a number column's header with a space before it, as pandas pads numbers);
    learner-facing text without control characters."""
    columns: list[list[str]] = []
    for n, name in enumerate(figures.columns):
        cells = [row[n] for row in figures.rows]
        if any(isinstance(c, float) for c in cells):
            shown = _floats([float(c) for c in cells])
        else:
            shown = [f" {for_terminal(c)}" for c in cells]
        header = name if all(isinstance(c, str) for c in cells) else f" {name}"  # numbers'
        width = max(len(header), *map(len, shown))
        columns.append([header.rjust(width), *(s.rjust(width) for s in shown)])
    index = ["", *map(str, range(len(figures.rows)))]
    wide = max(map(len, index))
    lines = zip(*([i.ljust(wide) for i in index], *columns), strict=True)
    return "\n".join(" ".join(line) for line in lines)

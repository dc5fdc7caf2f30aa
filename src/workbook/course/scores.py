"""Computations on self-scores that prompts, progress and charts share."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from .kinds import Value, fields_of, score_of
from .model import Exercise, Item

__all__ = ["item_scores", "lowest", "ranked"]


def item_scores(exercise: Exercise, answers: Mapping[str, Value]) -> list[tuple[Item, float]]:
    """One score per scored item: a scale's items, or a matrix's columns averaged over its rows."""
    if exercise.kind == "score_scale":
        pairs = [(i, score_of(answers.get(i.id))) for i in exercise.items]
        return [(i, float(s)) for i, s in pairs if s is not None]
    out: list[tuple[Item, float]] = []
    for col in exercise.columns:
        scored = [score_of(answers.get(f"{row.id}/{col.id}")) for row in exercise.rows]
        values = [s for s in scored if s is not None]
        if values:
            out.append((col, sum(values) / len(values)))  # as statistics.mean: exact, rounded once
    return out


def lowest(exercise: Exercise, answers: Mapping[str, Value], count: int) -> list[Item] | None:
    """The `count` lowest-scored items (ties keep course order), or None until every cell is scored."""
    if any(score_of(answers.get(f.key)) is None for f in fields_of(exercise)):
        return None  # "across the three handovers" means all of them: no verdict on a partial audit
    return [item for item, _ in ranked(exercise, item_scores(exercise, answers))[:count]]


def ranked(exercise: Exercise, scores: Sequence[tuple[Item, float]]) -> list[tuple[Item, float]]:
    """Lowest score first; ties keep course order (prompts and charts name the same items)."""
    order = {item.id: n for n, item in enumerate(exercise.items or exercise.columns)}
    return sorted(scores, key=lambda pair: (pair[1], order[pair[0].id]))

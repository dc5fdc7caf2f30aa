"""One call from stores to tidy data: the latest answers or the full history, on any engine."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from ..course.model import Chapter
from .aggregates import MIN_GROUP, skill_map, summarise
from .engines import Query, SkillQuestion, read_rows
from .engines import skill_summary as _skill_summary
from .frame import tidy
from .sources import Source, scan

__all__ = ["SKILL_GROUPS", "VALUE_TYPES", "answers", "score_summary", "scores", "skill_summary"]

VALUE_TYPES = ("text", "score", "flag", "date")
SKILL_GROUPS = ("cohort", "exercise", "skill", "label", "snapshot")


def answers(
    sources: Source | Sequence[Source],
    *,
    history: bool = False,
    engine: str = "pandas",
    value_types: Sequence[str] = VALUE_TYPES,
    salt: str | None = None,
    event_ids: bool = False,
) -> pd.DataFrame:
    """The tidy answers frame of every learner in `sources` (stores, folders, globs, URLs).

    Latest answers (one row per cohort × learner × exercise × item × snapshot, by the store's
    current-answer rule, cleared answers left out) or, with `history`, every event oldest first.
    With `salt`, learner ids are replaced by salted hashes (the same learner gets the same
    pseudonym across stores and calls with the same salt; `installation_salt()` is this
    installation's). With `event_ids`, an ``event_id`` column too. Unreadable files are skipped
    with an AnalyticsWarning naming them.
    """
    kinds = tuple(value_types)
    unknown = set(kinds) - set(VALUE_TYPES)
    if unknown or not kinds:
        raise ValueError(f"value_types must be some of {', '.join(VALUE_TYPES)}")
    if salt is not None and not salt:
        raise ValueError("salt must not be empty: pick a secret string and keep it")
    query = Query(latest=not history, value_types=kinds)
    rows = read_rows(scan(sources), query, engine)
    return tidy(rows, history=history, value_types=kinds, salt=salt, event_ids=event_ids)


def scores(
    sources: Source | Sequence[Source],
    *,
    history: bool = False,
    engine: str = "pandas",
    salt: str | None = None,
) -> pd.DataFrame:
    """The tidy frame of self-scores only (`value` is an int)."""
    return answers(sources, history=history, engine=engine, value_types=("score",), salt=salt)


def score_summary(
    sources: Source | Sequence[Source],
    *,
    engine: str = "pandas",
    min_group: int = MIN_GROUP,
) -> pd.DataFrame:
    """One row per cohort × exercise × item × snapshot: learners, mean, median, std, min, max.

    Of each learner's current score; groups of fewer than `min_group` learners are left out.
    """
    return summarise(scores(sources, engine=engine), min_group=min_group)


def skill_summary(
    sources: Source | Sequence[Source],
    chapter: Chapter,
    *,
    by: Sequence[str] = SKILL_GROUPS,
    engine: str = "pandas",
    min_group: int = MIN_GROUP,
) -> pd.DataFrame:
    """Per skill or coordination area, per group of `by`: learners, mean, median, std, min, max.

    Of each learner's current self-scores, a matrix's rows averaged per learner first: the same
    as ``summarise(skill_scores(scores(sources), chapter), by, value="score")``, answered inside
    DuckDB on the duckdb engine (no frame of every score is built).
    """
    keys = tuple(by)
    allowed = ("cohort", "learner", *SKILL_GROUPS)
    if not keys or set(keys) - set(allowed):
        raise ValueError(f"group by some of {', '.join(allowed)}")
    question = SkillQuestion(skill_map(chapter), keys, min_group)
    return _skill_summary(scan(sources), question, engine)

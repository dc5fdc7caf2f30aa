"""What a facilitator runs a room from, as data: who is where, the scores, what was shared.

:func:`room` turns a cohort's redacted events (:class:`workbook.hub.facilitator.CohortView`)
and the learners the hub expects (its ``cohort-…`` group) into a :class:`Room`: one row per
learner, laggards first; per unit how many are done; per self-score each skill's distribution
on the first and the last day; shared reflections grouped by prompt, newest first. Score
figures exist only for snapshots at least `min_group` learners completed. Templates in
``hub/templates`` lay it out (the live view, projector mode, the report).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pandas as pd

from ..analytics.aggregates import unit_progress_frame
from ..charts.data import taken
from ..kinds import KINDS, fields_of
from ..model import Chapter, Exercise
from ..snapshots import FIRST, LAST, ordered, snapshot_label
from .facilitator import CohortView
from .sharing import PRIVATE

__all__ = ["STUCK_MINUTES", "Learner", "Prompt", "Room", "Scores", "Skill", "Unit", "room"]

STUCK_MINUTES = 10  # started a unit, not done, no save for this long: worth a look
DONE, STARTED, NOT_STARTED = "done", "started", ""


@dataclass(frozen=True)
class Learner:
    name: str
    states: tuple[str, ...]  # per unit, course order: "done", "started" or ""
    last_saved: dt.datetime | None
    stuck_in: str  # the unit label a stuck learner last worked on, else ""

    @property
    def done(self) -> int:
        return self.states.count(DONE)

    @property
    def not_started(self) -> bool:
        return not any(self.states)


@dataclass(frozen=True)
class Unit:
    label: str  # "Module 3"
    title: str
    done: int
    started: int


@dataclass(frozen=True)
class Skill:
    label: str
    first: tuple[int, ...]  # learners per scale point on the first day (empty: too few)
    last: tuple[int, ...]
    first_mean: float | None
    last_mean: float | None
    change: float | None  # mean change of the learners with both days


@dataclass(frozen=True)
class Scores:
    """One self-score's distributions: `title` describes the cohort, never the learner's task."""

    exercise: str
    title: str
    unit: str
    points: tuple[int, ...]
    anchors: tuple[tuple[int, str], ...]
    first_learners: int
    last_learners: int
    both: int  # learners with both days: whose change is counted
    skills: tuple[Skill, ...]
    first_snapshot: str = FIRST  # content's: homework 3's audit is first scored on the Last day

    @property
    def last_day_only(self) -> bool:
        return self.first_snapshot == LAST

    @property
    def headline(self) -> str:
        """First day → last day over every skill, or what is still missing."""
        firsts = [s.first_mean for s in self.skills if s.first_mean is not None]
        lasts = [s.last_mean for s in self.skills if s.last_mean is not None]
        changes = [s.change for s in self.skills if s.change is not None]
        if not (lasts if self.last_day_only else firsts):
            return f"Waiting for {snapshot_label(self.first_snapshot)} scores"
        if self.last_day_only:
            return (
                f"Last day {sum(lasts) / len(lasts):.1f} on average · scored on the last day only"
            )
        before = sum(firsts) / len(firsts)
        if not lasts:
            return f"First day {before:.1f} on average · Last day not scored yet"
        after = sum(lasts) / len(lasts)
        moved = f" ({_signed(sum(changes) / len(changes))} for the {self.both} with both)"
        return f"First day {before:.1f} → last day {after:.1f}" + (moved if changes else "")


@dataclass(frozen=True)
class Entry:
    learner: str
    field: str  # the field's words ("Sales · Going well"), "" for a single-text exercise
    text: str
    saved_at: dt.datetime


@dataclass(frozen=True)
class Prompt:
    unit: str
    title: str
    prompt: str
    entries: tuple[Entry, ...]  # newest first


@dataclass(frozen=True)
class Room:
    cohort: str
    learners: tuple[Learner, ...]  # not started, then stuck, then fewest done first
    units: tuple[Unit, ...]
    scores: tuple[Scores, ...]
    reflections: tuple[Prompt, ...]  # the prompt shared into most recently first
    newest: dt.datetime | None  # the newest answer read
    now: dt.datetime
    min_group: int
    stuck_minutes: int

    @property
    def joined(self) -> int:
        return sum(not learner.not_started for learner in self.learners)

    @property
    def stuck(self) -> tuple[Learner, ...]:
        return tuple(learner for learner in self.learners if learner.stuck_in)

    @property
    def waiting(self) -> tuple[Learner, ...]:
        return tuple(learner for learner in self.learners if learner.not_started)


def _signed(x: float) -> str:
    return "±0" if round(x, 1) == 0 else f"{x:+.1f}"


def _progress(
    view: CohortView, expected: Iterable[str], now: dt.datetime, stuck: dt.timedelta
) -> tuple[list[Learner], list[Unit]]:
    chapter = view.chapter
    frame = unit_progress_frame(view.latest, chapter)
    label_of = {u.id: u.label for u in chapter.units}
    rows: dict[str, list[tuple[str, bool, bool, dt.datetime | None]]] = {}
    for learner, unit, started, done, saved in zip(
        frame["learner"],
        frame["unit"],
        frame["started"],
        frame["done"],
        frame["last_saved"],
        strict=True,
    ):  # plain tuples: a pandas filter per learner costs more than the whole walk
        rows.setdefault(str(learner), []).append(
            (unit, bool(started), bool(done), None if pd.isna(saved) else saved.to_pydatetime())
        )
    found: dict[str, Learner] = {}
    for name, mine in rows.items():
        states = tuple(DONE if d else STARTED if st else NOT_STARTED for _, st, d, _ in mine)
        last = max((at for *_, at in mine if at is not None), default=None)
        stuck_in = ""
        if last is not None and now - last >= stuck:
            open_units = [(at, unit) for unit, st, d, at in mine if st and not d and at]
            if open_units:
                stuck_in = label_of[max(open_units)[1]]
        found[name] = Learner(name, states, last, stuck_in)
    for name in expected:
        found.setdefault(name, Learner(name, (NOT_STARTED,) * len(chapter.units), None, ""))
    learners = sorted(
        found.values(),
        key=lambda lr: (not lr.not_started, not lr.stuck_in, lr.done, lr.states.count(STARTED),
                        lr.name),
    )  # fmt: skip
    units = [
        Unit(u.label, u.title, sum(lr.states[n] == DONE for lr in learners),
             sum(lr.states[n] == STARTED for lr in learners))
        for n, u in enumerate(chapter.units)
    ]  # fmt: skip
    return learners, units


def _list_title(chapter: Chapter, exercise: Exercise) -> str:
    """What the exercise scores, in the course's words: the named list its items come from."""
    scored = exercise.items or exercise.columns
    for unit in chapter.units:
        for named in unit.lists:
            if named.items == scored:
                return named.title
    return exercise.title


def _scores(view: CohortView, exercise: Exercise) -> Scores:
    scale = exercise.scale
    assert scale is not None
    points = tuple(scale.points())
    done = taken(view.latest, exercise)
    days = done[done["snapshot"].isin([FIRST, LAST])]
    learners = days.groupby("snapshot")["learner"].nunique()
    shown = {s for s in (FIRST, LAST) if learners.get(s, 0) >= view.min_group}
    days = days[days["snapshot"].isin(shown)]
    counts = days.groupby(["snapshot", "item", days["score"].round().astype("int64")]).size()
    means = days.groupby(["snapshot", "item"])["score"].mean()
    moved: dict[str, float] = {}
    n_both = 0
    if shown == {FIRST, LAST}:
        wide = days.pivot_table(index=["learner", "item"], columns="snapshot", values="score")
        wide = wide.dropna()
        n_both = wide.index.get_level_values("learner").nunique()
        if n_both >= view.min_group:
            change = (wide[LAST] - wide[FIRST]).groupby(level="item").mean()
            moved = {str(k): float(v) for k, v in change.items()}
        else:
            n_both = 0
    count_of = {k: int(v) for k, v in counts.items()}
    mean_of = {k: float(v) for k, v in means.items()}

    def per_point(snapshot: str, item: str) -> tuple[int, ...]:
        if snapshot not in shown:
            return ()
        return tuple(count_of.get((snapshot, item, p), 0) for p in points)

    scored = exercise.items if exercise.kind == "score_scale" else exercise.columns
    skills = tuple(
        Skill(item.label, per_point(FIRST, item.id), per_point(LAST, item.id),
              mean_of.get((FIRST, item.id)), mean_of.get((LAST, item.id)),
              moved.get(item.id))
        for item in scored
    )  # fmt: skip
    unit = view.chapter.unit_of(exercise.id)
    return Scores(
        exercise.id,
        _list_title(view.chapter, exercise),
        f"{unit.label} · {unit.title}",
        points,
        scale.anchors,
        int(learners.get(FIRST, 0)),
        int(learners.get(LAST, 0)),
        n_both,
        skills,
        exercise.first_snapshot,
    )


def _reflections(view: CohortView) -> list[Prompt]:
    frame = view.reflections()
    prompts = []
    for exercise_id, mine in frame.groupby("exercise", sort=False):
        exercise = view.chapter.exercise(str(exercise_id))
        labels = {f.key: f.label for f in fields_of(exercise)}
        entries = tuple(
            Entry(str(lr), labels.get(str(item), "") if len(labels) > 1 else "", str(text),
                  at.to_pydatetime())
            for lr, item, text, at in zip(
                mine["learner"], mine["item"], mine["value"], mine["saved_at"], strict=True
            )
            if text != PRIVATE
        )  # fmt: skip
        unit = view.chapter.unit_of(exercise.id)
        prompts.append(Prompt(f"{unit.label} · {unit.title}", exercise.title, exercise.prompt,
                              entries))  # fmt: skip
    return prompts  # the frame is newest first, so is the order of first appearance


def room(
    view: CohortView,
    cohort: str,
    expected: Sequence[str] = (),
    *,
    now: dt.datetime | None = None,
    stuck_minutes: int = STUCK_MINUTES,
) -> Room:
    """The room of `cohort` from its events and the learners its hub group names."""
    now = now or dt.datetime.now(dt.UTC)
    learners, units = _progress(view, expected, now, dt.timedelta(minutes=stuck_minutes))
    scores = tuple(
        _scores(view, e)
        for u in view.chapter.units
        for e in u.exercises
        if KINDS[e.kind].self_score
    )
    newest = max((e.saved_at for e in view.events), default=None)
    return Room(
        cohort, tuple(learners), tuple(units), scores, tuple(_reflections(view)), newest, now,
        view.min_group, stuck_minutes,
    )  # fmt: skip


def distributions(view: CohortView) -> list[dict[str, object]]:
    """The cohort's anonymised score distributions a learner may see beside their own: per
    self-score and snapshot that at least `min_group` learners completed, learners per scale
    point of each item (a matrix: each column's average over its rows, rounded). Counts only."""
    out: list[dict[str, object]] = []
    for unit in view.chapter.units:
        for exercise in unit.exercises:
            if not KINDS[exercise.kind].self_score or exercise.scale is None:
                continue
            done = taken(view.latest, exercise)
            points = list(exercise.scale.points())
            for snapshot in ordered(done["snapshot"]):  # course order, not alphabetical
                mine = done[done["snapshot"] == snapshot]
                learners = mine["learner"].nunique()
                if learners < view.min_group:
                    continue
                rounded = mine["score"].round().astype("int64")
                items = {
                    str(item): [int(c) for c in counts.value_counts().reindex(points).fillna(0)]
                    for item, counts in rounded.groupby(mine["item"], sort=False)
                }
                out.append({"exercise": exercise.id, "snapshot": str(snapshot),
                            "learners": int(learners), "points": points, "items": items})  # fmt: skip
    return out

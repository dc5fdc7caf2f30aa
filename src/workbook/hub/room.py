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
import statistics
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..course.kinds import KINDS, Value, fields_of, is_complete
from ..course.model import Chapter, Exercise
from ..course.progress import unit_progress
from ..course.scores import item_scores
from ..course.snapshots import FIRST, LAST, ordered, snapshot_label
from ..store import Event, latest
from ..store.sharing import PRIVATE, SHARE_FIELD

if TYPE_CHECKING:
    from .facilitator import CohortView

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


Answers = Mapping[str, Sequence[Event]]  # per learner: their current answers


def current(events: Iterable[Event]) -> dict[str, list[Event]]:
    """Each learner's current answers (latest per exercise × snapshot × field, cleared ones
    and share flags left out), in plain Python: a room of 50 learners costs milliseconds, and
    the view and the `workbook cohort` commands never wait for pandas."""
    mine: dict[str, list[Event]] = {}
    for e in events:
        if e.field != SHARE_FIELD:
            mine.setdefault(e.learner, []).append(e)
    return {
        learner: [e for e in latest(found).values() if e.value is not None]
        for learner, found in sorted(mine.items())
    }


def _progress(
    answers: Answers, chapter: Chapter, expected: Iterable[str], now: dt.datetime,
    stuck: dt.timedelta,
) -> tuple[list[Learner], list[Unit]]:  # fmt: skip
    unit_of = {ex.id: unit.id for unit in chapter.units for ex in unit.exercises}
    label_of = {u.id: u.label for u in chapter.units}
    found: dict[str, Learner] = {}
    for name, mine in answers.items():
        merged: dict[str, dict[str, Value]] = {}  # snapshots merged, the newest value winning
        last_of: dict[str, dt.datetime] = {}
        for e in sorted(mine, key=lambda e: e.saved_at):
            merged.setdefault(e.exercise_id, {})[e.field] = e.value
            if e.exercise_id in unit_of:
                last_of[unit_of[e.exercise_id]] = e.saved_at
        done = {u.id: unit_progress(u, merged).done for u in chapter.units}
        states = tuple(
            DONE if done[u.id] else STARTED if u.id in last_of else NOT_STARTED
            for u in chapter.units
        )
        last = max(last_of.values(), default=None)
        stuck_in = ""
        if last is not None and now - last >= stuck:
            open_units = [(at, u) for u, at in last_of.items() if not done[u]]
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


def taken(answers: Answers, exercise: Exercise) -> list[tuple[str, str, str, float]]:
    """(learner, snapshot, item, score) per complete snapshot and scored item: a matrix's
    column is its rows' average (as :func:`workbook.charts.data.taken`, without pandas)."""
    out = []
    for learner, mine in answers.items():
        by_snapshot: dict[str, dict[str, Value]] = {}
        for e in mine:
            if e.exercise_id == exercise.id:
                by_snapshot.setdefault(e.snapshot, {})[e.field] = e.value
        for snapshot in sorted(by_snapshot):
            if is_complete(exercise, by_snapshot[snapshot]):
                out += [(learner, snapshot, i.id, s)
                        for i, s in item_scores(exercise, by_snapshot[snapshot])]  # fmt: skip
    return out


def _scores(answers: Answers, chapter: Chapter, exercise: Exercise, min_group: int) -> Scores:
    scale = exercise.scale
    assert scale is not None
    points = tuple(scale.points())
    rows = taken(answers, exercise)
    learners = {s: len({lr for lr, snap, _, _ in rows if snap == s}) for s in (FIRST, LAST)}
    shown = {s for s in (FIRST, LAST) if learners[s] >= min_group}
    days = [row for row in rows if row[1] in shown]
    count_of = Counter((snap, item, round(score)) for _, snap, item, score in days)
    scored: dict[tuple[str, str], list[float]] = {}
    by_learner: dict[tuple[str, str], dict[str, float]] = {}
    for learner, snap, item, score in days:
        scored.setdefault((snap, item), []).append(score)
        by_learner.setdefault((learner, item), {})[snap] = score
    mean_of = {k: statistics.fmean(v) for k, v in scored.items()}
    both = {k: v for k, v in by_learner.items() if len(v) == 2}  # shown on both days
    n_both = len({learner for learner, _ in both})
    moved: dict[str, float] = {}
    if n_both >= min_group:
        changes: dict[str, list[float]] = {}
        for (_, item), days_of in both.items():
            changes.setdefault(item, []).append(days_of[LAST] - days_of[FIRST])
        moved = {item: statistics.fmean(v) for item, v in changes.items()}
    else:
        n_both = 0

    def per_point(snapshot: str, item: str) -> tuple[int, ...]:
        if snapshot not in shown:
            return ()
        return tuple(count_of.get((snapshot, item, p), 0) for p in points)

    items = exercise.items if exercise.kind == "score_scale" else exercise.columns
    skills = tuple(
        Skill(item.label, per_point(FIRST, item.id), per_point(LAST, item.id),
              mean_of.get((FIRST, item.id)), mean_of.get((LAST, item.id)),
              moved.get(item.id))
        for item in items
    )  # fmt: skip
    unit = chapter.unit_of(exercise.id)
    return Scores(
        exercise.id,
        _list_title(chapter, exercise),
        f"{unit.label} · {unit.title}",
        points,
        scale.anchors,
        learners[FIRST],
        learners[LAST],
        n_both,
        skills,
        exercise.first_snapshot,
    )


def _reflections(answers: Answers, chapter: Chapter) -> list[Prompt]:
    """Shared text answers grouped by prompt, newest first (choices are item ids, not text)."""
    exercises = {e.id: e for u in chapter.units for e in u.exercises}
    texts = sorted(
        (e for mine in answers.values() for e in mine
         if isinstance(e.value, str) and e.value not in ("", PRIVATE)
         and e.exercise_id in exercises and exercises[e.exercise_id].kind != "choice"),
        key=lambda e: e.saved_at, reverse=True,
    )  # fmt: skip
    by_prompt: dict[str, list[Event]] = {}
    for e in texts:
        by_prompt.setdefault(e.exercise_id, []).append(e)
    prompts = []
    for exercise_id, mine in by_prompt.items():  # the prompt shared into most recently first
        exercise = exercises[exercise_id]
        labels = {f.key: f.label for f in fields_of(exercise)}
        entries = tuple(
            Entry(e.learner, labels.get(e.field, "") if len(labels) > 1 else "", str(e.value),
                  e.saved_at)
            for e in mine
        )  # fmt: skip
        unit = chapter.unit_of(exercise.id)
        prompts.append(Prompt(f"{unit.label} · {unit.title}", exercise.title, exercise.prompt,
                              entries))  # fmt: skip
    return prompts


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
    chapter, answers = view.chapter, current(view.events)
    stuck = dt.timedelta(minutes=stuck_minutes)
    learners, units = _progress(answers, chapter, expected, now, stuck)
    scores = tuple(
        _scores(answers, chapter, e, view.min_group)
        for u in chapter.units
        for e in u.exercises
        if KINDS[e.kind].self_score
    )
    newest = max((e.saved_at for e in view.events), default=None)
    return Room(
        cohort, tuple(learners), tuple(units), scores, tuple(_reflections(answers, chapter)),
        newest, now, view.min_group, stuck_minutes,
    )  # fmt: skip


def distributions(view: CohortView) -> list[dict[str, object]]:
    """The cohort's anonymised score distributions a learner may see beside their own: per
    self-score and snapshot that at least `min_group` learners completed, learners per scale
    point of each item (a matrix: each column's average over its rows, rounded). Counts only."""
    answers = current(view.events)
    out: list[dict[str, object]] = []
    for unit in view.chapter.units:
        for exercise in unit.exercises:
            if not KINDS[exercise.kind].self_score or exercise.scale is None:
                continue
            rows = taken(answers, exercise)
            points = list(exercise.scale.points())
            for snapshot in ordered(snap for _, snap, _, _ in rows):  # course order
                mine = [row for row in rows if row[1] == snapshot]
                learners = len({lr for lr, _, _, _ in mine})
                if learners < view.min_group:
                    continue
                counts = Counter((item, round(score)) for _, _, item, score in mine)
                items = {
                    i.id: [counts.get((i.id, p), 0) for p in points]
                    for i in exercise.items or exercise.columns
                    if any(item == i.id for _, _, item, _ in mine)
                }
                out.append({"exercise": exercise.id, "snapshot": snapshot,
                            "learners": learners, "points": points, "items": items})  # fmt: skip
    return out

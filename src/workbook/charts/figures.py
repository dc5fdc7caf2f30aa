"""The self-score charts as matplotlib Figures, from the tidy answers frame.

Each chart function takes `(frame, chapter, exercise_id)`: the frame of one learner or many
(`workbook.store.answers`), the course chapter it was answered against (labels, scales, anchors and
the "lowest" counts come from there, never from code) and the self-score to draw. Figures are
built without pyplot, so nothing accumulates in a long-running kernel. Colours are the
Okabe–Ito palette and cividis, both readable with colour-vision deficiencies; the lowest items
are marked by hatching and words too, never by colour alone.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from ..course.kinds import KINDS
from ..course.model import Chapter, Exercise
from ..course.snapshots import FIRST, LAST, SnapshotState, snapshot_label
from ..errors import AnswerError
from . import data
from .output import Format, save

__all__ = [
    "CHARTS",
    "Chart",
    "across_snapshots",
    "audit_heatmap",
    "chart_name",
    "charts_for",
    "first_vs_last",
    "latest_scores",
    "save_all",
]

Chart = Callable[[pd.DataFrame, Chapter, str], Figure]

# Okabe & Ito (2008): distinguishable with every common colour-vision deficiency.
ORANGE, SKY, GREEN, YELLOW, BLUE, VERMILLION, PURPLE, GREY = (
    "#E69F00",
    "#56B4E9",
    "#009E73",
    "#F0E442",
    "#0072B2",
    "#D55E00",
    "#CC79A7",
    "#999999",
)
_CHECK_IN_COLOURS = (SKY, GREEN, PURPLE, YELLOW)
WIDTH = 8.0  # inches: fits a notebook column at 110 dpi


def _exercise(chapter: Chapter, exercise_id: str) -> Exercise:
    try:
        exercise = chapter.exercise(exercise_id)
    except KeyError:
        raise AnswerError(f"No exercise {exercise_id!r} in this chapter to chart") from None
    if not KINDS[exercise.kind].self_score:
        raise AnswerError(f"{exercise_id} is not a self-score: only scores are charted")
    return exercise


def _wrap(label: str, width: int = 16) -> str:
    return "\n".join(textwrap.wrap(label, width, break_long_words=False)) or label


def _scale_label(exercise: Exercise) -> str:
    scale = exercise.scale
    assert scale is not None
    anchors = ", ".join(f"{p} = {text}" for p, text in scale.anchors)
    return f"Score {scale.min}–{scale.max}" + (f" ({anchors})" if anchors else "")


def _figure(exercise: Exercise, subtitle: str, rows: int) -> tuple[Figure, Axes]:
    figure = Figure(figsize=(WIDTH, 1.6 + 0.42 * rows), layout="constrained")
    figure.suptitle(exercise.title or exercise.id, fontweight="bold", x=0.01, ha="left")
    ax = figure.add_subplot()
    ax.set_title(subtitle, loc="left", fontsize="medium", color="#333333")
    ax.spines[["top", "right"]].set_visible(False)
    return figure, ax


def _empty(exercise: Exercise, message: str) -> Figure:
    """A chart with nothing to plot yet says what to do instead."""
    figure = Figure(figsize=(WIDTH, 1.6), layout="constrained")
    figure.suptitle(exercise.title or exercise.id, fontweight="bold", x=0.01, ha="left")
    figure.text(0.5, 0.4, "\n".join(textwrap.wrap(message, 90)), ha="center", va="center")
    return figure


def _where(chapter: Chapter, exercise: Exercise) -> str:
    return chapter.unit_of(exercise.id).label


def _no_scores(chapter: Chapter, exercise: Exercise) -> Figure:
    return _empty(
        exercise,
        f"Nothing to draw yet: score every item in {_where(chapter, exercise)} "
        f"(as {snapshot_label(FIRST)}) and run this notebook again.",
    )


def _footnote(figure: Figure, chapter: Chapter, exercise: Exercise, frame: pd.DataFrame) -> None:
    """One learner's unfinished retake: named, so a chart that did not move is explained."""
    if frame["learner"].nunique() != 1:
        return
    pending: Sequence[SnapshotState] = data.in_progress(frame, exercise)
    if pending:
        states = " · ".join(s.progress for s in pending)
        figure.supxlabel(
            f"In progress: {states}. Finish it in {_where(chapter, exercise)} to see it here.",
            fontsize="small",
            color="#555555",
        )


def _number(value: float, sign: str = "") -> str:
    """A score as read on the chart: a learner's 7 stays 7, a cohort's mean 6.648… shows 6.6;
    a signed change that rounds to nothing is ±0."""
    shown = round(float(value), 1)
    return "±0" if sign and not shown else f"{shown:{sign}g}"


def _items(exercise: Exercise, ids: Sequence[str]) -> list[str]:
    labels = {i.id: i.label for i in data.items_of(exercise)}
    return [labels[i] for i in ids]


def latest_scores(frame: pd.DataFrame, chapter: Chapter, exercise_id: str) -> Figure:
    """The items ranked by their latest complete score, the lowest the course names marked."""
    exercise = _exercise(chapter, exercise_id)
    scores = data.latest(frame, exercise)
    if scores.empty:
        return _no_scores(chapter, exercise)
    count, label = data.derived_from(chapter, exercise, frame)
    lowest = set(data.marked_lowest(exercise, scores, count, frame))
    order = scores.sort_values(kind="stable")  # ties keep course order, as the prompt does
    figure, ax = _figure(exercise, f"Latest scores · {scores.name}", len(order))
    colours = [VERMILLION if i in lowest else BLUE for i in order.index]
    bars = ax.barh(
        _items(exercise, list(order.index)),
        order.to_numpy(),
        color=colours,
        hatch=["//" if i in lowest else "" for i in order.index],
        edgecolor="white",
    )
    ax.bar_label(bars, labels=[_number(v) for v in order], padding=3)
    assert exercise.scale is not None
    ax.set_xlim(0, exercise.scale.max + 0.5)
    ax.set_xlabel(_scale_label(exercise))
    if lowest:  # above the axes: a legend inside would cover the longest bars
        figure.legend(
            handles=[Rectangle((0, 0), 1, 1, facecolor=VERMILLION, hatch="//", edgecolor="white")],
            labels=[label],
            loc="outside upper right",
            frameon=False,
        )
    _footnote(figure, chapter, exercise, frame)
    return figure


def _snapshot_colours(snapshots: Sequence[str]) -> list[str]:
    check_ins = iter(_CHECK_IN_COLOURS * len(snapshots))
    return [ORANGE if s == FIRST else BLUE if s == LAST else next(check_ins) for s in snapshots]


def across_snapshots(frame: pd.DataFrame, chapter: Chapter, exercise_id: str) -> Figure:
    """Each item (a matrix: each column's average) in every complete snapshot, in course order."""
    exercise = _exercise(chapter, exercise_id)
    table = data.snapshot_means(frame, exercise)
    if table.empty:
        return _no_scores(chapter, exercise)
    snapshots = list(table.columns)
    what = "average " if exercise.kind == "score_matrix" else ""
    figure, ax = _figure(
        exercise,
        f"Each {what}score across snapshots · " + " → ".join(map(snapshot_label, snapshots)),
        len(table) * max(1, len(snapshots)) // 2 + 1,
    )
    height = 0.8 / len(snapshots)
    positions = range(len(table))
    for n, (snapshot, colour) in enumerate(
        zip(snapshots, _snapshot_colours(snapshots), strict=True)
    ):
        ax.barh(
            [p + n * height for p in positions],
            table[snapshot].to_numpy(),
            height=height,
            color=colour,
            label=snapshot_label(snapshot),
        )
    ax.set_yticks(
        [p + height * (len(snapshots) - 1) / 2 for p in positions],
        [_wrap(s, 28) for s in _items(exercise, list(table.index))],
    )
    ax.invert_yaxis()
    assert exercise.scale is not None
    ax.set_xlim(0, exercise.scale.max + 0.5)
    ax.set_xlabel(_scale_label(exercise))
    figure.legend(loc="outside upper right", frameon=False, ncols=2)  # as in latest_scores
    if len(snapshots) == 1:
        figure.supxlabel(
            f"Only {snapshot_label(snapshots[0])} so far: retake it as {snapshot_label(LAST)} "
            "at the end of the course to see how you moved.",
            fontsize="small",
        )
    else:
        _footnote(figure, chapter, exercise, frame)
    return figure


def first_vs_last(frame: pd.DataFrame, chapter: Chapter, exercise_id: str) -> Figure:
    """Per item, the first and the last complete snapshot joined, with the change written."""
    exercise = _exercise(chapter, exercise_id)
    found = data.first_last(frame, exercise)
    if found is None:
        if data.taken(frame, exercise).empty:
            return _no_scores(chapter, exercise)
        return _empty(
            exercise,
            f"One snapshot so far: retake it as {snapshot_label(LAST)} at the end of the course "
            f"in {_where(chapter, exercise)} to see the change from {snapshot_label(FIRST)}.",
        )
    table = found.table
    figure, ax = _figure(exercise, f"{found.first} → {found.last}, with the change", len(table))
    ys = range(len(table))
    ax.hlines(ys, table["first"], table["last"], color=GREY, linewidth=2, zorder=1)
    ax.scatter(table["first"], ys, color=ORANGE, s=70, zorder=2, label=found.first)
    ax.scatter(table["last"], ys, color=BLUE, s=70, zorder=3, marker="D", label=found.last)
    assert exercise.scale is not None
    right = exercise.scale.max + 0.6
    for y, change in zip(ys, table["change"], strict=True):
        ax.text(right, y, _number(change, "+"), va="center", fontweight="bold")
    ax.set_yticks(list(ys), _items(exercise, list(table.index)))
    ax.invert_yaxis()
    ax.set_xlim(exercise.scale.min - 0.5, right + 0.9)
    ax.set_xlabel(_scale_label(exercise))
    figure.legend(loc="outside upper right", frameon=False, ncols=2)
    _footnote(figure, chapter, exercise, frame)
    return figure


def audit_heatmap(frame: pd.DataFrame, chapter: Chapter, exercise_id: str) -> Figure:
    """A matrix's rows × columns on its scale with its anchors, the lowest column marked."""
    exercise = _exercise(chapter, exercise_id)
    table, label = data.grid(frame, exercise)
    if table.empty:
        return _no_scores(chapter, exercise)
    scale = exercise.scale
    assert scale is not None
    count, named = data.derived_from(chapter, exercise, frame)
    lowest = data.marked_lowest(exercise, table.mean(axis=0), max(count, 1), frame)
    names = ", ".join(_items(exercise, lowest)) or "no single lowest (tied)"
    figure, ax = _figure(exercise, f"{label} · {named or 'Lowest'}: {names}", len(table) + 3)
    image = ax.imshow(
        table.to_numpy(), cmap="cividis", vmin=scale.min, vmax=scale.max, aspect="auto"
    )
    columns = list(table.columns)
    ax.set_xticks(range(len(columns)), [_wrap(s, 12) for s in _items(exercise, columns)])
    ax.set_yticks(range(len(table)), [r.label for r in exercise.rows])
    for tick, column in zip(ax.get_xticklabels(), columns, strict=True):
        if column in lowest:
            tick.set_fontweight("bold")
            tick.set_color(VERMILLION)
    middle = (scale.min + scale.max) / 2
    for (r, c), value in _cells(table).items():
        ax.text(
            c,
            r,
            _number(value),
            ha="center",
            va="center",
            color="black" if value > middle else "white",
        )
    for column in lowest:
        c = columns.index(column)
        ax.add_patch(
            Rectangle((c - 0.5, -0.5), 1, len(table), fill=False, edgecolor=VERMILLION, linewidth=3)
        )
    ax.spines[:].set_visible(False)
    anchors = dict(scale.anchors)
    bar = figure.colorbar(image, ax=ax, ticks=list(scale.points()), shrink=0.9)
    bar.ax.set_yticklabels(
        [_wrap(f"{p} · {anchors[p]}", 16) if p in anchors else str(p) for p in scale.points()]
    )
    _footnote(figure, chapter, exercise, frame)
    return figure


def _cells(table: pd.DataFrame) -> Mapping[tuple[int, int], float]:
    values = table.to_numpy(dtype=float)
    return {
        (r, c): float(values[r, c])
        for r in range(values.shape[0])
        for c in range(values.shape[1])
        if values[r, c] == values[r, c]  # NaN: a cell nobody scored
    }


# Which charts each self-score kind gets, in the order the progress notebook shows them.
CHARTS: Mapping[str, tuple[Chart, ...]] = {
    "score_scale": (latest_scores, across_snapshots, first_vs_last),
    "score_matrix": (audit_heatmap, across_snapshots),
}


def chart_name(exercise: Exercise, chart: Chart) -> str:
    """A file stem naming one chart of one exercise: `m03-skills-latest-scores`."""
    return f"{exercise.id.replace('.', '-')}-{chart.__name__.replace('_', '-')}"


def save_all(
    frame: pd.DataFrame, chapter: Chapter, folder: Path, formats: Sequence[Format] = ("png", "svg")
) -> list[Path]:
    """Every chart of the chapter drawn from `frame`, each written once per format to `folder`."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    written = []
    for exercise, chart in charts_for(chapter):
        figure = chart(frame, chapter, exercise.id)
        for format in formats:
            written.append(save(figure, folder / f"{chart_name(exercise, chart)}.{format}"))
    return written


def charts_for(chapter: Chapter) -> list[tuple[Exercise, Chart]]:
    """Every self-score of the chapter in course order, with each chart its kind gets."""
    return [
        (exercise, chart)
        for unit in chapter.units
        for exercise in unit.exercises
        if KINDS[exercise.kind].self_score
        for chart in CHARTS.get(exercise.kind, ())
    ]

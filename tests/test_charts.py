"""The self-score charts: the data behind each one, what is drawn, empty states, PNG and SVG."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path

import matplotlib as mpl
import pandas as pd
import pytest
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from workbook import WorkbookError, load_course
from workbook.charts import (
    across_snapshots,
    audit_heatmap,
    charts_for,
    data,
    first_vs_last,
    latest_scores,
    save,
    to_bytes,
)
from workbook.charts.figures import Chart
from workbook.course.model import Chapter
from workbook.store import Event
from workbook.store.answers import answers_frame

mpl.use("Agg")

T0 = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)
CHECK_IN = "check-in-2026-11-20"


@pytest.fixture(scope="module")
def chapter() -> Chapter:
    return load_course().chapters[0]


def _skills(chapter: Chapter) -> list[str]:
    return [i.id for i in chapter.exercise("m03.skills").items]


def _areas(chapter: Chapter) -> list[str]:
    return [c.id for c in chapter.exercise("m06.audit").columns]


def _frame(
    exercise_id: str, snapshots: Mapping[str, Mapping[str, int]], learner: str = "ada"
) -> pd.DataFrame:
    """Events saved in the order given: a dict of snapshot → field → score."""
    events = [
        Event(
            "north",
            learner,
            exercise_id,
            field,
            "score",
            score,
            snapshot,
            T0 + dt.timedelta(minutes=n),
        )
        for n, (snapshot, field, score) in enumerate(
            (s, f, v) for s, scores in snapshots.items() for f, v in scores.items()
        )
    ]
    return answers_frame(events)


def _scores(chapter: Chapter, *values: int) -> dict[str, int]:
    return dict(zip(_skills(chapter), values, strict=True))


def _audit(chapter: Chapter, per_area: list[int], rows: int = 3) -> dict[str, int]:
    return {
        f"handover-{h}/{a}": s
        for h in range(1, rows + 1)
        for a, s in zip(_areas(chapter), per_area, strict=True)
    }


FIRST = (5, 6, 2, 7, 3, 8, 6, 4)  # lowest: training ability (2), problem-solving (3)
LAST = (7, 8, 6, 7, 5, 8, 9, 4)  # lowest: attention to detail (4), then problem-solving (5)
MIDDLE = (6, 7, 4, 7, 4, 8, 7, 4)


def _two(chapter: Chapter) -> pd.DataFrame:
    return _frame(
        "m03.skills", {"first-day": _scores(chapter, *FIRST), "last-day": _scores(chapter, *LAST)}
    )


def _three(chapter: Chapter) -> pd.DataFrame:
    # The check-in is saved after Last day, yet sits between the two in course order.
    return _frame(
        "m03.skills",
        {
            "first-day": _scores(chapter, *FIRST),
            "last-day": _scores(chapter, *LAST),
            CHECK_IN: _scores(chapter, *MIDDLE),
        },
    )


# ---- the data behind each chart --------------------------------------------------------------


def test_latest_is_the_last_complete_snapshot_in_course_order(chapter: Chapter) -> None:
    skills = chapter.exercise("m03.skills")
    latest = data.latest(_three(chapter), skills)
    assert latest.name == "Last day"
    assert list(latest.index) == _skills(chapter)
    assert list(latest) == list(LAST)
    assert data.lowest_of(skills, latest, 2) == ["attention-to-detail", "problem-solving-skills"]


def test_snapshot_means_are_in_course_order_whatever_the_save_order(chapter: Chapter) -> None:
    table = data.snapshot_means(_three(chapter), chapter.exercise("m03.skills"))
    assert list(table.columns) == ["first-day", CHECK_IN, "last-day"]
    assert list(table.index) == _skills(chapter)
    assert list(table["first-day"]) == list(FIRST)
    assert list(table[CHECK_IN]) == list(MIDDLE)


def test_first_last_gives_the_change_per_item(chapter: Chapter) -> None:
    found = data.first_last(_three(chapter), chapter.exercise("m03.skills"))
    assert found is not None
    assert (found.first, found.last) == ("First day", "Last day")
    assert list(found.table["change"]) == [b - a for a, b in zip(FIRST, LAST, strict=True)]


def test_a_partial_retake_changes_nothing_until_finished(chapter: Chapter) -> None:
    skills = chapter.exercise("m03.skills")
    partial = dict(list(_scores(chapter, *LAST).items())[:3])
    frame = _frame("m03.skills", {"first-day": _scores(chapter, *FIRST), "last-day": partial})
    latest = data.latest(frame, skills)
    assert latest.name == "First day" and list(latest) == list(FIRST)
    assert data.lowest_of(skills, latest, 2) == ["training-ability", "problem-solving-skills"]
    assert data.first_last(frame, skills) is None
    assert list(data.snapshot_means(frame, skills).columns) == ["first-day"]
    assert [s.progress for s in data.in_progress(frame, skills)] == ["Last day · 3 of 8 scored"]


def test_many_learners_are_averaged(chapter: Chapter) -> None:
    skills = chapter.exercise("m03.skills")
    frame = pd.concat(
        [
            _frame("m03.skills", {"first-day": _scores(chapter, *FIRST)}, "ada"),
            _frame("m03.skills", {"first-day": _scores(chapter, *LAST)}, "bob"),
        ]
    )
    latest = data.latest(frame, skills)
    assert list(latest) == [(a + b) / 2 for a, b in zip(FIRST, LAST, strict=True)]


def test_audit_grid_and_its_lowest_area(chapter: Chapter) -> None:
    audit = chapter.exercise("m06.audit")
    cells = _audit(chapter, [4, 3, 2, 5, 3]) | {"handover-1/unified-messaging": 5}
    frame = _frame(
        "m06.audit",
        {"first-day": _audit(chapter, [1, 1, 1, 1, 1]), "last-day": cells},
    )
    table, label = data.grid(frame, audit)
    assert label == "Last day"
    assert list(table.index) == ["handover-1", "handover-2", "handover-3"]
    assert list(table.columns) == _areas(chapter)
    assert table.loc["handover-1", "unified-messaging"] == 5
    # unified messaging averages 3.0, internal communication and continuity 3.0 too: course order
    assert data.lowest_of(audit, table.mean(axis=0), 1) == ["internal-communication"]
    areas = data.snapshot_means(frame, audit)
    assert list(areas.columns) == ["first-day", "last-day"]
    assert list(areas["last-day"]) == [4, 3, 3, 5, 3]


# ---- what the figures draw -------------------------------------------------------------------


def _bars(figure: Figure) -> dict[str, float]:
    ax = figure.axes[0]
    labels = [t.get_text() for t in ax.get_yticklabels()]
    widths = [p.get_width() for p in ax.patches if isinstance(p, Rectangle)]
    return dict(zip(labels, widths, strict=True))


def test_ranked_bars_draw_lowest_first_and_mark_the_two_lowest(chapter: Chapter) -> None:
    figure = latest_scores(_two(chapter), chapter, "m03.skills")
    ax = figure.axes[0]
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels[:2] == ["Attention to detail", "Problem-solving skills"]
    assert sorted(_bars(figure).values()) == sorted(LAST)
    hatched = [lab for lab, p in zip(labels, ax.patches, strict=True) if p.get_hatch()]
    assert hatched == ["Attention to detail", "Problem-solving skills"]
    (legend,) = figure.legends
    assert legend.get_texts()[0].get_text() == "Your two lowest skills"
    assert ax.get_xlabel() == "Score 1–10 (1 = just starting, 10 = a model for others)"


def test_a_groups_means_name_the_lowest_without_you(chapter: Chapter) -> None:
    """A cohort's chart is not one learner's: "The two lowest skills", not "Your …"."""
    group = pd.concat(
        [
            _frame("m03.skills", {"first-day": _scores(chapter, *FIRST)}, "ada"),
            _frame("m03.skills", {"first-day": _scores(chapter, 7, 8, 6, 7, 5, 8, 9, 6)}, "bob"),
        ]
    )  # means 6, 7, 4, 7, 4, 8, 7.5, 5: two clearly lowest
    (legend,) = latest_scores(group, chapter, "m03.skills").legends
    assert legend.get_texts()[0].get_text() == "The two lowest skills"
    audit = pd.concat(
        _frame("hw3.audit", {"first-day": _audit(chapter, [4, 2, 3, 5, 3])}, learner)
        for learner in ("ada", "bob")
    )
    title = audit_heatmap(audit, chapter, "hw3.audit").axes[0].get_title(loc="left")
    assert "The lowest area across the three handovers: " in title
    assert "Your" not in title


def test_across_snapshots_draws_one_series_per_snapshot(chapter: Chapter) -> None:
    figure = across_snapshots(_three(chapter), chapter, "m03.skills")
    (legend,) = figure.legends
    assert [t.get_text() for t in legend.get_texts()] == [
        "First day",
        "Check-in 2026-11-20",
        "Last day",
    ]
    assert len(figure.axes[0].patches) == 3 * 8


@pytest.mark.parametrize("chart", [latest_scores, across_snapshots])
def test_the_legend_covers_no_bar_even_at_full_scale(chapter: Chapter, chart: Chart) -> None:
    """Every score at the top of the scale: bars reach the right edge, where a legend inside
    the axes would sit on the last ones."""
    top = _scores(chapter, *[10] * 8)
    figure = chart(_frame("m03.skills", {"first-day": top, "last-day": top}), chapter, "m03.skills")
    figure.draw_without_rendering()
    legends = [*figure.legends, *filter(None, (a.get_legend() for a in figure.axes))]
    bars = [p.get_window_extent() for p in figure.axes[0].patches]
    assert bars and legends
    for legend in legends:
        assert not any(legend.get_window_extent().overlaps(bar) for bar in bars)


def test_first_vs_last_writes_each_change(chapter: Chapter) -> None:
    figure = first_vs_last(_two(chapter), chapter, "m03.skills")
    texts = [t.get_text() for t in figure.axes[0].texts]
    assert texts == ["+2", "+2", "+4", "±0", "+2", "±0", "+3", "±0"]


def test_heatmap_marks_the_lowest_area_and_labels_the_anchors(chapter: Chapter) -> None:
    frame = _frame("hw3.audit", {"first-day": _audit(chapter, [4, 2, 3, 5, 3])})
    figure = audit_heatmap(frame, chapter, "hw3.audit")
    ax = figure.axes[0]
    area = chapter.exercise("hw3.audit").columns[1].label  # the second area scored 2
    bold = [t.get_text() for t in ax.get_xticklabels() if t.get_fontweight() == "bold"]
    assert [b.replace("\n", " ") for b in bold] == [area]
    assert f"Your lowest area across the three handovers: {area}" in ax.get_title(loc="left")
    colourbar = [t.get_text() for t in figure.axes[1].get_yticklabels()]
    assert [c.replace("\n", " ") for c in colourbar] == [
        "1 · failed",
        "2",
        "3",
        "4",
        "5 · invisible to the customer",
    ]
    assert [t.get_text() for t in ax.texts] == ["4", "2", "3", "5", "3"] * 3


@pytest.mark.parametrize(
    ("chart", "exercise_id", "snapshots", "message"),
    [
        (latest_scores, "m03.skills", {}, "Nothing to draw yet: score every item in Module 3"),
        (audit_heatmap, "m06.audit", {}, "Nothing to draw yet: score every item in Module 6"),
        (across_snapshots, "hw3.audit", {}, "Nothing to draw yet: score every item in Homework 3"),
        (first_vs_last, "m03.skills", {"first-day": {"patience": 5}}, "Nothing to draw yet"),
        (
            first_vs_last,
            "m03.skills",
            {"first-day": "all"},
            "One snapshot so far: retake it as Last day at the end of the course in Module 3",
        ),
    ],
)
def test_empty_states_say_what_to_do(
    chapter: Chapter,
    chart: Chart,
    exercise_id: str,
    snapshots: dict[str, str | dict[str, int]],
    message: str,
) -> None:
    filled = {
        s: _scores(chapter, *FIRST) if isinstance(v, str) else v for s, v in snapshots.items()
    }
    figure = chart(_frame(exercise_id, filled), chapter, exercise_id)
    assert not figure.axes
    assert message in " ".join(t.get_text() for t in figure.texts).replace("\n", " ")


def test_one_snapshot_across_snapshots_says_to_retake(chapter: Chapter) -> None:
    frame = _frame("m03.skills", {"first-day": _scores(chapter, *FIRST)})
    figure = across_snapshots(frame, chapter, "m03.skills")
    assert "Only First day so far: retake it as Last day" in figure.get_supxlabel()


def test_a_partial_retake_is_named_under_the_chart(chapter: Chapter) -> None:
    partial = dict(list(_scores(chapter, *LAST).items())[:3])
    frame = _frame("m03.skills", {"first-day": _scores(chapter, *FIRST), "last-day": partial})
    text = latest_scores(frame, chapter, "m03.skills").get_supxlabel()
    assert text == "In progress: Last day · 3 of 8 scored. Finish it in Module 3 to see it here."


def test_every_self_score_gets_its_kinds_charts(chapter: Chapter) -> None:
    names = [(e.id, c.__name__) for e, c in charts_for(chapter)]
    assert names == [
        ("m03.skills", "latest_scores"),
        ("m03.skills", "across_snapshots"),
        ("m03.skills", "first_vs_last"),
        ("m06.audit", "audit_heatmap"),
        ("m06.audit", "across_snapshots"),
        ("hw3.audit", "audit_heatmap"),
        ("hw3.audit", "across_snapshots"),
    ]


def test_only_self_scores_are_charted(chapter: Chapter) -> None:
    with pytest.raises(WorkbookError, match=r"m04\.gap is not a self-score"):
        latest_scores(_two(chapter), chapter, "m04.gap")


# ---- files -----------------------------------------------------------------------------------


@pytest.mark.parametrize("chart", [latest_scores, across_snapshots, first_vs_last])
def test_svg_bytes_are_the_same_for_the_same_drawing(chapter: Chapter, chart: object) -> None:
    a = to_bytes(chart(_three(chapter), chapter, "m03.skills"), "svg")  # type: ignore[operator]
    b = to_bytes(chart(_three(chapter), chapter, "m03.skills"), "svg")  # type: ignore[operator]
    assert a == b
    assert b"<text" in a and b"Date" not in a


def test_save_png_and_svg(chapter: Chapter, tmp_path: Path) -> None:
    figure = latest_scores(_two(chapter), chapter, "m03.skills")
    png = save(figure, tmp_path / "skills.png")
    svg = save(figure, tmp_path / "skills.svg")
    assert png.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    assert b"Attention to detail" in svg.read_bytes()
    with pytest.raises(WorkbookError, match=r"name the file \.png or \.svg"):
        save(figure, tmp_path / "skills.gif")


@pytest.mark.parametrize(
    ("second", "marked"),
    [
        (FIRST, {"training-ability", "problem-solving-skills"}),  # a clear two lowest
        ((5, 4, 8, 3, 7, 2, 4, 6), set()),  # every mean is 5: no "lowest" to name
        ((5, 6, 8, 7, 9, 8, 6, 4), set()),  # means 5, 6, 5, 7, 6, 8, 6, 4: 2nd and 3rd tie
    ],
)
def test_a_groups_tied_means_name_no_lowest(
    chapter: Chapter, second: tuple[int, ...], marked: set[str]
) -> None:
    group = pd.concat(
        [
            _frame("m03.skills", {"first-day": _scores(chapter, *FIRST)}, "ada"),
            _frame("m03.skills", {"first-day": _scores(chapter, *second)}, "bob"),
        ]
    )
    figure = latest_scores(group, chapter, "m03.skills")
    ax = figure.axes[0]
    hatched = {
        label.get_text() for bar, label in zip(ax.patches, ax.get_yticklabels(), strict=True)
        if bar.get_hatch()
    }  # fmt: skip
    names = {i.label: i.id for i in chapter.exercise("m03.skills").items}
    assert {names[h.replace("\n", " ")] for h in hatched} == marked
    assert len(figure.legends) == bool(marked)
    audit = pd.concat(
        _frame("hw3.audit", {"first-day": _audit(chapter, [3, 3, 3, 3, 3])}, learner)
        for learner in ("ada", "bob")
    )
    title = audit_heatmap(audit, chapter, "hw3.audit").axes[0].get_title(loc="left")
    assert "no single lowest" in title


def test_a_group_on_different_days_is_not_titled_latest_latest(chapter: Chapter) -> None:
    group = pd.concat(
        [
            _frame("m03.skills", {"first-day": _scores(chapter, *FIRST)}, "ada"),
            _frame("m03.skills", {"last-day": _scores(chapter, *LAST)}, "bob"),
        ]
    )
    subtitle = latest_scores(group, chapter, "m03.skills").axes[0].get_title(loc="left")
    assert subtitle == "Latest scores · each learner's latest day"

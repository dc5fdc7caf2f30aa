"""Forms for self-scores: a scale of items, a matrix as a grid with each item's average."""

from __future__ import annotations

import ipywidgets as w

from ...course.model import Exercise
from ...course.scores import lowest
from .parts import (
    Control,
    Form,
    anchors,
    beside,
    classes,
    earlier,
    full,
    html_widget,
    plain,
    score,
)


def score_matrix(e: Exercise) -> Form:
    """The scored items (areas) down, the occasions (handovers) across, each item's average last.

    Content's rows are the occasions and its columns the items, as the store keys them
    (`row/column`); on screen an item reads along one line, so the grid is transposed.
    Below about 58em wide (a container query in the stylesheet) each cell stacks with its own
    caption instead.
    """
    controls: dict[str, Control] = {}
    cells: list[w.Widget] = [
        html_widget("", "span", "wb-grid-head"),
        *(html_widget(r.label, "b", "wb-grid-head") for r in e.rows),
        html_widget("Average", "b", "wb-grid-head"),
    ]
    averages = {}
    hints: dict[str, w.HTML] = {}
    for item in e.columns:
        cells.append(html_widget(item.label, "b", "wb-grid-item"))
        for row in e.rows:
            key = f"{row.id}/{item.id}"
            controls[key] = score(e, f"{item.label}, {row.label}")
            hints[key] = earlier()
            caption = html_widget(row.label, "span", "wb-grid-caption")
            # A retake's earlier score goes under the buttons: beside them, three handovers'
            # hints pushed the Average column out of a 1400 px window.
            stack = w.VBox(
                [controls[key].widget, hints[key]], layout=plain(), **classes("wb-grid-score")
            )
            here = classes("wb-grid-cell", f"wb-cell-{row.id}--{item.id}")
            cells.append(w.HBox([caption, stack], layout=plain(), **here))
        averages[item.id] = html_widget("", "span", "wb-grid-average")
        cells.append(averages[item.id])

    def show_averages(_: object = None) -> None:
        answers = {k: c.to_store(c.widget.value) for k, c in controls.items()}
        weakest = {i.id for i in lowest(e, answers, 1) or ()}
        for item in e.columns:
            scored = [answers[f"{r.id}/{item.id}"] for r in e.rows]
            values = [v for v in scored if isinstance(v, int)]
            text = f"{sum(values) / len(values):.1f}" if values else "–"
            mark = ' <span class="wb-lowest-tag">lowest</span>' if item.id in weakest else ""
            averages[item.id].value = f'<span class="wb-average">{text}</span>{mark}'

    show_averages()
    for control in controls.values():
        control.widget.observe(show_averages, names="value")
    columns = f"minmax(10em, 1fr) repeat({len(e.rows)}, max-content) 6em"
    layout = w.Layout(grid_template_columns=columns, width="100%")
    grid = w.GridBox(cells, layout=layout, **classes("wb-grid"))
    # The container is what the stylesheet's container query measures.
    body = w.VBox([anchors(e), grid], layout=full(), **classes("wb-grid-container"))
    return Form(body, controls, {}, earlier=hints)


def score_scale(e: Exercise) -> Form:
    controls = {i.id: score(e, i.label) for i in e.items}
    hints = {i.id: earlier() for i in e.items}
    rows = [beside(i.label, controls[i.id].widget, hints[i.id]) for i in e.items]
    return Form(w.VBox([anchors(e), *rows], layout=plain()), controls, {}, earlier=hints)

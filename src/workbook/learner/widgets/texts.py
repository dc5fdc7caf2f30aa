"""Forms for the kinds answered in writing: free text, text grids, documents, action plans."""

from __future__ import annotations

import ipywidgets as w

from ...course.kinds import PLAN_FIELDS
from ...course.model import Exercise, Item
from .parts import Control, Form, date, full, grid, html_widget, text, under


def free_text(e: Exercise) -> Form:
    c = text(e.title or e.prompt, e.placeholder)
    return Form(c.widget, {"text": c}, {})


def text_grid(e: Exercise) -> Form:
    def cell(row: Item, col: Item) -> tuple[w.Widget, Control]:
        c = text(f"{e.title} · {row.label} · {col.label}", col.label, rows=2)
        return (under(col.label, c.widget) if len(e.columns) > 1 else c.widget), c

    return grid(e, cell)


def action_plan(e: Exercise) -> Form:
    types = dict((item.id, t) for item, t in PLAN_FIELDS)

    def cell(row: Item, col: Item) -> tuple[w.Widget, Control]:
        if types[col.id] == "date":
            c = date(col.label)  # labelled by its own description, beside it
            return c.widget, c
        c = text(f"{e.title} · {row.label} · {col.label}", col.label, rows=2)
        return under(col.label, c.widget), c

    plan = Exercise(
        e.id, e.kind, e.prompt, e.title, rows=e.rows, columns=tuple(i for i, _ in PLAN_FIELDS)
    )
    return grid(plan, cell)


def document(e: Exercise) -> Form:
    controls = {i.id: text(f"{e.title} · {i.label}", i.label, rows=5) for i in e.items}
    parts = [
        w.VBox([html_widget(i.label, "h4"), controls[i.id].widget], layout=full()) for i in e.items
    ]
    return Form(w.VBox(parts, layout=full()), controls, {})

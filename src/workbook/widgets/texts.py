"""Forms for the kinds answered in writing: free text, text grids, documents, action plans."""

from __future__ import annotations

from collections.abc import Callable

import ipywidgets as w

from ..kinds import PLAN_FIELDS
from ..model import Exercise, Item
from .parts import Control, Form, date, full, grid, html_widget, text, under


def free_text(e: Exercise) -> Form:
    c = text(e.placeholder)
    return Form(c.widget, {"text": c}, {})


def text_grid(e: Exercise) -> Form:
    def cell(_: Item, col: Item) -> tuple[w.Widget, Control]:
        c = text(col.label, rows=2)
        return (under(col.label, c.widget) if len(e.columns) > 1 else c.widget), c

    return grid(e, cell)


def action_plan(e: Exercise) -> Form:
    builders: dict[str, Callable[[Item], Control]] = {
        "text": lambda c: text(c.label, rows=2),
        "date": lambda _: date(),
    }
    types = dict((item.id, t) for item, t in PLAN_FIELDS)

    def cell(_: Item, col: Item) -> tuple[w.Widget, Control]:
        c = builders[types[col.id]](col)
        return under(col.label, c.widget), c

    plan = Exercise(e.id, e.kind, e.prompt, rows=e.rows, columns=tuple(i for i, _ in PLAN_FIELDS))
    return grid(plan, cell)


def document(e: Exercise) -> Form:
    controls = {i.id: text(i.label, rows=5) for i in e.items}
    parts = [
        w.VBox([html_widget(i.label, "h4"), controls[i.id].widget], layout=full()) for i in e.items
    ]
    return Form(w.VBox(parts, layout=full()), controls, {})

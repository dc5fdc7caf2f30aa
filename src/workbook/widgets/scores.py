"""Forms for self-scores: a scale of items, a matrix of rows × columns."""

from __future__ import annotations

import ipywidgets as w

from ..model import Exercise, Item
from .parts import Control, Form, anchors, beside, earlier, grid, score


def score_matrix(e: Exercise) -> Form:
    hints: dict[str, w.HTML] = {}

    def cell(row: Item, col: Item) -> tuple[w.Widget, Control]:
        c = score(e)
        hint = hints[f"{row.id}/{col.id}"] = earlier()
        return beside(col.label, c.widget, hint), c

    form = grid(e, cell)
    return Form(w.VBox([anchors(e), form.body]), form.controls, form.row_labels, earlier=hints)


def score_scale(e: Exercise) -> Form:
    controls = {i.id: score(e) for i in e.items}
    hints = {i.id: earlier() for i in e.items}
    rows = [beside(i.label, controls[i.id].widget, hints[i.id]) for i in e.items]
    return Form(w.VBox([anchors(e), *rows]), controls, {}, earlier=hints)

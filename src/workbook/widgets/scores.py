"""Forms for self-scores: a scale of items, a matrix of rows × columns."""

from __future__ import annotations

import ipywidgets as w

from ..model import Exercise, Item
from .parts import Control, Form, anchors, beside, grid, score


def score_matrix(e: Exercise) -> Form:
    def cell(_: Item, col: Item) -> tuple[w.Widget, Control]:
        c = score(e)
        return beside(col.label, c.widget), c

    form = grid(e, cell)
    return Form(w.VBox([anchors(e), form.body]), form.controls, form.row_labels)


def score_scale(e: Exercise) -> Form:
    controls = {i.id: score(e) for i in e.items}
    rows = [beside(i.label, controls[i.id].widget) for i in e.items]
    return Form(w.VBox([anchors(e), *rows]), controls, {})

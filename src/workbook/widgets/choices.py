"""Forms for the kinds answered by picking: checklists, one-of choices, recall-then-check."""

from __future__ import annotations

import ipywidgets as w

from ..model import Exercise
from .parts import Control, Form, flag, full, text


def checklist(e: Exercise) -> Form:
    pairs = {i.id: flag(i.label) for i in e.items}
    return Form(w.VBox([p[0] for p in pairs.values()]), {k: p[1] for k, p in pairs.items()}, {})


def choice(e: Exercise) -> Form:
    radio = w.RadioButtons(options=[(i.label, i.id) for i in e.items], value=None, layout=full())
    return Form(radio, {"choice": Control(radio)}, {})


def recall_check(e: Exercise) -> Form:
    recall = text(e.placeholder or "Write them from memory before you reveal the list", rows=6)
    reveal = w.ToggleButton(
        value=False, description="Reveal the list and check yourself", icon="eye"
    )
    reveal.layout = w.Layout(width="auto")
    pairs = {
        i.id: flag(f"I had it: {i.label}" + "".join(f" · {s.label}: {s.text}" for s in i.sides))
        for i in e.items
    }
    checks = w.VBox([p[0] for p in pairs.values()])

    def show(_: object = None) -> None:
        checks.layout.display = "flex" if reveal.value else "none"

    show()
    reveal.observe(show, names="value")
    controls = {"recall": recall, "revealed": Control(reveal, bool, lambda v: bool(v))}
    controls.update({k: p[1] for k, p in pairs.items()})
    return Form(w.VBox([recall.widget, reveal, checks], layout=full()), controls, {})

"""Forms for the kinds answered by picking: checklists, one-of choices, recall-then-check."""

from __future__ import annotations

import html

import ipywidgets as w
from ipywidgets.widgets.widget_selection import ToggleButtonsStyle
from ipywidgets.widgets.widget_string import HTMLStyle

from ...course.kinds import RECALL_MARKS, RECALL_REVIEW, hidden_while_recalling
from ...course.model import Exercise
from .parts import Control, Form, flag, full, html_widget, plain, shared, text


def checklist(e: Exercise) -> Form:
    pairs = {i.id: flag(i.label) for i in e.items}
    return Form(
        w.VBox([p[0] for p in pairs.values()], layout=plain()),
        {k: p[1] for k, p in pairs.items()},
        {},
    )


def choice(e: Exercise) -> Form:
    radio = w.RadioButtons(
        options=[(i.label, i.id) for i in e.items],
        value=None,
        layout=full(),
        tooltip=e.title or e.prompt,  # the radio group's name
    )
    return Form(radio, {"choice": Control(radio)}, {})


def recall_check(e: Exercise) -> Form:
    recall = text(
        e.title or e.prompt,
        e.placeholder or "Write them from memory before you reveal the list",
        rows=6,
    )
    reveal = w.ToggleButton(
        value=False, description="Reveal the list and check yourself", icon="eye"
    )
    reveal.layout = w.Layout(width="auto")
    mark_ids = {m.id for m in RECALL_MARKS}
    marks = {
        i.id: Control(
            w.ToggleButtons(
                options=[(m.label, m.id) for m in RECALL_MARKS],
                value=None,
                style=shared(ToggleButtonsStyle, button_width="8em"),
                layout=plain(),
                tooltip=i.label,
                tooltips=[f"{i.label}: {m.label}" for m in RECALL_MARKS],
            ),
            from_store=lambda v: v if v in mark_ids else None,
        )
        for i in e.items
    }
    rows = [
        w.VBox(
            [
                html_widget(i.label, "b"),
                w.HTML(
                    " · ".join(
                        f"<b>{html.escape(s.label)}:</b> {html.escape(s.text)}" for s in i.sides
                    ),
                    layout=plain(),
                    style=shared(HTMLStyle),
                ),
                marks[i.id].widget,
            ],
            layout=full(),
        )
        for i in e.items
    ]
    review_marks, review_label = RECALL_REVIEW
    review = html_widget("", "div", "wb-derived")
    # The list above, hidden from the first word recalled until the reveal (a page-wide rule on
    # the class the notebook wraps that list in).
    hide = html_widget("", "div", "wb-recall-hide", w.Layout(display="none"))
    hidden = hidden_while_recalling(e.id)

    def show(_: object = None) -> None:
        checked.layout.display = "flex" if reveal.value else "none"
        recalling = bool(str(recall.widget.value).strip()) and not reveal.value
        hide.value = (
            f"<style>.{hidden} > * {{ display: none; }} .{hidden}::before {{ content: "
            '"The list is hidden while you recall it · reveal it in the exercise below when '
            'you are done."; font-style: italic; color: var(--jp-ui-font-color2, #555); }</style>'
            if recalling
            else ""
        )
        values = {i.id: marks[i.id].widget.value for i in e.items}
        left = sum(v is None for v in values.values())
        names = [i.label for i in e.items if values[i.id] in review_marks]
        if names:
            line = f"{review_label}: {', '.join(names)}"
        elif left:
            line = f"Mark each one: {left} of {len(e.items)} left"
        else:
            line = f"{review_label}: nothing, you had all {len(e.items)}"
        review.value = f"<div>{html.escape(line)}</div>"

    checked = w.VBox([*rows, review], layout=w.Layout(width="100%"))  # its own: shown, hidden
    show()
    reveal.observe(show, names="value")
    recall.widget.observe(show, names="value")
    for control in marks.values():
        control.widget.observe(show, names="value")
    controls = {"recall": recall, "revealed": Control(reveal, bool, lambda v: bool(v)), **marks}
    return Form(w.VBox([hide, recall.widget, reveal, checked], layout=full()), controls, {}, review)

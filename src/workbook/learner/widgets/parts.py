"""The building blocks every form is made of: value controls, labels, layouts.

A :class:`Control` pairs a value widget with how its value maps to the stored one, so a view can
restore and save every kind the same way.
"""

from __future__ import annotations

import functools
import html
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import ipywidgets as w
from ipywidgets.widgets.widget_bool import CheckboxStyle
from ipywidgets.widgets.widget_description import DescriptionStyle
from ipywidgets.widgets.widget_int import SliderStyle
from ipywidgets.widgets.widget_selection import ToggleButtonsStyle
from ipywidgets.widgets.widget_string import HTMLStyle, TextStyle

from ...course.kinds import Value
from ...course.model import Exercise, Item

# The slider's first stop: a score scale starts unscored, and says so.
NOT_SCORED = "not scored yet"


@dataclass
class Control:
    """A value widget and how its value maps to the stored one."""

    widget: w.ValueWidget
    to_store: Callable[[Any], Value] = lambda v: v
    from_store: Callable[[Value], Any] = lambda v: v


@dataclass
class Form:
    body: w.Widget
    controls: dict[str, Control]
    row_labels: dict[str, w.HTML]
    summary: w.HTML | None = None  # a line the form computes from its own answers
    # A retake shows the earlier snapshot's score beside each score control.
    earlier: dict[str, w.HTML] = field(default_factory=dict)


Shared = TypeVar("Shared", bound=w.Widget)


@functools.cache
def shared(kind: type[Shared], **traits: str) -> Shared:
    """The kernel's one layout or style of `kind` with `traits`, for every widget that has the
    same one. A widget's own is one more model (a comm message, a model and a view in the
    page) per widget, half of a form's models; a shared one must never change (a widget whose
    layout changes, shown or hidden, gets its own)."""
    made: Shared = kind(**traits)
    return made


def full() -> w.Layout:
    return shared(w.Layout, width="100%")


def plain() -> w.Layout:
    return shared(w.Layout)


def _label() -> w.Layout:
    # A fixed width keeps a scale's controls in one column whatever the label's length.
    return shared(w.Layout, width="18em", flex="0 0 18em")


def html_widget(
    text: str, tag: str = "div", cls: str = "", layout: w.Layout | None = None
) -> w.HTML:
    """Text: `layout` must not change later if it is a shared one (give it its own)."""
    return w.HTML(
        f"<{tag}>{html.escape(text)}</{tag}>",
        layout=layout or plain(),
        style=shared(HTMLStyle),
        **classes(cls),
    )


def classes(*names: str) -> dict[str, Any]:
    """A widget's CSS classes as an argument: given to the constructor, they are part of the
    widget's comm_open; `add_class` afterwards is one more message per widget (a form's widgets
    nearly all have one: it was the page's most frequent message)."""
    return {"_dom_classes": tuple(name for name in names if name)}


def beside(label: str, widget: w.Widget, *after: w.Widget) -> w.HBox:
    label_widget = html_widget(label, "span", "wb-cell-label", _label())
    return w.HBox([label_widget, widget, *after], layout=plain(), **classes("wb-beside"))


def earlier() -> w.HTML:
    """Where a retake shows the earlier snapshot's score of the control before it."""
    return html_widget("", "small", "wb-earlier", shared(w.Layout, margin="0 0 0 1em"))


def under(label: str, widget: w.Widget) -> w.VBox:
    return w.VBox([html_widget(label, "small"), widget], layout=full())


def _grow(area: w.Textarea, minimum: int) -> None:
    """Fit the rows to the text (about 90 characters a line), from `minimum` up to 40.

    Browsers with CSS `field-sizing` (the stylesheet sets it) fit the height exactly instead;
    this estimate is for the others.
    """

    def fit(_: object = None) -> None:
        lines = sum(len(line) // 90 + 1 for line in str(area.value).split("\n"))
        area.rows = max(minimum, min(lines + 1, 40))

    fit()
    area.observe(fit, names="value")


# Accessible names: each control's `tooltip` is what it is announced as. ipywidgets puts it on
# a text box itself (its `title`); for the others it sits on their hidden description label,
# and the JupyterLab extension's accessibility plugin (labextension/src/a11y.ts) moves it onto
# the control: a slider's handle, a radio or button group, a date input.


def text(name: str, placeholder: str = "", rows: int = 3) -> Control:
    area = w.Textarea(
        placeholder=placeholder,
        rows=rows,
        continuous_update=True,
        layout=full(),
        style=shared(TextStyle),
        tooltip=name,
        **classes(f"wb-rows-{rows}"),  # the stylesheet's minimum height, where rows don't apply
    )
    _grow(area, rows)
    return Control(area, lambda v: str(v), lambda v: "" if v is None else str(v))


def score(exercise: Exercise, name: str) -> Control:
    """`name`: what is scored ("Patience"; "Escalation Management, Handover 2")."""
    scale = exercise.scale
    assert scale is not None
    anchors = dict(scale.anchors)
    if len(scale.points()) <= 5:
        toggles = w.ToggleButtons(
            options=[(str(p), p) for p in scale.points()],
            value=None,
            tooltips=[
                f"{name}: {p} of {scale.max}" + (f" ({anchors[p]})" if p in anchors else "")
                for p in scale.points()
            ],
            style=shared(ToggleButtonsStyle, button_width="3em"),
            layout=plain(),
            tooltip=name,
        )
        return Control(toggles)
    labels = [NOT_SCORED, *(str(p) for p in scale.points())]
    slider = w.SelectionSlider(
        options=labels,
        value=NOT_SCORED,
        continuous_update=False,
        style=shared(SliderStyle),
        layout=plain(),
        tooltip=f"{name}, {scale.min} to {scale.max}",
        **classes("wb-slider"),
    )
    return Control(
        slider,
        lambda v: None if v == NOT_SCORED else int(v),
        lambda v: NOT_SCORED if v is None else str(v),
    )


def anchors(exercise: Exercise) -> w.HTML:
    assert exercise.scale is not None
    text = " · ".join(f"{p} = {label}" for p, label in exercise.scale.anchors)
    return html_widget(text, "small", "wb-anchors")


def flag(label: str) -> tuple[w.Widget, Control]:
    # The label is the checkbox's own description: inside its <label>, so a click on it ticks.
    style = shared(CheckboxStyle)
    box = w.Checkbox(
        value=False,
        description=label,
        indent=False,
        layout=full(),
        style=style,
        **classes("wb-flag"),
    )
    return box, Control(box, bool, lambda v: bool(v))


def date(label: str) -> Control:
    """A date input whose label is its own description (`<label for>`): named without scripts,
    in Voilà too."""
    style = shared(DescriptionStyle, description_width="initial")
    picker = w.DatePicker(value=None, description=label, style=style, layout=plain())
    return Control(picker, lambda v: v, lambda v: v)


def grid(e: Exercise, cell: Callable[[Item, Item], tuple[w.Widget, Control]]) -> Form:
    """One labelled block per row, its cells made by `cell(row, column)`."""
    controls: dict[str, Control] = {}
    labels: dict[str, w.HTML] = {}
    rows: list[w.Widget] = []
    for row in e.rows:
        labels[row.id] = html_widget(row.label, "b", "wb-row-label")
        cells = []
        for col in e.columns:
            widget, control = cell(row, col)
            controls[f"{row.id}/{col.id}"] = control
            cells.append(widget)
        rows.append(w.VBox([labels[row.id], *cells], layout=full()))
    return Form(w.VBox(rows, layout=full()), controls, labels)

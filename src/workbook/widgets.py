"""The learner's view: one ipywidgets form per exercise kind, saving every change as it happens.

Each value widget is restored from the store first and observed second, so a restore never
writes back. Builders are a table keyed by kind, like :data:`workbook.kinds.KINDS`.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import ipywidgets as w

from .errors import WorkbookError
from .kinds import PLAN_FIELDS, Value
from .model import Exercise, Item
from .progress import progress, unit_progress
from .scores import lowest
from .session import Session, Status, current
from .snapshots import (
    FIRST,
    LAST,
    SNAPSHOTS,
    SnapshotState,
    comes_before,
    ordered,
    snapshot_label,
    states,
)

__all__ = ["ExerciseView", "exercise", "live_view", "progress_bar", "progress_table"]

_NOT_SCORED = "–"


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
    # A retake shows the earlier snapshot's score beside each score control.
    earlier: dict[str, w.HTML] = field(default_factory=dict)


def _full() -> w.Layout:
    return w.Layout(width="100%")


def _label() -> w.Layout:
    # A fixed width keeps a scale's controls in one column whatever the label's length.
    return w.Layout(width="18em", flex="0 0 18em")


def _html(text: str, tag: str = "div", cls: str = "", layout: w.Layout | None = None) -> w.HTML:
    widget = w.HTML(f"<{tag}>{html.escape(text)}</{tag}>", layout=layout or w.Layout())
    if cls:
        widget.add_class(cls)
    return widget


def _beside(label: str, widget: w.Widget, *after: w.Widget) -> w.HBox:
    return w.HBox([_html(label, "span", "wb-cell-label", _label()), widget, *after])


def _earlier() -> w.HTML:
    return _html("", "small", "wb-earlier", w.Layout(margin="0 0 0 1em"))


def _under(label: str, widget: w.Widget) -> w.VBox:
    return w.VBox([_html(label, "small"), widget], layout=_full())


def _grow(area: w.Textarea, minimum: int) -> None:
    """Fit the rows to the text (about 90 characters a line), from `minimum` up to 40."""

    def fit(_: object = None) -> None:
        lines = sum(len(line) // 90 + 1 for line in str(area.value).split("\n"))
        area.rows = max(minimum, min(lines + 1, 40))

    fit()
    area.observe(fit, names="value")


def _text(placeholder: str = "", rows: int = 3) -> Control:
    area = w.Textarea(placeholder=placeholder, rows=rows, continuous_update=True, layout=_full())
    _grow(area, rows)
    return Control(area, lambda v: str(v), lambda v: "" if v is None else str(v))


def _score(exercise: Exercise) -> Control:
    scale = exercise.scale
    assert scale is not None
    anchors = dict(scale.anchors)
    if len(scale.points()) <= 5:
        toggles = w.ToggleButtons(
            options=[(str(p), p) for p in scale.points()],
            value=None,
            tooltips=[anchors.get(p, "") for p in scale.points()],
            style={"button_width": "3em"},
        )
        return Control(toggles)
    labels = [_NOT_SCORED, *(str(p) for p in scale.points())]
    slider = w.SelectionSlider(options=labels, value=_NOT_SCORED, continuous_update=False)
    return Control(
        slider,
        lambda v: None if v == _NOT_SCORED else int(v),
        lambda v: _NOT_SCORED if v is None else str(v),
    )


def _anchors(exercise: Exercise) -> w.HTML:
    assert exercise.scale is not None
    text = " · ".join(f"{p} = {label}" for p, label in exercise.scale.anchors)
    return _html(text, "small", "wb-anchors")


def _flag(label: str) -> tuple[w.Widget, Control]:
    box = w.Checkbox(value=False, indent=False, layout=w.Layout(width="2em"))
    return w.HBox([box, _html(label)]), Control(box, bool, lambda v: bool(v))


def _date() -> Control:
    return Control(w.DatePicker(value=None), lambda v: v, lambda v: v)


def _free_text(e: Exercise) -> Form:
    c = _text(e.placeholder)
    return Form(c.widget, {"text": c}, {})


def _grid(e: Exercise, cell: Callable[[Item, Item], tuple[w.Widget, Control]]) -> Form:
    controls: dict[str, Control] = {}
    labels: dict[str, w.HTML] = {}
    rows: list[w.Widget] = []
    for row in e.rows:
        labels[row.id] = _html(row.label, "b", "wb-row-label")
        cells = []
        for col in e.columns:
            widget, control = cell(row, col)
            controls[f"{row.id}/{col.id}"] = control
            cells.append(widget)
        rows.append(w.VBox([labels[row.id], *cells], layout=_full()))
    return Form(w.VBox(rows, layout=_full()), controls, labels)


def _text_grid(e: Exercise) -> Form:
    def cell(_: Item, col: Item) -> tuple[w.Widget, Control]:
        c = _text(col.label, rows=2)
        return (_under(col.label, c.widget) if len(e.columns) > 1 else c.widget), c

    return _grid(e, cell)


def _score_matrix(e: Exercise) -> Form:
    earlier: dict[str, w.HTML] = {}

    def cell(row: Item, col: Item) -> tuple[w.Widget, Control]:
        c = _score(e)
        hint = earlier[f"{row.id}/{col.id}"] = _earlier()
        return _beside(col.label, c.widget, hint), c

    form = _grid(e, cell)
    return Form(w.VBox([_anchors(e), form.body]), form.controls, form.row_labels, earlier)


def _score_scale(e: Exercise) -> Form:
    controls = {i.id: _score(e) for i in e.items}
    earlier = {i.id: _earlier() for i in e.items}
    rows = [_beside(i.label, controls[i.id].widget, earlier[i.id]) for i in e.items]
    return Form(w.VBox([_anchors(e), *rows]), controls, {}, earlier)


def _checklist(e: Exercise) -> Form:
    pairs = {i.id: _flag(i.label) for i in e.items}
    return Form(w.VBox([p[0] for p in pairs.values()]), {k: p[1] for k, p in pairs.items()}, {})


def _choice(e: Exercise) -> Form:
    radio = w.RadioButtons(options=[(i.label, i.id) for i in e.items], value=None, layout=_full())
    return Form(radio, {"choice": Control(radio)}, {})


def _action_plan(e: Exercise) -> Form:
    builders: dict[str, Callable[[Item], Control]] = {
        "text": lambda c: _text(c.label, rows=2),
        "date": lambda _: _date(),
    }
    types = dict((item.id, t) for item, t in PLAN_FIELDS)

    def cell(_: Item, col: Item) -> tuple[w.Widget, Control]:
        c = builders[types[col.id]](col)
        return _under(col.label, c.widget), c

    plan = Exercise(e.id, e.kind, e.prompt, rows=e.rows, columns=tuple(i for i, _ in PLAN_FIELDS))
    return _grid(plan, cell)


def _recall_check(e: Exercise) -> Form:
    recall = _text(e.placeholder or "Write them from memory before you reveal the list", rows=6)
    reveal = w.ToggleButton(
        value=False, description="Reveal the list and check yourself", icon="eye"
    )
    reveal.layout = w.Layout(width="auto")
    pairs = {
        i.id: _flag(f"I had it: {i.label}" + "".join(f" · {s.label}: {s.text}" for s in i.sides))
        for i in e.items
    }
    checks = w.VBox([p[0] for p in pairs.values()])

    def show(_: object = None) -> None:
        checks.layout.display = "flex" if reveal.value else "none"

    show()
    reveal.observe(show, names="value")
    controls = {"recall": recall, "revealed": Control(reveal, bool, lambda v: bool(v))}
    controls.update({k: p[1] for k, p in pairs.items()})
    return Form(w.VBox([recall.widget, reveal, checks], layout=_full()), controls, {})


def _document(e: Exercise) -> Form:
    controls = {i.id: _text(i.label, rows=5) for i in e.items}
    parts = [w.VBox([_html(i.label, "h4"), controls[i.id].widget], layout=_full()) for i in e.items]
    return Form(w.VBox(parts, layout=_full()), controls, {})


BUILDERS: dict[str, Callable[[Exercise], Form]] = {
    "free_text": _free_text,
    "text_grid": _text_grid,
    "score_scale": _score_scale,
    "score_matrix": _score_matrix,
    "checklist": _checklist,
    "choice": _choice,
    "action_plan": _action_plan,
    "recall_check": _recall_check,
    "document": _document,
}


class ExerciseView:
    """One exercise on screen: its form, its snapshot picker, its save status."""

    def __init__(self, session: Session, exercise: Exercise) -> None:
        self.session = session
        self.exercise = exercise
        self.form = BUILDERS[exercise.kind](exercise)
        self.status = _html("", "small", "wb-status")
        self.derived = _html("", "div", "wb-derived")
        self._loading = False
        self._edited = False
        self.snapshot = ""
        self.start_button: w.Button | None = None
        # A derived exercise's answers belong to the snapshot its "lowest" items came from.
        self.source = session.snapshot_source(exercise)
        self.guide = _html("", "div", "wb-snapshot-guide")
        parts: list[w.Widget] = []
        if exercise.snapshots:
            # Opens on the snapshot that counts, not on a retake barely begun.
            self.snapshot = session.in_effect(exercise.id) or FIRST
            self.picker = w.Dropdown(
                options=self._snapshot_options(), value=self.snapshot, description="Snapshot"
            )
            self.picker.add_class("wb-snapshot")
            parts += [self.guide, self.picker]
        elif self.source is not None:
            self.snapshot = session.in_effect(self.source.id) or FIRST
        self.load()
        for key, control in self.form.controls.items():
            control.widget.observe(self._changed(key), names="value")
        if exercise.snapshots:
            self.picker.observe(self._switch, names="value")
            self._show_snapshot()
        name = f"view:{exercise.id}"
        session.on_status(name, self._show_status)
        session.on_change(name, self._on_change)
        if exercise.derive is not None:
            parts.append(self.derived)
            self.derive()
        answered = _has_answers(session.answers(exercise.id, self.snapshot))
        draft = session.answers(exercise.start_from) if exercise.start_from else {}
        if not answered and _has_answers(draft):
            parts.append(self._start_button())
        self.status.value = _status_html(self._resting_status())
        self.box = w.VBox([*parts, self.form.body, self.status], layout=_full())
        self.box.add_class("wb-exercise")
        self.box.add_class(f"wb-{exercise.kind.replace('_', '-')}")
        self.box.add_class(f"wb-ex-{exercise.id.replace('.', '-')}")

    def _start_button(self) -> w.Button:
        source = self.session.chapter.unit_of(self.exercise.start_from)
        button = w.Button(
            description=f"Start from my draft in {source.label}",
            icon="copy",
            layout=w.Layout(width="auto"),
        )
        button.add_class("wb-start-from")

        def copy(_: w.Button) -> None:
            # Through the widgets, so each copied answer is saved like a typed one.
            draft = self.session.answers(self.exercise.start_from)
            for key, control in self.form.controls.items():
                if key in draft:
                    control.widget.value = control.from_store(draft[key])
            button.layout.display = "none"

        button.on_click(copy)
        self.start_button = button
        return button

    # snapshots ---------------------------------------------------------------------------

    def _states(self) -> list[SnapshotState]:
        return states(self.exercise, self.session.by_snapshot(self.exercise.id))

    def _snapshot_options(self) -> list[tuple[str, str]]:
        """Course order, each with how far it got: `First day ✓`, `Last day · 3 of 8 scored`."""
        found = {s.snapshot: s.progress for s in self._states()}
        today = f"check-in-{dt.date.today().isoformat()}"
        names = ordered([*SNAPSHOTS, *found, today])
        return [(found.get(s, snapshot_label(s)), s) for s in names if s]

    def _show_snapshot(self) -> None:
        """The guide above the form, the picker's labels and the earlier scores beside it."""
        found = self._states()
        self.guide.value = _guide(found, self.snapshot)
        options = self._snapshot_options()
        if list(self.picker.options) != options:
            self._loading = True  # relabelling is not a switch
            try:
                self.picker.options = options
                self.picker.value = self.snapshot
            finally:
                self._loading = False
        before = [s for s in found if s.complete and comes_before(s.snapshot, self.snapshot)]
        earlier = self.session.answers(self.exercise.id, before[-1].snapshot) if before else {}
        for key, hint in self.form.earlier.items():
            value = earlier.get(key)
            hint.value = (
                f"<small>{html.escape(before[-1].label)}: {value}</small>"
                if before and value is not None
                else ""
            )

    def _resting_status(self) -> str:
        if _has_answers(self.session.answers(self.exercise.id, self.snapshot)):
            return "Your answers are back · saves automatically"
        if self.exercise.snapshots and self._states():
            return f"Not scored yet as {snapshot_label(self.snapshot)} · saves automatically"
        return "Saves automatically · come back to it whenever"

    def load(self) -> None:
        answers = self.session.answers(self.exercise.id, self.snapshot)
        self._loading = True
        try:
            for key, control in self.form.controls.items():
                control.widget.value = control.from_store(answers.get(key))
        finally:
            self._loading = False

    def _switch(self, change: dict[str, Any]) -> None:
        if self._loading:
            return
        self.snapshot = str(change["new"])
        self.load()
        self._show_snapshot()
        self._edited = False  # the next save reports itself; until then, this snapshot's state
        self.status.value = _status_html(self._resting_status())

    def _changed(self, key: str) -> Callable[[dict[str, Any]], None]:
        def save(change: dict[str, Any]) -> None:
            if self._loading:
                return
            self._edited = True
            try:
                control = self.form.controls[key]
                self.session.set(
                    self.exercise.id, key, control.to_store(change["new"]), self.snapshot
                )
            except WorkbookError as error:
                self.status.value = _status_html(str(error), failed=True)

        return save

    def _show_status(self, status: Status) -> None:
        # Saves are batched for the whole session; only the exercises edited here report them.
        if self._edited:
            self.status.value = _status_html(status.message, failed=status.state == "failed")

    def _on_change(self, exercise_id: str) -> None:
        if exercise_id == self.exercise.id and self.exercise.snapshots:
            self._show_snapshot()
        if self.exercise.derive is not None and exercise_id == self.exercise.derive.lowest_of:
            self.derive()

    def derive(self) -> None:
        derive = self.exercise.derive
        assert derive is not None
        source = self.session.exercise(derive.lowest_of)
        note = ""
        if self.source is None:
            answers = self.session.all_answers().get(source.id, {})
        else:
            # One snapshot's scores name the items; the rows below hold that snapshot's answers.
            snapshot = self.session.in_effect(source.id) or FIRST
            if snapshot != self.snapshot:
                self.snapshot = snapshot
                self.load()
            answers = self.session.answers(source.id, snapshot)
            found_states = states(source, self.session.by_snapshot(source.id))
            pending = [
                s for s in found_states if not s.complete and comes_before(snapshot, s.snapshot)
            ]
            note = f" · from your {snapshot_label(snapshot)} scores"
            if pending:
                note += f" · {pending[-1].label} in progress: this follows it once it is complete"
        found = lowest(source, answers, derive.count)
        if found is None:
            title = html.escape(source.title or source.id)
            self.derived.value = f"<i>Score every item of “{title}” above to see this.</i>"
            return
        names = " and ".join(f"<b>{html.escape(i.label)}</b>" for i in found)
        self.derived.value = (
            f"{html.escape(derive.label)}: {names}<small>{html.escape(note)}</small>"
        )
        for (row_id, label), item in zip(self.form.row_labels.items(), found, strict=False):
            row = next(r for r in self.exercise.rows if r.id == row_id)
            label.value = f"<b>{html.escape(row.label)}: {html.escape(item.label)}</b>"


def _guide(found: list[SnapshotState], viewing: str) -> str:
    """What the self-score is for, and where this snapshot stands, in one line."""
    first, last = snapshot_label(FIRST), snapshot_label(LAST)
    if not found:
        return (
            f"Score yourself now as <b>{first}</b> · you retake it as <b>{last}</b> at the end "
            "of the course to see how you moved."
        )
    complete = [s for s in found if s.complete]
    this = next((s for s in found if s.snapshot == viewing), None)
    parts = []
    if complete:
        parts.append("You scored this on " + " and ".join(f"<b>{s.label}</b>" for s in complete))
    counts = f"your <b>{complete[-1].label}</b> scores" if complete else "nothing yet"
    label = html.escape(snapshot_label(viewing))
    if this is None:
        parts.append(
            f"<b>{label}</b>: not scored yet"
            + (f" · {counts} shown beside each item" if complete else "")
        )
    elif not this.complete:
        parts.append(
            f"<b>{label}</b> in progress · {this.scored} of {this.total} scored · until it is complete, {counts} count"
        )
    for s in found:
        if not s.complete and s.snapshot != viewing:
            parts.append(
                f"{s.label} in progress ({s.scored} of {s.total} scored): pick it in the menu to finish"
            )
    if not any(s.snapshot == LAST for s in found) and viewing != LAST:
        parts.append(f"retake it as <b>{last}</b> at the end of the course")
    return " · ".join(parts)


def _has_answers(answers: dict[str, Value]) -> bool:
    return any(v not in (None, "", False) for v in answers.values())


def _status_html(message: str, failed: bool = False) -> str:
    colour = "#b00020" if failed else "#555"
    icon = "⚠ " if failed else "✓ " if message.startswith("Saved") else ""
    return f'<small style="color:{colour}">{icon}{html.escape(message)}</small>'


def _problem(error: WorkbookError) -> w.HTML:
    widget = w.HTML(f'<div style="color:#b00020">⚠ {html.escape(str(error))}</div>')
    widget.add_class("wb-problem")
    return widget


_views: dict[str, ExerciseView] = {}


def live_view(exercise_id: str) -> ExerciseView:
    """The view most recently shown for an exercise in this kernel (for tests and scripting)."""
    return _views[exercise_id]


def exercise(exercise_id: str) -> w.Widget:
    """The live form for one exercise, restored from the store. Errors show as a message."""
    try:
        session = current()
        view = ExerciseView(session, session.exercise(exercise_id))
    except WorkbookError as error:
        return _problem(error)
    _views[exercise_id] = view
    return view.box


def _progress_html(session: Session, unit_id: str | None) -> str:
    answers = session.all_answers()
    overall = progress(session.chapter, answers)
    text = (
        f"<b>Chapter {session.chapter.number} progress</b> &nbsp; "
        f'<span class="wb-progress-summary">{overall.summary}</span> &nbsp; '
        f'<span class="wb-progress-detail">{overall.detail}</span>'
    )
    if unit_id is None:
        done = [u.unit.label for u in overall.units if u.done]
        listed = " · ".join(done) if done else "nothing yet: start with Module 1"
        text += f'<br><span class="wb-progress-done">Done: {html.escape(listed)}</span>'
    else:
        unit = unit_progress(session.chapter.unit(unit_id), answers)
        state = "done ✓" if unit.done else f"{unit.complete} of {unit.required} exercises complete"
        text += f'<br><span class="wb-unit-progress">This {unit.unit.label.split()[0].lower()}: {state}</span>'
    return f'<div style="padding:4px 0">{text}<br><small>Saving locally · {session.where}</small></div>'


def progress_bar(unit_id: str | None = None) -> w.Widget:
    """`N / 11 · P%` and `x/8 modules · y/3 homework`, live as answers change."""
    try:
        session = current()
        if unit_id is not None:
            session.chapter.unit(unit_id)
    except WorkbookError as error:
        return _problem(error)
    except KeyError:
        return _problem(WorkbookError(f"No module {unit_id!r}: regenerate the notebooks"))
    bar = w.HTML(_progress_html(session, unit_id))
    bar.add_class("wb-progress")
    session.on_change(
        f"progress:{unit_id}", lambda _: setattr(bar, "value", _progress_html(session, unit_id))
    )
    return bar


def progress_table() -> w.Widget:
    """Every module and homework, done or not."""
    try:
        session = current()
    except WorkbookError as error:
        return _problem(error)
    result = progress(session.chapter, session.all_answers())
    rows = "".join(
        f"<tr><td>{html.escape(u.unit.label)}</td><td>{html.escape(u.unit.title)}</td>"
        f"<td>{'✓ done' if u.done else f'{u.complete}/{u.required}'}</td></tr>"
        for u in result.units
    )
    table = w.HTML(f"<table><tr><th></th><th>Title</th><th>Exercises</th></tr>{rows}</table>")
    table.add_class("wb-progress-table")
    return table

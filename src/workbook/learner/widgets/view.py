"""One exercise on screen: its form (built by kind), snapshot picker, save status, derived prompt.

Each value widget is restored from the store first and observed second, so a restore never
writes back. Builders are a table keyed by kind, like :data:`workbook.course.kinds.KINDS`.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

import ipywidgets as w
from ipywidgets.widgets.widget_description import DescriptionStyle

from ...course.kinds import Value, answered, filled
from ...course.model import Exercise, Item
from ...course.scores import lowest
from ...course.snapshots import SnapshotState, comes_before, ordered, snapshot_label, states
from ...errors import WorkbookError
from ..session import Session, Status, current
from ..watch import watch
from . import choices, retake, scores, texts
from .parts import Form, classes, full, html_widget, plain, shared
from .share import share_toggle
from .style import problem, status_html, stylesheet

BUILDERS: dict[str, Callable[[Exercise], Form]] = {
    "free_text": texts.free_text,
    "text_grid": texts.text_grid,
    "score_scale": scores.score_scale,
    "score_matrix": scores.score_matrix,
    "checklist": choices.checklist,
    "choice": choices.choice,
    "action_plan": texts.action_plan,
    "recall_check": choices.recall_check,
    "document": texts.document,
}


class ExerciseView:
    """One exercise on screen: its form, its snapshot picker, its save status."""

    def __init__(self, session: Session, exercise: Exercise) -> None:
        self.session = session
        self.exercise = exercise
        self.form = BUILDERS[exercise.kind](exercise)
        self.status = html_widget("", "small", "wb-status")
        self.derived = html_widget("", "div", "wb-derived")
        self.derived_note = html_widget("", "small", "wb-derived-note")  # whose scores named them
        self._loading = False
        self._edited = False
        self.snapshot = ""
        self.start_button: w.Button | None = None
        # A derived exercise's answers belong to the snapshot its "lowest" items came from.
        self.source = session.snapshot_source(exercise)
        self.guide = html_widget("", "div", "wb-snapshot-guide")
        parts: list[w.Widget] = []
        if exercise.snapshots:
            # Opens on the snapshot that counts, not on a retake barely begun.
            self.snapshot = session.in_view(exercise)
            self.picker = w.Dropdown(
                options=retake.options(self._states()),
                value=self.snapshot,
                description="Snapshot",
                layout=plain(),
                style=shared(DescriptionStyle),
                **classes("wb-snapshot"),
            )
            parts += [self.guide, self.picker]
        elif self.source is not None:
            self.snapshot = session.in_view(exercise)
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
            parts += [self.derived, self.derived_note]
            self.derive()
        answers_back = answered(session.answers(exercise.id, self.snapshot))
        if not answers_back and answered(self._draft()):
            parts.append(self._start_button())
        self.status.value = status_html(self._resting_status())
        share = share_toggle(session, exercise)
        tail = [share] if share is not None else []
        names = classes(
            "wb-exercise",
            f"wb-{exercise.kind.replace('_', '-')}",
            f"wb-ex-{exercise.id.replace('.', '-')}",
        )
        children = [stylesheet(), *parts, self.form.body, *tail, self.status]
        self.box = w.VBox(children, layout=full(), **names)

    def _start_button(self) -> w.Button:
        source = self.session.course.unit_of(self.exercise.start_from)
        button = w.Button(
            description=f"Start from my answers in {source.label}",
            icon="copy",
            layout=w.Layout(width="auto"),
            **classes("wb-start-from"),
        )

        def copy(_: w.Button) -> None:
            # Through the widgets, so each copied answer is saved like a typed one.
            draft = self._draft()
            for key, control in self.form.controls.items():
                if key in draft:
                    control.widget.value = control.from_store(draft[key])
            button.layout.display = "none"

        button.on_click(copy)
        self.start_button = button
        return button

    def _draft(self) -> dict[str, Value]:
        """The answers `start_from` names; of a self-score, one whole snapshot: the one in
        effect, else the newest begun (never a mix of snapshots)."""
        source = self.exercise.start_from
        if not source:
            return {}
        taken = self.session.snapshots(source)
        counts = self.session.in_effect(source) if self.session.exercise(source).snapshots else None
        return self.session.answers(source, counts or (taken[-1] if taken else ""))

    # snapshots ---------------------------------------------------------------------------

    def _states(self) -> list[SnapshotState]:
        return states(self.exercise, self.session.by_snapshot(self.exercise.id))

    def _show_snapshot(self) -> None:
        """The guide above the form, the menu's labels and the earlier scores beside it."""
        found = self._states()
        self.guide.value = retake.guide(found, self.snapshot)
        options = retake.options(found)
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
        if answered(self.session.answers(self.exercise.id, self.snapshot)):
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
        self._edited = False  # until the next edit, the status tells this snapshot's state
        self.status.value = status_html(self._resting_status())

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
                self.status.value = status_html(str(error), failed=True)

        return save

    def _show_status(self, status: Status) -> None:
        # Saves are batched for the whole session; only the exercises edited here report them.
        if self._edited:
            self.status.value = status_html(status.message, failed=status.state == "failed")

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
            snapshot = self.session.in_view(self.exercise)
            if snapshot != self.snapshot:
                self.snapshot = snapshot
                self.load()
            answers = self.session.answers(source.id, snapshot)
            pending = [
                s
                for s in states(source, self.session.by_snapshot(source.id))
                if not s.complete and comes_before(snapshot, s.snapshot)
            ]
            note = f"From your {snapshot_label(snapshot)} scores"
            if pending:
                note += f" · {pending[-1].label} in progress: this follows it once it is complete"
        self.derived_note.value = f"<small>{html.escape(note)}</small>"
        found = lowest(source, answers, derive.count)
        if found is None:
            title = html.escape(source.title or source.id)
            self.derived.value = f"<i>Score every item of “{title}” above to see this.</i>"
            return
        names = " and ".join(f"<b>{html.escape(i.label)}</b>" for i in found)
        self.derived.value = f"{html.escape(derive.label)}: {names}"
        for (row_id, label), item in zip(self.form.row_labels.items(), found, strict=False):
            row = next(r for r in self.exercise.rows if r.id == row_id)
            label.value = f"<b>{html.escape(row.label)}: {html.escape(item.label)}</b>"
        if self.source is not None:
            carried = self._carry(self.source, found)
            if carried:
                note += f" · {carried}"
                self.derived_note.value = f"<small>{html.escape(note)}</small>"

    def _carry(self, source: Exercise, found: list[Item]) -> str:
        """Fill this snapshot's untouched rows with what an earlier snapshot's rows said for the
        same item: a retake that names the same lowest skill keeps the learner's action (saved
        here, editable). Returns a note saying what was carried, or ""."""
        assert self.exercise.derive is not None
        mine = self.session.by_snapshot(self.exercise.id)
        here = mine.get(self.snapshot, {})
        scores = self.session.by_snapshot(source.id)
        earlier = [s for s in reversed(ordered(mine)) if comes_before(s, self.snapshot)]
        carried: list[str] = []
        for row, item in zip(self.exercise.rows, found, strict=False):
            keys = [k for k in self.form.controls if k.startswith(f"{row.id}/")]
            if any(k in here for k in keys):
                continue  # written, or cleared, in this snapshot: the learner's word stands
            for snapshot in earlier:
                named = lowest(source, scores.get(snapshot, {}), self.exercise.derive.count) or []
                if item not in named:
                    continue
                was = self.exercise.rows[named.index(item)].id
                values = {key: mine[snapshot].get(f"{was}/{key.partition('/')[2]}") for key in keys}
                if not any(filled(v) for v in values.values()):
                    continue
                for key, value in values.items():  # through the widgets: saved like typing
                    if filled(value):
                        control = self.form.controls[key]
                        control.widget.value = control.from_store(value)
                carried.append(f"{item.label} from {snapshot_label(snapshot)}")
                break
        if not carried:
            return ""
        return f"Carried over your action for {' and '.join(carried)}: edit it if it has changed"


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
        return problem(error)
    _views[exercise_id] = view
    watch(session)  # derived prompts follow scores saved in another notebook
    return view.box

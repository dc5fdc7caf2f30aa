"""Progress widgets: the bar every notebook shows and the table of units."""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping

import ipywidgets as w
from ipywidgets.widgets.widget_string import HTMLStyle

from ...course.kinds import Value
from ...course.model import Chapter
from ...course.progress import progress, unit_progress
from ...errors import WorkbookError
from ..session import Session, current
from ..watch import watch
from .parts import classes, full, plain, shared
from .style import problem, stylesheet

Answers = Mapping[str, Mapping[str, Value]]


def _chapter_html(chapter: Chapter, answers: Answers, unit_id: str | None) -> str:
    overall = progress(chapter, answers)
    text = (
        f"<b>Chapter {chapter.number} progress</b> &nbsp; "
        f'<span class="wb-progress-summary">{overall.summary}</span> &nbsp; '
        f'<span class="wb-progress-detail">{overall.detail}</span>'
        f'<div class="wb-bar" role="progressbar" aria-valuemin="0" aria-valuemax="{overall.total}" '
        f'aria-valuenow="{overall.done}" aria-label="{overall.done} of {overall.total} done">'
        f'<div style="width:{overall.percent}%"></div></div>'
    )
    if unit_id is None:
        done = [u.unit.label for u in overall.units if u.done]
        listed = " · ".join(done) if done else "nothing yet: start with Module 1"
        text += f'<span class="wb-progress-done">Done: {html.escape(listed)}</span>'
    else:
        unit = unit_progress(chapter.unit(unit_id), answers)
        state = "done ✓" if unit.done else f"{unit.complete} of {unit.required} exercises complete"
        text += f'<span class="wb-unit-progress">This {unit.unit.label.split()[0].lower()}: {state}</span>'
    return text


def _progress_html(session: Session, unit_id: str | None) -> str:
    """A unit's chapter and the unit; without a unit, every chapter of the course."""
    answers = session.all_answers()
    course = session.course
    chapters = course.chapters if unit_id is None else (course.chapter_of(unit_id),)
    text = "<br>".join(_chapter_html(c, answers, unit_id) for c in chapters)
    return f"<div>{text}<br><small>Saving locally · {session.where}</small></div>"


def _table_html(session: Session) -> str:
    answers = session.all_answers()
    rows = ""
    for chapter in session.course.chapters:
        if len(session.course.chapters) > 1:
            rows += f"<tr><th colspan=3>Chapter {chapter.number}</th></tr>"
        rows += "".join(
            f"<tr><td>{html.escape(u.unit.label)}</td><td>{html.escape(u.unit.title)}</td>"
            f"<td>{'✓ done' if u.done else f'{u.complete}/{u.required}'}</td></tr>"
            for u in progress(chapter, answers).units
        )
    return f"<table><tr><th></th><th>Title</th><th>Exercises</th></tr>{rows}</table>"


def live_html(
    name: str, cls: str, render: Callable[[Session], str], session: Session | None = None
) -> w.Widget:
    """An HTML widget showing `render(session)`, redrawn after every change to the answers:
    made here, or saved in another notebook (the kernel's store watcher sees it within a second).

    This is the hook for anything drawn from the answers (progress, charts): `name` identifies
    it, so a re-run cell replaces its listener; `cls` is a class for styling and tests.
    """
    session = session or current()
    shown = w.HTML(render(session), layout=plain(), style=shared(HTMLStyle), **classes(cls))
    session.on_change(name, lambda _: setattr(shown, "value", render(session)))
    watch(session)
    return w.VBox([stylesheet(), shown], layout=full())


def progress_bar(unit_id: str | None = None) -> w.Widget:
    """`N / 11 · P%` and `x/8 modules · y/3 homework`, live as answers change."""
    try:
        session = current()
        if unit_id is not None:
            session.course.unit(unit_id)
    except WorkbookError as error:
        return problem(error)
    except KeyError:
        return problem(WorkbookError(f"No module {unit_id!r}: regenerate the notebooks"))
    render = lambda s: _progress_html(s, unit_id)  # noqa: E731
    return live_html(f"progress:{unit_id}", "wb-progress", render, session)


def progress_table() -> w.Widget:
    """Every module and homework, done or not, live as answers change."""
    try:
        return live_html("progress-table", "wb-progress-table", _table_html)
    except WorkbookError as error:
        return problem(error)

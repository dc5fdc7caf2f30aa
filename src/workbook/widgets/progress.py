"""Progress widgets: the bar every notebook shows and the table of units."""

from __future__ import annotations

import html

import ipywidgets as w

from ..errors import WorkbookError
from ..progress import progress, unit_progress
from ..session import Session, current
from .style import problem


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
        return problem(error)
    except KeyError:
        return problem(WorkbookError(f"No module {unit_id!r}: regenerate the notebooks"))
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
        return problem(error)
    result = progress(session.chapter, session.all_answers())
    rows = "".join(
        f"<tr><td>{html.escape(u.unit.label)}</td><td>{html.escape(u.unit.title)}</td>"
        f"<td>{'✓ done' if u.done else f'{u.complete}/{u.required}'}</td></tr>"
        for u in result.units
    )
    table = w.HTML(f"<table><tr><th></th><th>Title</th><th>Exercises</th></tr>{rows}</table>")
    table.add_class("wb-progress-table")
    return table

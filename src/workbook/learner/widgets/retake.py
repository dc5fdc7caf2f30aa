"""Words for self-score snapshots: what the score is for, and how far each retake has got."""

from __future__ import annotations

import datetime as dt
import html

from ...course.snapshots import FIRST, LAST, SNAPSHOTS, SnapshotState, ordered, snapshot_label


def options(found: list[SnapshotState]) -> list[tuple[str, str]]:
    """The menu in course order, each with how far it got: `First day ✓`, `Last day · 3 of 8…`."""
    shown = {s.snapshot: s.progress for s in found}
    today = f"check-in-{dt.date.today().isoformat()}"
    return [(shown.get(s, snapshot_label(s)), s) for s in ordered([*SNAPSHOTS, *shown, today]) if s]


def guide(found: list[SnapshotState], viewing: str) -> str:
    """One line above the form: what the self-score is for and where this snapshot stands."""
    first, last = snapshot_label(FIRST), snapshot_label(LAST)
    if not found and viewing == FIRST:
        return (
            f"Score yourself now as <b>{first}</b> · you retake it as <b>{last}</b> at the end "
            "of the course to see how you moved."
        )
    if not found:  # a self-score first met at the chapter's end, or a snapshot picked by hand
        return (
            f"Score yourself now as <b>{html.escape(snapshot_label(viewing))}</b> · retake it "
            "later as a dated check-in to see how you move."
        )
    complete = [s for s in found if s.complete]
    this = next((s for s in found if s.snapshot == viewing), None)
    label = html.escape(snapshot_label(viewing))
    parts = []
    if complete:
        parts.append("You scored this on " + " and ".join(f"<b>{s.label}</b>" for s in complete))
    counting = f"your <b>{complete[-1].label}</b> scores" if complete else ""
    if this is None:
        parts.append(f"<b>{label}</b>: not scored yet")
        if counting:
            parts.append(f"{counting} are shown with each item")
    elif not this.complete:
        parts.append(f"<b>{label}</b> in progress · {this.scored} of {this.total} scored")
        parts.append(
            f"until it is complete, {counting} count" if counting else "score every item to finish"
        )
    for s in found:
        if not s.complete and s.snapshot != viewing:
            parts.append(f"{s.progress}: pick it in the menu to finish")
    if not any(s.snapshot == LAST for s in found) and viewing != LAST:
        parts.append(f"retake it as <b>{last}</b> at the end of the course")
    return " · ".join(parts)

"""The "Share with my facilitator" toggle under an exercise the learner answers in words.

Off until the learner turns it on; shown only where answers sync to a cohort (a hub, a cohort
folder). What it shares is read through :func:`workbook.store.sharing.redact`.
"""

from __future__ import annotations

import os
from typing import Any

import ipywidgets as w

from ...course.kinds import fields_of
from ...course.model import Exercise
from ...errors import WorkbookError
from ...store.sharing import SHARE_FIELD
from ..session import Session

__all__ = ["share_toggle"]

LABEL = "Share with my facilitator"


def _syncs() -> bool:
    return bool(os.environ.get("WORKBOOK_SYNC_URL") or os.environ.get("WORKBOOK_SYNC_FOLDER"))


def share_toggle(session: Session, exercise: Exercise) -> w.Checkbox | None:
    """The toggle for an exercise with text answers (not a pick from a list), where it syncs."""
    words = exercise.kind != "choice" and any(f.type == "text" for f in fields_of(exercise))
    if not words or not _syncs():
        return None
    box = w.Checkbox(
        value=session.answers(exercise.id).get(SHARE_FIELD) is True,
        description=LABEL,
        indent=False,
        layout=w.Layout(width="auto"),
        _dom_classes=("wb-share",),
    )

    def save(change: dict[str, Any]) -> None:
        try:
            session.set(exercise.id, SHARE_FIELD, bool(change["new"]))
        except WorkbookError:
            box.value = change["old"]

    box.observe(save, names="value")
    return box

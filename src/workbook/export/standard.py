"""The Handover Standard as a one-page document of its own: the page learners print.

Content names it, not code: it is the chapter's `document` exercise (the one with named
sections), and where a later one starts from it (homework 2 from module 7's draft) they are one
document in drafts; the newest draft with anything written is the one printed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from ..course.kinds import Value
from ..course.model import Chapter, Exercise
from ..errors import NothingToExportError
from .document import Text, texts

__all__ = ["Standard", "standard"]


@dataclass(frozen=True)
class Standard:
    title: str
    source: str  # "Homework 2 · Build Your Personal Handover Standard"
    learner: str
    exported: dt.date
    sections: tuple[Text, ...]


def _drafts(chapter: Chapter) -> list[Exercise]:
    """The first document's drafts, newest first: the final one, then what it starts from."""
    documents = {e.id: e for u in chapter.units for e in u.exercises if e.kind == "document"}
    starts = {e.start_from for e in documents.values()}
    finals = [e for e in documents.values() if e.id not in starts]
    if not finals:
        return []
    chain = [finals[0]]
    while chain[-1].start_from in documents and len(chain) <= len(documents):
        chain.append(documents[chain[-1].start_from])
    return chain


def standard(
    chapter: Chapter,
    answers: Mapping[str, Mapping[str, Mapping[str, Value]]],
    *,
    learner: str,
    exported: dt.date,
) -> Standard:
    drafts = _drafts(chapter)
    if not drafts:
        raise NothingToExportError("this course has no document exercise to print")
    for draft in drafts:
        sections = tuple(
            p for p in texts(draft, answers.get(draft.id, {}), ()) if isinstance(p, Text)
        )
        if any(s.text.strip() for s in sections):
            unit = chapter.unit_of(draft.id)
            return Standard(
                title=draft.title,
                source=f"{unit.label} · {unit.title}",
                learner=learner,
                exported=exported,
                sections=sections,
            )
    where = " or ".join(f"{chapter.unit_of(d.id).label} (“{d.title}”)" for d in reversed(drafts))
    raise NothingToExportError(
        f"nothing written in your {drafts[0].title} yet: write it in {where}, then export again"
    )

"""xAPI statements from the tidy frame, as JSON lines a Learning Record Store imports.

A self-score is a ``rated`` statement whose ``result.score`` has ``raw``, ``min`` and ``max`` (the
exercise's scale) and ``scaled`` (``(raw - min) / (max - min)``, 0 to 1). Each unit a learner
has started gives a ``completed`` statement (``result.completion`` true) or a ``progressed`` one,
both with the cmi5 progress extension (0–100, the share of the unit's required exercises
complete). Statement ids are UUIDv5 of the store's event ids (a score's own save; for a unit,
its newest current answer's save, with the progress), never of learner ids or the pseudonym
salt: exporting twice, or with another salt, gives the same ids, and an LRS keeps one of each.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pandas as pd

from ..course.kinds import fields_of
from ..course.model import Chapter
from .aggregates import unit_progress_frame
from .export import check_output

__all__ = ["CMI5_PROGRESS", "VERBS", "statements", "write_statements"]

CMI5_PROGRESS = "https://w3id.org/xapi/cmi5/result/extensions/progress"
VERBS = {
    "rated": "http://id.tincanapi.com/verb/rated",
    "completed": "http://adlnet.gov/expapi/verbs/completed",
    "progressed": "http://adlnet.gov/expapi/verbs/progressed",
}
# Where ids live unless the caller says: `.invalid` is reserved for names that resolve nowhere.
HOME_PAGE = "https://workbook.invalid/hub"
BASE = "https://workbook.invalid/course"
_NAMESPACE = uuid.UUID("5b0b7a4e-3f5d-4c55-9d0c-8f6c3c1f2a10")


def _verb(name: str) -> dict[str, Any]:
    return {"id": VERBS[name], "display": {"en-US": name}}


def _actor(learner: str, home_page: str) -> dict[str, Any]:
    return {"objectType": "Agent", "account": {"homePage": home_page, "name": learner}}


def _activity(iri: str, name: str, kind: str) -> dict[str, Any]:
    return {
        "objectType": "Activity",
        "id": iri,
        "definition": {
            "name": {"en-US": name},
            "type": f"http://adlnet.gov/expapi/activities/{kind}",
        },
    }


def _id(*parts: object) -> str:
    return str(uuid.uuid5(_NAMESPACE, "\x1f".join(map(str, parts))))


def _context(base: str, cohort: str, version: str, parent: str, **extra: str) -> dict[str, Any]:
    extensions = {
        f"{base}/extensions/cohort": cohort,
        **{f"{base}/extensions/{k}": v for k, v in extra.items()},
    }
    return {
        "contextActivities": {"parent": [{"id": parent}], "grouping": [{"id": base}]},
        "revision": version or "unversioned",
        "platform": "workbook",
        "extensions": extensions,
    }


def statements(
    answers: pd.DataFrame,
    chapter: Chapter,
    *,
    home_page: str = HOME_PAGE,
    base: str = BASE,
) -> Iterator[dict[str, Any]]:
    """Statements for the latest tidy frame `answers`: scores rated, units completed or not.

    `answers` needs its ``event_id`` column: ``wa.answers(..., event_ids=True)``.
    """
    if "event_id" not in answers.columns:
        raise ValueError("statements need event ids: pass answers(..., event_ids=True)")
    labels: dict[tuple[str, str], str] = {}
    scales: dict[str, tuple[int, int]] = {}
    for unit in chapter.units:
        for ex in unit.exercises:
            labels.update({(ex.id, f.key): f.label for f in fields_of(ex)})
            if ex.scale:
                scales[ex.id] = (ex.scale.min, ex.scale.max)
    scored = answers[answers["exercise"].isin(list(scales))]
    text = ("cohort", "learner", "exercise", "item", "snapshot", "content_version", "event_id")
    columns = [scored[c].astype(str).tolist() for c in text]
    for cohort, learner, ex, item, snap, version, event, value, at in zip(
        *columns, scored["value"].tolist(), scored["saved_at"].tolist(), strict=True
    ):
        low, high = scales[ex]
        raw = int(value)
        exercise_iri = f"{base}/{ex}"
        yield {
            "id": _id("rated", event),
            "actor": _actor(learner, home_page),
            "verb": _verb("rated"),
            "object": _activity(f"{exercise_iri}/{item}", labels[(ex, item)], "question"),
            "result": {"score": {"raw": raw, "min": low, "max": high, "scaled": round((raw - low) / (high - low), 4)}},
            "context": _context(base, cohort, version, exercise_iri, snapshot=snap),
            "timestamp": _time(at),
        }  # fmt: skip
    yield from _completions(answers, chapter, home_page, base)


def _completions(
    answers: pd.DataFrame, chapter: Chapter, home_page: str, base: str
) -> Iterator[dict[str, Any]]:
    units = unit_progress_frame(answers, chapter)
    versions = answers.groupby(["cohort", "learner"])["content_version"].last()
    names = {u.id: f"{u.label} · {u.title}" for u in chapter.units}
    unit_of = {ex.id: unit.id for unit in chapter.units for ex in unit.exercises}
    newest = (
        answers.assign(unit=answers["exercise"].map(unit_of))
        .sort_values(["saved_at", "event_id"], kind="stable")
        .groupby(["cohort", "learner", "unit"], observed=True)["event_id"]
        .last()
    )
    for row in units[units["started"]].itertuples(index=False):
        cohort, learner, unit = str(row.cohort), str(row.learner), str(row.unit)
        done, required = int(row.complete), int(row.required)  # type: ignore[arg-type]
        percent = round(100 * done / required) if required else 100
        verb = "completed" if row.done else "progressed"
        yield {
            "id": _id(verb, newest[(cohort, learner, unit)], percent),
            "actor": _actor(learner, home_page),
            "verb": _verb(verb),
            "object": _activity(f"{base}/{unit}", names[unit], "module"),
            "result": {"completion": bool(row.done), "extensions": {CMI5_PROGRESS: percent}},
            "context": _context(base, cohort, str(versions[(cohort, learner)]), base),
            "timestamp": _time(row.last_saved),
        }  # fmt: skip


def _time(at: Any) -> str:
    return pd.Timestamp(at).isoformat().replace("+00:00", "Z")


def write_statements(
    items: Iterable[dict[str, Any]], path: Path | str, *, progress: bool = False
) -> int:
    """Write statements as JSON lines (one statement a line); return how many.

    With `progress`, a progress bar on stderr (a million answers take about a minute).
    """
    from tqdm import tqdm

    path = check_output(path, (".jsonl",))
    count = 0
    with path.open("w", encoding="utf-8") as out:
        for item in tqdm(items, unit=" statements", disable=not progress, mininterval=0.5):
            out.write(json.dumps(item, ensure_ascii=False, sort_keys=True) + "\n")
            count += 1
    return count

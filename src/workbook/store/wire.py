"""Events as JSON (wire format v1): between a learner's side and the cohort service, between a
learner's kernel and its own server (`remote`), and to My progress's child process.

An event travels without its cohort and learner: the service takes both from the caller's hub
token, a learner's server from its own environment. A client may name its learner
(``"learner"``) only to have it checked.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from ..course.kinds import Value
from ..errors import AnswerError
from .events import Event

__all__ = ["WIRE_VERSION", "dump", "from_json", "to_json"]

WIRE_VERSION = 1
_KEYS = ("event_id", "exercise_id", "field", "snapshot", "value_type", "content_version")


def _encode(value: Value) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def to_json(event: Event, *, learner: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {k: getattr(event, k) for k in _KEYS}
    out["value"] = _encode(event.value)
    out["saved_at"] = event.saved_at.isoformat()
    if learner:
        out["learner"] = event.learner
    return out


def from_json(data: Mapping[str, Any], cohort: str, learner: str) -> Event:
    """An Event for `cohort` and `learner`; AnswerError says what is wrong with `data`."""
    if not isinstance(data, Mapping):
        raise AnswerError("each event must be a JSON object")
    missing = [k for k in (*_KEYS, "value", "saved_at") if k not in data]
    if missing:
        raise AnswerError(f"event is missing {', '.join(missing)}")
    value = data["value"]
    try:
        if data["value_type"] == "date" and isinstance(value, str):
            value = dt.date.fromisoformat(value)
        if not isinstance(data["saved_at"], str):
            raise ValueError("saved_at must be an ISO 8601 string")
        saved_at = dt.datetime.fromisoformat(data["saved_at"])
        return Event(
            cohort=cohort,
            learner=learner,
            value=value,
            saved_at=saved_at,
            **{k: data[k] for k in _KEYS},
        )
    except AnswerError:
        raise
    except (ValueError, TypeError) as err:  # a field of the wrong JSON type
        raise AnswerError(f"event {str(data.get('event_id'))[:40]!r}: {err}") from None


def dump(events: Iterable[Event], *, learner: bool = False) -> list[dict[str, Any]]:
    return [to_json(e, learner=learner) for e in events]

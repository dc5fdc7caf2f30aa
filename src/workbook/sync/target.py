"""Where sync delivers: the :class:`Target` protocol every target (the cohort service, a shared
folder) implements, and what a delivery returns."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from ..store import Event

__all__ = ["Delivery", "Target", "target_key"]


@dataclass(frozen=True)
class Delivery:
    cohort: str  # the cohort's name, as the target knows it
    stored: int  # how many of what was sent the target did not hold yet
    file: str = ""  # a drop box: the learner's file, replaced by the next delivery


class Target(Protocol):
    key: str  # stable name of the ack log: one per service URL or folder
    label: str  # how the status line names it when it cannot be reached
    # False: push gets the events not sent yet, in batches (idempotent by event id). True (a
    # drop box others read): push gets the learner's current answers, shared text only, and
    # replaces the file of the previous delivery.
    whole: bool

    def push(self, events: Sequence[Event], replaces: str = "") -> Delivery:
        """Deliver `events` and say what the target stored."""

    def close(self) -> None:
        """Let go of connections."""


def target_key(kind: str, where: str) -> str:
    """The stable name of a target's ack log: one per service URL or folder."""
    return f"{kind}-{hashlib.sha256(where.encode()).hexdigest()[:16]}"

"""A ParquetStore opened on first read: until then, only folder listings (no Arrow)."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from .folders import fingerprint

if TYPE_CHECKING:
    from .events import Event
    from .parquet import ParquetStore

__all__ = ["LazyParquetStore"]


class LazyParquetStore:
    """A :class:`~workbook.store.ParquetStore` that imports Arrow on its first read or save;
    until then it only lists folders."""

    def __init__(self, root: Path | str) -> None:
        self.root = Path(root).absolute()
        self._store: ParquetStore | None = None

    def _open(self) -> ParquetStore:
        if self._store is None:
            from .parquet import ParquetStore

            self._store = ParquetStore(self.root)
        return self._store

    def fingerprint(self, cohort: str, learner: str) -> Hashable:
        return fingerprint(self.root, cohort, learner)

    def append(self, events: Sequence[Event]) -> None:
        self._open().append(events)

    def history(self, cohort: str, learner: str) -> list[Event]:
        return self._open().history(cohort, learner)

    def latest(self, cohort: str, learner: str) -> dict[tuple[str, str, str], Event]:
        return self._open().latest(cohort, learner)

    def learners(self) -> list[tuple[str, str]]:
        return self._open().learners()

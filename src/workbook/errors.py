"""Every error workbook raises, in one tree under :class:`WorkbookError`.

Each subclasses the builtin a caller would naturally catch, and its message says what to do next.
"""

from __future__ import annotations

__all__ = [
    "AnswerError",
    "ClusterError",
    "ContentError",
    "ExportError",
    "IdError",
    "LrsError",
    "NothingToExportError",
    "OfflineError",
    "PrivacyError",
    "QuotaError",
    "SchemaVersionError",
    "StoreError",
    "StoreNotFoundError",
    "SyncError",
    "WorkbookError",
]


class WorkbookError(Exception):
    """Base of every error raised by workbook."""


class ContentError(WorkbookError, ValueError):
    """Course content is malformed: names the file, line and field, and what was expected."""

    def __init__(self, file: str, line: int | None, field: str, problem: str) -> None:
        self.file = file
        self.line = line
        self.field = field
        self.problem = problem
        where = f"{file}:{line}" if line is not None else file
        super().__init__(f"{where}: {field}: {problem}")


class AnswerError(WorkbookError, ValueError):
    """An answer does not fit its exercise (wrong field, type or range); nothing was saved."""


class IdError(AnswerError):
    """An id (learner, cohort, exercise) is not safe to use: nothing was read or written."""


class StoreError(WorkbookError, OSError):
    """The answer store could not be read or written."""


class ExportError(WorkbookError, OSError):
    """An export could not be written (a folder that is missing or not writable)."""


class PrivacyError(WorkbookError, PermissionError):
    """The pseudonym salt is unsafe or unreadable: nothing with learner ids was written."""


class NothingToExportError(WorkbookError, LookupError):
    """The learner has not answered what an export needs yet: the message says what to answer."""


class StoreNotFoundError(StoreError, FileNotFoundError):
    """No store where one was named: the path, glob or URL matches nothing."""


class SchemaVersionError(StoreError):
    """A store holds answers written by a newer workbook: upgrade workbook to read them."""


class SyncError(WorkbookError, ConnectionError):
    """Answers could not be synced to the cohort; they are safe on this computer."""


class ClusterError(WorkbookError, ConnectionError):
    """The Dask scheduler named could not be reached (or none was named where one is needed)."""


class LrsError(WorkbookError, ConnectionError):
    """Statements could not be sent to the Learning Record Store (or it refused the login)."""


class OfflineError(SyncError):
    """The cohort (service or folder) is not reachable now; sync is retried later."""


class QuotaError(WorkbookError, OverflowError):
    """A learner's answers on the cohort service reached its per-learner limit."""

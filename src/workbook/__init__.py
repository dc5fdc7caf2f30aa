"""workbook: the Customer Onboarding course as a Jupyter workbook that keeps every answer."""

from .content import load_course, validate
from .errors import (
    AnswerError,
    ContentError,
    IdError,
    StaleNotebooksError,
    StoreError,
    WorkbookError,
)
from .generate import build, render
from .kinds import KINDS
from .progress import Progress, progress
from .widgets import exercise, progress_bar, progress_table

__all__ = [
    "KINDS",
    "AnswerError",
    "ContentError",
    "IdError",
    "Progress",
    "StaleNotebooksError",
    "StoreError",
    "WorkbookError",
    "build",
    "exercise",
    "load_course",
    "progress",
    "progress_bar",
    "progress_table",
    "render",
    "validate",
]

"""workbook: the Customer Onboarding course as a Jupyter workbook that keeps every answer.

The generator and the widgets are imported on first use: a notebook cell needs the widgets,
not the generator's nbformat (a second of import time), and the CLI needs no widgets.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from .content import load_course, validate
from .errors import (
    AnswerError,
    ContentError,
    IdError,
    StoreError,
    WorkbookError,
)
from .kinds import KINDS

# Bound after the submodule import above it, so `workbook.progress` is the function.
from .progress import Progress, progress

if TYPE_CHECKING:
    from .answers import answers_frame, learner_answers, store_answers
    from .dashboard import my_progress
    from .generate import build, render
    from .hub.dashboard import facilitator_dashboard
    from .widgets import exercise, progress_bar, progress_table

_LAZY = {
    "answers_frame": "answers",
    "learner_answers": "answers",
    "store_answers": "answers",
    "build": "generate",
    "render": "generate",
    "exercise": "widgets",
    "my_progress": "dashboard",
    "progress_bar": "widgets",
    "progress_table": "widgets",
    "facilitator_dashboard": "hub.dashboard",
}

__all__ = [
    "KINDS",
    "AnswerError",
    "ContentError",
    "IdError",
    "Progress",
    "StoreError",
    "WorkbookError",
    "answers_frame",
    "build",
    "exercise",
    "facilitator_dashboard",
    "learner_answers",
    "load_course",
    "my_progress",
    "progress",
    "progress_bar",
    "progress_table",
    "render",
    "store_answers",
    "validate",
]


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module 'workbook' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__

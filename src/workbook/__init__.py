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
    from .generate import build, render
    from .hub.dashboard import facilitator_dashboard
    from .widgets import exercise, progress_bar, progress_table

_LAZY = {
    "build": "generate",
    "render": "generate",
    "exercise": "widgets",
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
    "build",
    "exercise",
    "facilitator_dashboard",
    "load_course",
    "progress",
    "progress_bar",
    "progress_table",
    "render",
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

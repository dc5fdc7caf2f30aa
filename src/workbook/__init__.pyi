# The package's names, imported lazily by __init__.py (lazy_loader reads this file).
from .answers import answers_frame, learner_answers, store_answers
from .content import load_course, validate
from .dashboard import my_progress
from .errors import AnswerError, ContentError, IdError, StoreError, WorkbookError
from .generate import build, render
from .hub.dashboard import facilitator_dashboard
from .kinds import KINDS
from .progress import Progress, progress
from .widgets import exercise, progress_bar, progress_table

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

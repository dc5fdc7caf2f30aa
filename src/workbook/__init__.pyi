# The package's names, imported lazily by __init__.py (lazy_loader reads this file).
from .course.content import load_course, validate
from .course.generate import build, render
from .course.kinds import KINDS
from .course.progress import Progress, progress
from .errors import AnswerError, ContentError, IdError, StoreError, WorkbookError
from .hub.dashboard import facilitator_dashboard
from .learner.dashboard import my_progress
from .learner.widgets import exercise, progress_bar, progress_table
from .store.answers import answers_frame, learner_answers, store_answers

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

"""The learner's view: one ipywidgets form per exercise kind, saving every change as it happens.

`view` shows one exercise (its form is built by `texts`, `scores` or `choices` from the
`parts` every form shares); `progress` shows how far the learner is; `style` is how it looks.
"""

from .progress import live_html, progress_bar, progress_table
from .view import ExerciseView, exercise, live_view

__all__ = [
    "ExerciseView",
    "exercise",
    "live_html",
    "live_view",
    "progress_bar",
    "progress_table",
]

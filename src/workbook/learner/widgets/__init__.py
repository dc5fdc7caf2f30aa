"""The learner's view: one ipywidgets form per exercise kind, saving every change as it happens.

`view` shows one exercise (its form is built by `texts`, `scores` or `choices` from the
`parts` every form shares); `progress` shows how far the learner is; `style` is how it looks.
"""

import os

# Before the store loads pyarrow: a notebook's kernel holds a few KB of Arrow data, which the
# system allocator gives back, where Arrow's default (mimalloc) keeps ~4 MB of arenas per kernel.
# Only the environment variable reaches the allocators Arrow's C++ code picks for itself.
os.environ.setdefault("ARROW_DEFAULT_MEMORY_POOL", "system")

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

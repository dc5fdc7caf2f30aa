"""Self-score charts from the tidy answers frame: one learner's progress or a cohort's.

frame = workbook.store_answers(root)            # or learner_answers(store, cohort, learner)
figure = charts.latest_scores(frame, chapter, "m03.skills")
charts.save(figure, "skills.svg")               # same drawing, same bytes

The drawing functions are imported on first use: `workbook.charts.data` (what is plotted, which
the facilitator's view and the cohort service use) needs no matplotlib, a second to import.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .figures import (
        CHARTS,
        Chart,
        across_snapshots,
        audit_heatmap,
        chart_name,
        charts_for,
        first_vs_last,
        latest_scores,
        save_all,
    )
    from .output import save, to_bytes

__all__ = [
    "CHARTS",
    "Chart",
    "across_snapshots",
    "audit_heatmap",
    "chart_name",
    "charts_for",
    "first_vs_last",
    "latest_scores",
    "save",
    "save_all",
    "to_bytes",
]
_LAZY = {name: "output" if name in ("save", "to_bytes") else "figures" for name in __all__}


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module 'workbook.charts' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__

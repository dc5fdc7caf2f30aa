"""Self-score charts from the tidy answers frame: one learner's progress or a cohort's.

frame = workbook.store_answers(root)            # or learner_answers(store, cohort, learner)
figure = charts.latest_scores(frame, chapter, "m03.skills")
charts.save(figure, "skills.svg")               # same drawing, same bytes
"""

from __future__ import annotations

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
from .output import describe, save, to_bytes

__all__ = [
    "CHARTS",
    "Chart",
    "across_snapshots",
    "audit_heatmap",
    "chart_name",
    "charts_for",
    "describe",
    "first_vs_last",
    "latest_scores",
    "save",
    "save_all",
    "to_bytes",
]

# The package's names, imported lazily by __init__.py (lazy_loader reads this file).
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

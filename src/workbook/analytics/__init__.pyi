# The package's names, imported lazily by __init__.py (lazy_loader reads this file).
from . import xapi
from .aggregates import (
    MIN_GROUP,
    SUMMARY,
    change,
    cohort_change,
    completion,
    labelled,
    skill_map,
    skill_scores,
    summarise,
    unit_progress_frame,
)
from .charts import CohortChart, cohort_charts, save_charts
from .compact import Compaction, compact
from .demo import write_demo
from .engines import ENGINES, Engine
from .export import write_frame
from .frame import COLUMNS, pseudonym
from .load import SKILL_GROUPS, VALUE_TYPES, answers, score_summary, scores, skill_summary
from .privacy import installation_salt
from .sources import AnalyticsWarning, scan

__all__ = [
    "COLUMNS",
    "ENGINES",
    "MIN_GROUP",
    "SKILL_GROUPS",
    "SUMMARY",
    "VALUE_TYPES",
    "AnalyticsWarning",
    "CohortChart",
    "Compaction",
    "Engine",
    "answers",
    "change",
    "cohort_change",
    "cohort_charts",
    "compact",
    "completion",
    "installation_salt",
    "labelled",
    "pseudonym",
    "save_charts",
    "scan",
    "score_summary",
    "scores",
    "skill_map",
    "skill_scores",
    "skill_summary",
    "summarise",
    "unit_progress_frame",
    "write_demo",
    "write_frame",
    "xapi",
]

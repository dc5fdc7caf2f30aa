"""The analyst starter notebook's cells: load cohorts, aggregate, chart, export (code shown)."""

from __future__ import annotations

__all__ = ["CELLS", "NAME", "TITLE"]

NAME = "cohort-analytics.ipynb"
TITLE = "Cohort analytics"

# (kind, source): "md" cells are Markdown, "code" cells are shown (analysts read and edit them).
CELLS: tuple[tuple[str, str], ...] = (
    (
        "md",
        """# Cohort analytics

Scores and completion across cohorts, from the answer stores: one call to a tidy frame, then
the aggregates. Set `WORKBOOK_STORES` to your stores (a hub's cohort store, a folder of learners'
stores, a glob of those, or an `s3://` URL) before you start Jupyter; without it this notebook
writes demo cohorts to a temporary folder and uses them. Learners are pseudonymised with this
installation's salt (a private file made on first use; `WORKBOOK_SALT` overrides it), the same
salt `workbook analyze` uses. Groups of fewer than five learners are left out of every figure.""",
    ),
    (
        "code",
        """import os
import tempfile
from pathlib import Path

import workbook.analytics as wa
from workbook.course.content import load_course

chapter = load_course().chapters[0]
STORES = os.environ.get("WORKBOOK_STORES")
if not STORES:
    STORES = str(Path(tempfile.mkdtemp()) / "demo-store")
    wa.write_demo(STORES, cohorts=3, learners=40, progress=True)
SALT = wa.installation_salt()  # pseudonyms, not learner ids, in everything below
ENGINE = "duckdb"  # or "pandas", or "dask" (DASK_SCHEDULER_ADDRESS for a cluster)
answers = wa.answers(STORES, engine=ENGINE, salt=SALT, event_ids=True)
scores = wa.scores(STORES, engine=ENGINE, salt=SALT)  # self-scores only: value is an int
print(f"{answers['learner'].nunique()} learners in {answers['cohort'].nunique()} cohorts,"
      f" {len(answers):,} current answers")""",
    ),
    (
        "md",
        """## Self-scores, item by item

Each learner's current score per item and snapshot (first day, check-ins, last day): learners
counted, mean, median, spread. The same table as `workbook analyze STORE...`.""",
    ),
    (
        "code",
        """summary = wa.labelled(wa.summarise(scores), chapter)
summary.head(20)""",
    ),
    (
        "md",
        """## Skills and coordination areas, lowest first

A matrix's coordination areas are averaged over its handovers per learner first.""",
    ),
    (
        "code",
        """skills = wa.skill_scores(scores, chapter)
by_skill = wa.summarise(skills, ["exercise", "skill", "label", "snapshot"], value="score")
by_skill[by_skill["snapshot"] == "first-day"].sort_values("mean").head(10)""",
    ),
    (
        "md",
        """## First day → last day

Per learner who took both snapshots; then per cohort.""",
    ),
    (
        "code",
        """moved = wa.change(skills)
wa.cohort_change(moved).sort_values("mean", ascending=False)""",
    ),
    (
        "md",
        """## Charts, cohort by cohort

The learners' own self-score charts (`workbook.charts`), drawn from each cohort's mean: skills
ranked with the lowest marked, first day → last day with the change, and each audit as a heat
map. A snapshot is drawn only when at least five of the cohort's learners completed it.""",
    ),
    (
        "code",
        """from IPython.display import SVG, display

from workbook import charts

figures = wa.cohort_charts(
    scores, chapter, charts=[charts.latest_scores, charts.first_vs_last, charts.audit_heatmap]
)
for chart in figures:
    display(SVG(charts.to_bytes(chart.figure, "svg")))""",
    ),
    (
        "md",
        """## Where completion stalls

Per cohort and unit: learners, how many started the unit, how many completed it.""",
    ),
    (
        "code",
        """done = wa.completion(answers, chapter)
done.pivot(index=["unit", "label"], columns="cohort", values="rate").round(2)""",
    ),
    ("md", """## Completion rate by unit and cohort"""),
    (
        "code",
        """rates = done.pivot(index="label", columns="cohort", values="rate")
rates.loc[[u.label for u in chapter.units]].style.format("{:.0%}")""",
    ),
    (
        "md",
        """## Export

CSV and Parquet for spreadsheets and other tools, the charts above as PNG and SVG, xAPI
statements (JSON lines) for a Learning Record Store. Files go to `WORKBOOK_EXPORTS` (default `analytics-exports/` here).""",
    ),
    (
        "code",
        """out = Path(os.environ.get("WORKBOOK_EXPORTS", "analytics-exports"))
out.mkdir(parents=True, exist_ok=True)
written = [
    wa.write_frame(summary, out / "score-summary.csv"),
    wa.write_frame(by_skill, out / "skills.parquet"),
    wa.write_frame(done, out / "completion.csv"),
    *wa.save_charts(figures, out / "charts"),
]
count = wa.xapi.write_statements(wa.xapi.statements(answers, chapter), out / "statements.jsonl")
print("\\n".join(str(p) for p in written), f"\\n{count:,} xAPI statements in {out / 'statements.jsonl'}")""",
    ),
)

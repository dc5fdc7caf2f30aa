"""The analyst notebook runs in a real kernel on demo cohorts and exports what it says."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from kernel import code_cells, run, shows_no_problem

from workbook.analytics.xapi import VERBS
from workbook.course.analyst_notebook import NAME


@pytest.mark.kernel
def test_the_analyst_notebook_runs_and_exports(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("WORKBOOK_STORES", raising=False)
    monkeypatch.setenv("WORKBOOK_EXPORTS", str(tmp_path / "out"))
    monkeypatch.setenv("WORKBOOK_SALT", "test salt")
    monkeypatch.setenv("TMPDIR", str(tmp_path))  # the demo store goes here, not into /tmp
    nb = run(code_cells([NAME]), timeout=300)
    shows_no_problem(nb)
    first = "".join(o.get("text", "") for o in nb.cells[0].outputs if o.output_type == "stream")
    assert "120 learners in 3 cohorts" in first
    html = "".join(o.get("data", {}).get("text/html", "") for c in nb.cells for o in c.outputs)
    assert "learners" in html and "median" in html  # the tables were shown
    svgs = [o["data"]["image/svg+xml"] for c in nb.cells for o in c.outputs
            if "image/svg+xml" in o.get("data", {})]  # fmt: skip
    assert len(svgs) == 3 * 4  # per cohort: skills ranked, first → last, two audit heat maps
    for cohort in ("c2026-09-07", "c2026-09-21", "c2026-10-05"):
        shown = [svg for svg in svgs if f"Cohort {cohort}" in svg]
        assert len(shown) == 4 and all("<svg" in svg for svg in shown)
    assert any("First day → Last day" in svg for svg in svgs)
    exported = sorted(p.name for p in (tmp_path / "out" / "charts").iterdir())
    assert len(exported) == 2 * len(svgs) and "c2026-09-07-m06-audit-audit-heatmap.png" in exported
    summary = pd.read_csv(tmp_path / "out" / "score-summary.csv")
    assert summary["learners"].min() >= 5 and len(summary) > 50
    assert len(pd.read_parquet(tmp_path / "out" / "skills.parquet")) > 20
    completion = pd.read_csv(tmp_path / "out" / "completion.csv")
    assert set(completion["cohort"]) == set(summary["cohort"])
    lines = (tmp_path / "out" / "statements.jsonl").read_text(encoding="utf-8").splitlines()
    verbs = {json.loads(line)["verb"]["id"] for line in lines}
    assert verbs == set(VERBS.values())

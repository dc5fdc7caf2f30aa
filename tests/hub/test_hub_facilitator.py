"""The facilitator's view: progress per learner, group figures only for big enough groups,
reflections only where shared, exports; `workbook cohort` and `workbook install`."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from workbook.cli import main
from workbook.course.content import load_course
from workbook.hub.facilitator import CohortView, load_cohort
from workbook.hub.room import distributions, room
from workbook.lab.install import MANIFEST, install
from workbook.learner.session import Session
from workbook.store import ParquetStore
from workbook.store.sharing import PRIVATE, SHARE_FIELD

LEARNERS = [f"l{i}" for i in range(6)]


@pytest.fixture(scope="module")
def cohort_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Six learners of cohort-a: scores on the first and last day, a reflection each; l0 shares."""
    root = tmp_path_factory.mktemp("cohort")
    store, course = ParquetStore(root), load_course()
    for n, learner in enumerate(LEARNERS):
        s = Session(course, store, "cohort-a", learner, debounce=60)
        for item in course.chapters[0].exercise("m03.skills").items:
            s.set("m03.skills", item.id, 3, snapshot="first-day")
            s.set("m03.skills", item.id, 3 + n, snapshot="last-day")
        s.set("m01.journey-map", "sales/going-well", f"secret of {learner}")
        if learner == "l0":
            s.set("m01.journey-map", SHARE_FIELD, True)
        s.flush()
    return root


def test_progress_is_per_learner(cohort_store: Path) -> None:
    here = room(CohortView.of("cohort-a", folder=cohort_store), "cohort-a")
    assert sorted(lr.name for lr in here.learners) == LEARNERS
    column = {u.label: n for n, u in enumerate(here.units)}
    assert {lr.states[column["Module 3"]] for lr in here.learners} == {"started"}  # no actions
    assert {lr.states[column["Module 8"]] for lr in here.learners} == {""}


@pytest.mark.parametrize(("min_group", "shown"), [(5, True), (6, True), (7, False)])
def test_group_figures_need_a_big_enough_group(
    cohort_store: Path, min_group: int, shown: bool
) -> None:
    view = CohortView.of("cohort-a", folder=cohort_store, min_group=min_group)
    scores, change, shares = view.scores(), view.change(), distributions(view)
    assert (not scores.empty, not change.empty, bool(shares)) == (shown, shown, shown)
    if shown:
        patience = change[change["skill"] == "patience"].iloc[0]
        assert (patience["learners"], patience["mean"]) == (6, 2.5)  # 0..5 up, on average 2.5


def test_a_check_in_one_learner_took_is_not_shown(cohort_store: Path, tmp_path: Path) -> None:
    root = tmp_path / "store"
    shutil.copytree(cohort_store, root)
    course = load_course()
    s = Session(course, ParquetStore(root), "cohort-a", "l0", debounce=60)
    for item in course.chapters[0].exercise("m03.skills").items:
        s.set("m03.skills", item.id, 9, snapshot="check-in-2026-11-20")
    s.flush()
    shown = distributions(CohortView.of("cohort-a", folder=root))
    assert [(d["snapshot"], d["learners"]) for d in shown] == [("first-day", 6), ("last-day", 6)]
    everyone = distributions(CohortView.of("cohort-a", folder=root, min_group=1))
    assert [d["snapshot"] for d in everyone] == ["first-day", "check-in-2026-11-20", "last-day"]


def test_only_shared_reflections_are_read(
    cohort_store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))  # the salt is made there
    here = room(CohortView.of("cohort-a", folder=cohort_store), "cohort-a")
    assert [e.text for p in here.reflections for e in p.entries] == ["secret of l0"]
    texts = {
        e.value for e in load_cohort("cohort-a", folder=cohort_store) if e.value_type == "text"
    }
    assert texts == {"secret of l0", PRIVATE}
    for suffix in ("csv", "parquet"):
        out = tmp_path / f"cohort.{suffix}"
        assert main(["cohort", "export", "cohort-a", str(out), "--folder", str(cohort_store)]) == 0
        frame = pd.read_csv(out) if suffix == "csv" else pd.read_parquet(out)
        values = set(frame["value"].astype(str))
        assert "secret of l0" in values and "secret of l1" not in values
        assert not set(frame["learner"]) & set(LEARNERS)  # pseudonyms unless --raw-ids
        assert len(set(frame["learner"])) == len(LEARNERS)
    raw = tmp_path / "raw.csv"
    argv = ["cohort", "export", "cohort-a", str(raw), "--folder", str(cohort_store), "--raw-ids"]
    assert main(argv) == 0
    assert set(pd.read_csv(raw)["learner"]) == set(LEARNERS)


def test_cohort_list_reads_a_folder_too(
    cohort_store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["cohort", "list", "--folder", str(cohort_store)]) == 0
    assert capsys.readouterr().out.split() == ["cohort-a"]
    assert main(["cohort", "list", "--folder", str(tmp_path / "nowhere")]) == 2
    assert f"no store at {tmp_path / 'nowhere'}" in capsys.readouterr().err


def test_cohort_commands_print_tables(
    cohort_store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for action in ("progress", "scores", "change", "reflections"):
        assert main(["cohort", action, "cohort-a", "--folder", str(cohort_store)]) == 0
    out = capsys.readouterr().out
    assert "Module 3" in out and "Patience" in out and "secret of l0" in out
    assert main(["cohort", "scores", "cohort-a", "--folder", str(cohort_store),
                 "--min-group", "10"]) == 0  # fmt: skip
    assert "groups under 10 learners are not shown" in capsys.readouterr().out


def test_install_updates_what_the_learner_did_not_change(tmp_path: Path) -> None:
    source, folder = tmp_path / "package", tmp_path / "learner"
    source.mkdir()

    def notebook(name: str, text: str) -> None:
        cells = [{"cell_type": "markdown", "id": "c0", "metadata": {}, "source": text}]
        nb = {"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
        (source / name).write_text(json.dumps(nb))

    for name in ("a.ipynb", "b.ipynb", "facilitator.ipynb"):
        notebook(name, "v1")
    first = install(folder, source=source)
    assert first.added == ["a.ipynb", "b.ipynb"] and (folder / MANIFEST).exists()
    # The learner runs a (outputs change: not an edit) and edits b's cells.
    ran = json.loads((folder / "a.ipynb").read_text())
    ran["cells"][0]["metadata"] = {"collapsed": True}
    (folder / "a.ipynb").write_text(json.dumps(ran))
    edited = json.loads((folder / "b.ipynb").read_text())
    edited["cells"][0]["source"] = "my notes"
    (folder / "b.ipynb").write_text(json.dumps(edited))
    for name in ("a.ipynb", "b.ipynb"):
        notebook(name, "v2")
    second = install(folder, source=source)
    assert (second.updated, second.kept) == (["a.ipynb"], ["b.ipynb"])
    assert "v2" in (folder / "a.ipynb").read_text()
    assert "my notes" in (folder / "b.ipynb").read_text()
    assert not (folder / "facilitator.ipynb").exists()

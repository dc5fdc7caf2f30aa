"""`workbook xapi push` into a real Learning Record Store: Ralph on 127.0.0.1, started here."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from servers import Lrs, ralph_lrs

import workbook.analytics.lrs as lrs_module
from workbook.analytics.lrs import push
from workbook.cli import main
from workbook.errors import LrsError

# One worker starts the module's LRS (~2.5 s), not each worker its own.
pytestmark = pytest.mark.xdist_group("lrs")


@pytest.fixture(autouse=True)
def quick_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every retry still made, 0.3 s in all instead of 7.5 s per push that fails (three here)."""
    monkeypatch.setattr(lrs_module, "_BACKOFF", 0.02)


@pytest.fixture(scope="module")
def lrs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lrs]:
    with ralph_lrs(tmp_path_factory.mktemp("lrs")) as running:
        yield running


@pytest.fixture
def login(lrs: Lrs, monkeypatch: pytest.MonkeyPatch) -> Lrs:
    monkeypatch.setenv("WORKBOOK_LRS_USER", lrs.user)
    monkeypatch.setenv("WORKBOOK_LRS_PASSWORD", lrs.password)
    return lrs


def _expected(demo_store: Path, tmp_path: Path) -> set[str]:
    out = tmp_path / "expected.jsonl"
    assert main(["analyze", str(demo_store), "--statements", str(out)]) == 0
    return {json.loads(line)["id"] for line in out.read_text(encoding="utf-8").splitlines()}


def test_push_stores_each_statement_once_and_resumes_after_a_failure(
    demo_store: Path, tmp_path: Path, login: Lrs, capsys: pytest.CaptureFixture[str]
) -> None:
    expected = _expected(demo_store, tmp_path)
    cohort = sorted((demo_store / "events").glob("cohort=*"))[0]
    push_ = ["xapi", "push", "--lrs", login.url, "--batch-size", "100"]
    assert main([*push_, str(cohort)]) == 0  # one cohort got through before the LRS went down
    first = len(login.statements())
    assert 0 < first < len(expected)
    capsys.readouterr()
    login.stop()
    assert main([*push_, str(demo_store)]) == 2
    assert "run the same command again" in capsys.readouterr().err
    login.start()
    assert main([*push_, str(demo_store)]) == 0
    out = capsys.readouterr().out
    assert f"{len(expected) - first:,} stored, {first:,} already there, 0 rejected" in out
    held = [s["id"] for s in login.statements()]
    assert len(held) == len(set(held)) and set(held) == expected  # every one, none twice


def test_statements_the_lrs_refuses_are_named_and_the_rest_stored(
    small_store: Path, tmp_path: Path, lrs: Lrs
) -> None:
    from workbook.analytics import answers
    from workbook.analytics.xapi import statements
    from workbook.course.content import load_course

    chapter, login = load_course().chapters[0], (lrs.user, lrs.password)
    made = list(statements(answers(small_store, event_ids=True, salt="one"), chapter))
    broken = json.loads(json.dumps(made[1]))
    broken["actor"] = {"objectType": "Agent"}  # no identifier: not a valid xAPI actor
    done = push([made[0], broken, *made[2:]], lrs.url, login, batch_size=50)
    assert done.rejected and done.rejected[0][0] == broken["id"] and "actor" in done.rejected[0][1]
    assert done.stored + done.already == len(made) - 1
    # The same answers under another salt: the same ids, other actors. The LRS keeps the first.
    other = list(statements(answers(small_store, event_ids=True, salt="two"), chapter))
    again = push(other, lrs.url, login)
    assert len(again.rejected) == len(made) - 1 and "another pseudonym salt" in again.rejected[0][1]


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ("none", "set WORKBOOK_LRS_USER and WORKBOOK_LRS_PASSWORD"),
        ("shared-file", "can be read by others"),
        ("wrong-password", "refused the credentials"),
    ],
)
def test_credentials_come_from_the_environment_or_a_private_file(
    small_store: Path,
    tmp_path: Path,
    lrs: Lrs,
    monkeypatch: pytest.MonkeyPatch,
    setup: str,
    message: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    for name in ("WORKBOOK_LRS_USER", "WORKBOOK_LRS_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("WORKBOOK_SALT", "one")  # the salt the small store was sent with before
    argv = ["xapi", "push", str(small_store), "--lrs", lrs.url]
    auth = tmp_path / "lrs-auth"
    auth.write_text(f"{lrs.user}:{lrs.password}\n", encoding="utf-8")
    os.chmod(auth, 0o600)
    assert main([*argv, "--lrs-auth-file", str(auth)]) == 0  # the private file works
    if setup == "shared-file":
        os.chmod(auth, 0o644)
        argv += ["--lrs-auth-file", str(auth)]
    elif setup == "wrong-password":
        monkeypatch.setenv("WORKBOOK_LRS_USER", lrs.user)
        monkeypatch.setenv("WORKBOOK_LRS_PASSWORD", "not it")
    capsys.readouterr()
    assert main(argv) == 2
    assert message in capsys.readouterr().err


def test_a_push_with_nowhere_to_go_says_so(small_store: Path) -> None:
    with pytest.raises(LrsError, match="run the same command again"):
        push([{"id": "x"}], "http://127.0.0.1:9/xAPI/", ("a", "b"))


def test_a_push_cut_off_midway_resumes_without_duplicates(demo_store: Path, tmp_path: Path) -> None:
    from workbook.analytics import answers
    from workbook.analytics.xapi import statements
    from workbook.course.content import load_course

    made = list(
        statements(answers(demo_store, event_ids=True, salt="x"), load_course().chapters[0])
    )

    def cut_off(items: list[dict[str, object]], lrs: Lrs) -> Iterator[dict[str, object]]:
        for n, item in enumerate(items):
            if n == 300:  # three batches stored; the LRS goes down while the fourth is built
                lrs.stop()
            yield item

    with ralph_lrs(tmp_path / "lrs") as lrs:
        login = (lrs.user, lrs.password)
        with pytest.raises(LrsError, match="after 300 statements were sent"):
            push(cut_off(made, lrs), lrs.url, login, batch_size=100)
        lrs.start()
        done = push(made, lrs.url, login, batch_size=100)
        assert (done.stored, done.already, done.rejected) == (len(made) - 300, 300, [])
        held = [s["id"] for s in lrs.statements()]
    assert len(held) == len(set(held)) == len(made)

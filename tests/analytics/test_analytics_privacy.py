"""Analyst outputs carry pseudonyms by default; statement ids do not depend on the salt."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from workbook.analytics.privacy import installation_salt, salt_path
from workbook.cli import main
from workbook.errors import PrivacyError


def _statements(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _actors(items: list[dict[str, object]]) -> set[str]:
    return {s["actor"]["account"]["name"] for s in items}  # type: ignore[index]


def test_statements_are_pseudonymised_with_a_private_salt_made_on_first_use(
    demo_store: Path, tmp_path: Path, own_config: Path
) -> None:
    out = tmp_path / "s.jsonl"
    assert main(["analyze", str(demo_store), "--statements", str(out)]) == 0
    made = salt_path()
    assert made.is_relative_to(own_config)
    assert stat.S_IMODE(made.stat().st_mode) == 0o600
    actors = _actors(_statements(out))
    assert actors and not any(a.startswith("learner-") for a in actors)
    again = tmp_path / "again.jsonl"
    assert main(["analyze", str(demo_store), "--statements", str(again)]) == 0
    assert out.read_bytes() == again.read_bytes()  # the same salt, kept


def test_raw_ids_only_when_asked(demo_store: Path, tmp_path: Path) -> None:
    out = tmp_path / "s.jsonl"
    assert main(["analyze", str(demo_store), "--statements", str(out), "--raw-ids"]) == 0
    assert all(a.startswith("learner-") for a in _actors(_statements(out)))


def test_statement_ids_do_not_depend_on_the_salt(
    demo_store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids: list[list[str]] = []
    for salt in ("one secret", "another secret"):
        monkeypatch.setenv("WORKBOOK_SALT", salt)
        out = tmp_path / f"{len(ids)}.jsonl"
        assert main(["analyze", str(demo_store), "--statements", str(out)]) == 0
        ids.append(sorted(str(s["id"]) for s in _statements(out)))
    assert ids[0] == ids[1] and len(set(ids[0])) == len(ids[0]) > 100


def test_a_salt_others_can_read_is_refused(
    demo_store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    salt = tmp_path / "salt"
    salt.write_text("shared secret\n", encoding="utf-8")
    os.chmod(salt, 0o644)
    out = tmp_path / "s.jsonl"
    argv = ["analyze", str(demo_store), "--statements", str(out), "--salt-file", str(salt)]
    assert main(argv) == 2
    assert f"chmod 600 {salt}" in capsys.readouterr().err
    assert not out.exists()
    with pytest.raises(PrivacyError):
        installation_salt(salt)
    os.chmod(salt, 0o600)
    assert installation_salt(salt) == "shared secret"


def test_actor_home_page_and_activity_ids_are_configurable(
    demo_store: Path, tmp_path: Path
) -> None:
    out = tmp_path / "s.jsonl"
    argv = ["analyze", str(demo_store), "--statements", str(out)]
    argv += [
        "--home-page",
        "https://hub.example.org",
        "--activity-base",
        "https://lms.example.org/co",
    ]
    assert main(argv) == 0
    made = _statements(out)
    assert {s["actor"]["account"]["homePage"] for s in made} == {"https://hub.example.org"}  # type: ignore[index]
    assert all(str(s["object"]["id"]).startswith("https://lms.example.org/co/") for s in made)  # type: ignore[index]

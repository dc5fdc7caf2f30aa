"""The README is the contract analysts and facilitators read: it must keep up with the code."""

from __future__ import annotations

from pathlib import Path

import pytest

from workbook.course.kinds import KINDS

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_exercise_kind_is_documented(kind: str) -> None:
    assert f"| `{kind}` |" in README


def test_the_two_commands_are_there() -> None:
    assert "    ./scripts/lab\n" in README
    assert "    ./scripts/test\n" in README


def test_every_export_format_is_documented() -> None:
    from workbook.export import FORMATS

    for name in FORMATS:
        assert f"| `{name}`" in README

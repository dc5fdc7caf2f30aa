"""YAML with line numbers: each reader returns the value or names the file, line and field."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from workbook.course.yamldoc import YamlDoc
from workbook.errors import ContentError

TEXT = """\
title: A title
count: 3
flag: yes
id: a-b
items:
  - one
  - two
empty: []
"""


@pytest.fixture
def doc(tmp_path: Path) -> tuple[YamlDoc, dict[str, yaml.Node]]:
    path = tmp_path / "f.yaml"
    path.write_text(TEXT, encoding="utf-8")
    d = YamlDoc(path, "f.yaml")
    fields = {"title", "count", "flag", "id", "items", "empty"}
    return d, d.mapping(d.compose(), "", fields)


Read = Callable[[YamlDoc, dict[str, yaml.Node]], object]


@pytest.mark.parametrize(
    ("read", "value"),
    [
        (lambda d, f: d.text(f["title"], "title"), "A title"),
        (lambda d, f: d.integer(f["count"], "count"), 3),
        (lambda d, f: d.flag(f["flag"], "flag"), True),
        (lambda d, f: d.id(f["id"], "id"), "a-b"),
        (lambda d, f: d.texts(f["items"], "items"), ("one", "two")),
        (lambda d, f: d.get(f, "missing", "", d.text, "default"), "default"),
    ],
)
def test_readers_return_values(
    doc: tuple[YamlDoc, dict[str, yaml.Node]], read: Read, value: object
) -> None:
    assert read(*doc) == value


@pytest.mark.parametrize(
    ("read", "message"),
    [
        (lambda d, f: d.text(f["count"], "count"), "f.yaml:2: count: expected text"),
        (lambda d, f: d.integer(f["title"], "title"), "f.yaml:1: title: expected a whole number"),
        (lambda d, f: d.flag(f["count"], "count"), "f.yaml:2: count: expected true or false"),
        (lambda d, f: d.id(f["title"], "title"), "f.yaml:1: title: 'A title' is not an id"),
        (lambda d, f: d.seq(f["empty"], "empty"), "f.yaml:8: empty: is an empty list"),
        (lambda d, f: d.need(f, "nope", f["title"], "x"), "f.yaml:1: x.nope: missing"),
        (lambda d, f: d.unique({"a": "g.yaml:4"}, "a", f["id"], "id", "list id"),
         "f.yaml:4: id: duplicate list id 'a' (first defined at g.yaml:4)"),
    ],
)  # fmt: skip
def test_readers_name_file_line_and_field(
    doc: tuple[YamlDoc, dict[str, yaml.Node]], read: Read, message: str
) -> None:
    with pytest.raises(ContentError) as caught:
        read(*doc)
    assert str(caught.value).startswith(message)


def test_unknown_and_repeated_fields_are_named(tmp_path: Path) -> None:
    path = tmp_path / "g.yaml"
    path.write_text("a: 1\nb: 2\na: 3\n", encoding="utf-8")
    d = YamlDoc(path, "g.yaml")
    with pytest.raises(ContentError, match=r"^g.yaml:2: b: unknown field; expected one of \['a'\]"):
        d.mapping(d.compose(), "", {"a"})
    with pytest.raises(ContentError, match=r"^g\.yaml:3: a: is given twice"):
        d.mapping(d.compose(), "", {"a", "b"})


def test_syntax_errors_point_at_their_line(tmp_path: Path) -> None:
    path = tmp_path / "h.yaml"
    path.write_text("a: 1\nb: [unclosed\n", encoding="utf-8")
    with pytest.raises(ContentError, match=r"^h.yaml:\d+: \(syntax\): not valid YAML"):
        YamlDoc(path, "h.yaml").compose()

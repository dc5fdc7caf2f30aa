"""YAML with line numbers: a file's node tree and readers that turn nodes into values or errors.

PyYAML's composer keeps the line of every node, so any value read here can fail with a
:class:`ContentError` that names the file, the line, the dotted field and what was expected.
What the fields mean is the course schema's business (:mod:`workbook.course.content`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import yaml

from ..errors import ContentError

__all__ = ["ID", "YamlDoc", "join"]

INT = "tag:yaml.org,2002:int"
BOOL = "tag:yaml.org,2002:bool"
# Every id content gives (units, lists, items, categories, an exercise's own part).
ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
T = TypeVar("T")
# libyaml's parser where PyYAML has it: 5× faster (every kernel loads the course), same marks.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def join(at: str, key: str) -> str:
    """The dotted name of `key` inside the field `at` (`blocks[2].items`)."""
    return f"{at}.{key}" if at else key


@dataclass
class YamlDoc:
    """One YAML file's node tree, with the helpers that turn nodes into values or errors."""

    path: Path
    label: str

    def fail(self, node: yaml.Node | None, field: str, problem: str) -> ContentError:
        line = node.start_mark.line + 1 if node is not None else None
        return ContentError(self.label, line, field, problem)

    def compose(self) -> yaml.Node:
        try:
            text = self.path.read_text(encoding="utf-8")
            node = yaml.compose(text, Loader=_LOADER)
        except yaml.MarkedYAMLError as e:
            mark = e.problem_mark or e.context_mark
            line = mark.line + 1 if mark is not None else None
            raise ContentError(self.label, line, "(syntax)", f"not valid YAML: {e.problem}") from e
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as e:
            raise ContentError(self.label, None, "(file)", f"cannot be read: {e}") from e
        if node is None:
            raise ContentError(self.label, 1, "(file)", "is empty; expected a mapping of fields")
        return node

    def mapping(self, node: yaml.Node, field: str, allowed: set[str]) -> dict[str, yaml.Node]:
        if not isinstance(node, yaml.MappingNode):
            raise self.fail(node, field or "(top)", "expected a mapping of `key: value` fields")
        out: dict[str, yaml.Node] = {}
        for key_node, value in node.value:
            key = str(key_node.value)
            name = f"{field}.{key}" if field else key
            if key in out:
                raise self.fail(key_node, name, "is given twice; keep one")
            if key not in allowed:
                raise self.fail(key_node, name, f"unknown field; expected one of {sorted(allowed)}")
            out[key] = value
        return out

    def need(
        self, fields: Mapping[str, yaml.Node], key: str, where: yaml.Node, at: str
    ) -> yaml.Node:
        if key not in fields:
            raise self.fail(where, join(at, key), "missing; this field is required")
        return fields[key]

    def text(self, node: yaml.Node, field: str, *, empty: bool = False) -> str:
        if not isinstance(node, yaml.ScalarNode) or node.tag in (INT, BOOL):
            raise self.fail(node, field, "expected text")
        value = str(node.value).strip()
        if not value and not empty:
            raise self.fail(node, field, "is empty; expected text")
        return value

    def integer(self, node: yaml.Node, field: str) -> int:
        if not isinstance(node, yaml.ScalarNode) or node.tag != INT:
            raise self.fail(node, field, "expected a whole number")
        return int(node.value)

    def flag(self, node: yaml.Node, field: str) -> bool:
        if not isinstance(node, yaml.ScalarNode) or node.tag != BOOL:
            raise self.fail(node, field, "expected true or false")
        return str(node.value).lower() in ("true", "yes", "on")

    def id(self, node: yaml.Node, field: str) -> str:
        value = self.text(node, field)
        if not ID.match(value):
            raise self.fail(
                node, field, f"{value!r} is not an id; use lowercase letters, digits, -"
            )
        return value

    def seq(self, node: yaml.Node, field: str) -> list[tuple[str, yaml.Node]]:
        if not isinstance(node, yaml.SequenceNode):
            raise self.fail(node, field, "expected a list (lines starting with `- `)")
        if not node.value:
            raise self.fail(node, field, "is an empty list; expected at least one entry")
        return [(f"{field}[{i}]", child) for i, child in enumerate(node.value)]

    def texts(self, node: yaml.Node, field: str) -> tuple[str, ...]:
        return tuple(self.text(child, at) for at, child in self.seq(node, field))

    def get(
        self,
        fields: Mapping[str, yaml.Node],
        key: str,
        at: str,
        read: Callable[[yaml.Node, str], T],
        default: T,
    ) -> T:
        return read(fields[key], join(at, key)) if key in fields else default

    def unique(
        self, seen: dict[str, str], key: str, node: yaml.Node, field: str, what: str
    ) -> None:
        """Record where `key` is defined in `seen`; fail naming the first place if it is there."""
        if key in seen:
            raise self.fail(
                node,
                field,
                f"duplicate {what} {key!r} (first defined at {seen[key]}); ids must be unique",
            )
        seen[key] = f"{self.label}:{node.start_mark.line + 1}"

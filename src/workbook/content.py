"""Load content/ (YAML, one file per module and homework) into the frozen model, validating it.

Every problem is a :class:`ContentError` naming the file, the line, the field and what was
expected. A new chapter is new files: nothing here knows the course.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar, cast, get_args

import yaml

from .errors import ContentError
from .kinds import KINDS, PLAN_FIELDS, fields_of
from .model import (
    Block,
    Callout,
    CalloutKind,
    Category,
    Chapter,
    Course,
    Derive,
    Exercise,
    Item,
    NamedList,
    Prose,
    Scale,
    Side,
    Unit,
)
from .paths import content_root

__all__ = ["load_course", "slug", "validate"]

_INT = "tag:yaml.org,2002:int"
_BOOL = "tag:yaml.org,2002:bool"
_CALLOUTS = get_args(CalloutKind)
_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
T = TypeVar("T")


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


@dataclass
class _Doc:
    """One YAML file's node tree, with the helpers that turn nodes into values or errors."""

    path: Path
    label: str

    def fail(self, node: yaml.Node | None, field: str, problem: str) -> ContentError:
        line = node.start_mark.line + 1 if node is not None else None
        return ContentError(self.label, line, field, problem)

    def compose(self) -> yaml.Node:
        try:
            text = self.path.read_text(encoding="utf-8")
            node = yaml.compose(text, Loader=yaml.SafeLoader)
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
            raise self.fail(where, _join(at, key), "missing; this field is required")
        return fields[key]

    def text(self, node: yaml.Node, field: str, *, empty: bool = False) -> str:
        if not isinstance(node, yaml.ScalarNode) or node.tag in (_INT, _BOOL):
            raise self.fail(node, field, "expected text")
        value = str(node.value).strip()
        if not value and not empty:
            raise self.fail(node, field, "is empty; expected text")
        return value

    def integer(self, node: yaml.Node, field: str) -> int:
        if not isinstance(node, yaml.ScalarNode) or node.tag != _INT:
            raise self.fail(node, field, "expected a whole number")
        return int(node.value)

    def flag(self, node: yaml.Node, field: str) -> bool:
        if not isinstance(node, yaml.ScalarNode) or node.tag != _BOOL:
            raise self.fail(node, field, "expected true or false")
        return str(node.value).lower() in ("true", "yes", "on")

    def id(self, node: yaml.Node, field: str) -> str:
        value = self.text(node, field)
        if not _ID.match(value):
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
        return read(fields[key], _join(at, key)) if key in fields else default


def _join(at: str, key: str) -> str:
    return f"{at}.{key}" if at else key


def _unique(
    doc: _Doc, seen: dict[str, str], key: str, node: yaml.Node, field: str, what: str
) -> None:
    if key in seen:
        raise doc.fail(
            node,
            field,
            f"duplicate {what} {key!r} (first defined at {seen[key]}); ids must be unique",
        )
    seen[key] = f"{doc.label}:{node.start_mark.line + 1}"


_ITEM_FIELDS = {"id", "name", "detail", "sides"}


def _items(doc: _Doc, node: yaml.Node, field: str) -> tuple[Item, ...]:
    items: list[Item] = []
    seen: dict[str, str] = {}
    for at, child in doc.seq(node, field):
        if isinstance(child, yaml.ScalarNode):
            label = doc.text(child, at)
            items.append(Item(slug(label), label))
        else:
            f = doc.mapping(child, at, _ITEM_FIELDS)
            label = doc.text(doc.need(f, "name", child, at), f"{at}.name")
            item_id = doc.get(f, "id", at, doc.id, slug(label))
            sides: tuple[Side, ...] = ()
            if "sides" in f:
                sides = tuple(_side(doc, s, sat) for sat, s in doc.seq(f["sides"], f"{at}.sides"))
            items.append(Item(item_id, label, doc.get(f, "detail", at, doc.text, ""), sides))
        _unique(doc, seen, items[-1].id, child, f"{at}.id", "item id")
    return tuple(items)


def _side(doc: _Doc, node: yaml.Node, at: str) -> Side:
    f = doc.mapping(node, at, {"label", "text"})
    return Side(
        doc.text(doc.need(f, "label", node, at), f"{at}.label"),
        doc.text(doc.need(f, "text", node, at), f"{at}.text"),
    )


def _plan_fields(doc: _Doc, node: yaml.Node, field: str) -> tuple[str, ...]:
    known = [item.id for item, _ in PLAN_FIELDS]
    names = []
    for at, child in doc.seq(node, field):
        name = doc.text(child, at)
        if name not in known:
            raise doc.fail(child, at, f"unknown plan field {name!r}; expected one of {known}")
        names.append(name)
    return tuple(names)


_LIST_FIELDS = {"kind", "id", "title", "items", "intro", "outro", "numbered"}


def _named_list(doc: _Doc, node: yaml.Node, at: str) -> NamedList:
    f = doc.mapping(node, at, _LIST_FIELDS)
    return NamedList(
        id=doc.id(doc.need(f, "id", node, at), f"{at}.id"),
        title=doc.text(doc.need(f, "title", node, at), f"{at}.title"),
        items=_items(doc, doc.need(f, "items", node, at), f"{at}.items"),
        intro=doc.get(f, "intro", at, doc.text, ""),
        outro=doc.get(f, "outro", at, doc.text, ""),
        numbered=doc.get(f, "numbered", at, doc.flag, True),
    )


def _scale(doc: _Doc, node: yaml.Node, at: str) -> Scale:
    f = doc.mapping(node, at, {"min", "max", "anchors"})
    lo = doc.integer(doc.need(f, "min", node, at), f"{at}.min")
    hi = doc.integer(doc.need(f, "max", node, at), f"{at}.max")
    if lo >= hi:
        raise doc.fail(f["min"], f"{at}.min", f"min ({lo}) must be less than max ({hi})")
    anchors: list[tuple[int, str]] = []
    if "anchors" in f:
        anchor_node = f["anchors"]
        if not isinstance(anchor_node, yaml.MappingNode) or not anchor_node.value:
            raise doc.fail(anchor_node, f"{at}.anchors", "expected a mapping of `point: label`")
        for key, value in anchor_node.value:
            point = doc.integer(key, f"{at}.anchors")
            if not lo <= point <= hi:
                raise doc.fail(key, f"{at}.anchors.{point}", f"is outside the scale {lo}–{hi}")
            anchors.append((point, doc.text(value, f"{at}.anchors.{point}")))
    return Scale(lo, hi, tuple(sorted(anchors)))


_EXERCISE_FIELDS = {
    "id",
    "kind",
    "title",
    "prompt",
    "items",
    "rows",
    "columns",
    "scale",
    "derive",
    "snapshots",
    "required",
    "placeholder",
    "start_from",
    "complete_with",
}


class _Chapter:
    """Builds one chapter: lists first (exercises may name a list in any file), then units."""

    def __init__(self, lists: Mapping[str, NamedList], seen: _Seen) -> None:
        self.lists = lists
        self.exercise_ids = seen.exercises
        self.derived: list[tuple[_Doc, yaml.Node, str, Exercise]] = []
        self.started: list[tuple[_Doc, yaml.Node, str, Exercise]] = []

    def choices(self, doc: _Doc, node: yaml.Node, at: str) -> tuple[Item, ...]:
        if isinstance(node, yaml.ScalarNode):
            name = doc.text(node, at)
            if name not in self.lists:
                raise doc.fail(
                    node,
                    at,
                    f"names no list: {name!r}; expected one of {sorted(self.lists)} or inline items",
                )
            return self.lists[name].items
        return _items(doc, node, at)

    def exercise(self, doc: _Doc, node: yaml.Node, at: str, unit_id: str) -> Exercise:
        f = doc.mapping(node, at, _EXERCISE_FIELDS | {"kind"})
        ex_id_node = doc.need(f, "id", node, at)
        ex_id = doc.text(ex_id_node, f"{at}.id")
        # An exercise id is its unit's id, a dot and an id of its own: stable, and unique.
        unit, _, name = ex_id.partition(".")
        if unit != unit_id or not _ID.match(name):
            raise doc.fail(ex_id_node, f"{at}.id", f"{ex_id!r} must look like {unit_id}.short-name")
        _unique(doc, self.exercise_ids, ex_id, ex_id_node, f"{at}.id", "exercise id")
        kind_name = doc.text(doc.need(f, "kind", node, at), f"{at}.kind")
        kind = KINDS.get(kind_name)
        if kind is None:
            raise doc.fail(
                f["kind"],
                f"{at}.kind",
                f"unknown exercise kind {kind_name!r}; expected one of {sorted(KINDS)}",
            )
        for need in sorted(kind.needs):
            doc.need(f, need, node, at)
        derive = None
        if "derive" in f:
            node_d, at_d = f["derive"], f"{at}.derive"
            d = doc.mapping(node_d, at_d, {"lowest_of", "count", "label"})
            derive = Derive(
                doc.text(doc.need(d, "lowest_of", node_d, at_d), f"{at_d}.lowest_of"),
                doc.integer(doc.need(d, "count", node_d, at_d), f"{at_d}.count"),
                doc.text(doc.need(d, "label", node_d, at_d), f"{at_d}.label"),
            )
        exercise = Exercise(
            id=ex_id,
            kind=kind_name,
            prompt=doc.text(doc.need(f, "prompt", node, at), f"{at}.prompt"),
            title=doc.get(f, "title", at, doc.text, ""),
            items=doc.get(f, "items", at, lambda n, a: self.choices(doc, n, a), ()),
            rows=doc.get(f, "rows", at, lambda n, a: self.choices(doc, n, a), ()),
            columns=doc.get(f, "columns", at, lambda n, a: self.choices(doc, n, a), ()),
            scale=doc.get(f, "scale", at, lambda n, a: _scale(doc, n, a), None),
            derive=derive,
            snapshots=doc.get(f, "snapshots", at, doc.flag, False),
            required=doc.get(f, "required", at, doc.flag, True),
            placeholder=doc.get(f, "placeholder", at, doc.text, ""),
            start_from=doc.get(f, "start_from", at, doc.text, ""),
            complete_with=doc.get(f, "complete_with", at, lambda n, a: _plan_fields(doc, n, a), ()),
        )
        if derive is not None:
            self.derived.append((doc, f["derive"], f"{at}.derive", exercise))
        if "start_from" in f:
            self.started.append((doc, f["start_from"], f"{at}.start_from", exercise))
        return exercise

    def block(self, doc: _Doc, node: yaml.Node, at: str, unit_id: str) -> Block:
        if not isinstance(node, yaml.MappingNode):
            raise doc.fail(node, at, "expected a mapping with a `kind` field")
        kind_node = next((v for k, v in node.value if k.value == "kind"), None)
        if kind_node is None:
            raise doc.fail(
                node, f"{at}.kind", "missing; expected prose, list, a callout or an exercise kind"
            )
        kind = doc.text(kind_node, f"{at}.kind")
        if kind == "list":
            return self.lists[
                doc.id(
                    doc.need(
                        doc.mapping(node, at, _LIST_FIELDS),
                        "id",
                        node,
                        at,
                    ),
                    f"{at}.id",
                )
            ]
        if kind == "prose":
            f = doc.mapping(node, at, {"kind", "title", "body"})
            return Prose(
                doc.text(doc.need(f, "body", node, at), f"{at}.body"),
                doc.get(f, "title", at, doc.text, ""),
            )
        if kind in _CALLOUTS:
            f = doc.mapping(node, at, {"kind", "title", "body"})
            return Callout(
                cast(CalloutKind, kind),
                doc.get(f, "title", at, doc.text, ""),
                doc.text(doc.need(f, "body", node, at), f"{at}.body"),
            )
        if kind in KINDS:
            return self.exercise(doc, node, at, unit_id)
        raise doc.fail(
            kind_node,
            f"{at}.kind",
            f"unknown kind {kind!r}; expected prose, list, "
            f"{', '.join(_CALLOUTS)} or an exercise kind ({', '.join(KINDS)})",
        )

    def unit(
        self, doc: _Doc, node: yaml.Node, categories: Mapping[str, Category], homework: bool
    ) -> Unit:
        allowed = {"id", "number", "title", "homework", "promise", "intro", "blocks", "exercises"}
        if not homework:
            allowed |= {"category", "minutes", "takeaways", "walk_away"}
        f = doc.mapping(node, "", allowed)
        unit_id = doc.id(doc.need(f, "id", node, ""), "id")
        category = ""
        if not homework:
            category = doc.text(doc.need(f, "category", node, ""), "category")
            if category not in categories:
                raise doc.fail(
                    f["category"],
                    "category",
                    f"unknown category {category!r}; expected one of {sorted(categories)}",
                )
        blocks = (
            tuple(self.block(doc, n, at, unit_id) for at, n in doc.seq(f["blocks"], "blocks"))
            if "blocks" in f and _nonempty(f["blocks"])
            else ()
        )
        reflection = tuple(
            self.exercise(doc, n, at, unit_id)
            for at, n in doc.seq(doc.need(f, "exercises", node, ""), "exercises")
        )
        minutes = doc.integer(doc.need(f, "minutes", node, ""), "minutes") if not homework else 0
        return Unit(
            id=unit_id,
            number=doc.integer(doc.need(f, "number", node, ""), "number"),
            title=doc.text(doc.need(f, "title", node, ""), "title"),
            blocks=blocks,
            category=category,
            minutes=minutes,
            promise=doc.text(doc.need(f, "promise", node, ""), "promise"),
            intro=doc.get(f, "intro", "", doc.text, ""),
            takeaways=doc.texts(doc.need(f, "takeaways", node, ""), "takeaways")
            if not homework
            else (),
            reflection=reflection,
            walk_away=doc.text(doc.need(f, "walk_away", node, ""), "walk_away")
            if not homework
            else "",
            homework=homework,
            source=doc.label,
        )

    def check_references(self, exercises: Mapping[str, Exercise]) -> None:
        """Checks that need every exercise of the chapter: derived prompts and start_from."""
        for doc, node, at, exercise in self.started:
            source = exercises.get(exercise.start_from)
            if (
                source is None
                or source.id == exercise.id
                or fields_of(source) != fields_of(exercise)
            ):
                raise doc.fail(
                    node,
                    at,
                    f"{exercise.start_from!r} is not another exercise of this chapter with the "
                    f"same kind and items as {exercise.id}",
                )
        for doc, node, at, exercise in self.derived:
            assert exercise.derive is not None
            source = exercises.get(exercise.derive.lowest_of)
            if source is None or not KINDS[source.kind].self_score:
                raise doc.fail(
                    node,
                    f"{at}.lowest_of",
                    f"{exercise.derive.lowest_of!r} is not a score exercise of this chapter",
                )
            limit = len(source.items or source.columns)
            if not 1 <= exercise.derive.count <= limit:
                raise doc.fail(
                    node, f"{at}.count", f"expected 1 to {limit}, got {exercise.derive.count}"
                )


def _nonempty(node: yaml.Node) -> bool:
    return not (isinstance(node, yaml.SequenceNode) and not node.value)


def _files(folder: Path) -> Iterator[Path]:
    return iter(sorted(folder.glob("*.yaml"))) if folder.is_dir() else iter(())


@dataclass
class _Seen:
    """Ids that must be unique across the whole course, with where each was first defined.

    Answers are keyed by exercise id alone and notebooks are named after unit files, so a second
    chapter may not reuse either.
    """

    exercises: dict[str, str] = dataclasses.field(default_factory=dict)
    units: dict[str, str] = dataclasses.field(default_factory=dict)
    files: dict[str, str] = dataclasses.field(default_factory=dict)


def _load_chapter(root: Path, name: str, seen: _Seen) -> Chapter:
    folder = root / name
    head = _Doc(folder / "chapter.yaml", f"{name}/chapter.yaml")
    node = head.compose()
    f = head.mapping(
        node, "", {"number", "title", "summary", "topics", "categories", "homework_intro"}
    )
    categories: dict[str, Category] = {}
    category_seen: dict[str, str] = {}
    for at, cat_node in head.seq(head.need(f, "categories", node, ""), "categories"):
        c = head.mapping(cat_node, at, {"id", "title"})
        cat_id = head.id(head.need(c, "id", cat_node, at), f"{at}.id")
        _unique(head, category_seen, cat_id, cat_node, f"{at}.id", "category id")
        categories[cat_id] = Category(
            cat_id, head.text(head.need(c, "title", cat_node, at), f"{at}.title")
        )

    docs = [(_Doc(p, f"{name}/modules/{p.name}"), False) for p in _files(folder / "modules")]
    docs += [(_Doc(p, f"{name}/homework/{p.name}"), True) for p in _files(folder / "homework")]
    trees = [(doc, doc.compose(), hw) for doc, hw in docs]

    lists: dict[str, NamedList] = {}
    list_seen: dict[str, str] = {}
    for doc, tree, _ in trees:
        blocks = next(
            (v for k, v in getattr(tree, "value", []) if getattr(k, "value", None) == "blocks"),
            None,
        )
        if isinstance(blocks, yaml.SequenceNode):
            for i, b in enumerate(blocks.value):
                if isinstance(b, yaml.MappingNode) and any(
                    k.value == "kind" and v.value == "list" for k, v in b.value
                ):
                    named = _named_list(doc, b, f"blocks[{i}]")
                    id_node = next(v for k, v in b.value if k.value == "id")
                    _unique(doc, list_seen, named.id, id_node, f"blocks[{i}].id", "list id")
                    lists[named.id] = named

    builder = _Chapter(lists, seen)
    units = [builder.unit(doc, tree, categories, hw) for doc, tree, hw in trees]
    for (doc, tree, _), unit in zip(trees, units, strict=True):
        _unique(doc, seen.units, unit.id, tree, "id", "module/homework id")
        file_name = f"{'homework' if unit.homework else 'modules'}/{doc.path.name}"
        _unique(
            doc, seen.files, file_name, tree, "(file)", "file name (notebooks are named after it)"
        )
    builder.check_references({e.id: e for u in units for e in u.exercises})
    modules = tuple(sorted((u for u in units if not u.homework), key=lambda u: u.number))
    homework = tuple(sorted((u for u in units if u.homework), key=lambda u: u.number))
    for group in (modules, homework):
        numbers = [u.number for u in group]
        if group and numbers != list(range(1, len(group) + 1)):
            raise ContentError(
                group[0].source,
                None,
                "number",
                f"numbers must run 1..{len(group)} without gaps; got {numbers}",
            )
    return Chapter(
        number=head.integer(head.need(f, "number", node, ""), "number"),
        title=head.text(head.need(f, "title", node, ""), "title"),
        summary=head.text(head.need(f, "summary", node, ""), "summary"),
        topics=head.texts(head.need(f, "topics", node, ""), "topics"),
        categories=tuple(categories.values()),
        modules=modules,
        homework=homework,
        homework_intro=head.get(f, "homework_intro", "", head.text, ""),
    )


def load_course(root: Path | None = None) -> Course:
    """Load and validate the course under `root` (default: :func:`workbook.paths.content_root`)."""
    root = root or content_root()
    doc = _Doc(root / "course.yaml", "course.yaml")
    node = doc.compose()
    f = doc.mapping(node, "", {"title", "version", "chapters"})
    seen = _Seen()
    chapters = tuple(
        _load_chapter(root, name, seen)
        for name in doc.texts(doc.need(f, "chapters", node, ""), "chapters")
    )
    return Course(
        title=doc.text(doc.need(f, "title", node, ""), "title"),
        version=doc.text(doc.need(f, "version", node, ""), "version"),
        chapters=chapters,
    )


def validate(root: Path | None = None) -> list[ContentError]:
    """The first problem with the content under `root` (loading stops there); empty when it loads."""
    try:
        load_course(root)
    except ContentError as e:
        return [e]
    return []

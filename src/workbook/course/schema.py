"""The course schema: what a module or homework file may hold, read into the frozen model.

Items, named lists, scales, exercises (checked against :data:`workbook.course.kinds.KINDS`), blocks and
units, and the references between them (a list named anywhere in the chapter, derived prompts,
`start_from`). :mod:`workbook.course.content` finds the files; :mod:`workbook.course.yamldoc` reads them.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import cast, get_args

import yaml

from .kinds import KINDS, PLAN_FIELDS, fields_of
from .model import (
    Block,
    Callout,
    CalloutKind,
    Category,
    Derive,
    Exercise,
    Item,
    NamedList,
    Prose,
    Scale,
    Side,
    Unit,
)
from .yamldoc import ID, YamlDoc

__all__ = ["ChapterReader", "Seen", "named_list", "slug"]

_CALLOUTS = get_args(CalloutKind)


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


_ITEM_FIELDS = {"id", "name", "detail", "sides"}


def _items(doc: YamlDoc, node: yaml.Node, field: str) -> tuple[Item, ...]:
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
        doc.unique(seen, items[-1].id, child, f"{at}.id", "item id")
    return tuple(items)


def _side(doc: YamlDoc, node: yaml.Node, at: str) -> Side:
    f = doc.mapping(node, at, {"label", "text"})
    return Side(
        doc.text(doc.need(f, "label", node, at), f"{at}.label"),
        doc.text(doc.need(f, "text", node, at), f"{at}.text"),
    )


def _plan_fields(doc: YamlDoc, node: yaml.Node, field: str) -> tuple[str, ...]:
    known = [item.id for item, _ in PLAN_FIELDS]
    names = []
    for at, child in doc.seq(node, field):
        name = doc.text(child, at)
        if name not in known:
            raise doc.fail(child, at, f"unknown plan field {name!r}; expected one of {known}")
        names.append(name)
    return tuple(names)


_LIST_FIELDS = {"kind", "id", "title", "items", "intro", "outro", "numbered"}


def named_list(doc: YamlDoc, node: yaml.Node, at: str) -> NamedList:
    f = doc.mapping(node, at, _LIST_FIELDS)
    return NamedList(
        id=doc.id(doc.need(f, "id", node, at), f"{at}.id"),
        title=doc.text(doc.need(f, "title", node, at), f"{at}.title"),
        items=_items(doc, doc.need(f, "items", node, at), f"{at}.items"),
        intro=doc.get(f, "intro", at, doc.text, ""),
        outro=doc.get(f, "outro", at, doc.text, ""),
        numbered=doc.get(f, "numbered", at, doc.flag, True),
    )


def _scale(doc: YamlDoc, node: yaml.Node, at: str) -> Scale:
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
    "first_snapshot",
    "required",
    "placeholder",
    "start_from",
    "complete_with",
}


# Where a self-score starts; check-ins are dated by the learner, so never a first snapshot.
_FIRST_SNAPSHOTS = ("first-day", "last-day")


class ChapterReader:
    """Builds one chapter: lists first (exercises may name a list in any file), then units."""

    def __init__(self, lists: Mapping[str, NamedList], seen: Seen) -> None:
        self.lists = lists
        self.exercise_ids = seen.exercises
        self.derived: list[tuple[YamlDoc, yaml.Node, str, Exercise]] = []
        self.started: list[tuple[YamlDoc, yaml.Node, str, Exercise]] = []

    def choices(self, doc: YamlDoc, node: yaml.Node, at: str) -> tuple[Item, ...]:
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

    def exercise(self, doc: YamlDoc, node: yaml.Node, at: str, unit_id: str) -> Exercise:
        f = doc.mapping(node, at, _EXERCISE_FIELDS | {"kind"})
        ex_id_node = doc.need(f, "id", node, at)
        ex_id = doc.text(ex_id_node, f"{at}.id")
        # An exercise id is its unit's id, a dot and an id of its own: stable, and unique.
        unit, _, name = ex_id.partition(".")
        if unit != unit_id or not ID.match(name):
            raise doc.fail(ex_id_node, f"{at}.id", f"{ex_id!r} must look like {unit_id}.short-name")
        doc.unique(self.exercise_ids, ex_id, ex_id_node, f"{at}.id", "exercise id")
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
            d = doc.mapping(node_d, at_d, {"lowest_of", "count", "label", "group_label"})
            derive = Derive(
                doc.text(doc.need(d, "lowest_of", node_d, at_d), f"{at_d}.lowest_of"),
                doc.integer(doc.need(d, "count", node_d, at_d), f"{at_d}.count"),
                doc.text(doc.need(d, "label", node_d, at_d), f"{at_d}.label"),
                doc.text(doc.need(d, "group_label", node_d, at_d), f"{at_d}.group_label"),
            )
        snapshots = doc.get(f, "snapshots", at, doc.flag, False)
        first_snapshot = doc.get(f, "first_snapshot", at, doc.text, "first-day")
        if "first_snapshot" in f and (not snapshots or first_snapshot not in _FIRST_SNAPSHOTS):
            raise doc.fail(
                f["first_snapshot"],
                f"{at}.first_snapshot",
                f"expected one of {', '.join(_FIRST_SNAPSHOTS)}, on an exercise with "
                "`snapshots: true`",
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
            snapshots=snapshots,
            first_snapshot=first_snapshot,
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

    def block(self, doc: YamlDoc, node: yaml.Node, at: str, unit_id: str) -> Block:
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
        self, doc: YamlDoc, node: yaml.Node, categories: Mapping[str, Category], homework: bool
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


@dataclass
class Seen:
    """Ids that must be unique across the whole course, with where each was first defined.

    Answers are keyed by exercise id alone and notebooks are named after unit files, so a second
    chapter may not reuse either.
    """

    exercises: dict[str, str] = dataclasses.field(default_factory=dict)
    units: dict[str, str] = dataclasses.field(default_factory=dict)
    files: dict[str, str] = dataclasses.field(default_factory=dict)

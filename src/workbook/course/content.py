"""Load a content folder (course.yaml, a folder per chapter) into the frozen model, validated.

This finds the files and puts the course together: chapters, their categories, the named lists
every exercise may refer to, ids unique across the course. What a module or homework file holds
is :mod:`workbook.course.schema`; reading YAML with line numbers is :mod:`workbook.course.yamldoc`. Every
problem is a :class:`ContentError` naming the file, the line, the field and what was expected.
A new chapter is new files: nothing here knows the course.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import yaml

from ..errors import ContentError
from ..paths import content_root
from .model import Category, Chapter, Course, NamedList
from .schema import ChapterReader, Seen, named_list
from .yamldoc import YamlDoc

__all__ = ["load_course", "validate"]


def _files(folder: Path) -> Iterator[Path]:
    return iter(sorted(folder.glob("*.yaml"))) if folder.is_dir() else iter(())


def _load_chapter(root: Path, name: str, seen: Seen) -> Chapter:
    folder = root / name
    head = YamlDoc(folder / "chapter.yaml", f"{name}/chapter.yaml")
    node = head.compose()
    f = head.mapping(
        node, "", {"number", "title", "summary", "topics", "categories", "homework_intro"}
    )
    categories: dict[str, Category] = {}
    category_seen: dict[str, str] = {}
    for at, cat_node in head.seq(head.need(f, "categories", node, ""), "categories"):
        c = head.mapping(cat_node, at, {"id", "title"})
        cat_id = head.id(head.need(c, "id", cat_node, at), f"{at}.id")
        head.unique(category_seen, cat_id, cat_node, f"{at}.id", "category id")
        categories[cat_id] = Category(
            cat_id, head.text(head.need(c, "title", cat_node, at), f"{at}.title")
        )

    docs = [(YamlDoc(p, f"{name}/modules/{p.name}"), False) for p in _files(folder / "modules")]
    docs += [(YamlDoc(p, f"{name}/homework/{p.name}"), True) for p in _files(folder / "homework")]
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
                    named = named_list(doc, b, f"blocks[{i}]")
                    id_node = next(v for k, v in b.value if k.value == "id")
                    doc.unique(list_seen, named.id, id_node, f"blocks[{i}].id", "list id")
                    lists[named.id] = named

    builder = ChapterReader(lists, seen)
    units = [builder.unit(doc, tree, categories, hw) for doc, tree, hw in trees]
    for (doc, tree, _), unit in zip(trees, units, strict=True):
        doc.unique(seen.units, unit.id, tree, "id", "module/homework id")
        file_name = f"{'homework' if unit.homework else 'modules'}/{doc.path.name}"
        doc.unique(
            seen.files, file_name, tree, "(file)", "file name (notebooks are named after it)"
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
    doc = YamlDoc(root / "course.yaml", "course.yaml")
    node = doc.compose()
    f = doc.mapping(node, "", {"title", "version", "chapters"})
    seen = Seen()
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

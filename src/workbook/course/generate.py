"""Generate notebooks/ from the course: deterministic bytes, prose as Markdown, one-line code cells.

Answers never live in a notebook: a code cell only calls the package by exercise id, so
regenerating or re-pulling notebooks cannot clobber anyone's work.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat
from nbformat import NotebookNode
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from . import analyst_notebook as analytics
from .kinds import hidden_while_recalling
from .model import Callout, Chapter, Course, Exercise, NamedList, Prose, Unit

__all__ = [
    "MARKER",
    "WITHOUT_EXTENSION_TAG",
    "GeneratedNotebook",
    "build",
    "is_generated",
    "normalise",
    "notebook_name",
    "render",
    "stale",
]

# The course's own callout labels; a callout's title follows its label, a principle's is framed.
_CALLOUT_HEADINGS = {
    "insight": "✦ Pro Insight",
    "mistake": "⚠ Common Mistake",
    "pause": "◈ Pause & Reflect",
    "principle": "━━",
    "quote": "",
}
_RUN_ALL = (
    "> ▶▶ **Run all** (menu *Run ▸ Run All Cells*) to load your answers. "
    "Everything you write saves automatically · come back to it whenever."
)
_CODE_CAPTIONS = {
    "exercise": "Your answer: saved as you type (Run all to load it)",
    "progress_bar": "Your progress",
    "progress_table": "Your progress, module by module",
    "my_progress": "What is next, and your self-scores as charts",
    "facilitator_dashboard": "Your cohort, live",
}
_METADATA = {
    "kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"},
    "language_info": {"name": "python"},
}
# Notebook metadata key marking a workbook notebook: the lab extension and the save hook act
# only on notebooks that carry it (its `title` names the tab).
MARKER = "workbook"
# Cells only a Jupyter without the workbook extension shows (it runs notebooks by itself).
WITHOUT_EXTENSION_TAG = "workbook-without-extension"
_CODE_METADATA = {"jupyter": {"source_hidden": True}, "tags": ["hide-input"]}
# What a cell of each type keeps when a session's notebook is put back into generated form.
_CELL_KEYS = {
    "markdown": ("cell_type", "id", "metadata", "source"),
    "code": ("cell_type", "execution_count", "id", "metadata", "outputs", "source"),
}


_INDEX_TITLE = "Course index"
_PROGRESS_TITLE = "My progress"
_FACILITATOR_TITLE = "Facilitator view"


@dataclass(frozen=True)
class GeneratedNotebook:
    name: str
    text: str


def notebook_name(unit: Unit) -> str:
    stem = Path(unit.source).stem
    if unit.homework:
        return f"homework-{stem.removeprefix('hw')}.ipynb"
    return f"module-{stem}.ipynb"


class _Cells:
    """Collects cells with ids that depend only on position, so output is byte-stable."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.cells: list[NotebookNode] = []

    def _id(self) -> str:
        return f"{self.prefix}-{len(self.cells):02d}"

    def md(self, *parts: str) -> None:
        text = "\n\n".join(p for p in parts if p)
        cell = new_markdown_cell(text, id=self._id())
        self.cells.append(cell)

    def run_all_hint(self, text: str = _RUN_ALL) -> None:
        cell = new_markdown_cell(text, id=self._id())
        cell.metadata = {"tags": [WITHOUT_EXTENSION_TAG]}
        self.cells.append(cell)

    def code(self, source: str, *, hidden: bool = True) -> None:
        cell = new_code_cell(source, id=self._id())
        if hidden:
            cell.metadata = copy.deepcopy(_CODE_METADATA)
        self.cells.append(cell)


def _call(function: str, *args: str) -> str:
    # JupyterLab shows a hidden cell's first line: make it words for the learner, not code.
    quoted = ", ".join(f'"{a}"' for a in args)
    return f"# {_CODE_CAPTIONS[function]}\nimport workbook; workbook.{function}({quoted})"


def _list_md(named: NamedList) -> str:
    lines = [f"### {named.title}"]
    if named.intro:
        lines.append(f"*{named.intro}*")
    rows = []
    for n, item in enumerate(named.items, 1):
        marker = f"{n}." if named.numbered else "-"
        if item.sides:
            sides = " · ".join(f"**{s.label}:** {s.text}" for s in item.sides)
            rows.append(f"{marker} **{item.label}** — {sides}")
        else:
            rows.append(f"{marker} **{item.label}**" + (f" — {item.detail}" if item.detail else ""))
    lines.append("\n".join(rows))
    if named.outro:
        lines.append(f"*{named.outro}*")
    return "\n\n".join(lines)


def _callout_md(callout: Callout) -> str:
    heading = _CALLOUT_HEADINGS[callout.kind]
    if callout.kind == "quote":
        return f"> **{callout.body}**"
    title = (
        f"{heading} · {callout.title}" if callout.title and heading else heading or callout.title
    )
    if callout.kind == "principle":
        title = f"━━ {callout.title} ━━" if callout.title else heading
    # Every line quoted as it is: only a blank line in content starts a new paragraph.
    body = "\n".join(f"> {line}" if line else ">" for line in callout.body.splitlines())
    return f"> **{title}**\n>\n{body}"


def _exercise(cells: _Cells, exercise: Exercise) -> None:
    cells.md(f"#### {exercise.title}" if exercise.title else "", exercise.prompt)
    cells.code(_call("exercise", exercise.id))


def _unit_cells(unit: Unit, chapter: Chapter) -> list[NotebookNode]:
    cells = _Cells(unit.id)
    if unit.homework:
        head = f"*Chapter {chapter.number} · Homework {unit.number}*"
    else:
        category = next(c.title for c in chapter.categories if c.id == unit.category)
        head = f"*{category} · Module {unit.number} · ~{unit.minutes} min*"
    cells.md(head, f"# {unit.title}", f"**{unit.promise}**", unit.intro)
    cells.run_all_hint()
    cells.code(_call("progress_bar", unit.id))
    recalled = {e.items: e.id for e in unit.exercises if e.kind == "recall_check"}
    for block in unit.blocks:
        if isinstance(block, Prose):
            cells.md(f"### {block.title}" if block.title else "", block.body)
        elif isinstance(block, NamedList) and block.items in recalled:
            hide = hidden_while_recalling(recalled[block.items])
            cells.md(f'<div class="{hide}">\n\n{_list_md(block)}\n\n</div>')
        elif isinstance(block, NamedList):
            cells.md(_list_md(block))
        elif isinstance(block, Callout):
            cells.md(_callout_md(block))
        else:
            _exercise(cells, block)
    if unit.takeaways:
        cells.md("## Hold on to these", "\n".join(f"- {t}" for t in unit.takeaways))
    if unit.reflection:
        cells.md("## Reflection · write it down" if not unit.homework else "## Your assignment")
        for exercise in unit.reflection:
            _exercise(cells, exercise)
    if unit.walk_away:
        cells.md("## What you walk away with", unit.walk_away)
    cells.md("[← Back to the course index](index.ipynb)")
    return cells.cells


def _index_cells(course: Course) -> list[NotebookNode]:
    cells = _Cells("index")
    for chapter in course.chapters:
        topics = " · ".join(chapter.topics)
        cells.md(
            f"*{course.title} · course index*",
            f"# Chapter {chapter.number}\n\n## {chapter.title}",
            f"*{topics}*",
            chapter.summary,
        )
        cells.run_all_hint()
        cells.code(_call("progress_bar"))
        for category in chapter.categories:
            modules = chapter.modules_in(category.id)
            count = f"{len(modules)} module" + ("s" if len(modules) != 1 else "")
            rows = [
                f"{m.number}. [Module {m.number} · {m.title}]({notebook_name(m)}) · ~{m.minutes} min"
                f"  \n   {m.promise}"
                for m in modules
            ]
            cells.md(f"### {category.title}\n*{count}*", "\n".join(rows))
        homework = [
            f"{h.number}. [{h.title}]({notebook_name(h)})  \n   {h.promise}"
            for h in chapter.homework
        ]
        cells.md(
            f"## Chapter {chapter.number} · Homework", chapter.homework_intro, "\n".join(homework)
        )
    cells.md("## Your progress and scores", "[My progress](my-progress.ipynb)")
    return cells.cells


def _progress_cells() -> list[NotebookNode]:
    cells = _Cells("my-progress")
    cells.md(f"# {_PROGRESS_TITLE}")
    cells.run_all_hint()
    cells.code(_call("progress_bar"))
    cells.code(_call("my_progress"))
    cells.md("## Module by module")
    cells.code(_call("progress_table"))
    cells.md("[← Back to the course index](index.ipynb)")
    return cells.cells


def _facilitator_cells(course: Course) -> list[NotebookNode]:
    cells = _Cells("facilitator")
    cells.md(
        f"# {_FACILITATOR_TITLE}: {course.title}",
        "For facilitators on the hub: who is where in your cohort (refreshes by itself during a"
        " workshop), score distributions, first day → last day, and the reflections learners"
        " chose to share.",
    )
    cells.run_all_hint("> ▶▶ **Run all** (menu *Run ▸ Run All Cells*) to open the view.")
    cells.code(_call("facilitator_dashboard"))
    return cells.cells


def _notebook(cells: list[NotebookNode], title: str, *, code_shown: bool = False) -> str:
    # `code: shown` tells the save hook this notebook's code is not hidden (the analyst's).
    metadata = {**_METADATA, MARKER: {"title": title, **({"code": "shown"} if code_shown else {})}}
    nb = new_notebook(cells=cells, metadata=metadata)
    nbformat.validate(nb)
    # What Jupyter's own save writes (`nbformat.write` ends the file with a newline), so a
    # notebook saved in a session can be byte-identical to the generated one.
    text: str = nbformat.writes(nb)
    return text + "\n"


def is_generated(notebook: dict[str, Any]) -> bool:
    """Whether a notebook (as nbformat JSON) carries the generator's marker."""
    return MARKER in notebook.get("metadata", {})


def normalise(notebook: dict[str, Any]) -> None:
    """Take off what running and saving in Jupyter adds to a generated notebook, in place.

    Outputs, execution counts, kernel details and cell metadata go back to what `render` writes,
    so a save after a session gives the generated bytes. Cells' text and order are kept: any
    real edit still shows as a change.
    """
    notebook["metadata"] = {**_METADATA, MARKER: notebook["metadata"][MARKER]}
    shown = notebook["metadata"][MARKER].get("code") == "shown"
    notebook["nbformat"], notebook["nbformat_minor"] = 4, 5
    for cell in notebook.get("cells", []):
        keys = _CELL_KEYS.get(cell.get("cell_type", ""))
        if keys is None:
            continue
        tags = [t for t in cell.get("metadata", {}).get("tags", []) if t == WITHOUT_EXTENSION_TAG]
        if cell["cell_type"] == "code":
            cell["metadata"] = {} if shown else copy.deepcopy(_CODE_METADATA)
            cell["outputs"], cell["execution_count"] = [], None
        else:
            cell["metadata"] = {"tags": tags} if tags else {}
        for key in set(cell) - set(keys):
            del cell[key]


def render(course: Course) -> Iterator[GeneratedNotebook]:
    """Every notebook the course gives, in a stable order."""
    yield GeneratedNotebook("index.ipynb", _notebook(_index_cells(course), _INDEX_TITLE))
    for chapter in course.chapters:
        for unit in chapter.units:
            title = f"{unit.label} · {unit.title}"
            yield GeneratedNotebook(
                notebook_name(unit), _notebook(_unit_cells(unit, chapter), title)
            )
    yield GeneratedNotebook("my-progress.ipynb", _notebook(_progress_cells(), _PROGRESS_TITLE))
    yield GeneratedNotebook(
        "facilitator.ipynb", _notebook(_facilitator_cells(course), _FACILITATOR_TITLE)
    )
    yield GeneratedNotebook(
        analytics.NAME, _notebook(_analytics_cells(), analytics.TITLE, code_shown=True)
    )


def _analytics_cells() -> list[NotebookNode]:
    """The analyst starter: code shown, since analysts read and change it."""
    cells = _Cells("cohort-analytics")
    for kind, source in analytics.CELLS:
        if kind == "md":
            cells.md(source)
        else:
            cells.code(source, hidden=False)
    return cells.cells


def stale(notebooks: Iterable[GeneratedNotebook], folder: Path) -> list[str]:
    """Names of `notebooks` that are missing from `folder` or differ from what is there.

    Other files in `folder` are left alone: a learner's own notebook there is not ours to judge.
    """
    return sorted(
        nb.name
        for nb in notebooks
        if not (folder / nb.name).is_file()
        or (folder / nb.name).read_text(encoding="utf-8") != nb.text
    )


def build(course: Course, folder: Path) -> list[str]:
    """Write the notebooks whose bytes changed; return their names."""
    folder.mkdir(parents=True, exist_ok=True)
    notebooks = list(render(course))
    changed = stale(notebooks, folder)
    for nb in notebooks:
        if nb.name in changed:
            (folder / nb.name).write_text(nb.text, encoding="utf-8")
    return changed

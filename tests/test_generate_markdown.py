"""Every generated Markdown cell, rendered by a CommonMark parser, reads as whole paragraphs.

Content wraps long lines; only a blank line there may start a new paragraph. A paragraph that
ends mid-sentence, or emphasis split across two paragraphs (literal asterisks on screen), fails.
"""

from __future__ import annotations

from collections.abc import Iterator

import nbformat
import pytest
from markdown_it import MarkdownIt
from markdown_it.token import Token

from workbook import load_course, render

_WRAPPERS = {"em_open", "strong_open", "link_open"}
_ENDINGS = (".", "!", "?", ":", "…")
_CLOSERS = "\"'”’)*"


def _paragraphs(source: str) -> Iterator[tuple[list[Token], bool]]:
    """Each paragraph's inline tokens, and whether it sits in a list item."""
    depth = 0
    tokens = MarkdownIt("commonmark").parse(source)
    for n, token in enumerate(tokens):
        depth += {"list_item_open": 1, "list_item_close": -1}.get(token.type, 0)
        if token.type == "paragraph_open":
            yield tokens[n + 1].children or [], depth > 0


def _is_label(children: list[Token]) -> bool:
    # A line that is all emphasis or one link: a heading-like label, not a sentence.
    shown = [c for c in children if c.type != "text" or c.content]
    return bool(shown) and shown[0].type in _WRAPPERS and shown[-1].type.endswith("_close")


def _cells() -> list[tuple[str, str]]:
    return [
        (nb.name, cell["source"])
        for nb in render(load_course())
        for cell in nbformat.reads(nb.text, as_version=4).cells
        if cell["cell_type"] == "markdown"
    ]


@pytest.mark.parametrize(("name", "source"), _cells())
def test_paragraphs_are_whole_sentences(name: str, source: str) -> None:
    for children, in_list in _paragraphs(source):
        text = "".join(c.content for c in children if c.type in ("text", "code_inline"))
        assert "*" not in text, f"{name}: a literal asterisk shows in {text!r}"
        if in_list or _is_label(children):
            continue
        assert text.rstrip(_CLOSERS + " ").endswith(_ENDINGS), (
            f"{name}: paragraph ends mid-sentence: {text[-60:]!r}"
        )

"""Markdown escaping: whatever a learner types reads back as exactly that text."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from markdown_it import MarkdownIt

from workbook.export import escape_markdown

RENDER = MarkdownIt("commonmark").enable("table")


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: object) -> None:
        self.tags.append(tag)

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def _read_back(markdown: str) -> tuple[str, list[str]]:
    parser = _Text()
    parser.feed(RENDER.render(markdown))
    return "".join(parser.parts).strip(), parser.tags


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert(1)</script>",
        "</div></section><div>",
        "# heading?",
        "  ## indented heading?",
        "- a list?",
        "+ a list?",
        "* a list?",
        "1. a list?",
        "12) a list?",
        "> a quote?",
        "**bold?** _em?_ `code?`",
        "[link?](http://example.com) ![img?](x.png)",
        "<http://autolink.example>",
        "&amp; &lt;entity&gt; &#65;",
        "a | table | row",
        "~~strike?~~",
        "back\\slash \\* already escaped",
        "---",
        "===",
        "plain text, stays plain: e.g. 3.5 (ok)",
    ],
)
def test_text_reads_back_exactly_and_makes_no_markup(text: str) -> None:
    back, tags = _read_back(escape_markdown(text))
    assert back == text.strip()
    assert tags == ["p"]


def test_line_breaks_are_kept_and_paragraphs_stay_apart() -> None:
    html = RENDER.render(escape_markdown("one\n- two\nthree\n\nfour"))
    assert html == "<p>one<br />\n- two<br />\nthree</p>\n<p>four</p>\n"

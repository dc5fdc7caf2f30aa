"""Lay a workbook or a Handover Standard out as HTML, Markdown or PDF.

Both template environments escape every value by default, so a learner's `<script>` or
`</div>` is printed as text: HTML through Jinja2's autoescape, Markdown through a `finalize`
hook that backslash-escapes what CommonMark would read as markup. PDF is the HTML, laid out by
WeasyPrint (no browser, no JavaScript).
"""

from __future__ import annotations

import base64
import functools
import re

import jinja2
from markupsafe import Markup

from .document import Chart, Workbook
from .standard import Standard

__all__ = ["escape_markdown", "html", "markdown", "pdf"]

_TEMPLATES = jinja2.PackageLoader("workbook.export", "templates")

# Everywhere: characters that open emphasis, code, links, raw HTML, entities, tables, strikes.
_INLINE = re.compile(r"([\\`*_\[\]<>|~&#])")
# At a line's start: list items, block quotes, setext underlines, ordered list markers.
_LINE_START = re.compile(r"^([ \t]*)([-+=]|\d+(?=[.)]))", re.MULTILINE)


def escape_markdown(value: object) -> str:
    """`value` as Markdown that reads as exactly its text; line breaks are kept."""
    if isinstance(value, Markup):  # built by us (an image link): already Markdown
        return str(value)
    text = _INLINE.sub(r"\\\1", str(value))
    text = _LINE_START.sub(
        lambda m: m[1] + (m[2] + "\\" if m[2][0].isdigit() else "\\" + m[2]), text
    )
    lines = text.splitlines()
    # A backslash at the end of a line is a hard break: the learner's line breaks stay.
    return "\n".join(
        line + "\\" if line.strip() and n + 1 < len(lines) and lines[n + 1].strip() else line
        for n, line in enumerate(lines)
    )


def _data_uri(chart: Chart) -> str:
    return f"data:{chart.media_type};base64,{base64.b64encode(chart.data).decode('ascii')}"


@functools.cache
def _environment(markup: str) -> jinja2.Environment:
    if markup == "html":
        env = jinja2.Environment(
            loader=_TEMPLATES, autoescape=True, undefined=jinja2.StrictUndefined
        )
    else:
        env = jinja2.Environment(
            loader=_TEMPLATES,
            autoescape=False,
            finalize=escape_markdown,
            undefined=jinja2.StrictUndefined,
            keep_trailing_newline=True,
        )
    env.filters["data_uri"] = lambda chart: Markup(_data_uri(chart))
    env.trim_blocks = env.lstrip_blocks = True
    return env


def _render(markup: str, document: Workbook | Standard) -> str:
    name = "workbook" if isinstance(document, Workbook) else "standard"
    return _environment(markup).get_template(f"{name}.{markup}.j2").render(doc=document)


def html(document: Workbook | Standard) -> bytes:
    """One self-contained page: styles inline, charts as data URIs, nothing fetched."""
    return _render("html", document).encode("utf-8")


def markdown(document: Workbook | Standard) -> bytes:
    return _render("md", document).encode("utf-8")


def pdf(document: Workbook | Standard) -> bytes:
    import weasyprint  # a second to import: only when a PDF is asked for

    # Tagged (PDF/UA-1): headings, lists and tables reach a screen reader; the language comes
    # from the page's `lang`.
    return bytes(
        weasyprint.HTML(string=_render("html", document)).write_pdf(pdf_variant="pdf/ua-1")
    )

"""How the widgets look: status lines and problems."""

from __future__ import annotations

import html

import ipywidgets as w

from ..errors import WorkbookError


def status_html(message: str, failed: bool = False) -> str:
    colour = "#b00020" if failed else "#555"
    icon = "⚠ " if failed else "✓ " if message.startswith("Saved") else ""
    return f'<small style="color:{colour}">{icon}{html.escape(message)}</small>'


def problem(error: WorkbookError) -> w.HTML:
    widget = w.HTML(f'<div style="color:#b00020">⚠ {html.escape(str(error))}</div>')
    widget.add_class("wb-problem")
    return widget

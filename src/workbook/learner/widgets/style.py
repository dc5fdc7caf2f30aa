"""How the widgets look: one stylesheet, status lines and problems.

The stylesheet is one `<style>` block in one hidden `HTML` widget per kernel, shown inside every
exercise and progress widget, so it arrives with them in JupyterLab, Voilà or any other widget
frontend, with nothing fetched from a CDN. Rules are scoped to `.wb-*` classes the widgets add,
and use JupyterLab's theme variables (with fallbacks for frontends that lack them).
"""

from __future__ import annotations

import html

import ipywidgets as w

from ...errors import WorkbookError

_FONT = "var(--jp-ui-font-family, system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif)"
_ACCENT = "var(--jp-brand-color1, #1976d2)"
_BORDER = "var(--jp-border-color1, #bdbdbd)"
# Fixed, not theme variables: these pairs are chosen for contrast (WCAG AA), which a theme's
# values did not keep (the "lowest" tag was 2.99:1, unselected score buttons' borders 1.88:1).
_FOCUS = "#0b57d0"
_CONTROL_BORDER = "#767676"  # 4.5:1 on white

CSS = f"""
.wb-exercise, .wb-progress {{
  font-family: {_FONT}; font-size: var(--jp-ui-font-size1, 14px);
  color: var(--jp-ui-font-color1, #222); box-sizing: border-box; max-width: 100%;
}}
.wb-bar {{
  height: 6px; max-width: 28em; margin: 4px 0; border-radius: 3px;
  background: var(--jp-layout-color3, #e0e0e0); overflow: hidden;
}}
.wb-bar > div {{ height: 100%; background: {_ACCENT}; }}
.wb-progress-table table {{ border-collapse: collapse; }}
.wb-progress-table td, .wb-progress-table th {{
  padding: 3px 12px 3px 0; text-align: left; border-bottom: 1px solid var(--jp-border-color2, #e0e0e0);
}}
.wb-exercise {{
  border: 1px solid var(--jp-border-color2, #e0e0e0); border-left: 4px solid {_ACCENT};
  border-radius: 6px; padding: 10px 14px; gap: 6px; margin: 4px 0;
}}
.wb-exercise *, .wb-progress * {{ box-sizing: border-box; }}
.wb-exercise textarea, .wb-exercise input, .wb-exercise button, .wb-exercise select,
.wb-exercise label {{ font-family: inherit; }}
/* Text areas: full width, wrapping, growing with the text; no sideways scroll, no clipped edge. */
.wb-exercise .widget-textarea {{ width: 100%; max-width: 100%; margin: 2px 0; }}
.wb-exercise .widget-textarea textarea {{
  width: 100%; font-size: var(--jp-ui-font-size1, 14px); line-height: 1.45;
  padding: 6px 8px; border: 1px solid {_BORDER}; border-radius: 4px;
  white-space: pre-wrap; overflow-wrap: anywhere; overflow-x: hidden; resize: vertical;
  field-sizing: content; max-height: 60em;
}}
.wb-exercise .widget-textarea textarea:focus {{ border-color: {_FOCUS}; }}
/* A focus ring that shows (2 px, 7:1 on white) on every control, from the keyboard. */
.wb-exercise :focus-visible, .wb-progress :focus-visible, .wb-my-progress :focus-visible {{
  outline: 2px solid {_FOCUS} !important; outline-offset: 2px;
}}
{"".join(f".wb-exercise .wb-rows-{n} textarea {{ min-height: calc({n} * 1.45em + 14px); }}" for n in range(1, 9))}
.wb-exercise .widget-html, .wb-exercise .widget-html-content {{ height: auto; line-height: 1.4; }}
.wb-exercise h4 {{ margin: 10px 0 2px; }}
.wb-anchors {{ color: var(--jp-ui-font-color2, #555); }}
/* Score rows: label, then control; they wrap under each other when narrow. */
.wb-beside {{ flex-wrap: wrap; align-items: center; gap: 0 8px; }}
.wb-beside .wb-cell-label {{ flex: 1 1 14em !important; max-width: 22em; }}
.wb-exercise .wb-slider {{ flex: 1 1 18em; min-width: 14em; max-width: 34em; }}
.wb-exercise .wb-slider .widget-readout {{ max-width: none; min-width: 8.5em; text-align: left; }}
/* Toggle buttons (1–5 scores): the chosen one is unmistakable. */
.wb-exercise .widget-toggle-buttons .widget-toggle-button {{
  width: 2.4em; min-width: 2.4em; margin: 0 3px 0 0; padding: 0; border-radius: 4px;
  border: 1px solid {_CONTROL_BORDER}; background: var(--jp-layout-color1, #fff);
  color: var(--jp-ui-font-color1, #222); box-shadow: none; font-size: var(--jp-ui-font-size1, 14px);
}}
.wb-exercise .widget-toggle-buttons .widget-toggle-button:hover {{ border-color: {_ACCENT}; }}
.wb-exercise .widget-toggle-buttons .widget-toggle-button.mod-active {{
  background: {_ACCENT}; border-color: {_ACCENT}; color: #fff; font-weight: 700;
  box-shadow: 0 0 0 2px color-mix(in srgb, {_ACCENT} 30%, transparent);
}}
/* The score matrix as a grid: items down, occasions across, each item's average last. */
.wb-grid-container {{ container-type: inline-size; }}
.wb-grid-score {{ flex: none; }}
.wb-grid {{ align-items: center; gap: 6px 14px; }}
.wb-grid-head {{ color: var(--jp-ui-font-color2, #555); }}
.wb-grid-item {{ line-height: 1.3; }}
.wb-grid-caption {{ display: none !important; }}
.wb-grid-cell {{ align-items: center; }}
.wb-grid-average {{ font-variant-numeric: tabular-nums; }}
.wb-average {{ font-weight: 600; }}
.wb-lowest-tag {{
  margin-left: 4px; padding: 0 5px; border-radius: 8px; font-size: 85%;
  background: #fff3cd; color: #5c3a00; border: 1px solid #8a6100;
}}
.wb-grid-cell .wb-earlier {{ margin: 1px 0 0 1px !important; min-width: 0; width: auto; }}
/* Stacked once the grid would not fit: labels, three 5-button groups, averages need ~58em. */
@container (max-width: 58em) {{
  .wb-grid {{ grid-template-columns: 1fr !important; gap: 2px; }}
  .wb-grid .wb-grid-head {{ display: none !important; }}
  .wb-grid .wb-grid-item {{ margin-top: 10px; }}
  .wb-grid .wb-grid-caption {{ display: block !important; width: 7em; }}
  .wb-grid .wb-grid-average::before {{
    content: "Average"; margin-right: 0.5em; color: var(--jp-ui-font-color2, #555);
  }}
}}
/* Checklists: the whole label ticks the box, and long labels wrap. */
/* Full width without the widget margins that made every checklist scroll sideways by 4 px. */
.wb-exercise .wb-flag {{ height: auto; min-height: 28px; width: 100%; margin-left: 0; margin-right: 0; }}
.wb-exercise .wb-flag label {{
  white-space: normal; cursor: pointer; line-height: 1.4; align-items: flex-start; gap: 8px;
  display: flex; padding: 3px 0;
}}
.wb-exercise .wb-flag input[type=checkbox] {{ margin-top: 3px; flex: none; width: 16px; height: 16px; }}
.wb-exercise .widget-radio-box label {{ white-space: normal; height: auto; line-height: 1.4; }}
.wb-exercise .wb-start-from {{ align-self: flex-start; }}
/* Reflow at 320 px: menus and date inputs shrink with their box instead of sticking out. */
.wb-exercise .widget-dropdown, .wb-exercise .widget-datepicker {{ max-width: 100%; flex-wrap: wrap; }}
.wb-exercise select, .wb-exercise input[type=date] {{ min-width: 0; max-width: 100%; }}
"""


def stylesheet() -> w.HTML:
    """The kernel's one stylesheet widget (hidden: a `<style>` applies wherever it sits)."""
    global _stylesheet
    if _stylesheet is None:
        _stylesheet = w.HTML(f"<style>{CSS}</style>", layout=w.Layout(display="none"))
        _stylesheet.add_class("wb-style")
    return _stylesheet


_stylesheet: w.HTML | None = None


def status_html(message: str, failed: bool = False) -> str:
    colour = "#b00020" if failed else "#555"
    icon = "⚠ " if failed else "✓ " if message.startswith("Saved") else ""
    return f'<small style="color:{colour}">{icon}{html.escape(message)}</small>'


def problem(error: WorkbookError) -> w.HTML:
    widget = w.HTML(f'<div style="color:#b00020">⚠ {html.escape(str(error))}</div>')
    widget.add_class("wb-problem")
    return widget

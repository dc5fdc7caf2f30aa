# The package's names, imported lazily by __init__.py (lazy_loader reads this file).
from .document import Chart, Workbook, workbook
from .formats import (
    FORMATS,
    Exported,
    Format,
    Source,
    default_name,
    export,
    export_current,
    render_as,
)
from .render import escape_markdown
from .standard import Standard, standard

__all__ = [
    "FORMATS",
    "Chart",
    "Exported",
    "Format",
    "Source",
    "Standard",
    "Workbook",
    "default_name",
    "escape_markdown",
    "export",
    "export_current",
    "render_as",
    "standard",
    "workbook",
]

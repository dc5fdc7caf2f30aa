"""Where the course lives: a checkout's `content/` and `notebooks/`, else the copies in the wheel.

Developers edit the checkout's folders (the source of truth); an installed wheel carries copies
under `workbook/data/` (see `force-include` in pyproject.toml), so `pip install` is all a
laptop or a hub image needs. `WORKBOOK_CONTENT` points at any other content folder.
"""

from __future__ import annotations

import contextlib
import os
import uuid
from pathlib import Path

__all__ = [
    "checkout",
    "content_root",
    "exports_root",
    "notebooks_for",
    "notebooks_root",
    "shipped",
    "write_private",
]

_PACKAGE = Path(__file__).resolve().parent


def checkout() -> Path | None:
    """The source checkout this package runs from (src layout, editable install), if any."""
    root = _PACKAGE.parents[1]
    is_checkout = (root / "pyproject.toml").is_file() and (
        root / "content" / "course.yaml"
    ).is_file()
    return root if is_checkout else None


def shipped() -> Path:
    """The folder holding the wheel's copies of `content/` and `notebooks/`."""
    return _PACKAGE / "data"


def content_root() -> Path:
    """WORKBOOK_CONTENT, else the checkout's content/, else the content shipped in the wheel."""
    if env := os.environ.get("WORKBOOK_CONTENT"):
        return Path(env).expanduser()
    root = checkout()
    return root / "content" if root else shipped() / "content"


def notebooks_root() -> Path:
    """The notebooks that go with :func:`content_root`: the `notebooks/` folder beside it."""
    return content_root().parent / "notebooks"


def notebooks_for(out: Path | None, content: Path | None) -> Path:
    """`out`, else the notebooks folder beside `content`, else beside the default content."""
    if out is not None:
        return Path(out)
    return content.parent / "notebooks" if content else notebooks_root()


def exports_root() -> Path:
    """Where a learner's take-away goes: WORKBOOK_EXPORTS, else `~/workbook-exports`.

    Never the served notebooks folder: that may be a checkout or a folder a hub syncs, and a
    workbook export holds personal reflections.
    """
    if env := os.environ.get("WORKBOOK_EXPORTS"):
        return Path(env).expanduser()
    return Path.home() / "workbook-exports"


def write_private(path: Path, data: bytes) -> None:
    """Write `path` atomically, readable by its owner alone (0600, whatever the umask).

    A reader (or a browser reloading the page) never sees half a file, and a link planted at
    the temporary name is not followed. Raises OSError.
    """
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        with os.fdopen(fd, "wb") as file:
            file.write(data)
        os.replace(tmp, path)
    except OSError:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise

"""A course with a second chapter (tests/fixtures/chapter-two) beside a copy of the real one."""

from __future__ import annotations

import shutil
from pathlib import Path

from workbook.paths import content_root

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "chapter-two"


def two_chapter_content(folder: Path) -> Path:
    """Copy content/ into `folder`, add the fixture chapter as `chapter-02`; return the root."""
    root = folder / "content"
    shutil.copytree(content_root(), root)
    shutil.copytree(FIXTURE, root / "chapter-02")
    course = root / "course.yaml"
    course.write_text(course.read_text(encoding="utf-8") + "  - chapter-02\n", encoding="utf-8")
    return root

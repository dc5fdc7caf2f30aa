"""The export formats as one table, and the functions that pick a row and write its bytes.

A format is a row of :data:`FORMATS`: its name, file extension, what it holds, how it renders
the whole workbook and (where it makes sense) the Handover Standard alone. A new format is a
new row, not a branch.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..course.model import Chapter, Course
from ..errors import ExportError, NothingToExportError
from ..paths import exports_root, write_private
from ..store import Store
from ..store.answers import answers_frame
from . import render
from .calendar import action_calendar
from .document import Workbook, by_exercise, workbook
from .figures import embedded_charts
from .names import HOLDS
from .standard import Standard, standard

__all__ = [
    "FORMATS",
    "Exported",
    "Format",
    "Source",
    "default_name",
    "export",
    "export_current",
    "render_as",
]


@dataclass(frozen=True)
class Source:
    """What every format renders from: the course and one learner's latest answers."""

    course: Course
    chapter: Chapter
    frame: pd.DataFrame  # the learner's latest tidy answers frame
    history: pd.DataFrame  # the same learner's history frame: every save
    cohort: str
    learner: str
    exported: dt.date

    @classmethod
    def read(
        cls, store: Store, course: Course, cohort: str, learner: str, exported: dt.date
    ) -> Source:
        """One learner's answers from a store, read once."""
        events = store.history(cohort, learner)
        return cls(
            course,
            course.chapters[0],
            answers_frame(events),
            answers_frame(events, history=True),
            cohort,
            learner,
            exported,
        )

    def workbook(self) -> Workbook:
        return self._workbook

    @functools.cached_property
    def _workbook(self) -> Workbook:  # charts take seconds to draw: once per source
        return workbook(
            self.course,
            self.frame,
            cohort=self.cohort,
            learner=self.learner,
            exported=self.exported,
            charts=embedded_charts(self.chapter, self.frame),
            chapter=self.chapter,
        )

    def standard(self) -> Standard:
        return standard(
            self.chapter, by_exercise(self.frame), learner=self.learner, exported=self.exported
        )


Renderer = Callable[[Source], bytes]


@dataclass(frozen=True)
class Format:
    name: str
    extension: str
    holds: str  # what a file of this format holds, for --help and the README
    workbook: Renderer
    standard: Renderer | None = None  # None: the Handover Standard is not offered in it


def _laid_out(lay_out: Callable[[Workbook | Standard], bytes]) -> tuple[Renderer, Renderer]:
    return (lambda s: lay_out(s.workbook())), (lambda s: lay_out(s.standard()))


def _ics(s: Source) -> bytes:
    return action_calendar(
        s.course, s.chapter, s.frame, s.history, cohort=s.cohort, learner=s.learner
    )


FORMATS: Mapping[str, Format] = {
    f.name: f
    for f in (
        Format("html", ".html", HOLDS["html"], *_laid_out(render.html)),
        Format("md", ".md", HOLDS["md"], *_laid_out(render.markdown)),
        Format("pdf", ".pdf", HOLDS["pdf"], *_laid_out(render.pdf)),
        Format("ics", ".ics", HOLDS["ics"], _ics),
    )
}


def _format(name: str, handover_standard: bool) -> tuple[Format, Renderer]:
    try:
        fmt = FORMATS[name]
    except KeyError:
        raise ExportError(f"unknown format {name!r}: use one of {', '.join(FORMATS)}") from None
    renderer = fmt.standard if handover_standard else fmt.workbook
    if renderer is None:
        offered = ", ".join(f.name for f in FORMATS.values() if f.standard)
        raise ExportError(f"the Handover Standard is not offered as {name}: use {offered}")
    return fmt, renderer


def render_as(source: Source, format: str = "html", *, handover_standard: bool = False) -> bytes:
    """The bytes of one export, without writing anything."""
    return _format(format, handover_standard)[1](source)


def default_name(learner: str, format: str, *, handover_standard: bool = False) -> str:
    stem = "handover-standard" if handover_standard else "workbook"
    return f"{stem}-{learner}{FORMATS[format].extension}"


@dataclass(frozen=True)
class Exported:
    path: Path
    format: str
    size: int  # bytes written


def _target(out: Path | None, name: str) -> Path:
    """Where to write, checked before any rendering: a wrong --out fails at once.

    No `out`: the learner's exports folder (:func:`workbook.paths.exports_root`), made private.
    """
    if out is None:
        out = exports_root()
        try:
            out.mkdir(mode=0o700, parents=True, exist_ok=True)
        except OSError as err:
            raise ExportError(
                f"could not create {out}: {err.strerror or err}; set WORKBOOK_EXPORTS to a "
                "folder you can write to, or choose one with --out"
            ) from err
    path = (out / name if out.is_dir() else out).absolute()
    if not path.parent.is_dir():
        problem = "is not a folder" if path.parent.exists() else "does not exist"
        raise ExportError(
            f"could not write {path}: {path.parent} {problem}; create the folder or choose "
            "another --out"
        )
    return path


def _write(path: Path, data: bytes) -> None:
    try:
        write_private(path, data)
    except OSError as err:
        reason = err.strerror or str(err)
        raise ExportError(
            f"could not write {path}: {reason}; choose a folder you can write to with --out"
        ) from err


def export(
    store: Store,
    course: Course,
    cohort: str,
    learner: str,
    *,
    format: str = "html",
    out: Path | None = None,
    handover_standard: bool = False,
    today: dt.date | None = None,
) -> Exported:
    """Render one learner's export and write it to `out` (a file, or a folder for the default name)."""
    fmt, renderer = _format(format, handover_standard)
    path = _target(out, default_name(learner, fmt.name, handover_standard=handover_standard))
    source = Source.read(store, course, cohort, learner, today or dt.date.today())
    if source.frame.empty:
        raise NothingToExportError(
            f"nothing answered yet by {learner} in cohort {cohort}: answer an exercise in the "
            "workbook (`workbook lab`), then export again"
        )
    data = renderer(source)
    _write(path, data)
    return Exported(path, fmt.name, len(data))


def export_current(
    format: str = "html",
    *,
    out: Path | None = None,
    handover_standard: bool = False,
    content: Path | None = None,
) -> Exported:
    """Export the learner this environment names, from the store a notebook session saves to.

    What `workbook export` runs, and what a notebook button calls (after flushing the kernel's
    session, so the last edit is in the store): WORKBOOK_HOME, WORKBOOK_COHORT, and the hub
    user or WORKBOOK_LEARNER.
    """
    from ..course.content import load_course
    from ..store import ParquetStore, default_root, identity

    cohort, learner = identity()
    return export(
        ParquetStore(default_root()),
        load_course(content),
        cohort,
        learner,
        format=format,
        out=out,
        handover_standard=handover_standard,
    )

"""My progress's charts and take-away files, made in a child process the kernel does not keep.

The charts are matplotlib drawings of a pandas frame, the exports Jinja2 and WeasyPrint pages:
~90 MB of libraries a kernel would hold for as long as its tab is open (and a learner keeps
three). `python -m workbook.learner.offload JOB` does one job and exits. The kernel sends it a
JSON request on stdin (for charts: the session's current answers, edits not yet written
included, as wire JSON) and reads one JSON line per result, so each chart shows as soon as it
is drawn. Each chart line also carries what an export embeds of that chart
(`export.figures.embedded_chart`): the kernel hands the charts it shows back with an export
request, and the export child embeds them instead of drawing them again, if they were drawn
from the very answers it reads (their `answers_key` says so). A
:class:`~workbook.errors.WorkbookError` in the child comes back as one, with its message; any
other failure as a WorkbookError naming the child's last words.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import WorkbookError
from ..paths import exports_root
from ..store.wire import dump, from_json

if TYPE_CHECKING:  # the child process does without the session's imports (sync, rules)
    from .session import Session

__all__ = ["chart_lines", "export_file", "main", "save_charts"]


_WHAT = {"draw": "draw your charts", "save": "save your charts", "export": "write your export"}


def _run(job: list[str], request: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """The child's results as they come; raises WorkbookError if it failed."""
    # Agg: the kernel's MPLBACKEND (matplotlib-inline) would import IPython into the child.
    env = os.environ | {"MPLBACKEND": "Agg"}
    with tempfile.TemporaryFile("w+") as errors:
        child = subprocess.Popen(
            [sys.executable, "-m", __name__, *job],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=errors,
            env=env,
            text=True,
        )
        assert child.stdin is not None and child.stdout is not None
        try:
            with child.stdin:
                child.stdin.write(json.dumps(request))
            for line in child.stdout:
                result: dict[str, Any] = json.loads(line)
                if "error" in result:
                    raise WorkbookError(result["error"])
                yield result
        finally:
            child.stdout.close()
            if child.wait() != 0 and child.returncode != 2:  # 2: the error line said why
                errors.seek(0)
                last = (errors.read().strip().splitlines() or ["no message"])[-1]
                raise WorkbookError(
                    f"Could not {_WHAT[job[0]]} ({last}). Try again; if it fails again, show "
                    "these words to your facilitator"
                )


def _answers(session: Session) -> dict[str, Any]:
    """The session's current answers, edits not yet written included, as the child reads them
    (:func:`_frame`)."""
    return {"cohort": session.cohort, "learner": session.learner, "events": dump(session.events())}


def chart_lines(session: Session, *, compare: bool = True) -> Iterator[dict[str, Any]]:
    """My progress's charts from the session's answers: first ``{"layout": [...]}`` (one entry
    per chart: its exercise, its unit's heading, its name), then ``{"answers": key}`` (the
    answers drawn, for :func:`export_file`), then ``{"index", "svg", "label", "embed"}`` per
    chart as drawn (`embed`: the export's title and description of it), then
    ``{"compare": html}`` (the cohort beside the learner) if asked."""
    return _run(["draw"], _answers(session) | {"compare": compare})


def save_charts(session: Session) -> list[Path]:
    """Every chart as PNG and SVG in the learner's exports folder."""
    return [Path(p) for r in _run(["save"], _answers(session)) for p in r["paths"]]


def export_file(format: str, drawn: dict[str, Any] | None = None) -> list[Path]:
    """The learner's export in one format (`workbook export`), read from the store. `drawn`:
    charts already drawn, ``{"answers": key, "charts": {exercise: [embed + "svg", ...]}}``
    from :func:`chart_lines`; the child draws only those not drawn from the answers it reads."""
    return [Path(p) for r in _run(["export", format], drawn or {}) for p in r["paths"]]


# the child ------------------------------------------------------------------------------------


def _send(result: dict[str, Any]) -> None:
    print(json.dumps(result), flush=True)


def _frame(request: dict[str, Any]) -> Any:
    from ..store.answers import answers_frame

    cohort, learner = request["cohort"], request["learner"]
    return answers_frame([from_json(e, cohort, learner) for e in request["events"]])


def _draw(request: dict[str, Any]) -> None:
    from ..charts import chart_name, charts_for, describe
    from ..course.content import load_course
    from ..export.figures import answers_key, embedded_chart

    course = load_course()
    pairs = [(c, e, chart) for c in course.chapters for e, chart in charts_for(c)]
    layout = []
    for chapter, exercise, chart in pairs:
        unit = chapter.unit_of(exercise.id)
        layout.append(
            {
                "exercise": exercise.id,
                "heading": f"{unit.label} · {unit.title}",
                "name": chart_name(exercise, chart),
            }
        )
    _send({"layout": layout})
    frame = _frame(request)
    _send({"answers": answers_key(frame)})
    for index, (chapter, exercise, chart) in enumerate(pairs):
        figure = chart(frame, chapter, exercise.id)
        embed = embedded_chart(chapter, exercise, figure)
        _send(
            {
                "index": index,
                "svg": embed.data.decode("utf-8"),
                "label": describe(figure),
                "embed": {
                    "exercise": exercise.id,
                    "title": embed.title,
                    "description": embed.description,
                    "media_type": embed.media_type,
                },
            }
        )
    if request.get("compare"):
        from ..hub.compare import cohort_scores, compare_html

        _send({"compare": compare_html(cohort_scores(), frame, course.chapters[0])})


def _save(request: dict[str, Any]) -> None:
    from ..charts import save_all
    from ..course.content import load_course

    frame = _frame(request)
    folder = exports_root() / "my-charts"
    paths = [p for c in load_course().chapters for p in save_all(frame, c, folder)]
    _send({"paths": [str(p) for p in paths]})


def _offer(request: dict[str, Any]) -> None:
    """The charts the kernel was shown, offered to the export (used if drawn from its answers)."""
    if "answers" not in request:
        return
    from ..export.document import Chart
    from ..export.figures import offer_charts

    charts = {
        exercise: [
            Chart(c["title"], c["description"], c["media_type"], c["svg"].encode("utf-8"))
            for c in drawn
        ]
        for exercise, drawn in request["charts"].items()
    }
    offer_charts(request["answers"], charts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m workbook.learner.offload")
    parser.add_argument("job", choices=["draw", "save", "export"])
    parser.add_argument("format", nargs="?", default="html")
    args = parser.parse_args(argv)
    request: dict[str, Any] = json.load(sys.stdin)
    try:
        if args.job == "draw":
            _draw(request)
        elif args.job == "save":
            _save(request)
        else:
            from ..export import export_current

            _offer(request)
            _send({"paths": [str(export_current(args.format).path)]})
    except WorkbookError as error:
        _send({"error": str(error)})
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())

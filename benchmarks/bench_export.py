"""Full exports of a learner who answered every exercise, against bare baselines in the same run.

    python benchmarks/bench_export.py [--repeat 5] [--drafts 4]

The learner (tests/seed.py) answered every field of every exercise, self-scores as First day
and Last day, saved through a real Session into a ParquetStore one batch per exercise, each
text typed over `--drafts` earlier saves (so the store holds compacted and small files). `export` is the whole
`workbook export` path (read the store, build the frames, render, write the file atomically);
each baseline does the least that puts the same answers in the same kind of file: pyarrow
reads the learner's Parquet files (no events, no frames), then

- html / md: every answer escaped and joined into one page by hand (no template, no course);
- pdf: WeasyPrint lays out that bare page (same engine, no styles, no tables);
- ics: icalendar writes the same number of events;

and the bytes are written to a file. "read" compares the reading step alone.

Each export row draws the charts in every run (answers not exported yet); the "charts already
drawn" rows export the same answers again, as the dashboard's second format button does; "the
charts alone" is the drawing those rows skip (matplotlib, the figures and their SVG). The
CPU column is this process's CPU time, which the shared machine's load inflates far less than
wall time.

Warm page cache; the first PDF pays WeasyPrint's import, so one untimed export runs first.
"""

from __future__ import annotations

import argparse
import datetime as dt
import html
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import icalendar
import pyarrow.parquet as pq

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from seed import COHORT, LEARNER, seed

from workbook.export import Source, export
from workbook.export.figures import embedded_charts, forget_charts
from workbook.store import ParquetStore


@dataclass(frozen=True)
class Timing:
    wall: list[float]  # ms, one per run
    cpu: list[float]  # ms of this process's CPU: what the shared machine's load does not inflate

    @property
    def median(self) -> float:
        return statistics.median(self.wall)

    def row(self, name: str, bare: Timing | None = None) -> str:
        ratio = f"{self.median / bare.median:7.1f}" if bare else ""
        base = f"{bare.median:9.1f}" if bare else " " * 9
        return (
            f"{name:<28}{min(self.wall):8.1f}{self.median:8.1f}{max(self.wall):8.1f}"
            f"{statistics.median(self.cpu):8.1f}{base}{ratio}"
        )


def timed(run: Callable[[], object], repeat: int, before: Callable[[], object] = int) -> Timing:
    """Wall and CPU times of `repeat` runs, in ms; `before` runs untimed before each."""
    wall, cpu = [], []
    for _ in range(repeat):
        before()
        started, used = time.perf_counter(), time.process_time()
        run()
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - used) * 1000)
    return Timing(wall, cpu)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--drafts", type=int, default=4, help="half-typed saves before each text")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root, out = Path(tmp) / "store", Path(tmp) / "out"
        out.mkdir()
        seeded = seed(root, drafts=args.drafts)
        store = ParquetStore(root)
        source = Source.read(store, seeded.course, COHORT, LEARNER, dt.date.today())
        folder = root / "events" / f"cohort={COHORT}" / f"learner={LEARNER}"

        import weasyprint

        def values() -> list[str]:
            table = pq.read_table(folder)
            columns = [table[f"value_{t}"].to_pylist() for t in ("text", "score", "flag", "date")]
            return [str(v) for column in columns for v in column if v is not None]

        def page() -> str:
            body = "".join(f"<p>{html.escape(v)}</p>" for v in values())
            return f"<html><body>{body}</body></html>"

        def bare_ics() -> bytes:
            values()
            calendar = icalendar.Calendar.new(prodid="-//bench//EN")
            for (exercise, row), day in seeded.dates.items():
                calendar.add_component(
                    icalendar.Event.new(
                        uid=f"{exercise}.{row}",
                        summary=row,
                        start=day,
                        stamp=dt.datetime.now(dt.UTC),
                    )
                )
            return bytes(calendar.to_ical())

        renders: dict[str, Callable[[], bytes]] = {
            "html": lambda: page().encode(),
            "md": lambda: "\n\n".join(v.replace("<", "\\<") for v in values()).encode(),
            "pdf": lambda: bytes(weasyprint.HTML(string=page()).write_pdf()),
            "ics": bare_ics,
        }

        def baseline(fmt: str) -> Callable[[], object]:
            return lambda: (out / f"bare.{fmt}").write_bytes(renders[fmt]())

        export(store, seeded.course, COHORT, LEARNER, format="pdf", out=out)  # warm imports
        read = timed(
            lambda: Source.read(store, seeded.course, COHORT, LEARNER, dt.date.today()), args.repeat
        )
        bare_read = timed(lambda: pq.read_table(folder), args.repeat)
        events = len(source.history)
        files = len(list(folder.glob("*.parquet")))
        print(f"learner: {len(source.frame)} answers ({events} events) in {files} file(s)")
        print(f"{args.repeat} runs, ms: wall min / median / max, CPU median, bare wall median")
        print(f"{'step':<28}{'min':>8}{'median':>8}{'max':>8}{'cpu':>8}{'bare':>9}{'ratio':>7}")
        print(read.row("read store + frames", bare_read))

        def run(fmt: str, **kw: bool) -> Callable[[], object]:
            return lambda: export(store, seeded.course, COHORT, LEARNER, format=fmt, out=out, **kw)

        for fmt in renders:  # the charts drawn in every run, as for answers not exported yet
            full = timed(run(fmt), args.repeat, before=forget_charts)
            print(full.row(f"export --format {fmt}", timed(baseline(fmt), args.repeat)))
        run("md")()  # the charts of these answers drawn once, untimed
        for fmt in ("html", "pdf"):  # the same answers in another format: charts kept
            print(timed(run(fmt), args.repeat).row(f"  {fmt}, charts already drawn"))
        # what a first export adds to those: drawing the charts (matplotlib, SVG)
        drawn = timed(
            lambda: embedded_charts(source.chapter, source.frame), args.repeat, forget_charts
        )
        print(drawn.row(f"  the {len(source.workbook().charts)} charts alone"))
        standard = timed(run("pdf", handover_standard=True), args.repeat)
        print(standard.row("--handover-standard pdf"))


if __name__ == "__main__":
    main()

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
from pathlib import Path

import icalendar
import pyarrow.parquet as pq

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from seed import COHORT, LEARNER, seed

from workbook.export import Source, export
from workbook.store import ParquetStore


def timed(run: Callable[[], object], repeat: int) -> float:
    """Median wall time of `repeat` runs, in ms."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


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
        print(f"{'step':<22}{'workbook ms':>12}{'bare ms':>10}{'ratio':>8}")
        print(f"{'read store + frames':<22}{read:>12.1f}{bare_read:>10.1f}{read / bare_read:>8.1f}")
        for fmt in renders:
            full = timed(
                lambda fmt=fmt: export(store, seeded.course, COHORT, LEARNER, format=fmt, out=out),
                args.repeat,
            )
            base = timed(baseline(fmt), args.repeat)
            print(f"{'export --format ' + fmt:<22}{full:>12.1f}{base:>10.1f}{full / base:>8.1f}")
        standard = timed(
            lambda: export(
                store, seeded.course, COHORT, LEARNER, format="pdf", out=out, handover_standard=True
            ),
            args.repeat,
        )
        print(f"{'--handover-standard pdf':<22}{standard:>12.1f}")


if __name__ == "__main__":
    main()

"""Synthetic cohorts for trying the dashboards and for benchmarks, written through the store.

Each cohort starts on its own Monday; each learner works through the units over a few weeks and
some stop early; self-scores are taken on the first day, sometimes at a check-in, and on the
last day by those who finish, and they move (mostly up); text answers are saved many times while
they are typed, so history is realistic. A cohort's rows are built at once with numpy and Arrow
(no Python object per event) and written one file per few working sessions of a learner, as the
live store's compaction would leave them. The rows are checked by the store's own event rules
once per cohort, then written in bulk: each file atomically (temp + rename, so a killed demo
leaves no torn file) but without a save's fsyncs, and one ``os.sync`` at the end; demo data is
for trying things, and 40,000 fsynced files took 20 minutes.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from ..course.content import load_course
from ..course.kinds import fields_of, options_of
from ..course.model import Chapter, Course
from ..errors import AnswerError, StoreError
from ..store import SCHEMA, SCHEMA_VERSION, check_id
from ..store.checks import bad_rows
from ..store.files import BIG, stamp

__all__ = ["demo_cohort", "write_demo"]

_FIRST_MONDAY = dt.datetime(2026, 9, 7, tzinfo=dt.UTC)  # fixed: same seed, same store
_US_PER_DAY = 86_400 * 1_000_000
# Generic words for synthetic drafts: no course text, just plausible sentences.
_WORDS = [
    "call",
    "the",
    "customer",
    "within",
    "two",
    "days",
    "and",
    "confirm",
    "the",
    "goals",
    "we",
    "agreed",
    "in",
    "writing",
    "with",
    "the",
    "sponsor",
    "then",
    "share",
    "the",
    "plan",
    "and",
    "check",
    "progress",
    "every",
    "week",
    "until",
    "the",
    "first",
    "value",
    "lands",
]
_DRAFT_STEPS = 40  # a draft grows three words a save, up to 120 words
_SNAPSHOTS = ("", "first-day", "check-in", "last-day")
_FILES_PER_LEARNER = 4


@dataclasses.dataclass(frozen=True)
class _Fields:
    """Every answer slot of the chapter, as parallel arrays."""

    unit: np.ndarray
    exercise_id: pa.Array
    field: pa.Array
    value_type: pa.Array
    kind: np.ndarray  # index into _TYPES
    required: np.ndarray
    snapshots: np.ndarray
    low: np.ndarray
    high: np.ndarray
    choice_start: np.ndarray  # into `choices`; choice_count 0 for non-choice fields
    choice_count: np.ndarray
    choices: pa.Array


_TYPES = ("text", "score", "flag", "date")


def _fields(chapter: Chapter) -> _Fields:
    rows: list[tuple[int, str, str, str, bool, bool, int, int, tuple[str, ...]]] = []
    for n, unit in enumerate(chapter.units):
        for ex in unit.exercises:
            lo, hi = (ex.scale.min, ex.scale.max) if ex.scale else (0, 0)
            for f in fields_of(ex):
                choices = options_of(ex, f)  # a pick (a choice, a recall mark): one of these
                rows.append((n, ex.id, f.key, f.type, ex.required, ex.snapshots, lo, hi, choices))
    starts: list[int] = []
    pool: list[str] = []
    for r in rows:
        starts.append(len(pool))
        pool.extend(r[8])
    col = list(zip(*rows, strict=True))
    return _Fields(
        unit=np.array(col[0]),
        exercise_id=pa.array(col[1], pa.string()),
        field=pa.array(col[2], pa.string()),
        value_type=pa.array(col[3], pa.string()),
        kind=np.array([_TYPES.index(t) for t in col[3]]),
        required=np.array(col[4]),
        snapshots=np.array(col[5]),
        low=np.array(col[6]),
        high=np.array(col[7]),
        choice_start=np.array(starts),
        choice_count=np.array([len(r[8]) for r in rows]),
        choices=pa.array(pool or [""], pa.string()),
    )


def _drafts(variants: int = 8) -> pa.Array:
    """Texts of growing length: variant v, save i is at v * _DRAFT_STEPS + i."""
    out = []
    for v in range(variants):
        words = [_WORDS[(v * 5 + i) % len(_WORDS)] for i in range(3 * _DRAFT_STEPS)]
        out += [" ".join(words[: 3 * (i + 1)]).capitalize() for i in range(_DRAFT_STEPS)]
    return pa.array(out, pa.string())


def _hex_ids(rng: np.random.Generator, n: int) -> pa.Array:
    """`n` random 32-hex-digit event ids, built as one Arrow buffer."""
    raw = rng.integers(0, 256, size=(n, 16), dtype=np.uint8)
    nibbles = np.stack([raw >> 4, raw & 15], axis=-1).reshape(n, 32)
    data = np.frombuffer(b"0123456789abcdef", np.uint8)[nibbles]
    offsets = np.arange(0, 32 * n + 1, 32, dtype=np.int32)
    return pa.StringArray.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(data.tobytes()))


def _within(counts: np.ndarray) -> np.ndarray:
    """0, 1, … within each run of the given lengths: the save number inside its slot."""
    ends = np.cumsum(counts)
    return np.asarray(np.arange(ends[-1] if len(ends) else 0) - np.repeat(ends - counts, counts))


def demo_cohort(
    rng: np.random.Generator,
    chapter: Chapter,
    start: dt.datetime,
    learners: int,
    edits: float,
    version: str,
) -> tuple[pa.Table, np.ndarray, np.ndarray]:
    """One cohort's events (store schema), each row's learner number and file number."""
    fs = _fields(chapter)
    units = len(chapter.units)
    m, f = learners, len(fs.unit)
    done = np.where(rng.random(m) < 0.6, units, rng.integers(1, units + 1, m))
    ability = rng.normal(0, 1, m)
    days = np.cumsum(rng.integers(1, 4, size=(m, units)), axis=1)
    last_day = days[:, -1] + 7
    finished = done == units
    answered = (fs.unit[None, :] < done[:, None]) & (fs.required | (rng.random((m, f)) < 0.4))
    snap = fs.snapshots[None, :]
    # Slots: (learner, field, snapshot kind), one answer each.
    masks = (
        answered & ~snap,
        answered & snap,
        answered & snap & finished[:, None] & (rng.random((m, 1)) < 0.3),
        answered & snap & finished[:, None],
    )
    slot_l, slot_f, slot_s = [], [], []
    for s, mask in enumerate(masks):
        li, fi = np.nonzero(mask)
        slot_l.append(li)
        slot_f.append(fi)
        slot_s.append(np.full(len(li), s))
    sl, sf, ss = (np.concatenate(x) for x in (slot_l, slot_f, slot_s))
    kind = fs.kind[sf]
    is_choice = fs.choice_count[sf] > 0
    n_saves = np.where(
        (kind == 0) & ~is_choice,
        1 + rng.poisson(max(edits - 1, 0), len(sl)),
        np.where(kind == 1, 1 + (rng.random(len(sl)) < 0.2), 1),
    )
    day = days[sl, fs.unit[sf]]
    check_day = np.maximum((days[sl, 0] + last_day[sl]) // 2, day + 1)  # one date per learner
    day = np.where(ss == 2, check_day, np.where(ss == 3, last_day[sl], day))
    # Events: each slot repeated by its number of saves; `i` is the save within the slot.
    ev = np.repeat(np.arange(len(sl)), n_saves)
    i = _within(n_saves)
    last = i == n_saves[ev] - 1
    el, ef, es = sl[ev], sf[ev], ss[ev]
    ekind = kind[ev]
    n = len(ev)
    # Scores move up from first day to last day; earlier saves of a slot wander around it.
    lo, hi = fs.low[ef], fs.high[ef]
    spread = (hi - lo) / 5
    step = np.select([es == 2, es == 3], [0.5, 1.0], 0.0)
    slot_noise = rng.normal(0, 0.7, len(sl))[ev]
    score = (lo + hi) / 2 + spread * (ability[el] + step + slot_noise)
    score = np.clip(np.rint(score + np.where(last, 0, rng.normal(0, 1, n))), lo, hi)
    draft = rng.integers(0, 8, len(sl))[ev] * _DRAFT_STEPS + np.minimum(i, _DRAFT_STEPS - 1)
    count = fs.choice_count[ef]
    choice = np.where(
        count > 0, fs.choice_start[ef] + rng.integers(0, 1 << 30, n) % np.maximum(count, 1), 0
    )
    cleared = (n_saves[ev] > 2) & (i == n_saves[ev] // 2) & (rng.random(len(sl)) < 0.05)[ev]
    saved = day[ev] * _US_PER_DAY + (9 * 3600 + rng.integers(0, 8 * 3600, len(sl)))[ev] * 10**6
    saved += _within_cumsum(rng.integers(1, 40, n) * 10**6, n_saves)
    check_in = pc.strftime(
        pa.array(int(start.timestamp()) * 10**6 + day[ev] * _US_PER_DAY, pa.int64()).cast(
            pa.timestamp("us", tz="UTC")
        ),
        format="check-in-%Y-%m-%d",
    )
    snapshot = pc.if_else(pa.array(es == 2), check_in, pa.array(_SNAPSHOTS, pa.string()).take(es))
    text = pc.if_else(pa.array(is_choice[ev]), fs.choices.take(choice), _drafts().take(draft))

    def value(k: int, values: pa.Array) -> pa.Array:
        keep = pa.array((ekind == k) & ~cleared)
        return pc.if_else(keep, values, pa.nulls(n, values.type))

    date = (start.date() - dt.date(1970, 1, 1)).days + last_day[el] + 30
    table = pa.Table.from_arrays(
        [
            _hex_ids(rng, n),
            fs.exercise_id.take(ef),
            fs.field.take(ef),
            snapshot,
            fs.value_type.take(ef),
            value(0, text),
            value(1, pa.array(score.astype(np.int32))),
            value(2, pa.array(rng.random(n) < 0.7)),
            value(3, pa.array(date.astype(np.int32)).cast(pa.date32())),
            pa.array(int(start.timestamp() * 10**6) + saved, pa.int64()).cast(
                SCHEMA.field("saved_at").type
            ),
            pa.array(np.full(n, version, dtype=object), pa.string()),
            pa.array(np.full(n, SCHEMA_VERSION, np.int32)),
        ],
        schema=SCHEMA,
    )
    # Files: a learner's working days split into at most four runs, one file each.
    span = np.maximum(last_day, 1)[el]
    file = np.minimum(day[ev] * _FILES_PER_LEARNER // (span + 1), _FILES_PER_LEARNER - 1)
    return table, el, file


def _within_cumsum(steps: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Cumulative sum of `steps` restarting at each run of `counts`."""
    total = np.cumsum(steps)
    first = np.cumsum(counts) - counts
    return np.asarray(total - np.repeat(total[first] - steps[first], counts))


def _files(
    table: pa.Table, learner: np.ndarray, file: np.ndarray
) -> Iterator[tuple[int, pa.Table]]:
    order = np.lexsort((table["saved_at"].cast(pa.int64()).to_numpy(), file, learner))
    table, learner, file = table.take(order), learner[order], file[order]
    key = learner.astype(np.int64) * _FILES_PER_LEARNER + file
    cuts = np.flatnonzero(np.diff(key)) + 1
    for lo, hi in zip(np.r_[0, cuts], np.r_[cuts, len(key)], strict=True):
        yield int(learner[lo]), table.slice(lo, hi - lo)


def _write_file(folder: Path, rows: pa.Table) -> None:
    """One event file as a save leaves it (private, atomic), minus the save's fsyncs."""
    tmp = folder / f".{uuid.uuid4().hex}.tmp"
    pq.write_table(rows, tmp, **BIG)
    os.chmod(tmp, 0o600)  # private: the mode the store gives files, whatever the umask
    os.replace(tmp, folder / f"{stamp()}.parquet")


def _make_folder(folder: Path) -> None:
    os.makedirs(folder, mode=0o700, exist_ok=True)
    os.chmod(folder, 0o700)


def write_demo(
    root: Path | str,
    *,
    cohorts: int,
    learners: int,
    edits: float = 8.0,
    seed: int = 0,
    course: Course | None = None,
    progress: bool = False,
) -> int:
    """Write `cohorts` × `learners` synthetic learners into the store at `root`; return events.

    `edits` is the mean number of saves of a text answer while it is typed. With `progress`, a
    progress bar counts learners written.
    """
    from tqdm.auto import tqdm

    if cohorts < 1 or learners < 1:
        raise ValueError("demo needs at least one cohort and one learner")
    course = course or load_course()
    chapter = course.chapters[0]
    events = Path(root).absolute() / "events"
    rng = np.random.default_rng(seed)
    total = 0
    try:
        for folder in (events.parent, events):
            _make_folder(folder)
        with tqdm(total=cohorts * learners, unit="learner", disable=not progress) as bar:
            for c in range(cohorts):
                start = _FIRST_MONDAY + dt.timedelta(weeks=2 * c)
                cohort = check_id(f"c{start:%Y-%m-%d}", "cohort")
                table, learner, file = demo_cohort(
                    rng, chapter, start, learners, edits, course.version
                )
                if bad_rows(table) is not None:  # the store's own rules, once per cohort
                    raise AnswerError(f"demo cohort {cohort} breaks the event rules: a demo bug")
                _make_folder(events / f"cohort={cohort}")
                shown = -1
                for n, rows in _files(table, learner, file):
                    folder = (
                        events / f"cohort={cohort}" / f"learner=learner-{c + 1:02d}-{n + 1:05d}"
                    )
                    if n != shown:
                        _make_folder(folder)
                        bar.update(n - shown)
                        shown = n
                    _write_file(folder, rows)
                    total += rows.num_rows
                bar.update(learners - 1 - shown)
        os.sync()  # once, for every file: what the saves' fsyncs would have made durable
    except OSError as err:
        raise StoreError(f"could not write the demo store at {root}: {err}") from err
    return total

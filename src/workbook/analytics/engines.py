"""The engines, as a table: each reads a scan's rows its own way and hands back store rows.

``pandas`` (pyarrow datasets; the default), ``duckdb`` (SQL over the files; fastest on one
machine) and ``dask`` (``dask.distributed``; one task per part of whole learners, for loads past
one machine). Each answers one :class:`Query` with Arrow rows in the store schema plus ``cohort``
and ``learner``; :mod:`.frame` turns those into the tidy frame, so every engine gives the same
answer.
"""

from __future__ import annotations

import dataclasses
import warnings
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

import pandas as pd
import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.fs as pafs

from ..errors import ClusterError, SchemaVersionError, StoreError
from ..store import PARTITIONING_SCHEMA, SCHEMA
from .aggregates import SUMMARY, scores_by_skill, summarise
from .frame import KEY, ROW_SCHEMA, check_version, dedupe, latest_rows, tidy
from .sources import Part, Scan, find_corrupt, skipped_warning

__all__ = [
    "ENGINES",
    "Engine",
    "Query",
    "SkillQuestion",
    "read_part",
    "read_rows",
    "skill_summary",
]

_T = TypeVar("_T")
# How long to keep trying a named scheduler before saying it cannot be reached (tests lower it).
_CONNECT_TIMEOUT = "10s"
_SUMMARY_TYPES = {n: "int64" if n == "learners" else "float64" for n in SUMMARY}

_COHORT = pa.schema([PARTITIONING_SCHEMA.field("cohort")])
_LEARNER_FILE_SCHEMA = ROW_SCHEMA
_COHORT_FILE_SCHEMA = pa.schema([*_COHORT, PARTITIONING_SCHEMA.field("learner"), *SCHEMA])


@dataclasses.dataclass(frozen=True)
class Query:
    """What to read: the latest answers or every event, of some value types."""

    latest: bool = True
    value_types: tuple[str, ...] = ("text", "score", "flag", "date")

    @property
    def columns(self) -> list[str]:
        values = [f"value_{t}" for t in self.value_types]
        head = ["cohort", "learner", "event_id", "exercise_id", "field", "snapshot", "value_type"]
        return [*head, *values, "saved_at", "content_version", "schema_version"]

    def finish(self, rows: pa.Table) -> pa.Table:
        """The query's rule applied to rows gathered from several places (parts, stores)."""
        return latest_rows(rows) if self.latest else dedupe(rows)


@dataclasses.dataclass(frozen=True)
class SkillQuestion:
    """Per-skill figures: each learner's current self-scores mapped to skills by `skills`
    (exercise, item → skill, label; a matrix's rows averaged per learner), then summarised per
    group of `by`, groups under `min_group` learners left out."""

    skills: pd.DataFrame
    by: tuple[str, ...]
    min_group: int


@dataclasses.dataclass(frozen=True)
class Engine:
    name: str
    description: str
    read: Callable[[Scan, Query], pa.Table]
    # The whole per-skill question in the engine, for those that can; else read, then pandas.
    skill_summary: Callable[[Scan, SkillQuestion], pd.DataFrame] | None = None


# ---- pandas / pyarrow ------------------------------------------------------------------------


def _dataset(fs: pafs.FileSystem, files: Sequence[str], schema: pa.Schema, part: pa.Schema) -> Any:
    return ds.dataset(
        list(files),
        schema=schema,
        format="parquet",
        filesystem=fs,
        partitioning=ds.partitioning(part, flavor="hive"),
    )


def read_part(fs: pafs.FileSystem, part: Part, query: Query) -> pa.Table:
    """One part's rows by pyarrow, with the query's rule applied."""
    keep = ds.field("value_type").isin(list(query.value_types))
    tables = []
    for files, schema, partitioning in (
        (part.learner_files, _LEARNER_FILE_SCHEMA, PARTITIONING_SCHEMA),
        (part.cohort_files, _COHORT_FILE_SCHEMA, _COHORT),
    ):
        if files:
            data = _dataset(fs, files, schema, partitioning)
            tables.append(data.to_table(columns=query.columns, filter=keep))
    if not tables:
        return _empty(query)
    rows = tables[0] if len(tables) == 1 else pa.concat_tables(tables)
    check_version(rows)  # before the rule drops any row
    return query.finish(rows)


def _empty(query: Query) -> pa.Table:
    return pa.schema([ROW_SCHEMA.field(c) for c in query.columns]).empty_table()


def _read_pandas(scan: Scan, query: Query) -> pa.Table:
    # Part by part (whole learners each): memory holds one part's events, not every event.
    tables = [read_part(scan.filesystem, part, query) for part in scan.parts]
    if not tables:
        return _empty(query)
    rows = pa.concat_tables(tables)
    # A learner saved in two stores lands in two parts: apply the rule across parts too.
    return query.finish(rows) if len(tables) > 1 else rows


# ---- DuckDB ----------------------------------------------------------------------------------


def _quote(path: str) -> str:
    return "'" + path.replace("'", "''") + "'"


def _duckdb_source(scan: Scan, files: Sequence[str], cohort_layout: bool, con: Any) -> str:
    """Local files: DuckDB's own Parquet reader. Remote ones (s3://, gs://…): the Arrow dataset
    pyarrow opens on that filesystem, registered in `con` for DuckDB to scan (DuckDB reads URLs
    itself only through its httpfs extension, a download at first use that an offline or
    locked-down machine cannot make); projection and filters are pushed down either way."""
    if isinstance(scan.filesystem, pafs.LocalFileSystem):
        listed = ", ".join(_quote(f) for f in files)
        types = (
            "{'cohort': VARCHAR}" if cohort_layout else "{'cohort': VARCHAR, 'learner': VARCHAR}"
        )
        return f"read_parquet([{listed}], hive_partitioning = true, hive_types = {types})"
    name = "cohort_rows" if cohort_layout else "learner_rows"
    if cohort_layout:
        con.register(name, _dataset(scan.filesystem, files, _COHORT_FILE_SCHEMA, _COHORT))
    else:
        con.register(
            name, _dataset(scan.filesystem, files, _LEARNER_FILE_SCHEMA, PARTITIONING_SCHEMA)
        )
    return name


def _duckdb_union(scan: Scan, query: Query, con: Any) -> str:
    """Every row of the scan's files, learner files and cohort parts alike."""
    columns = ", ".join(query.columns)
    kinds = ", ".join(_quote(t) for t in query.value_types)
    return " UNION ALL ".join(
        f"SELECT {columns} FROM {_duckdb_source(scan, files, cohort, con)}"
        f" WHERE value_type IN ({kinds})"
        for files, cohort in ((scan.learner_files, False), (scan.cohort_files, True))
        if files
    )


def duckdb_sql(scan: Scan, query: Query, con: Any) -> str:
    """The SQL the duckdb engine runs for `query` on the connection `con`.

    Latest answers are a streaming aggregate (`arg_max_null` keeps the winning row per answer,
    NULL values included: a cleared answer wins too), not a window over every row, so memory
    stays near the answers' size; the newest schema version is aggregated on the way.
    """
    union = _duckdb_union(scan, query, con)
    if query.latest:
        keys = ", ".join(KEY)
        rest = [c for c in query.columns if c not in KEY]
        row = ", ".join(f"{c} := {c}" for c in rest if c != "schema_version")
        return (
            f"SELECT {keys}, r.*, newest AS schema_version FROM (SELECT {keys},"
            f" arg_max_null(struct_pack({row}), (saved_at, event_id)) AS r,"
            f" max(schema_version) AS newest FROM ({union}) GROUP BY ALL)"
        )
    # A row in two files is the same event: keep one, the newest version's if they differ.
    return f"SELECT DISTINCT ON (event_id) * FROM ({union}) ORDER BY event_id, schema_version DESC"


def _read_duckdb(scan: Scan, query: Query) -> pa.Table:
    import duckdb

    if not scan.files:
        return _empty(query)
    with duckdb.connect() as con:
        rows = con.sql(duckdb_sql(scan, query, con)).to_arrow_table()
    check_version(rows)  # latest: an answer's newest version over all its rows
    return rows.select(query.columns).cast(_empty(query).schema)


def _skill_summary_duckdb(scan: Scan, question: SkillQuestion) -> pd.DataFrame:
    """The per-skill question as one SQL query: what pandas does after :func:`_read_duckdb`,
    without building a frame of every learner's scores. The current score is the same rule's
    (`arg_max_null` by saved_at, event_id), kept alone: no row struct to materialise. Every
    group comes back with the newest schema version of the answers in it (small groups too),
    so the version is checked over each answer used before small groups are left out."""
    import duckdb

    query = Query(latest=True, value_types=("score",))
    if not scan.files:
        return _skill_summary_pandas(_read_duckdb(scan, query), question)
    keys, by = ", ".join(KEY), ", ".join(question.by)
    scored = "FILTER (WHERE score IS NOT NULL)"  # a cleared answer is no answer
    with duckdb.connect() as con:
        con.execute("SET enable_progress_bar = false")
        con.register("skill_map", question.skills)
        rows = con.sql(
            f"""WITH latest AS (
                SELECT {keys}, arg_max_null(value_score, (saved_at, event_id)) AS score,
                    max(schema_version) AS newest
                FROM ({_duckdb_union(scan, query, con)}) GROUP BY ALL),
            per_learner AS (
                SELECT l.cohort, l.learner, l.exercise_id AS exercise, l.snapshot, m.skill,
                    m.label, avg(l.score) AS score, max(l.newest) AS newest
                FROM latest l JOIN skill_map m ON l.exercise_id = m.exercise AND l.field = m.item
                GROUP BY ALL)
            SELECT {by}, count(DISTINCT learner) {scored} AS learners, avg(score) AS mean,
                median(score) AS median, stddev_samp(score) AS std, min(score) AS min,
                max(score) AS max, max(newest) AS schema_version
            FROM per_learner GROUP BY {by} ORDER BY {by}"""
        ).to_arrow_table()
    check_version(rows)
    out: pd.DataFrame = rows.drop_columns(["schema_version"]).to_pandas()
    out = out[(out["learners"] >= question.min_group) & (out["learners"] > 0)]
    out = out.reset_index(drop=True)
    return out.astype({**dict.fromkeys(question.by, str), **_SUMMARY_TYPES})


def _skill_summary_pandas(rows: pa.Table, question: SkillQuestion) -> pd.DataFrame:
    scores = tidy(rows, history=False, value_types=("score",))
    return summarise(
        scores_by_skill(scores, question.skills), question.by, value="score",
        min_group=question.min_group,
    )  # fmt: skip


# ---- Dask ------------------------------------------------------------------------------------


def _read_dask(scan: Scan, query: Query) -> pa.Table:
    """One `dask.delayed` task per part, each handing back Arrow rows, gathered here.

    The tasks run on the workers of the `distributed.Client` the caller made, else of the
    scheduler at dask's ``scheduler-address`` (``DASK_SCHEDULER_ADDRESS``, or ``workbook
    analyze --scheduler``) for this question, else on dask's threads. Arrow, not a dask
    DataFrame: a DataFrame's compute concatenates every partition on one worker first (at 10M
    events that worker peaked at 2 GB) and converts to pandas and back on the way.
    """
    from dask.delayed import delayed

    if not scan.parts:
        return _empty(query)
    tasks = [delayed(read_part)(scan.filesystem, part, query) for part in scan.parts]
    with warnings.catch_warnings():
        # dask's own pandas calls warn about pandas 4 changes it has not made yet
        warnings.filterwarnings("ignore", module=r"dask(\.|$)")
        warnings.filterwarnings("ignore", module=r"distributed(\.|$)")
        tables = _on_cluster(tasks)
    rows = pa.concat_tables(tables)
    # A learner saved in two stores lands in two parts: apply the rule across parts too.
    return query.finish(rows) if len(tables) > 1 else rows


def _on_cluster(tasks: Sequence[Any]) -> tuple[pa.Table, ...]:
    import dask
    from dask.base import compute

    address = dask.config.get("scheduler-address", None)
    wanted = dask.config.get("scheduler", None) in ("distributed", "dask.distributed")
    if not (address or wanted) or _has_client():
        return tuple(compute(*tasks))  # type: ignore[no-untyped-call]
    if not address:
        raise ClusterError(
            "DASK_SCHEDULER asks for a cluster but none is named: set DASK_SCHEDULER_ADDRESS"
            " (or pass --scheduler tcp://HOST:8786), or unset DASK_SCHEDULER to use threads"
        )
    from distributed import Client

    try:
        client = Client(address, timeout=_CONNECT_TIMEOUT)
    except OSError as err:
        raise ClusterError(
            f"cannot reach the Dask scheduler at {address} ({err}): start one with `dask"
            f" scheduler` and workers with `dask worker {address}`, or leave the address out"
            " to run on this machine's threads"
        ) from None
    with client:
        return tuple(client.gather(client.compute(list(tasks))))


def _has_client() -> bool:
    try:
        from distributed import default_client

        default_client()
    except (ImportError, ValueError):
        return False
    return True


ENGINES: Mapping[str, Engine] = {
    e.name: e
    for e in (
        Engine("pandas", "pyarrow datasets into pandas: the default, no setup", _read_pandas),
        Engine(
            "duckdb",
            "DuckDB SQL over the files: fastest on one machine",
            _read_duckdb,
            _skill_summary_duckdb,
        ),
        Engine(
            "dask",
            "dask.distributed, a task per part of whole learners: past one machine",
            _read_dask,
        ),
    )
}


_READ_ERRORS: tuple[type[BaseException], ...] = (pa.ArrowException, OSError)


def _engine_errors() -> tuple[type[BaseException], ...]:
    import duckdb

    return (*_READ_ERRORS, duckdb.Error)


def _chosen(engine: str) -> Engine:
    try:
        return ENGINES[engine]
    except KeyError:
        names = ", ".join(ENGINES)
        raise ValueError(f"unknown engine {engine!r}: use one of {names}") from None


def _guarded(scan: Scan, columns: Sequence[str], run: Callable[[Scan], _T]) -> _T:
    """`run(scan)`; if a file cannot be read, again without the unreadable ones, with a warning."""
    where = ", ".join(scan.sources)
    try:
        return run(scan)
    except SchemaVersionError as err:
        raise SchemaVersionError(f"{where} holds {err}") from None
    except _engine_errors() as first:
        bad = find_corrupt(scan, columns)
        if not bad:
            raise StoreError(f"could not read {where}: {first}") from first
        warnings.warn(
            skipped_warning(scan.filesystem, bad, "that cannot be read"),
            stacklevel=4,
        )
        try:
            return run(scan.without(bad))
        except SchemaVersionError as err:
            raise SchemaVersionError(f"{where} holds {err}") from None


def read_rows(scan: Scan, query: Query, engine: str = "pandas") -> pa.Table:
    """The query's rows from `scan` on `engine`; unreadable files are skipped with a warning."""
    chosen = _chosen(engine)
    return _guarded(scan, query.columns, lambda s: chosen.read(s, query))


def skill_summary(scan: Scan, question: SkillQuestion, engine: str = "pandas") -> pd.DataFrame:
    """The per-skill question on `engine`: in the engine where it can, else read then pandas."""
    chosen = _chosen(engine)
    if chosen.skill_summary is not None:
        whole = chosen.skill_summary
        columns = Query(value_types=("score",)).columns
        return _guarded(scan, columns, lambda s: whole(s, question))
    rows = read_rows(scan, Query(latest=True, value_types=("score",)), engine)
    return _skill_summary_pandas(rows, question)

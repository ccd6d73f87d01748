"""The embedded engine: decode log files in parallel, load one table into DuckDB, run the rules.

One pass over the data: worker processes turn each file into a spool part (``decode``): the raw
records array of a delivered CloudTrail object (DuckDB parses it with an explicit schema) or rows
flattened in Python for every other layout. DuckDB loads all parts into one table whose columns
are exactly the dotted field paths the rules read, with an explicit all-VARCHAR schema (never
inferred: rare keys are the attack signal). Each base rule's SQL is evaluated once per record
while loading, into a flag column; queries then read the flags. Sigma matching is
case-insensitive: DuckDB compares lower-cased values with lower-cased literals, SQLite uses
``COLLATE NOCASE`` columns (ASCII folding only; values outside ASCII may differ).
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace

import duckdb

from faasguard.logs.correlate import Correlated, correlate
from faasguard.logs.decode import (
    FILE_COLUMN,
    RECORD_COLUMN,
    Decoded,
    DecodeTask,
    Part,
    decode,
)
from faasguard.logs.loading import (
    BOOKKEEPING,
    TimeRange,
    create_table,
    flag,
    insert_arrays,
    insert_rows,
    quote_column,
    sql_text,
)
from faasguard.logs.sigma import Kind, RuleSet

Hit = dict[str, str | int]
ALL_TIME = TimeRange()
ProgressCallback = Callable[[int, int], None]  # files done, files total


@dataclass(frozen=True, slots=True, kw_only=True)
class ReadProblem:
    file: str
    line: int
    message: str


@dataclass(frozen=True, slots=True, kw_only=True)
class EngineResult:
    records: int
    files: tuple[str, ...]
    problems: tuple[ReadProblem, ...]
    #: base query name -> matching rows (rule columns plus the bookkeeping columns)
    hits: dict[str, list[Hit]] = field(default_factory=dict)
    #: alerts of the correlation detectors, their events with full rows
    alerts: tuple[Correlated, ...] = ()
    #: with ``count_query``: (caller ARN, eventSource, eventName, errorCode, calls)
    counts: tuple[tuple[str, str, str, str, int], ...] = ()


def _decode_all(
    tasks: Sequence[DecodeTask], jobs: int, progress: ProgressCallback | None
) -> list[Decoded]:
    done: list[Decoded] = []
    if jobs <= 1 or len(tasks) <= 1:
        results: Iterable[Decoded] = map(decode, tasks)
        for result in results:
            done.append(result)
            if progress:
                progress(len(done), len(tasks))
        return done
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        for result in pool.map(decode, tasks, chunksize=1):
            done.append(result)
            if progress:
                progress(len(done), len(tasks))
    return done


def _restricted_queries(ruleset: RuleSet, wheres: dict[str, str]) -> dict[str, str]:
    """WHERE clauses per base query; a temporal correlation's inputs keep only the groups that
    occur in all its other inputs (its other inputs may be large, e.g. every assumed-role call)."""
    users: dict[str, list[tuple[str, str]]] = {}
    unrestricted: set[str] = set()
    for detector in ruleset.detectors:
        temporal = detector.kind in (Kind.TEMPORAL, Kind.TEMPORAL_ORDERED)
        for name in detector.queries:
            if not temporal or len(detector.group_by) != 1:
                unrestricted.add(name)
                continue
            column = quote_column(detector.group_by[0])
            for other in detector.queries:
                if other != name:
                    users.setdefault(name, []).append((column, wheres[other]))
    result = dict(wheres)
    for name, filters in users.items():
        if name in unrestricted:
            continue
        clauses = [f"{col} IN (SELECT {col} FROM logs WHERE {where})" for col, where in filters]
        result[name] = f"({wheres[name]}) AND " + " AND ".join(clauses)
    return result


_ROW = "_row"


def _correlation_columns(ruleset: RuleSet) -> dict[str, list[str]]:
    """Queries read only by correlations need just the window columns at first (they can match
    many rows); the full rows of the events in alerts are fetched afterwards."""
    plain = {d.queries[0] for d in ruleset.detectors if d.kind is Kind.BASE}
    needed: dict[str, set[str]] = {}
    for detector in ruleset.detectors:
        if detector.kind is Kind.BASE:
            continue
        columns = {"eventTime", *detector.group_by, *filter(None, [detector.value_field])}
        for name in detector.queries:
            if name not in plain:
                needed.setdefault(name, set()).update(columns)
    return {name: sorted(columns) for name, columns in needed.items()}


def _fetch(cursor: duckdb.DuckDBPyConnection) -> list[Hit]:
    names = [d[0] for d in cursor.description or ()]
    return [
        {k: v for k, v in zip(names, row, strict=True) if v is not None}
        for row in cursor.fetchall()
    ]


def query_duckdb(con: duckdb.DuckDBPyConnection, ruleset: RuleSet) -> dict[str, list[Hit]]:
    """Every base query over the loaded ``logs`` table, rows in file/record order; rows carry
    their ``_row`` id, and correlation-only queries carry only their window columns."""
    narrow = _correlation_columns(ruleset)
    flags = {name: flag(i) for i, (name, _) in enumerate(ruleset.queries)}
    every = ", ".join(quote_column(c) for c in (*ruleset.fields, *BOOKKEEPING))
    hits: dict[str, list[Hit]] = {}
    for name, where in sorted(_restricted_queries(ruleset, flags).items()):
        columns = ", ".join(quote_column(c) for c in narrow[name]) if name in narrow else every
        cursor = con.execute(
            f"SELECT rowid AS {_ROW}, {columns} FROM logs WHERE {where} "
            f"ORDER BY {FILE_COLUMN}, {RECORD_COLUMN}, {_ROW}"
        )
        hits[name] = _fetch(cursor)
    return hits


def _expand(
    con: duckdb.DuckDBPyConnection, ruleset: RuleSet, alerts: list[Correlated]
) -> list[Correlated]:
    """Alerts whose events carry full rows (fetched by row id, only for events in alerts)."""
    every = ", ".join(quote_column(c) for c in (*ruleset.fields, *BOOKKEEPING))
    wanted = sorted({int(e[_ROW]) for a in alerts for e in a.events})
    if not wanted:
        return alerts
    con.execute("CREATE TEMP TABLE wanted (id BIGINT)")
    con.executemany("INSERT INTO wanted VALUES (?)", [[w] for w in wanted])
    cursor = con.execute(
        f"SELECT rowid AS {_ROW}, {every} FROM logs WHERE rowid IN (SELECT id FROM wanted)"
    )
    full = {int(row[_ROW]): row for row in _fetch(cursor)}
    return [replace(a, events=tuple(full.get(int(e[_ROW]), e) for e in a.events)) for a in alerts]


def correlate_duckdb(
    con: duckdb.DuckDBPyConnection, ruleset: RuleSet, hits: dict[str, list[Hit]]
) -> list[Correlated]:
    alerts = [
        alert
        for detector in ruleset.detectors
        if detector.kind is not Kind.BASE
        for alert in correlate(detector, hits)
    ]
    return _expand(con, ruleset, alerts)


def _load(
    con: duckdb.DuckDBPyConnection,
    ruleset: RuleSet,
    decoded: list[Decoded],
    tasks: Sequence[DecodeTask],
    window: TimeRange,
) -> list[Decoded]:
    """Load every part; a fast part DuckDB rejects (a record of an unexpected shape) is decoded
    again on the slow path. Returns the final per-file results."""
    arrays = [d for d in decoded if d.part is Part.ARRAY]
    final = [d for d in decoded if d.part is not Part.ARRAY]
    try:
        if arrays:
            insert_arrays(con, [d.spool for d in arrays], ruleset, window)
        final.extend(arrays)
    except duckdb.Error:
        for part in arrays:
            try:
                insert_arrays(con, [part.spool], ruleset, window)
                final.append(part)
            except duckdb.Error:
                final.append(decode(replace(tasks[part.number], fast=False)))
    rows = [d.spool for d in final if d.part is Part.ROWS]
    if rows:
        insert_rows(con, rows, ruleset, window)
    return sorted(final, key=lambda d: d.number)


def evaluate_files(
    paths: Sequence[str],
    ruleset: RuleSet,
    *,
    window: TimeRange = ALL_TIME,
    jobs: int = 1,
    progress: ProgressCallback | None = None,
    count_query: str | None = None,
) -> EngineResult:
    """Read ``paths`` once and run every base query of ``ruleset`` over their records; with
    ``count_query``, also count that query's rows per caller, service, event and error."""
    with tempfile.TemporaryDirectory(prefix="faasguard-logs-") as spool:
        tasks = [
            DecodeTask(
                number=n, path=p, fields=ruleset.fields, spool=os.path.join(spool, f"{n:07d}")
            )
            for n, p in enumerate(paths)
        ]
        decoded = _decode_all(tasks, jobs, progress)
        # in memory (an on-disk table costs 3-4x the load time in compression), spilling to
        # the spool folder beyond the memory limit
        con = duckdb.connect(":memory:")
        try:
            con.execute(f"SET temp_directory={sql_text(spool)}")
            create_table(con, ruleset)
            final = _load(con, ruleset, decoded, tasks, window)
            counted = con.execute("SELECT count(*) FROM logs").fetchone()
            hits = query_duckdb(con, ruleset)
            alerts = correlate_duckdb(con, ruleset, hits)
            counts = _count_calls(con, ruleset, count_query) if count_query else []
        finally:
            con.close()
    problems = [
        ReadProblem(file=paths[d.number], line=d.line, message=d.problem)
        for d in final
        if d.problem
    ]
    return EngineResult(
        records=int(counted[0]) if counted else 0,
        files=tuple(paths),
        problems=tuple(problems),
        hits=hits,
        alerts=tuple(alerts),
        counts=tuple(counts),
    )


_COUNTED = ("userIdentity.arn", "eventSource", "eventName", "errorCode")


def _count_calls(
    con: duckdb.DuckDBPyConnection, ruleset: RuleSet, name: str
) -> list[tuple[str, str, str, str, int]]:
    selected = flag([q for q, _ in ruleset.queries].index(name))
    columns = ", ".join(quote_column(c) for c in _COUNTED)
    rows = con.execute(
        f"SELECT {columns}, count(*) FROM logs WHERE {selected} GROUP BY ALL ORDER BY ALL"
    ).fetchall()
    return [
        (str(a or ""), str(b or ""), str(c or ""), str(d or ""), int(n)) for a, b, c, d, n in rows
    ]


def query_sqlite(rows: Iterable[dict[str, str | int]], ruleset: RuleSet) -> dict[str, list[Hit]]:
    """The same base queries on SQLite (columns ``COLLATE NOCASE``): the second engine the tests
    compare with DuckDB, and a fallback where DuckDB is unavailable."""
    columns = [*ruleset.fields, *BOOKKEEPING]
    con = sqlite3.connect(":memory:")
    try:
        typed = ", ".join(f"{quote_column(c)} TEXT COLLATE NOCASE" for c in ruleset.fields)
        extra = ", ".join(f"{c} INTEGER" for c in BOOKKEEPING)
        con.execute(f"CREATE TABLE logs ({typed}, {extra})")
        marks = ", ".join("?" for _ in columns)
        con.executemany(
            f"INSERT INTO logs VALUES ({marks})", ([row.get(c) for c in columns] for row in rows)
        )
        hits: dict[str, list[Hit]] = {}
        for name, where in sorted(_restricted_queries(ruleset, dict(ruleset.queries)).items()):
            cursor = con.execute(
                f"SELECT * FROM logs WHERE {where} ORDER BY {FILE_COLUMN}, {RECORD_COLUMN}"
            )
            names = [d[0] for d in cursor.description]
            hits[name] = [
                {k: v for k, v in zip(names, row, strict=True) if v is not None}
                for row in cursor.fetchall()
            ]
        return hits
    finally:
        con.close()

"""Loading log records into DuckDB: the table, its explicit schema, and the rule flags.

The table has one VARCHAR column per dotted field path the rules read, the bookkeeping columns,
and one BOOLEAN flag per base query. Raw records (delivered objects, fast path) are read with an
explicit nested schema holding only the keys the rules read, then flattened in SQL; rows flattened
in Python (slow path) are read as they are. Each base query is evaluated once per record here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import duckdb
import sqlglot
from sqlglot import exp

from faasguard.logs.decode import FILE_COLUMN, LINE_COLUMN, RECORD_COLUMN
from faasguard.logs.sigma import RuleSet

DUCKDB_MEMORY = "512MB"
BOOKKEEPING = (FILE_COLUMN, RECORD_COLUMN, LINE_COLUMN)


@dataclass(frozen=True, slots=True, kw_only=True)
class TimeRange:
    """``since``/``until`` as ``YYYY-MM-DDTHH:MM:SS`` (UTC); CloudTrail times compare as text."""

    since: str = ""
    until: str = ""

    def sql(self) -> str:
        moment = 'substr("eventTime", 1, 19)'
        clauses = ["TRUE"]
        if self.since:
            clauses.append(f"{moment} >= '{self.since}'")
        if self.until:
            clauses.append(f"{moment} <= '{self.until}'")
        return " AND ".join(clauses)


def quote_column(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


_MAX_OBJECT = 64 * 1024 * 1024
#: a nested path tree: key -> subtree; the key "" marks that a path ends at this node
_Tree = dict[str, Any]


def _tree(fields: Sequence[str]) -> _Tree:
    tree: _Tree = {}
    for path in fields:
        node = tree
        for key in path.split("."):
            node = node.setdefault(key, {})
        node[""] = True
    return tree


def sql_text(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _duck_type(node: _Tree) -> str:
    # a node a rule reads as a whole stays JSON text; its sub-paths then come from that text
    if "" in node:
        return "VARCHAR"
    inner = ", ".join(f"{quote_column(k)} {_duck_type(v)}" for k, v in sorted(node.items()))
    return f"STRUCT({inner})"


def _raw_columns(tree: _Tree) -> str:
    """The ``columns=`` argument reading raw records: only the keys the rules read."""
    typed = [f"{sql_text(k)}: {sql_text(_duck_type(v))}" for k, v in sorted(tree.items())]
    return "{" + ", ".join(typed) + "}"


def _flat_expression(path: str, tree: _Tree) -> str:
    keys = path.split(".")
    expression = quote_column(keys[0])
    node = tree[keys[0]]
    for index, key in enumerate(keys[1:], start=1):
        if "" in node:  # the parent is JSON text: extract the rest of the path from it
            rest = ".".join(keys[index:])
            return f"json_extract_string({expression}, {sql_text('$.' + rest)})"
        expression = f"struct_extract({expression}, {sql_text(key)})"
        node = node[key]
    return expression


def _flat_columns(fields: Sequence[str]) -> str:
    typed = [f"{sql_text(f)}: 'VARCHAR'" for f in fields]
    typed += [f"{sql_text(c)}: 'BIGINT'" for c in BOOKKEEPING]
    return "{" + ", ".join(typed) + "}"


def flag(index: int) -> str:
    return f"_q{index}"


def create_table(con: duckdb.DuckDBPyConnection, ruleset: RuleSet) -> None:
    con.execute(f"SET memory_limit='{DUCKDB_MEMORY}'")
    con.execute("SET preserve_insertion_order=false")
    typed = ", ".join(f"{quote_column(f)} VARCHAR" for f in ruleset.fields)
    extra = ", ".join(f"{c} BIGINT" for c in BOOKKEEPING)
    flags = ", ".join(f"{flag(i)} BOOLEAN" for i in range(len(ruleset.queries)))
    con.execute(f"CREATE TABLE logs ({typed}, {extra}, {flags})")


_LOWER = "lc:"  # prefix of the lower-cased copies of the columns the predicates read


def lowered_where(where: str) -> tuple[str, set[str]]:
    """A backend WHERE clause over lower-cased column copies with lower-cased literals, and the
    columns it reads. Sigma matching is case-insensitive; lowering each value once per record is
    several times cheaper in DuckDB than a ``nocase`` collation on every comparison."""
    parsed = sqlglot.parse_one(f"SELECT * FROM logs WHERE {where}", read="sqlite")
    columns: set[str] = set()

    def rewrite(node: exp.Expression) -> exp.Expression:
        if isinstance(node, exp.Column):
            columns.add(node.name)
            return exp.Column(this=exp.to_identifier(_LOWER + node.name, quoted=True))
        if isinstance(node, exp.Literal) and node.is_string:
            return exp.Literal.string(node.this.lower())
        return node

    condition = parsed.args["where"].this.transform(rewrite)
    return str(condition.sql(dialect="duckdb")), columns


def _matching(ruleset: RuleSet, source: str, window: TimeRange) -> str:
    """Every base query is evaluated once per record, while loading, into a flag column. A record
    no query matches keeps only its file number (NULLs cost next to nothing), so the table stays
    small, the record count stays exact, and queries later read flags, not strings."""
    lowered = [lowered_where(where) for _, where in ruleset.queries]
    read = sorted({c for _, columns in lowered for c in columns})
    copies = ", ".join(f"lower({quote_column(c)}) AS {quote_column(_LOWER + c)}" for c in read)
    flags = ", ".join(
        f"COALESCE(({where}), FALSE) AS {flag(i)}" for i, (where, _) in enumerate(lowered)
    )
    keep = " OR ".join(flag(i) for i in range(len(ruleset.queries))) or "FALSE"
    every = ", ".join(flag(i) for i in range(len(ruleset.queries)))
    return (
        f"INSERT INTO logs {_ordered_select(ruleset, keep)}, {every} FROM "
        f"(SELECT *, {flags} FROM (SELECT *, {copies} FROM ({source}) "
        f"WHERE {window.sql()}))"
    )


def _ordered_select(ruleset: RuleSet, keep: str) -> str:
    columns = [f"CASE WHEN {keep} THEN {quote_column(c)} END" for c in ruleset.fields]
    columns += [
        FILE_COLUMN,
        f"CASE WHEN {keep} THEN {RECORD_COLUMN} END",
        f"CASE WHEN {keep} THEN {LINE_COLUMN} END",
    ]
    return "SELECT " + ", ".join(columns)


def insert_arrays(
    con: duckdb.DuckDBPyConnection, parts: list[str], ruleset: RuleSet, window: TimeRange
) -> None:
    tree = _tree(ruleset.fields)
    select = ", ".join(f"{_flat_expression(f, tree)} AS {quote_column(f)}" for f in ruleset.fields)
    number = r"CAST(regexp_extract(filename, '(\d+)\.array\.json$', 1) AS BIGINT)"
    source = (
        f"SELECT {select}, {number} AS {FILE_COLUMN}, NULL::BIGINT AS {RECORD_COLUMN}, "
        f"NULL::BIGINT AS {LINE_COLUMN} FROM read_json(?, format='array', "
        f"columns={_raw_columns(tree)}, filename=true, maximum_object_size={_MAX_OBJECT})"
    )
    con.execute(_matching(ruleset, source, window), [parts])


def insert_rows(
    con: duckdb.DuckDBPyConnection, parts: list[str], ruleset: RuleSet, window: TimeRange
) -> None:
    source = (
        f"SELECT * FROM read_json(?, format='newline_delimited', "
        f"columns={_flat_columns(ruleset.fields)}, maximum_object_size={_MAX_OBJECT})"
    )
    con.execute(_matching(ruleset, source, window), [parts])

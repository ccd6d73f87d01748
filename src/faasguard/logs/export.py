"""The detections as queries for engines that already hold large log volumes.

Athena and Trino: the base rules' SQL (from the same pySigma conversion the local engine runs),
rewritten with sqlglot into the Trino dialect, over a flattening view of the standard CloudTrail
Athena table. That table keeps ``useridentity`` as a STRUCT (its fields are reachable with dots)
but ``requestparameters``/``responseelements``/``additionaleventdata`` as JSON *strings*, so the
view extracts them with ``json_extract_scalar`` (objects and arrays as compact JSON text, like the
local flattening). Matching is made case-insensitive with ``lower()`` on both sides, as Sigma
requires. Correlations are not translated: run the helper queries and let faasguard evaluate the
windows over their hits, so the semantics stay those of ``correlate.py``.

Splunk and Elasticsearch: their pySigma backends require pySigma 1.x, which cannot be installed
beside the pySigma 2 that faasguard uses, so those targets are a clear error, not a guess.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlglot
from sqlglot import exp

from faasguard.logs.sigma import Detector, Kind, RuleSet

TARGETS = ("athena", "trino", "splunk", "elastic")
DEFAULT_TABLE = "cloudtrail_logs"
#: top-level columns of the standard CloudTrail table that hold JSON text
_JSON_COLUMNS = frozenset(
    {"requestParameters", "responseElements", "additionalEventData", "serviceEventDetails"}
)
#: top-level columns of the standard CloudTrail table (scalars and STRUCTs)
_TABLE_COLUMNS = frozenset(
    {
        "eventVersion",
        "userIdentity",
        "eventTime",
        "eventSource",
        "eventName",
        "awsRegion",
        "sourceIPAddress",
        "userAgent",
        "errorCode",
        "errorMessage",
        "requestID",
        "eventID",
        "readOnly",
        "eventType",
        "apiVersion",
        "recipientAccountId",
        "sharedEventID",
        "vpcEndpointId",
        "eventCategory",
        "tlsDetails",
        "sessionCredentialFromConsole",
    }
)


class ExportError(Exception):
    """A target that cannot be produced (missing backend, a field the table does not have)."""


def _column_expression(path: str) -> str:
    top, _, rest = path.partition(".")
    if top in _JSON_COLUMNS and rest:
        json_path = "'$." + rest.replace("'", "''") + "'"
        column = top.lower()
        return (
            f"COALESCE(json_extract_scalar({column}, {json_path}), "
            f"json_format(json_extract({column}, {json_path})))"
        )
    if top not in _TABLE_COLUMNS:
        raise ExportError(f"field {path!r} has no column in the standard CloudTrail table")
    return path.lower()


def flattening_view(fields: Sequence[str], table: str) -> str:
    """``SELECT <table columns> AS "<dotted path>"`` for every field the rules read."""
    columns = ",\n    ".join(f'{_column_expression(f)} AS "{f}"' for f in fields)
    return f"SELECT\n    {columns}\n  FROM {table}"


def _lowered(node: exp.Expression) -> exp.Expression:
    """``col = 'Te'``, ``col LIKE 'T%'`` -> ``lower(col) = 'te'``: Sigma is case-insensitive."""
    if isinstance(node, exp.EQ | exp.Like):
        left, right = node.this, node.expression
        if isinstance(left, exp.Column) and isinstance(right, exp.Literal) and right.is_string:
            node.set("this", exp.Lower(this=left.copy()))
            node.set("expression", exp.Literal.string(right.this.lower()))
    elif isinstance(node, exp.Coalesce):
        # the SQLite backend writes COALESCE(<boolean>, 0); Trino wants one type
        for index, item in enumerate(node.expressions):
            if isinstance(item, exp.Literal) and item.this == "0":
                node.expressions[index] = exp.false()
    return node


def trino_where(where: str) -> str:
    """A WHERE clause of the SQLite backend, as Trino SQL with case-insensitive matching."""
    parsed = sqlglot.parse_one(f"SELECT * FROM logs WHERE {where}", read="sqlite")
    condition = parsed.args["where"].this.transform(_lowered)
    return str(condition.sql(dialect="trino"))


def _comment(detector: Detector) -> str:
    head = f"-- {detector.id} {detector.title} [{detector.severity.label}]"
    if detector.kind is Kind.BASE:
        return head
    detail = (
        f"-- Sigma {detector.kind.value} correlation over {', '.join(detector.queries)}: "
        f"threshold {detector.threshold}"
        + (f" distinct {detector.value_field}" if detector.value_field else "")
        + f" within {detector.timespan} s per {', '.join(detector.group_by)}; "
        "faasguard evaluates the windows over these queries' hits."
    )
    return head + "\n" + detail


VIEW_NAME = "faasguard_cloudtrail"


def render_trino(
    ruleset: RuleSet, detectors: Sequence[Detector], table: str = DEFAULT_TABLE
) -> str:
    """The flattening view, then one SQL query per base query that ``detectors`` use."""
    view = flattening_view(ruleset.fields, table)
    statements = [
        "-- faasguard CloudTrail detections: columns named by CloudTrail JSON paths\n"
        f"CREATE OR REPLACE VIEW {VIEW_NAME} AS\n  {view};"
    ]
    done: set[str] = set()
    for detector in detectors:
        for name in detector.queries:
            if name in done:
                continue
            done.add(name)
            where = trino_where(ruleset.where(name))
            statements.append(
                f"{_comment(detector)}\n"
                f"SELECT '{name}' AS faasguard_query, * FROM {VIEW_NAME}\nWHERE {where};"
            )
    return "\n\n".join(statements) + "\n"


def render(
    target: str, ruleset: RuleSet, detectors: Sequence[Detector], table: str = DEFAULT_TABLE
) -> str:
    """The detections for ``target`` (one of ``TARGETS``); raises ``ExportError``."""
    if target in ("athena", "trino"):
        return render_trino(ruleset, detectors, table)
    if target in ("splunk", "elastic"):
        raise ExportError(
            f"--target {target}: the pySigma {target} backend requires pySigma < 2, which cannot "
            "be installed beside the pySigma 2 faasguard uses; convert our rule files "
            "(faasguard/data/sigma) with sigma-cli in a separate environment"
        )
    raise ExportError(f"unknown target {target!r} (choose from {', '.join(TARGETS)})")

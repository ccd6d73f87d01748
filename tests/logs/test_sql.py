"""Golden files of the SQL our rules convert to, and the Athena/Trino export's validity.

The golden files were read by hand against each rule's YAML (escaped ``*`` stays a literal,
``startswith`` becomes ``LIKE 'x%'``, failures are excluded with ``errorCode``). To regenerate
after a deliberate rule change: ``FAASGUARD_REGEN_GOLDEN=1 pytest tests/logs/test_sql.py``, then
read the diff.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import sqlglot
from sqlglot import exp

from faasguard.cli import main
from faasguard.logs.export import ExportError, render, trino_where
from faasguard.logs.sigma import builtin_ruleset

GOLDEN = Path(__file__).parent / "golden"
RULESET = builtin_ruleset()
REGENERATE = os.environ.get("FAASGUARD_REGEN_GOLDEN") == "1"


def _check(path: Path, text: str) -> None:
    if REGENERATE:
        path.write_text(text, encoding="utf-8")
    assert path.read_text(encoding="utf-8") == text


@pytest.mark.parametrize("name", [n for n, _ in RULESET.queries])
def test_converted_sql_matches_golden(name: str) -> None:
    _check(GOLDEN / f"{name}.sql", f"SELECT * FROM logs WHERE {RULESET.where(name)}\n")


def test_athena_export_matches_golden() -> None:
    _check(GOLDEN / "athena_export.sql", render("athena", RULESET, RULESET.detectors))


def test_athena_export_is_valid_trino_sql(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["logs", "export", "--target", "athena"]) == 0
    text = capsys.readouterr().out
    statements = [s for s in sqlglot.parse(text, read="trino") if s is not None]
    base_queries = {q for d in RULESET.detectors for q in d.queries}
    assert len(statements) == 1 + len(base_queries)  # the view, then one query each
    view = statements[0]
    assert isinstance(view, exp.Create)
    columns = {c.alias for c in view.find_all(exp.Alias)}
    assert columns == set(RULESET.fields)
    for statement in statements[1:]:
        assert isinstance(statement, exp.Select)
        assert [t.name for t in statement.find_all(exp.Table)] == ["faasguard_cloudtrail"]


def test_export_reads_request_parameters_as_json_text() -> None:
    text = render("trino", RULESET, RULESET.detectors)
    expected = (
        "COALESCE(json_extract_scalar(requestparameters, '$.principal'), "
        "json_format(json_extract(requestparameters, '$.principal'))) "
        'AS "requestParameters.principal"'
    )
    assert expected in text
    assert (
        "useridentity.sessioncontext.sessionissuer.arn AS "
        '"userIdentity.sessionContext.sessionIssuer.arn"' in text
    )


def test_trino_matching_is_case_insensitive_and_typed() -> None:
    where = trino_where(RULESET.where("CT001"))
    assert "LOWER(eventName) LIKE 'addpermission%'" in where
    assert "COALESCE((NOT errorCode IS NULL), FALSE)" in where
    assert "`" not in where


@pytest.mark.parametrize("target", ["splunk", "elastic"])
def test_siem_targets_are_a_clear_error(target: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(ExportError, match="pySigma < 2"):
        render(target, RULESET, RULESET.detectors)
    assert main(["logs", "export", "--target", target]) == 2
    assert "pySigma" in capsys.readouterr().err

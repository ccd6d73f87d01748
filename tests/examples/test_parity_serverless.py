"""The Serverless Framework version of the example app reports what the SAM version reports.

Both apps are scanned through the public API; their findings, as (rule id, logical id) pairs,
must be equal once the SAM ids are renamed with the mapping table of
examples/orders-app-serverless/README.md (the one place the mapping is written), apart from the
findings that README lists as the Serverless version's own. The Serverless app must also report
exactly its ``# expect:`` annotations.
"""

from __future__ import annotations

from parity import (
    EXAMPLES,
    annotated_and_reported,
    code_files_differ,
    findings,
    mapped,
    sam_findings_in,
    table,
)

SLS_APP = EXAMPLES / "orders-app-serverless"


def test_mapping_table_is_read() -> None:
    assert len(table(SLS_APP, "Name mapping")) >= 10
    assert mapped(SLS_APP, "LOG001", "CreateOrderFunction") == "CreateOrderLambdaFunction"
    assert mapped(SLS_APP, "IAM004", "DailyReportFunction") == "DailyReportRole"


def test_serverless_findings_equal_sam_findings_modulo_the_mapping() -> None:
    sam = sam_findings_in(SLS_APP)
    own = {(rule, ident) for rule, ident, _ in table(SLS_APP, "Findings only this version has")}
    serverless = findings(SLS_APP)
    assert serverless - own == sam
    assert own <= serverless


def test_serverless_app_reports_exactly_its_annotations() -> None:
    expected, reported = annotated_and_reported(SLS_APP, SLS_APP / "serverless.yml")
    assert reported == expected


def test_function_code_is_the_sam_apps_code() -> None:
    assert code_files_differ(SLS_APP) == []

"""The Terraform version of the example app reports what the SAM version reports.

Both apps are scanned through the public API; their findings, as (rule id, resource) pairs, must
be equal once the SAM ids are renamed with the mapping table of
examples/orders-app-terraform/README.md (the one place the mapping is written). The Terraform app
must also report exactly its ``# expect:`` annotations.
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

from faasguard.loaders.settings import LoadSettings
from faasguard.loaders.terraform import load_terraform

TF_APP = EXAMPLES / "orders-app-terraform"


def test_mapping_table_is_read() -> None:
    assert len(table(TF_APP, "Name mapping")) >= 10
    assert mapped(TF_APP, "LOG001", "CreateOrderFunction") == "aws_lambda_function.create_order"
    assert mapped(TF_APP, "IAM004", "DailyReportFunction") == "aws_iam_role.daily_report"


def test_terraform_findings_equal_sam_findings_modulo_the_mapping() -> None:
    assert findings(TF_APP) == sam_findings_in(TF_APP)


def test_terraform_app_reports_exactly_its_annotations() -> None:
    expected, reported = annotated_and_reported(TF_APP, TF_APP / "main.tf")
    assert reported == expected


def test_function_code_is_the_sam_apps_code() -> None:
    assert code_files_differ(TF_APP) == []


def test_functions_are_mapped_to_their_code_folders() -> None:
    loaded, _ = load_terraform(str(TF_APP), "app", LoadSettings())
    folders = {f.id: f.code_dir for f in loaded.functions}
    assert folders["aws_lambda_function.create_order"] == "app/src/create_order"
    assert folders["aws_lambda_function.daily_report"] == "app/src/daily_report"

"""The Terraform version of the example app reports what the SAM version reports.

Both apps are scanned through the public API; their findings, as (rule id, resource) pairs, must
be equal once the SAM ids are renamed with the mapping table of
examples/orders-app-terraform/README.md (the one place the mapping is written). The Terraform app
must also report exactly its ``# expect:`` annotations.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from faasguard.api import ScanOptions, scan
from faasguard.loaders.settings import LoadSettings
from faasguard.loaders.terraform import load_terraform

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
SAM_APP = EXAMPLES / "orders-app"
TF_APP = EXAMPLES / "orders-app-terraform"
TODAY = date(2026, 11, 28)
_EXPECT = re.compile(r"#\s*expect:\s*([A-Z0-9_,\s-]+)$")
_ROW = re.compile(r"^\|([^|]*)\|([^|]*)\|([^|]*)\|\s*$")

Pair = tuple[str, str]


def _table(heading: str) -> list[tuple[str, str, str]]:
    """Rows of the first table under ``## heading`` in the README (header rows skipped)."""
    text = (TF_APP / "README.md").read_text(encoding="utf-8")
    section = text.split(f"## {heading}\n", 1)[1].split("\n## ", 1)[0]
    rows = [_ROW.match(line.strip()) for line in section.splitlines()]
    cells = [tuple(c.strip() for c in m.groups()) for m in rows if m]
    return [(a, b, c) for a, b, c in cells[2:]]


def _mapped(rule: str, sam_id: str) -> str:
    for sam, address, rules in _table("Name mapping"):
        if sam == sam_id and (not rules or rule in {r.strip() for r in rules.split(",")}):
            return address
    return f"<unmapped {sam_id}>"


def _findings(app: Path) -> set[Pair]:
    result = scan([str(app)], ScanOptions(today=TODAY, plugins=False))
    return {(f.rule.id, f.resource) for f in result.findings if not f.rule.id.startswith("FG")}


def test_mapping_table_is_read() -> None:
    assert len(_table("Name mapping")) >= 10
    assert _mapped("LOG001", "CreateOrderFunction") == "aws_lambda_function.create_order"
    assert _mapped("IAM004", "DailyReportFunction") == "aws_iam_role.daily_report"


def test_terraform_findings_equal_sam_findings_modulo_the_mapping() -> None:
    sam = {(rule, _mapped(rule, ident)) for rule, ident in _findings(SAM_APP)}
    assert _findings(TF_APP) == sam


def test_terraform_app_reports_exactly_its_annotations() -> None:
    config = TF_APP / "main.tf"
    expected: set[tuple[str, int]] = set()
    for number, line in enumerate(config.read_text(encoding="utf-8").splitlines(), start=1):
        match = _EXPECT.search(line)
        if match:
            expected |= {(r.strip(), number) for r in match.group(1).split(",")}
    result = scan([str(TF_APP)], ScanOptions(today=TODAY, plugins=False))
    reported = {
        (f.rule.id, f.location.line)
        for f in result.findings
        if f.location.file == str(config) and not f.rule.id.startswith("DEP")
    }
    assert reported == expected
    assert not [f for f in result.findings if f.rule.id.startswith("FG")]


def test_function_code_is_the_sam_apps_code() -> None:
    sam_files = {p.relative_to(SAM_APP) for p in (SAM_APP / "src").rglob("*") if p.is_file()}
    tf_files = {p.relative_to(TF_APP) for p in (TF_APP / "src").rglob("*") if p.is_file()}
    assert sam_files == tf_files
    assert all((SAM_APP / p).read_bytes() == (TF_APP / p).read_bytes() for p in sam_files)


def test_functions_are_mapped_to_their_code_folders() -> None:
    loaded, _ = load_terraform(str(TF_APP), "app", LoadSettings())
    folders = {f.id: f.code_dir for f in loaded.functions}
    assert folders["aws_lambda_function.create_order"] == "app/src/create_order"
    assert folders["aws_lambda_function.daily_report"] == "app/src/daily_report"

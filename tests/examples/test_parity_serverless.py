"""The Serverless Framework version of the example app reports what the SAM version reports.

Both apps are scanned through the public API; their findings, as (rule id, logical id) pairs,
must be equal once the SAM ids are renamed with the mapping table of
examples/orders-app-serverless/README.md (the one place the mapping is written), apart from the
findings that README lists as the Serverless version's own. The Serverless app must also report
exactly its ``# expect:`` annotations.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from faasguard.api import ScanOptions, scan

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
SAM_APP = EXAMPLES / "orders-app"
SLS_APP = EXAMPLES / "orders-app-serverless"
TODAY = date(2026, 11, 28)
_EXPECT = re.compile(r"#\s*expect:\s*([A-Z0-9_,\s-]+)$")
_ROW = re.compile(r"^\|([^|]*)\|([^|]*)\|([^|]*)\|\s*$")

Pair = tuple[str, str]


def _table(heading: str) -> list[tuple[str, str, str]]:
    """Rows of the first table under ``## heading`` in the README (header rows skipped)."""
    text = (SLS_APP / "README.md").read_text(encoding="utf-8")
    section = text.split(f"## {heading}\n", 1)[1].split("\n## ", 1)[0]
    rows = [_ROW.match(line.strip()) for line in section.splitlines()]
    cells = [tuple(c.strip() for c in m.groups()) for m in rows if m]
    return [(a, b, c) for a, b, c in cells[2:]]


def _mapped(rule: str, sam_id: str) -> str:
    for sam, sls, rules in _table("Name mapping"):
        if sam == sam_id and (not rules or rule in {r.strip() for r in rules.split(",")}):
            return sls
    return f"<unmapped {sam_id}>"


def _findings(app: Path) -> set[Pair]:
    result = scan([str(app)], ScanOptions(today=TODAY, plugins=False))
    return {(f.rule.id, f.resource) for f in result.findings if not f.rule.id.startswith("FG")}


def test_mapping_table_is_read() -> None:
    assert len(_table("Name mapping")) >= 10
    assert _mapped("LOG001", "CreateOrderFunction") == "CreateOrderLambdaFunction"
    assert _mapped("IAM004", "DailyReportFunction") == "DailyReportRole"


def test_serverless_findings_equal_sam_findings_modulo_the_mapping() -> None:
    sam = {(rule, _mapped(rule, ident)) for rule, ident in _findings(SAM_APP)}
    only_serverless = {(rule, ident) for rule, ident, _ in _table("Findings only this version has")}
    serverless = _findings(SLS_APP)
    assert serverless - only_serverless == sam
    assert only_serverless <= serverless


def test_serverless_app_reports_exactly_its_annotations() -> None:
    template = SLS_APP / "serverless.yml"
    expected: set[tuple[str, int]] = set()
    for number, line in enumerate(template.read_text(encoding="utf-8").splitlines(), start=1):
        match = _EXPECT.search(line)
        if match:
            expected |= {(r.strip(), number) for r in match.group(1).split(",")}
    result = scan([str(SLS_APP)], ScanOptions(today=TODAY, plugins=False))
    reported = {
        (f.rule.id, f.location.line)
        for f in result.findings
        if f.location.file == str(template) and not f.rule.id.startswith("DEP")
    }
    assert reported == expected


def test_function_code_is_the_sam_apps_code() -> None:
    sam_files = {p.relative_to(SAM_APP) for p in (SAM_APP / "src").rglob("*") if p.is_file()}
    sls_files = {p.relative_to(SLS_APP) for p in (SLS_APP / "src").rglob("*") if p.is_file()}
    assert sam_files == sls_files
    assert all((SAM_APP / p).read_bytes() == (SLS_APP / p).read_bytes() for p in sam_files)

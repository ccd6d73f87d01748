"""The JSON report follows docs/report-schema.json; docs/json-report.md documents every field."""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from faasguard.model import ScanResult, Severity
from faasguard.report import json as json_report
from faasguard.report.options import ReportOptions


def _schema(repo: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((repo / "docs" / "report-schema.json").read_text())
    return loaded


def _validate(repo: Path, document: object) -> None:
    schema = _schema(repo)
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator(schema).validate(document)


@pytest.mark.parametrize("show_suppressed", [False, True])
def test_output_matches_schema(result: ScanResult, repo: Path, show_suppressed: bool) -> None:
    out = json_report.render(result, ReportOptions(show_suppressed=show_suppressed))
    _validate(repo, json.loads(out))


def test_empty_scan_matches_schema(repo: Path) -> None:
    empty = ScanResult(findings=(), inconclusive=(), rules=(), files=(), tool_version="0.1.0")
    report = json.loads(json_report.render(empty, ReportOptions()))
    _validate(repo, report)
    assert report["findings"] == [] and report["summary"]["failed"] is False


def test_schema_rejects_an_undocumented_field(result: ScanResult, repo: Path) -> None:
    """additionalProperties: false everywhere, so a field added in code must reach the schema."""
    report = json.loads(json_report.render(result, ReportOptions()))
    report["findings"][0]["surprise"] = 1
    with pytest.raises(jsonschema.ValidationError):
        _validate(repo, report)


def test_schema_version_is_the_one_of_the_schema(repo: Path) -> None:
    assert _schema(repo)["properties"]["schema_version"]["const"] == json_report.SCHEMA_VERSION


def _field_names(node: object) -> set[str]:
    names: set[str] = set()
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "properties" and isinstance(value, dict):
                names.update(value)
            names |= _field_names(value)
    elif isinstance(node, list):
        for item in node:
            names |= _field_names(item)
    return names


def test_every_schema_field_is_documented(repo: Path) -> None:
    doc = (repo / "docs" / "json-report.md").read_text()
    documented = set(re.findall(r"^\| `([a-z_]+)` \|", doc, flags=re.MULTILINE))
    fields = _field_names(_schema(repo))
    assert {"rule_id", "fingerprint", "by_severity", "information_uri"} <= fields
    assert fields - documented == set()


def test_suppressed_findings_are_listed_only_on_request(result: ScanResult) -> None:
    hidden = json.loads(json_report.render(result, ReportOptions()))
    shown = json.loads(json_report.render(result, ReportOptions(show_suppressed=True)))
    assert not [f for f in hidden["findings"] if f["suppressed"]]
    suppressed = [f for f in shown["findings"] if f["suppressed"]]
    assert [(f["resource"], f["suppression"]["kind"]) for f in suppressed] == [
        ("Queue", "inline"),
        ("Topic", "baseline"),
    ]
    assert suppressed[0]["suppression"]["location"] == {
        "file": "other/template.json",
        "line": 5,
        "column": 0,
    }
    assert suppressed[1]["suppression"]["location"] is None
    # the summary counts the whole scan either way
    assert hidden["summary"] == shown["summary"]


def test_fix_falls_back_to_the_rule_remediation(result: ScanResult) -> None:
    findings = json.loads(json_report.render(result, ReportOptions()))["findings"]
    assert findings[0]["fix"] == "Replace '*' with s3:GetObject."
    assert findings[1]["fix"] == "Remediation of TST002."


def test_unicode_is_kept_and_control_characters_escaped(result: ScanResult) -> None:
    out = json_report.render(result, ReportOptions())
    assert "Rôle « admin »" in out and "\\u0007" in out and "\x07" not in out


def test_failed_and_incomplete_follow_the_result(result: ScanResult) -> None:
    summary = json.loads(json_report.render(result, ReportOptions()))["summary"]
    assert (summary["failed"], summary["incomplete"], summary["fail_on"]) == (True, False, "high")
    strict = dataclasses.replace(result, fail_on=Severity.CRITICAL)
    summary = json.loads(json_report.render(strict, ReportOptions()))["summary"]
    assert summary["failed"] is True  # the critical TST001 finding
    # without TST001 and TST002 only suppressed mediums and a low finding remain
    only_low = dataclasses.replace(result, findings=result.findings[2:])
    summary = json.loads(json_report.render(only_low, ReportOptions()))["summary"]
    assert summary["failed"] is False and summary["findings"] == 1
    crashed = dataclasses.replace(
        result.findings[0], rule=dataclasses.replace(result.findings[0].rule, id="FG003")
    )
    broken = dataclasses.replace(result, findings=(crashed,))
    assert json.loads(json_report.render(broken, ReportOptions()))["summary"]["incomplete"]

"""SARIF 2.1.0: schema-valid, rules by index, severities, fingerprints, suppressions, paths."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from faasguard.model import Finding, Location, ScanResult
from faasguard.report import sarif
from faasguard.report.options import ReportOptions
from faasguard.report.ruledoc import render_markdown

SCHEMA = Path(__file__).parent.parent / "data" / "sarif-schema-2.1.0.json"


def _render(result: ScanResult, **options: Any) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(sarif.render(result, ReportOptions(**options)))
    return document


def _validate(document: object) -> None:
    schema = json.loads(SCHEMA.read_text())
    jsonschema.Draft4Validator(schema).validate(document)


@pytest.mark.parametrize("show_suppressed", [False, True])
def test_valid_against_the_oasis_schema(result: ScanResult, show_suppressed: bool) -> None:
    _validate(_render(result, show_suppressed=show_suppressed))


def test_schema_catches_a_broken_document(result: ScanResult) -> None:
    """The validation above can fail: a wrong level is rejected."""
    document = _render(result)
    document["runs"][0]["results"][0]["level"] = "fatal"
    with pytest.raises(jsonschema.ValidationError):
        _validate(document)


def test_rules_carry_metadata_and_help(result: ScanResult) -> None:
    rules = _render(result)["runs"][0]["tool"]["driver"]["rules"]
    by_id = {r["id"]: r for r in rules}
    first = by_id["TST001"]
    assert first["name"] == "test-rule-tst001"
    assert first["shortDescription"]["text"] == "Role grants every action"
    assert first["help"]["markdown"] == render_markdown(result.rules[-1])  # TST001
    assert first["properties"]["tags"] == ["security", "least-privilege"]
    severity = {rid: r["properties"]["security-severity"] for rid, r in by_id.items()}
    # critical, high, medium, low, info, high (TST006)
    assert severity == {
        "TST001": "9.5",
        "TST002": "8.0",
        "TST003": "5.5",
        "TST004": "3.0",
        "TST005": "0.0",
        "TST006": "8.0",
    }
    levels = [r["defaultConfiguration"]["level"] for r in rules]
    assert levels == ["error", "error", "warning", "note", "note", "error"]


def test_results_point_at_their_rule_by_index(result: ScanResult) -> None:
    run = _render(result, show_suppressed=True)["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    for entry in run["results"]:
        assert rules[entry["ruleIndex"]]["id"] == entry["ruleId"]
    assert [r["ruleIndex"] for r in run["results"]] == [0, 1, 2, 2, 3]


def test_finding_whose_rule_did_not_run_is_still_described(result: ScanResult) -> None:
    """A tool diagnostic (FG001...) may name a rule missing from result.rules."""
    orphan = dataclasses.replace(
        result.findings[0], rule=dataclasses.replace(result.findings[0].rule, id="FG001")
    )
    run = _render(dataclasses.replace(result, findings=(orphan,)))["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == ["FG001", *[f"TST00{n}" for n in range(1, 7)]]
    assert run["results"][0]["ruleIndex"] == 0


def test_first_result_in_full(result: ScanResult) -> None:
    first = _render(result)["runs"][0]["results"][0]
    assert first["partialFingerprints"] == {"faasguard/v1": "fp-tst001-orderfn"}
    assert first["properties"]["severity"] == "critical"
    location = first["locations"][0]
    assert location["physicalLocation"] == {
        "artifactLocation": {"uri": "app/template.yaml", "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": 12, "startColumn": 7},
    }
    assert location["logicalLocations"] == [{"name": "OrderFn", "kind": "resource"}]
    related = first["relatedLocations"][0]["physicalLocation"]["region"]
    assert related == {"startLine": 40, "startColumn": 3}
    assert first["message"]["text"].startswith("Rôle « admin » grants Action '*' → everything")


def test_unknown_line_has_no_region(result: ScanResult) -> None:
    last = _render(result)["runs"][0]["results"][-1]
    assert last["ruleId"] == "TST004"
    assert "region" not in last["locations"][0]["physicalLocation"]
    assert "logicalLocations" not in last["locations"][0]


def test_suppressed_findings_are_left_out_by_default(result: ScanResult) -> None:
    results = _render(result)["runs"][0]["results"]
    assert [r["ruleId"] for r in results] == ["TST001", "TST002", "TST004"]
    assert not [r for r in results if "suppressions" in r]


def test_show_suppressed_marks_them(result: ScanResult) -> None:
    results = _render(result, show_suppressed=True)["runs"][0]["results"]
    marked = {
        r["properties"]["resource"]: r["suppressions"] for r in results if "suppressions" in r
    }
    assert marked["Queue"][0]["kind"] == "inSource"  # inline comment
    assert marked["Queue"][0]["justification"] == "légacy queue <ok>"
    assert marked["Topic"][0]["kind"] == "external"  # baseline


def test_inconclusive_results_are_notifications_and_run_properties(result: ScanResult) -> None:
    run = _render(result)["runs"][0]
    (note,) = run["invocations"][0]["toolExecutionNotifications"]
    assert note["level"] == "note"
    assert note["associatedRule"] == {"id": "TST005"}
    assert "BucketName is !Ref Name" in note["message"]["text"]
    assert note["locations"][0]["physicalLocation"]["region"]["startLine"] == 20
    assert run["properties"]["inconclusiveCount"] == 1
    assert run["properties"]["inconclusive"][0]["resource"] == "Bucket"
    assert run["invocations"][0]["executionSuccessful"] is True


def _with_file(result: ScanResult, file: str) -> ScanResult:
    finding: Finding = dataclasses.replace(result.findings[0], location=Location(file=file, line=3))
    return dataclasses.replace(result, findings=(finding,), inconclusive=())


def _uri(document: dict[str, Any]) -> dict[str, str]:
    artifact: dict[str, str] = document["runs"][0]["results"][0]["locations"][0][
        "physicalLocation"
    ]["artifactLocation"]
    return artifact


def test_root_makes_absolute_paths_relative(result: ScanResult) -> None:
    document = _render(_with_file(result, "/home/ci/repo/app dir/t.yaml"), root="/home/ci/repo/")
    _validate(document)
    assert _uri(document) == {"uri": "app%20dir/t.yaml", "uriBaseId": "%SRCROOT%"}
    base = document["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]["uri"]
    assert base == "file:///home/ci/repo/"


def test_path_outside_root_stays_absolute(result: ScanResult) -> None:
    document = _render(_with_file(result, "/elsewhere/t.yaml"), root="/home/ci/repo")
    _validate(document)
    assert _uri(document) == {"uri": "file:///elsewhere/t.yaml"}


def test_dot_slash_prefix_is_dropped(result: ScanResult) -> None:
    document = _render(_with_file(result, "./app/t.yaml"))
    assert _uri(document) == {"uri": "app/t.yaml", "uriBaseId": "%SRCROOT%"}
    assert "originalUriBaseIds" not in document["runs"][0]

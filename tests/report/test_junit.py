"""JUnit XML: well-formed, escaped, one suite per rule, counts that add up."""

from __future__ import annotations

import dataclasses
import xml.etree.ElementTree as ET

from faasguard.model import ScanResult
from faasguard.report import junit
from faasguard.report.options import ReportOptions


def _root(result: ScanResult, show_suppressed: bool = False) -> ET.Element:
    options = ReportOptions(show_suppressed=show_suppressed)
    return ET.fromstring(junit.render(result, options).encode("utf-8"))


def test_markup_and_unicode_survive_a_round_trip(result: ScanResult) -> None:
    root = _root(result)
    failures = {f.get("type"): f for f in root.iter("failure")}
    assert failures["high"].get("message") == 'Route <GET /a&b> is open to "anyone" [public]'
    assert failures["critical"].get("message") == "Rôle « admin » grants Action '*' → everything"
    assert "fix: Replace '*' with s3:GetObject." in (failures["critical"].text or "")
    assert "why: A role that allows every action" in (failures["critical"].text or "")


def test_control_characters_are_dropped_so_the_xml_stays_valid(result: ScanResult) -> None:
    out = junit.render(result, ReportOptions())
    assert "\x07" not in out
    low = [f for f in _root(result).iter("failure") if f.get("type") == "low"]
    assert low[0].get("message") == "Log line with a bell  character"


def test_suite_counts_add_up(result: ScanResult) -> None:
    root = _root(result, show_suppressed=True)
    suites = {s.get("name", "").split()[0]: s for s in root.iter("testsuite")}
    counts = {k: (s.get("tests"), s.get("failures"), s.get("skipped")) for k, s in suites.items()}
    assert counts == {
        "TST001": ("1", "1", "0"),
        "TST002": ("1", "1", "0"),
        "TST003": ("2", "0", "2"),  # both suppressed: shown as skipped
        "TST004": ("1", "1", "0"),
        "TST005": ("1", "0", "1"),  # inconclusive
        "TST006": ("1", "0", "0"),  # no findings: one passing case
    }
    assert (root.get("tests"), root.get("failures"), root.get("skipped")) == ("7", "3", "3")
    assert root.get("errors") == "0"


def test_rule_without_findings_has_one_passing_case(result: ScanResult) -> None:
    suite = next(
        s for s in _root(result).iter("testsuite") if s.get("name", "").startswith("TST006")
    )
    (case,) = suite.findall("testcase")
    assert list(case) == [] and case.get("classname") == "faasguard.TST006"


def test_clean_scan_is_all_passing(result: ScanResult) -> None:
    clean = dataclasses.replace(result, findings=(), inconclusive=())
    root = _root(clean)
    assert (root.get("tests"), root.get("failures"), root.get("skipped")) == ("6", "0", "0")

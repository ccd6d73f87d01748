"""Golden reports of the sample result, each cross-checked against the hand-written input.

A golden is rewritten only with FAASGUARD_UPDATE_GOLDENS=1; the assertions below state what the
sample (tests/report/conftest.py) must produce, so a regenerated golden cannot hide a wrong answer.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Callable

import pytest

from faasguard.model import ScanResult
from faasguard.report import FORMATS
from faasguard.report.options import ReportOptions

Golden = Callable[[str, str], None]

# By hand from conftest.py: active findings in engine order (severity, file, line).
ACTIVE = [("TST001", "app/template.yaml", 12), ("TST002", "app/template.yaml", 30)]
ACTIVE += [("TST004", "other/template.json", 0)]
SUPPRESSED = [("TST003", "other/template.json", 5), ("TST003", "other/template.json", 9)]
RULE_IDS = ["TST001", "TST002", "TST003", "TST004", "TST005", "TST006"]


def test_formats_are_the_four_of_the_cli() -> None:
    assert sorted(FORMATS) == ["json", "junit", "sarif", "text"]


def test_text_golden(result: ScanResult, golden: Golden) -> None:
    out = FORMATS["text"](result, ReportOptions(show_suppressed=True))
    golden("sample.txt", out)
    heads = [line for line in out.splitlines() if line.startswith("  ") and line[2] != " "]
    assert [h.split()[:2] for h in heads] == [
        ["app/template.yaml:12", "TST001"],
        ["app/template.yaml:30", "TST002"],
        ["other/template.json:5", "TST003"],
        ["other/template.json:9", "TST003"],
        ["other/template.json", "TST004"],
        ["other/template.json:20", "TST005"],  # the inconclusive entry
    ]
    assert out.splitlines()[-1] == (
        "3 findings (1 critical, 1 high, 0 medium, 1 low, 0 info); "
        "2 suppressed; 1 inconclusive; 2 files scanned"
    )


def test_json_golden(result: ScanResult, golden: Golden) -> None:
    out = FORMATS["json"](result, ReportOptions())
    golden("sample.json", out)
    report = json.loads(out)
    got = [(f["rule_id"], f["location"]["file"], f["location"]["line"]) for f in report["findings"]]
    assert got == ACTIVE
    assert report["summary"]["by_severity"] == {
        "critical": 1,
        "high": 1,
        "medium": 0,
        "low": 1,
        "info": 0,
    }
    assert (report["summary"]["suppressed"], report["summary"]["inconclusive"]) == (2, 1)
    assert [r["id"] for r in report["rules"]] == RULE_IDS
    assert report["inconclusive"][0]["location"]["line"] == 20


def test_sarif_golden(result: ScanResult, golden: Golden) -> None:
    out = FORMATS["sarif"](result, ReportOptions(show_suppressed=True))
    golden("sample.sarif", out)
    run = json.loads(out)["runs"][0]
    results = run["results"]
    got = [
        (
            r["ruleId"],
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            r["locations"][0]["physicalLocation"].get("region", {}).get("startLine", 0),
        )
        for r in results
    ]
    assert got == ACTIVE[:2] + SUPPRESSED + ACTIVE[2:]
    assert [r["level"] for r in results] == ["error", "error", "warning", "warning", "note"]
    assert [bool(r.get("suppressions")) for r in results] == [False, False, True, True, False]
    assert [rule["id"] for rule in run["tool"]["driver"]["rules"]] == RULE_IDS
    assert len(run["invocations"][0]["toolExecutionNotifications"]) == 1


def test_junit_golden(result: ScanResult, golden: Golden) -> None:
    out = FORMATS["junit"](result, ReportOptions())
    golden("sample.junit.xml", out)
    root = ET.fromstring(out.encode())
    assert [s.get("name", "").split()[0] for s in root.iter("testsuite")] == RULE_IDS
    failed = [
        (case.get("classname"), case.get("file"), int(case.get("line", "0")))
        for case in root.iter("testcase")
        if case.find("failure") is not None
    ]
    assert failed == [(f"faasguard.{rid}", file, line) for rid, file, line in ACTIVE]
    # 3 findings + 1 inconclusive + passing cases for TST003 (all suppressed) and TST006
    assert (root.get("tests"), root.get("failures"), root.get("skipped")) == ("6", "3", "1")


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_render_is_pure(result: ScanResult, fmt: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Same input, same output: no clock, no environment (rich reads COLUMNS, FORCE_COLOR...)."""
    options = ReportOptions(show_suppressed=True)
    first = FORMATS[fmt](result, options)
    monkeypatch.setenv("COLUMNS", "33")
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.setenv("TERM", "dumb")
    assert FORMATS[fmt](result, options) == first

"""The terminal report: groups, fields, summary, colour only when asked, no terminal injection."""

from __future__ import annotations

import dataclasses

from faasguard.model import ScanResult
from faasguard.report import text
from faasguard.report.options import ReportOptions


def test_groups_are_ordered_critical_first(result: ScanResult) -> None:
    out = text.render(result, ReportOptions(show_suppressed=True))
    headings = [line for line in out.splitlines() if line and not line.startswith(" ")]
    assert headings[:-1] == [
        "CRITICAL (1)",
        "HIGH (1)",
        "MEDIUM (2)",
        "LOW (1)",
        "INCONCLUSIVE (1)",
    ]


def test_suppressed_findings_hidden_by_default_but_counted(result: ScanResult) -> None:
    out = text.render(result, ReportOptions())
    assert "MEDIUM" not in out and "Queue" not in out
    assert "; 2 suppressed;" in out.splitlines()[-1]


def test_finding_fields(result: ScanResult) -> None:
    out = text.render(result, ReportOptions(width=200))
    assert "  app/template.yaml:12  TST001 Role grants every action\n" in out
    for line in (
        "resource: OrderFn",
        "evidence: Action: '*'",
        "related: app/template.yaml:40",
        "fix: Replace '*' with s3:GetObject.",  # the finding's own fix
        "fix: Remediation of TST002.",  # the rule's remediation when the finding has none
        'message: Route <GET /a&b> is open to "anyone" [public]',
    ):
        assert f"    {line}\n" in out


def test_why_is_the_first_paragraph_shortened(result: ScanResult) -> None:
    out = text.render(result, ReportOptions(width=1000))
    why = next(line for line in out.splitlines() if "why: A role" in line)
    assert why.endswith("deliberately longer…")
    assert len(why.split("why: ", 1)[1]) <= text.WHY_LIMIT
    assert "second paragraph" not in out


def test_colour_only_when_asked(result: ScanResult) -> None:
    assert "\x1b[" not in text.render(result, ReportOptions())
    assert "\x1b[" in text.render(result, ReportOptions(color=True))


def test_width_is_respected(result: ScanResult) -> None:
    out = text.render(result, ReportOptions(width=60))
    body = out.splitlines()[:-1]  # the summary line is never wrapped
    assert max(len(line) for line in body) <= 60
    assert not [line for line in out.splitlines() if line != line.rstrip()]


def test_escape_sequences_from_templates_are_neutralised(result: ScanResult) -> None:
    hostile = dataclasses.replace(result.findings[0], message="evil \x1b]0;pwned\x07 title")
    out = text.render(dataclasses.replace(result, findings=(hostile,)), ReportOptions(color=True))
    assert "\x1b]" not in out
    assert "evil \\x1b]0;pwned\\x07 title" in out


def test_clean_scan(result: ScanResult) -> None:
    clean = dataclasses.replace(result, findings=(), inconclusive=(), files=("t.yaml",))
    out = text.render(clean, ReportOptions())
    assert out == (
        "No findings.\n"
        "0 findings (0 critical, 0 high, 0 medium, 0 low, 0 info); 0 suppressed; "
        "0 inconclusive; 1 file scanned\n"
    )

"""JUnit XML for CI test dashboards: one testsuite per rule, one failing testcase per finding."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from faasguard.model import Finding, InconclusiveResult, RuleInfo, ScanResult
from faasguard.report._common import TOOL_NAME, all_rules, shorten, shown_findings
from faasguard.report.options import ReportOptions

# XML 1.0 cannot carry most control characters, even escaped: drop them rather than emit
# a document no parser accepts.
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
WHY_LIMIT = 240


def render(result: ScanResult, options: ReportOptions) -> str:
    findings = shown_findings(result, options)
    root = ET.Element("testsuites", {"name": TOOL_NAME})
    for info in all_rules(result):
        mine = [f for f in findings if f.rule.id == info.id]
        pending = [i for i in result.inconclusive if i.rule_id == info.id]
        root.append(_suite(info, mine, pending))
    _set_counts(root, root.findall("testsuite"))
    ET.indent(root, space="  ")
    body = ET.tostring(root, encoding="unicode")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"


def _clean(text: str) -> str:
    return _INVALID_XML.sub("", text)


def _suite(
    info: RuleInfo, findings: list[Finding], pending: list[InconclusiveResult]
) -> ET.Element:
    suite = ET.Element("testsuite", {"name": _clean(f"{info.id} {info.name}")})
    properties = ET.SubElement(suite, "properties")
    for name, value in (
        ("title", info.title),
        ("pillar", info.pillar.value),
        ("default-severity", info.severity.label),
    ):
        ET.SubElement(properties, "property", {"name": name, "value": _clean(value)})
    for finding in findings:
        suite.append(_finding_case(finding))
    for item in pending:
        suite.append(_inconclusive_case(item))
    if not findings and not pending:
        ET.SubElement(suite, "testcase", _case_attributes(info.id, f"{info.id}: no findings", ""))
    _set_counts(suite, suite.findall("testcase"))
    return suite


def _case_attributes(rule_id: str, name: str, file: str, line: int = 0) -> dict[str, str]:
    attributes = {"classname": f"{TOOL_NAME}.{rule_id}", "name": _clean(name), "time": "0"}
    if file:
        attributes["file"] = _clean(file)
    if line > 0:
        attributes["line"] = str(line)
    return attributes


def _finding_case(finding: Finding) -> ET.Element:
    loc = finding.location
    name = f"{loc} {finding.resource}".rstrip()
    case = ET.Element("testcase", _case_attributes(finding.rule.id, name, loc.file, loc.line))
    if finding.suppression is not None:
        reason = f"suppressed ({finding.suppression.kind.value}): {finding.suppression.reason}"
        ET.SubElement(case, "skipped", {"message": _clean(reason)})
        return case
    failure = ET.SubElement(
        case,
        "failure",
        {"message": _clean(finding.message), "type": finding.severity.label},
    )
    failure.text = _clean(_details(finding))
    return case


def _details(finding: Finding) -> str:
    lines = [
        f"{finding.rule.id} {finding.rule.title} [{finding.severity.label}]",
        f"location: {finding.location}",
        f"resource: {finding.resource or '-'}",
        f"message: {finding.message}",
    ]
    lines.extend(f"evidence: {item}" for item in finding.evidence)
    lines.extend(f"related: {loc}" for loc in finding.related)
    lines.append(f"why: {shorten(finding.rule.rationale, WHY_LIMIT)}")
    lines.append(f"fix: {finding.fix or finding.rule.remediation}")
    return "\n".join(lines)


def _inconclusive_case(item: InconclusiveResult) -> ET.Element:
    loc = item.location
    name = f"{loc} {item.resource}".rstrip()
    case = ET.Element("testcase", _case_attributes(item.rule_id, name, loc.file, loc.line))
    ET.SubElement(case, "skipped", {"message": _clean(f"inconclusive: {item.reason}")})
    return case


def _set_counts(element: ET.Element, children: list[ET.Element]) -> None:
    """tests/failures/skipped on a suite (from its testcases) or on the root (from its suites)."""
    if element.tag == "testsuites":
        totals = {
            key: sum(int(child.get(key, "0")) for child in children)
            for key in ("tests", "failures", "errors", "skipped")
        }
    else:
        totals = {
            "tests": len(children),
            "failures": sum(1 for c in children if c.find("failure") is not None),
            "errors": 0,
            "skipped": sum(1 for c in children if c.find("skipped") is not None),
        }
    for key, value in totals.items():
        element.set(key, str(value))

"""SARIF 2.1.0 for code-scanning services; valid against the OASIS schema (tested)."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from faasguard.model import (
    Finding,
    InconclusiveResult,
    Location,
    RuleInfo,
    ScanResult,
    Severity,
    SuppressionKind,
)
from faasguard.report._common import (
    INFORMATION_URI,
    TOOL_NAME,
    all_rules,
    relative_path,
    shown_findings,
)
from faasguard.report.options import ReportOptions
from faasguard.report.ruledoc import render_markdown

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SRCROOT = "%SRCROOT%"
FINGERPRINT_KEY = "faasguard/v1"

#: GitHub code scanning maps >= 9.0 to critical, >= 7.0 high, >= 4.0 medium, > 0 low
SECURITY_SEVERITY = {
    Severity.CRITICAL: "9.5",
    Severity.HIGH: "8.0",
    Severity.MEDIUM: "5.5",
    Severity.LOW: "3.0",
    Severity.INFO: "0.0",
}
_IN_SOURCE = frozenset({SuppressionKind.INLINE, SuppressionKind.METADATA})


def level(severity: Severity) -> str:
    if severity >= Severity.HIGH:
        return "error"
    if severity == Severity.MEDIUM:
        return "warning"
    return "note"


def render(result: ScanResult, options: ReportOptions) -> str:
    rules = all_rules(result)
    index = {info.id: position for position, info in enumerate(rules)}
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": TOOL_NAME,
                "version": result.tool_version,
                "semanticVersion": result.tool_version,
                "informationUri": INFORMATION_URI,
                "rules": [_rule(info) for info in rules],
            }
        },
        "invocations": [_invocation(result, options)],
        "results": [_result(f, index[f.rule.id], options) for f in shown_findings(result, options)],
        "columnKind": "unicodeCodePoints",
        "properties": {
            "filesScanned": len(result.files),
            "suppressedCount": len(result.suppressed),
            "inconclusiveCount": len(result.inconclusive),
            "inconclusive": [_inconclusive_property(i, options) for i in result.inconclusive],
        },
    }
    base = _original_base(options.root)
    if base:
        run["originalUriBaseIds"] = {SRCROOT: {"uri": base}}
    document = {"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": [run]}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _rule(info: RuleInfo) -> dict[str, Any]:
    return {
        "id": info.id,
        "name": info.name,
        "shortDescription": {"text": info.title},
        "fullDescription": {"text": info.rationale or info.title},
        "help": {"text": _help_text(info), "markdown": render_markdown(info)},
        "defaultConfiguration": {"level": level(info.severity)},
        "properties": {
            "security-severity": SECURITY_SEVERITY[info.severity],
            "tags": ["security", info.pillar.value],
            "precision": "high",
        },
    }


def _help_text(info: RuleInfo) -> str:
    return f"{info.title}\n\n{info.rationale}\n\nFix: {info.remediation}".strip()


def _invocation(result: ScanResult, options: ReportOptions) -> dict[str, Any]:
    notes = [_notification(item, options) for item in result.inconclusive]
    return {
        "executionSuccessful": not result.incomplete,
        "toolExecutionNotifications": notes,
    }


def _notification(item: InconclusiveResult, options: ReportOptions) -> dict[str, Any]:
    return {
        "level": "note",
        "message": {
            "text": f"{item.rule_id} inconclusive for {item.resource or 'the file'}: {item.reason}"
        },
        "descriptor": {"id": "inconclusive"},
        "associatedRule": {"id": item.rule_id},
        "locations": [_location(item.location, options, item.resource)],
    }


def _inconclusive_property(item: InconclusiveResult, options: ReportOptions) -> dict[str, Any]:
    return {
        "ruleId": item.rule_id,
        "resource": item.resource,
        "file": relative_path(item.location.file, options.root),
        "line": item.location.line,
        "reason": item.reason,
    }


def _result(finding: Finding, rule_index: int, options: ReportOptions) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "ruleId": finding.rule.id,
        "ruleIndex": rule_index,
        "level": level(finding.severity),
        "message": {"text": _message(finding)},
        "locations": [_location(finding.location, options, finding.resource)],
        "partialFingerprints": {FINGERPRINT_KEY: finding.fingerprint},
        "properties": {"severity": finding.severity.label, "resource": finding.resource},
    }
    entry["properties"].update(finding.properties)  # rule facts, e.g. DEP001 "reachable"
    if finding.related:
        entry["relatedLocations"] = [
            {"id": n, **_location(loc, options, "")} for n, loc in enumerate(finding.related, 1)
        ]
    if finding.suppression is not None:
        kind = "inSource" if finding.suppression.kind in _IN_SOURCE else "external"
        entry["suppressions"] = [
            {
                "kind": kind,
                "status": "accepted",
                "justification": finding.suppression.reason,
                "properties": {"faasguardKind": finding.suppression.kind.value},
            }
        ]
    return entry


def _message(finding: Finding) -> str:
    parts = [finding.message]
    if finding.evidence:
        parts.append("Evidence: " + "; ".join(finding.evidence))
    parts.append("Fix: " + (finding.fix or finding.rule.remediation))
    return "\n".join(parts)


def _location(loc: Location, options: ReportOptions, resource: str) -> dict[str, Any]:
    physical: dict[str, Any] = {"artifactLocation": _artifact(loc.file, options.root)}
    if loc.line > 0:
        region: dict[str, int] = {"startLine": loc.line}
        if loc.column > 0:
            region["startColumn"] = loc.column
        physical["region"] = region
    entry: dict[str, Any] = {"physicalLocation": physical}
    if resource:
        entry["logicalLocations"] = [{"name": resource, "kind": "resource"}]
    return entry


def _artifact(file: str, root: str) -> dict[str, str]:
    """A relative URI against %SRCROOT%; a path still absolute becomes a file:// URI."""
    path = relative_path(file, root).replace("\\", "/")
    if path.startswith("/"):
        return {"uri": "file://" + quote(path)}
    while path.startswith("./"):
        path = path[2:]
    return {"uri": quote(path), "uriBaseId": SRCROOT}


def _original_base(root: str) -> str:
    """%SRCROOT% as an absolute file URI ending in '/', when the caller told us the root."""
    if not root.startswith("/"):
        return ""
    return "file://" + quote(root.rstrip("/") + "/")

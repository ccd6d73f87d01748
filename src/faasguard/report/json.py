"""The JSON report, with a documented, versioned schema: docs/json-report.md, report-schema.json."""

from __future__ import annotations

import json
from typing import Any

from faasguard.model import Finding, InconclusiveResult, Location, RuleInfo, ScanResult
from faasguard.report._common import (
    INFORMATION_URI,
    TOOL_NAME,
    all_rules,
    severity_counts,
    shown_findings,
)
from faasguard.report.options import ReportOptions

#: bump the minor version for added fields, the major version for changed or removed ones
SCHEMA_VERSION = "1.0"


def render(result: ScanResult, options: ReportOptions) -> str:
    document = {
        "schema_version": SCHEMA_VERSION,
        "tool": {
            "name": TOOL_NAME,
            "version": result.tool_version,
            "information_uri": INFORMATION_URI,
        },
        "summary": _summary(result),
        "findings": [_finding(f) for f in shown_findings(result, options)],
        "inconclusive": [_inconclusive(i) for i in result.inconclusive],
        "rules": [_rule(info) for info in all_rules(result)],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _summary(result: ScanResult) -> dict[str, Any]:
    """Counts describe the whole scan, whether or not suppressed findings are listed."""
    counts = severity_counts(result.active)
    return {
        "files_scanned": len(result.files),
        "files": list(result.files),
        "findings": len(result.active),
        "by_severity": {severity.label: n for severity, n in counts.items()},
        "suppressed": len(result.suppressed),
        "inconclusive": len(result.inconclusive),
        "fail_on": result.fail_on.label,
        "failed": result.failed,
        "incomplete": result.incomplete,
        "stats": {name: value for name, value in sorted(result.stats)},
        "apps": [
            {"source": a.source, "framework": a.framework.value, "functions": a.functions}
            for a in result.apps
        ],
    }


def _location(loc: Location) -> dict[str, Any]:
    return {"file": loc.file, "line": loc.line, "column": loc.column}


def _finding(finding: Finding) -> dict[str, Any]:
    suppression = finding.suppression
    extra = {"facts": dict(finding.properties)} if finding.properties else {}
    return {
        "rule_id": finding.rule.id,
        "rule_name": finding.rule.name,
        "title": finding.rule.title,
        "pillar": finding.rule.pillar.value,
        "severity": finding.severity.label,
        "resource": finding.resource,
        "message": finding.message,
        "location": _location(finding.location),
        "related": [_location(loc) for loc in finding.related],
        "evidence": list(finding.evidence),
        "fix": finding.fix or finding.rule.remediation,
        "fingerprint": finding.fingerprint,
        "suppressed": suppression is not None,
        "suppression": None
        if suppression is None
        else {
            "kind": suppression.kind.value,
            "reason": suppression.reason,
            "location": _location(suppression.location) if suppression.location else None,
        },
        **extra,  # rule facts, only when the rule gives some (DEP001: reachable)
    }


def _inconclusive(item: InconclusiveResult) -> dict[str, Any]:
    return {
        "rule_id": item.rule_id,
        "resource": item.resource,
        "location": _location(item.location),
        "reason": item.reason,
    }


def _rule(info: RuleInfo) -> dict[str, Any]:
    return {
        "id": info.id,
        "name": info.name,
        "title": info.title,
        "pillar": info.pillar.value,
        "severity": info.severity.label,
        "rationale": info.rationale,
        "remediation": info.remediation,
        "frameworks": [f.value for f in info.frameworks],
        "references": list(info.references),
        "equivalents": list(info.equivalents),
        "since": info.since,
    }

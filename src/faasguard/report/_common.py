"""Small helpers every reporter shares: which findings to show, counts, rule lookup, paths."""

from __future__ import annotations

from faasguard.model import Finding, RuleInfo, ScanResult, Severity
from faasguard.report.options import ReportOptions

TOOL_NAME = "faasguard"
#: where users learn about the tool (SARIF tool.driver.informationUri)
INFORMATION_URI = "https://github.com/faasguard/faasguard"

#: critical first: the order of groups, summaries and severity tables in every format
SEVERITIES_DESCENDING: tuple[Severity, ...] = tuple(sorted(Severity, reverse=True))


def shown_findings(result: ScanResult, options: ReportOptions) -> tuple[Finding, ...]:
    """Findings the report lists, in the engine's order; suppressed ones only on request."""
    if options.show_suppressed:
        return result.findings
    return result.active


def severity_counts(findings: tuple[Finding, ...]) -> dict[Severity, int]:
    """Count per severity, every severity present (zero included), critical first."""
    counts = dict.fromkeys(SEVERITIES_DESCENDING, 0)
    for finding in findings:
        counts[finding.severity] += 1
    return counts


def all_rules(result: ScanResult) -> tuple[RuleInfo, ...]:
    """The rules that ran plus any rule a finding names (diagnostics), sorted by id, unique."""
    by_id = {info.id: info for info in result.rules}
    for finding in result.findings:
        by_id.setdefault(finding.rule.id, finding.rule)
    return tuple(by_id[key] for key in sorted(by_id))


def relative_path(file: str, root: str) -> str:
    """``file`` without the ``root`` prefix (and its separator); unchanged outside ``root``."""
    if not root:
        return file
    prefix = root.rstrip("/") + "/"
    return file[len(prefix) :] if file.startswith(prefix) else file


def shorten(text: str, limit: int) -> str:
    """The first paragraph of ``text`` cut at a word boundary to at most ``limit`` characters."""
    paragraph = " ".join(text.strip().split("\n\n", 1)[0].split())
    if len(paragraph) <= limit:
        return paragraph
    cut = paragraph[: limit - 1].rsplit(" ", 1)[0]
    return cut.rstrip(",;:") + "…"

"""Run rules over apps and turn their answers into sorted, suppressed, fingerprinted findings."""

from __future__ import annotations

import hashlib
import traceback
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from faasguard.config import InlineIgnore, matches
from faasguard.model import (
    App,
    Diagnostic,
    Finding,
    Inconclusive,
    InconclusiveResult,
    Location,
    Resource,
    Rule,
    RuleContext,
    RuleInfo,
    Severity,
    Suppression,
    SuppressionKind,
    Violation,
)
from faasguard.rules.diagnostics import DIAGNOSTICS, FG003

_DIAGNOSTIC_INFO = {info.id: info for info in DIAGNOSTICS}


@dataclass(frozen=True, slots=True, kw_only=True)
class EngineSettings:
    """What the engine needs beyond the rules: already validated by the caller."""

    context: RuleContext
    severity_overrides: Mapping[str, Severity] = field(default_factory=dict)
    baseline: frozenset[str] = frozenset()
    #: file display name -> inline ignore comments of that file
    inline: Mapping[str, Mapping[int, InlineIgnore]] = field(default_factory=dict)


def select_rules(rules: Iterable[Rule], select: Iterable[str], ignore: Iterable[str]) -> list[Rule]:
    chosen = list(select)
    skipped = list(ignore)
    return [
        r
        for r in rules
        if (not chosen or matches(r.info.id, chosen)) and not matches(r.info.id, skipped)
    ]


def fingerprint(rule_id: str, file: str, resource: str, key: str) -> str:
    """Line-independent identity of a finding: survives edits above it, not a file rename."""
    digest = hashlib.sha256(f"{rule_id}\x1f{file}\x1f{resource}\x1f{key}".encode())
    return digest.hexdigest()[:32]


@dataclass(slots=True)
class AppOutcome:
    findings: list[Finding] = field(default_factory=list)
    inconclusive: list[InconclusiveResult] = field(default_factory=list)


def _violation_finding(
    info: RuleInfo, v: Violation, settings: EngineSettings, resource: Resource | None
) -> Finding:
    own = v.severity if v.severity is not None else info.severity  # INFO is 0: test for None
    severity = settings.severity_overrides.get(info.id, own)
    evidence = v.evidence + (resource.assumptions if resource else ())
    draft = Finding(
        rule=info,
        severity=severity,
        resource=v.resource,
        location=v.location,
        message=v.message,
        evidence=evidence,
        related=v.related,
        fix=v.fix,
        fingerprint=fingerprint(info.id, v.location.file, v.resource, v.key or v.message),
        properties=v.properties,
    )
    return _suppress(draft, resource, settings)


def _suppress(finding: Finding, resource: Resource | None, settings: EngineSettings) -> Finding:
    rule_id = finding.rule.id
    if resource is not None:
        for ignore in resource.ignores:
            if ignore.rule == rule_id:
                return _with(
                    finding,
                    Suppression(
                        kind=SuppressionKind.METADATA,
                        reason=ignore.reason,
                        location=ignore.location,
                    ),
                )
    comments = settings.inline.get(finding.location.file, {})
    lines = {finding.location.line}
    if resource is not None and resource.location.file == finding.location.file:
        lines.add(resource.location.line)
    for line in sorted(lines):
        comment = comments.get(line)
        if comment and rule_id in comment.rules and comment.reason:
            loc = Location(file=finding.location.file, line=line)
            return _with(
                finding,
                Suppression(kind=SuppressionKind.INLINE, reason=comment.reason, location=loc),
            )
    if finding.fingerprint in settings.baseline:
        return _with(finding, Suppression(kind=SuppressionKind.BASELINE, reason="in baseline"))
    return finding


def _with(finding: Finding, suppression: Suppression) -> Finding:
    return replace(finding, suppression=suppression)


def diagnostic_finding(diag: Diagnostic, settings: EngineSettings, resource: str = "") -> Finding:
    info = _DIAGNOSTIC_INFO.get(diag.code, _DIAGNOSTIC_INFO["FG002"])
    severity = settings.severity_overrides.get(info.id, info.severity)
    return Finding(
        rule=info,
        severity=severity,
        resource=resource,
        location=diag.location,
        message=diag.message,
        fingerprint=fingerprint(info.id, diag.location.file, resource, diag.message),
    )


def _crash_finding(info: RuleInfo, app: App, exc: BaseException) -> Finding:
    frame = traceback.extract_tb(exc.__traceback__)[-1] if exc.__traceback__ else None
    where = f" at {frame.filename.rsplit('/', 1)[-1]}:{frame.lineno}" if frame else ""
    loc = Location(file=app.source)
    return Finding(
        rule=FG003,
        severity=FG003.severity,
        resource="",
        location=loc,
        message=f"rule {info.id} crashed on this file: {type(exc).__name__}: {exc}{where}",
        fingerprint=fingerprint("FG003", app.source, info.id, type(exc).__name__),
    )


def evaluate(app: App, rules: Sequence[Rule], settings: EngineSettings) -> AppOutcome:
    """All rules over one app; a crashing rule becomes FG003 and the others still run."""
    outcome = AppOutcome()
    by_id = {r.id: r for r in app.resources()}
    for diag in app.diagnostics:
        outcome.findings.append(diagnostic_finding(diag, settings))
    for rule in rules:
        try:
            results = list(rule.check(app, settings.context))
        except Exception as exc:  # a crashing rule must not end the scan (STYLE.md)
            outcome.findings.append(_crash_finding(rule.info, app, exc))
            continue
        for result in results:
            if isinstance(result, Inconclusive):
                outcome.inconclusive.append(
                    InconclusiveResult(
                        rule_id=rule.info.id,
                        resource=result.resource,
                        location=result.location,
                        reason=result.reason,
                    )
                )
            else:
                outcome.findings.append(
                    _violation_finding(rule.info, result, settings, by_id.get(result.resource))
                )
    return outcome


def deduplicate(findings: Iterable[Finding]) -> list[Finding]:
    """One finding per (rule, location, resource, message); sorted for byte-stable reports."""
    unique = {(f.rule.id, f.location, f.resource, f.message): f for f in findings}
    return sorted(unique.values(), key=Finding.sort_key)

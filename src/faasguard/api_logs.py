"""The public library API of CloudTrail threat detection: ``detect(log_paths, options)``.

Detections become ordinary findings (pillar LOGGING, one ``RuleInfo`` per Sigma detection) in a
``ScanResult``, so every reporter of ``faasguard scan`` works unchanged.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from faasguard import __version__
from faasguard.api import ScanOptions, enrich, load_app
from faasguard.config import matches
from faasguard.discover import discover
from faasguard.engine import EngineSettings, diagnostic_finding
from faasguard.logs.detections import Detection
from faasguard.logs.detections import detect as detect_in_hits
from faasguard.logs.engine import ProgressCallback, ReadProblem, evaluate_files
from faasguard.logs.loading import TimeRange
from faasguard.logs.privileges import (
    LAMBDA_RUNTIME_QUERY,
    PRIVILEGE_RULES,
    ObservedCall,
    join_function,
    privilege_findings,
)
from faasguard.logs.reader import find_log_files
from faasguard.logs.sigma import Detector, Kind, RuleSet, builtin_ruleset
from faasguard.model import (
    App,
    Finding,
    Location,
    Pillar,
    RuleContext,
    RuleInfo,
    ScanResult,
    Severity,
)
from faasguard.rules.diagnostics import DIAGNOSTICS

_FG001 = next(d for d in DIAGNOSTICS if d.id == "FG001")


@dataclass(frozen=True, slots=True, kw_only=True)
class LogOptions:
    fail_on: Severity = Severity.HIGH
    since: datetime | None = None
    until: datetime | None = None
    jobs: int = 1
    #: glob patterns of the principals (user/role ARNs) allowed to deploy; see ``logs:`` config
    deploy_principals: tuple[str, ...] = ()
    select: frozenset[str] = frozenset()  # detection ids or prefixes; empty = all
    ignore: frozenset[str] = frozenset()
    progress: ProgressCallback | None = None
    #: application definitions to join the detections to (``--app``)
    app_paths: tuple[str, ...] = ()


def rule_info(detector: Detector) -> RuleInfo:
    """The finding metadata of one Sigma detection."""
    kind = "" if detector.kind is Kind.BASE else f" Sigma {detector.kind.value} correlation."
    return RuleInfo(
        id=detector.id,
        name=detector.name,
        title=detector.title,
        pillar=Pillar.LOGGING,
        severity=detector.severity,
        rationale=detector.description,
        remediation=detector.response,
        frameworks=(),
        references=detector.references,
        limitations="False positives: " + "; ".join(detector.falsepositives) + "." + kind,
    )


def _moment(value: datetime | None) -> str:
    if value is None:
        return ""
    if value.tzinfo is not None:
        value = value.astimezone(UTC)
    return value.strftime("%Y-%m-%dT%H:%M:%S")


def _evidence(d: Detection) -> tuple[str, ...]:
    where = f"line {d.line}" if d.line else (f"#{d.record}" if d.record >= 0 else "see event id")
    items = [
        f"time: {d.time}" + (f" .. {d.last_time}" if d.last_time and d.last_time != d.time else ""),
        f"actor: {d.actor or '?'}",
        f"source IP: {d.source_ip or '?'}",
        f"user agent: {d.user_agent or '?'}",
        f"event: {d.event_name} ({d.event_id or 'no id'}) in {d.account or '?'} {d.region}",
        f"record: {where}",
    ]
    if d.count > 1:
        items.append(f"count: {d.count} in {d.detector.timespan}s")
    items.extend(f"{field}: {value}" for field, value in d.group)
    if d.function:
        items.append(f"function: {d.function}")
    return tuple(items)


def _message(d: Detection) -> str:
    target = f" on {d.resource}" if d.resource else ""
    source = f" from {d.source_ip}" if d.source_ip else ""
    many = f" ({d.count} events)" if d.count > 1 else ""
    return f"{d.detector.title}: {d.event_name}{target} by {d.actor or '?'}{source}{many}"


def to_finding(d: Detection, info: RuleInfo) -> Finding:
    key = f"{d.detector.id}\x1f{d.file}\x1f{d.event_id or d.record}"
    return Finding(
        rule=info,
        severity=info.severity,
        resource=d.resource or d.actor,
        location=Location(file=d.file, line=d.line),
        message=_message(d),
        evidence=_evidence(d),
        fix=d.response,
        fingerprint=hashlib.sha256(key.encode()).hexdigest()[:32],
    )


def _problem_finding(problem: ReadProblem) -> Finding:
    location = Location(file=problem.file, line=problem.line)
    key = f"FG001\x1f{problem.file}\x1f{problem.message}"
    return Finding(
        rule=_FG001,
        severity=_FG001.severity,
        resource="",
        location=location,
        message=f"log file skipped or cut short: {problem.message}",
        fingerprint=hashlib.sha256(key.encode()).hexdigest()[:32],
    )


def selected(ruleset: RuleSet, options: LogOptions) -> list[Detector]:
    return [
        d
        for d in ruleset.detectors
        if (not options.select or matches(d.id, options.select))
        and not matches(d.id, options.ignore)
    ]


def load_apps(paths: Sequence[str]) -> tuple[list[App], list[Finding]]:
    """The applications under ``paths``, enriched (code analysis) like ``faasguard scan`` does;
    definitions that cannot be read become FG001/FG002 findings."""
    found = discover(paths)
    if found.missing:
        raise FileNotFoundError(f"no such file or directory: {', '.join(found.missing)}")
    options = ScanOptions(today=date.today())
    apps: list[App] = []
    problems: list[Finding] = []
    for file in found.files:
        loaded = load_app(file, options.load)
        settings = EngineSettings(context=RuleContext(today=options.today))
        problems.extend(diagnostic_finding(p, settings) for p in loaded.problems)
        if loaded.app is not None:
            apps.append(enrich(loaded.app, options))
    return apps, problems


@dataclass(frozen=True, slots=True, kw_only=True)
class LogRun:
    """Everything one read of the logs produced, for callers that need more than findings."""

    detections: tuple[Detection, ...]
    problems: tuple[ReadProblem, ...]
    records: int
    files: tuple[str, ...]
    #: calls made from inside Lambda: (session ARN, eventSource, eventName, errorCode, count)
    lambda_calls: tuple[ObservedCall, ...] = ()


def run_detections(log_paths: Sequence[str | Path], options: LogOptions) -> LogRun:
    """Read the logs once: detections, read problems, and the calls made from inside Lambda."""
    found = find_log_files(log_paths)
    if found.missing:
        raise FileNotFoundError(f"no such file or directory: {', '.join(found.missing)}")
    ruleset = builtin_ruleset()
    chosen = {d.id for d in selected(ruleset, options)}
    window = TimeRange(since=_moment(options.since), until=_moment(options.until))
    result = evaluate_files(
        list(found.files),
        ruleset,
        window=window,
        jobs=options.jobs,
        progress=options.progress,
        count_query=LAMBDA_RUNTIME_QUERY if options.app_paths else None,
    )
    detections = detect_in_hits(
        ruleset, result.hits, result.files, options.deploy_principals, result.alerts
    )
    calls = tuple(
        ObservedCall(session_arn=a, event_source=s, event_name=n, error_code=e, count=c)
        for a, s, n, e, c in result.counts
    )
    return LogRun(
        detections=tuple(d for d in detections if d.detector.id in chosen),
        problems=result.problems,
        records=result.records,
        files=result.files,
        lambda_calls=calls,
    )


def detect(log_paths: Sequence[str | Path], options: LogOptions) -> ScanResult:
    """Run the CloudTrail detections over the log files and folders in ``log_paths``; with
    ``options.app_paths``, name the function each detection concerns and add the privilege
    report of every function the logs show (CT101-CT103).

    Raises ``FileNotFoundError`` when a path does not exist; an unreadable file becomes an FG001
    finding and the rest is read.
    """
    run = run_detections(log_paths, options)
    detections = list(run.detections)
    infos = {d.id: rule_info(d) for d in selected(builtin_ruleset(), options)}
    extra: list[Finding] = []
    if options.app_paths:
        apps, app_problems = load_apps(options.app_paths)
        detections = [join_function(d, apps) for d in detections]
        extra = app_problems + privilege_findings(apps, run.lambda_calls)
        infos.update({i.id: i for i in PRIVILEGE_RULES})
    findings = [to_finding(d, infos[d.detector.id]) for d in detections]
    findings.extend(_problem_finding(p) for p in run.problems)
    findings.extend(extra)
    rules = list(infos.values()) + ([_FG001] if any(f.rule is _FG001 for f in findings) else [])
    return ScanResult(
        findings=tuple(sorted(findings, key=Finding.sort_key)),
        inconclusive=(),
        rules=tuple(sorted(rules, key=lambda i: i.id)),
        files=run.files,
        tool_version=__version__,
        fail_on=options.fail_on,
        stats=(
            ("log files", len(run.files)),
            ("records", run.records),
            ("detections", len(detections)),
        ),
    )

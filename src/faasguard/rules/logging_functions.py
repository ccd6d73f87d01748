"""Monitoring and logging of functions: active tracing, and log groups with a retention period.

Function log groups are found by name (``/aws/lambda/<function name>``) or by the function's
``LoggingConfig.LogGroup``; the other log groups of the app are LOG016's.
"""

from __future__ import annotations

from collections.abc import Iterator

from faasguard.model import (
    App,
    Function,
    Inconclusive,
    LogGroup,
    Pillar,
    Ref,
    Rule,
    RuleContext,
    RuleInfo,
    RuleResult,
    Severity,
    Text,
    Violation,
)
from faasguard.rules._helpers import missing_control, points_at, unresolved
from faasguard.rules._references import (
    CFN_SLS_TF,
    CWE_532,
    CWE_778,
    EVERY_FRAMEWORK,
    OWASP_LOG,
    WA_LOG,
)
from faasguard.rules._registry import rule

_LAMBDA_LOG_PREFIX = "/aws/lambda/"


LOG001 = RuleInfo(
    id="LOG001",
    name="function-without-tracing",
    title="Function without active X-Ray tracing",
    pillar=Pillar.LOGGING,
    severity=Severity.LOW,
    rationale="Without active tracing a function's calls to other services leave no trace, so "
    "an investigation cannot follow a request from the API to the data it touched. "
    "`PassThrough` only traces requests an upstream service already sampled.",
    remediation="SAM: `Tracing: Active` on the function or in `Globals.Function`. "
    "CloudFormation: `TracingConfig: {Mode: Active}` (the role needs xray:PutTraceSegments, "
    "e.g. the AWSXRayDaemonWriteAccess managed policy).",
    frameworks=EVERY_FRAMEWORK,
    references=(OWASP_LOG, WA_LOG, CWE_778),
    equivalents=("serverless-rules:WS1000", "kics:9488c451", "trivy:AWS-0066", "trivy:AWS-0125"),
    example="Fn:\n  Type: AWS::Serverless::Function\n  Properties:\n    Tracing: PassThrough",
    fixed_example="Fn:\n  Type: AWS::Serverless::Function\n  Properties:\n    Tracing: Active",
    limitations="Tracing enabled by a Lambda extension or OpenTelemetry layer is not seen.",
)


@rule(LOG001)
def function_without_tracing(app: App, ctx: RuleContext) -> Iterator[RuleResult]:
    for fn in app.functions:
        if isinstance(fn.tracing, Ref):
            yield unresolved(fn.id, fn.at("tracing"), "Tracing", fn.tracing)
        elif fn.tracing != "Active":
            state = f"tracing mode {fn.tracing}" if fn.tracing else "tracing not set (off)"
            yield missing_control(
                fn.id,
                fn.at("tracing"),
                f"Function {fn.id} does not have active X-Ray tracing",
                state,
                "Set Tracing: Active (CloudFormation: TracingConfig.Mode: Active).",
            )


LOG002 = RuleInfo(
    id="LOG002",
    name="function-log-retention",
    title="Function has no log group with a retention period",
    pillar=Pillar.LOGGING,
    severity=Severity.LOW,
    rationale="Lambda creates /aws/lambda/<name> on first run with logs kept forever and outside "
    "the stack: nobody decides how long evidence is kept, logs with personal data outlive their "
    "purpose, and the group is not deleted with the stack. Declaring the group with "
    "`RetentionInDays` puts retention under review.",
    remediation="Declare an `AWS::Logs::LogGroup` named `!Sub /aws/lambda/${Fn}` (or the "
    "function's `LoggingConfig.LogGroup`) with `RetentionInDays`.",
    frameworks=EVERY_FRAMEWORK,
    references=(WA_LOG, CWE_778, "OWASP Logging Cheat Sheet: retention"),
    equivalents=("serverless-rules:WS1004",),
    example="Fn:\n  Type: AWS::Serverless::Function\n  Properties:\n    Handler: app.handler",
    fixed_example="FnLogs:\n  Type: AWS::Logs::LogGroup\n  Properties:\n"
    "    LogGroupName: !Sub /aws/lambda/${Fn}\n    RetentionInDays: 30",
    limitations="Groups created by another stack, or a retention set by an account-wide "
    "automation, are not seen.",
)


def _names_function_group(name: Text | None, fn: Function) -> bool:
    """Whether a log group name is the function's default group ``/aws/lambda/<name>``."""
    if isinstance(name, str):
        return isinstance(fn.name, str) and name == _LAMBDA_LOG_PREFIX + fn.name
    if name is None or ("aws/lambda" not in name.text and "Join" not in name.text):
        return False
    if name.target == fn.id:
        return True  # !Sub /aws/lambda/${Fn} or !Join ["", [/aws/lambda/, !Ref Fn]]
    if isinstance(fn.name, Ref) and fn.name.target is not None:
        return name.target == fn.name.target or f"${{{fn.name.target}}}" in name.text
    return False


def _function_group(app: App, fn: Function) -> LogGroup | str | None:
    """The function's log group, a reason it cannot be known (str), or None when there is none."""
    if fn.log_group is not None:
        for group in app.log_groups:
            if points_at(fn.log_group, group.id) or group.name == fn.log_group:
                return group
        return f"LoggingConfig.LogGroup {fn.log_group} is not defined in the template"
    return next((g for g in app.log_groups if _names_function_group(g.name, fn)), None)


@rule(LOG002)
def function_log_retention(app: App, ctx: RuleContext) -> Iterator[RuleResult]:
    for fn in app.functions:
        group = _function_group(app, fn)
        if isinstance(group, str):
            yield Inconclusive(resource=fn.id, location=fn.at("log_group"), reason=group)
            continue
        if group is not None and group.retention_days is not None:
            continue
        evidence = (
            f"log group {group.id} has no RetentionInDays: logs never expire"
            if group is not None
            else "no AWS::Logs::LogGroup named /aws/lambda/<function name> in the template: "
            "Lambda creates one that never expires"
        )
        yield Violation(
            resource=fn.id,
            location=fn.location,
            message=f"Function {fn.id} has no log group with a retention period",
            evidence=(evidence,),
            related=(group.location,) if group is not None else (),
            fix=f"Declare a log group !Sub /aws/lambda/${{{fn.id}}} with RetentionInDays.",
        )


LOG016 = RuleInfo(
    id="LOG016",
    name="log-group-without-retention",
    title="Log group without a retention period",
    pillar=Pillar.LOGGING,
    severity=Severity.LOW,
    rationale="A log group without `RetentionInDays` keeps everything forever: personal data "
    "and leaked secrets in logs outlive any purpose, and storage grows without review. "
    "(Function log groups are reported by LOG002 on the function.)",
    remediation="Set `RetentionInDays` on the `AWS::Logs::LogGroup` to what your audit and "
    "privacy requirements ask for.",
    frameworks=CFN_SLS_TF,
    references=(WA_LOG, CWE_532),
    equivalents=("checkov:CKV_AWS_66", "cfn_nag:W86"),
    example="ApiLogs:\n  Type: AWS::Logs::LogGroup",
    fixed_example="ApiLogs:\n  Type: AWS::Logs::LogGroup\n  Properties:\n    RetentionInDays: 90",
)


@rule(LOG016)
def log_group_without_retention(app: App, ctx: RuleContext) -> Iterator[RuleResult]:
    function_groups = {
        group.id for fn in app.functions if isinstance(group := _function_group(app, fn), LogGroup)
    }
    for group in app.log_groups:
        if group.retention_days is None and group.id not in function_groups:
            yield missing_control(
                group.id,
                group.location,
                f"Log group {group.id} keeps logs forever",
                "no RetentionInDays",
                "Set RetentionInDays.",
            )


RULES: tuple[Rule, ...] = (
    function_without_tracing,
    function_log_retention,
    log_group_without_retention,
)

"""Monitoring and logging of workflows and of the account: Step Functions tracing and execution
logs, and CloudTrail trails whose record can be trusted."""

from __future__ import annotations

from collections.abc import Iterator

from faasguard.model import (
    App,
    Inconclusive,
    Pillar,
    Ref,
    Rule,
    RuleContext,
    RuleInfo,
    RuleResult,
    Severity,
    Violation,
)
from faasguard.rules._helpers import false_or_absent, missing_control, unresolved
from faasguard.rules._references import (
    CFN_SLS_TF,
    CWE_778,
    EVERY_FRAMEWORK,
    OWASP_LOG,
    WA_LOG,
)
from faasguard.rules._registry import rule

LOG011 = RuleInfo(
    id="LOG011",
    name="state-machine-without-tracing",
    title="Step Functions state machine without X-Ray tracing",
    pillar=Pillar.LOGGING,
    severity=Severity.LOW,
    rationale="Without tracing, the services a workflow calls (and how long each took) are not "
    "recorded, which hides both abuse and failures between steps.",
    remediation="SAM: `Tracing: {Enabled: true}` on the StateMachine. CloudFormation: "
    "`TracingConfiguration: {Enabled: true}`.",
    frameworks=EVERY_FRAMEWORK,
    references=(WA_LOG, CWE_778),
    equivalents=("serverless-rules:WS5000", "cdk-nag:AwsSolutions-SF2"),
    example="Flow:\n  Type: AWS::Serverless::StateMachine\n  Properties:\n"
    "    DefinitionUri: f.json",
    fixed_example="Flow:\n  Type: AWS::Serverless::StateMachine\n  Properties:\n"
    "    DefinitionUri: f.json\n    Tracing: {Enabled: true}",
)


@rule(LOG011)
def state_machine_without_tracing(app: App, ctx: RuleContext) -> Iterator[RuleResult]:
    for machine in app.state_machines:
        if isinstance(machine.tracing, Ref):
            yield unresolved(machine.id, machine.at("tracing"), "tracing", machine.tracing)
        elif machine.tracing is not True:
            yield missing_control(
                machine.id,
                machine.at("tracing"),
                f"State machine {machine.id} is not traced with X-Ray",
                f"tracing {'disabled' if machine.tracing is False else 'absent (off)'}",
                "Enable X-Ray tracing on the state machine.",
            )


LOG012 = RuleInfo(
    id="LOG012",
    name="state-machine-without-logging",
    title="Step Functions state machine without execution logging",
    pillar=Pillar.LOGGING,
    severity=Severity.MEDIUM,
    rationale="Express workflows keep no execution history at all, and standard ones only 90 "
    "days of it: without a logging configuration, failed or abused executions cannot be "
    "investigated later.",
    remediation="SAM: `Logging: {Level: ERROR (or ALL), Destinations: [{CloudWatchLogsLogGroup: "
    "{LogGroupArn: ...}}]}`. CloudFormation: `LoggingConfiguration` with the same keys.",
    frameworks=EVERY_FRAMEWORK,
    references=(OWASP_LOG, WA_LOG, CWE_778),
    equivalents=("cdk-nag:AwsSolutions-SF1",),
    example="Flow:\n  Type: AWS::Serverless::StateMachine\n  Properties:\n"
    "    DefinitionUri: f.json",
    fixed_example="Flow:\n  Type: AWS::Serverless::StateMachine\n  Properties:\n"
    "    DefinitionUri: f.json\n    Logging:\n      Level: ERROR\n      Destinations:\n"
    "        - CloudWatchLogsLogGroup: {LogGroupArn: !GetAtt FlowLogs.Arn}",
)


@rule(LOG012)
def state_machine_without_logging(app: App, ctx: RuleContext) -> Iterator[RuleResult]:
    for machine in app.state_machines:
        level = machine.logging_level
        if isinstance(level, Ref):
            yield unresolved(machine.id, machine.at("logging_level"), "logging level", level)
        elif level is None or level == "OFF":
            yield missing_control(
                machine.id,
                machine.at("logging_level"),
                f"State machine {machine.id} does not log its executions",
                f"logging level: {level or 'absent (OFF)'}",
                "Configure logging at level ERROR or ALL to a CloudWatch log group.",
            )


LOG014 = RuleInfo(
    id="LOG014",
    name="trail-weak",
    title="CloudTrail trail without log file validation, multi-region coverage or KMS",
    pillar=Pillar.LOGGING,
    severity=Severity.MEDIUM,
    rationale="CloudTrail is the audit record of every API call. Without log file validation a "
    "privileged intruder can alter or delete log files undetectably; a single-region trail "
    "misses activity in the regions an attacker chooses; without a KMS key anyone who can read "
    "the bucket reads the trail.",
    remediation="Set `EnableLogFileValidation: true`, `IsMultiRegionTrail: true` and `KMSKeyId` "
    "on the `AWS::CloudTrail::Trail`.",
    frameworks=CFN_SLS_TF,
    references=(
        WA_LOG,
        CWE_778,
        "CWE-354: Improper Validation of Integrity Check Value",
    ),
    equivalents=("checkov:CKV_AWS_35", "checkov:CKV_AWS_36", "checkov:CKV_AWS_67"),
    example="Trail:\n  Type: AWS::CloudTrail::Trail\n  Properties:\n    IsLogging: true\n"
    "    S3BucketName: !Ref TrailBucket",
    fixed_example="Trail:\n  Type: AWS::CloudTrail::Trail\n  Properties:\n    IsLogging: true\n"
    "    S3BucketName: !Ref TrailBucket\n    EnableLogFileValidation: true\n"
    "    IsMultiRegionTrail: true\n    KMSKeyId: !Ref TrailKey",
)


@rule(LOG014)
def trail_weak(app: App, ctx: RuleContext) -> Iterator[RuleResult]:
    for trail in app.trails:
        checks = (
            ("EnableLogFileValidation", trail.log_file_validation),
            ("IsMultiRegionTrail", trail.multi_region),
        )
        weak = [
            f"{name}: {false_or_absent(value, 'absent (false)')}"
            for name, value in checks
            if value is not True and not isinstance(value, Ref)
        ]
        if trail.kms_key is None:
            weak.append("KMSKeyId: absent (SSE-S3 only)")
        unknown = [name for name, value in checks if isinstance(value, Ref)]
        if weak:
            yield Violation(
                resource=trail.id,
                location=trail.location,
                message=f"Trail {trail.id} lacks " + ", ".join(w.split(":")[0] for w in weak),
                evidence=tuple(weak),
                fix="Enable log file validation and multi-region coverage, and set KMSKeyId.",
            )
        elif unknown:
            yield Inconclusive(
                resource=trail.id,
                location=trail.location,
                reason=f"unresolved: {', '.join(unknown)}",
            )


RULES: tuple[Rule, ...] = (
    state_machine_without_tracing,
    state_machine_without_logging,
    trail_weak,
)

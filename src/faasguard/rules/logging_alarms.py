"""Monitoring: someone is told when a function fails (LOG017).

An alarm covers a function when it watches the ``AWS/Lambda`` ``Errors`` metric with the
function's ``FunctionName`` dimension, or without any dimension (an account-wide error alarm).
"""

from __future__ import annotations

from collections.abc import Iterator

from faasguard.model import (
    Alarm,
    App,
    Function,
    Pillar,
    Rule,
    RuleContext,
    RuleInfo,
    RuleResult,
    Severity,
    Violation,
)
from faasguard.rules._helpers import points_at
from faasguard.rules._references import (
    CWE_778,
    EVERY_FRAMEWORK,
    OWASP_LOG,
    WA_LOG,
)
from faasguard.rules._registry import rule

_ERROR_METRICS = frozenset({"Errors", "DestinationDeliveryFailures", "DeadLetterErrors"})

LOG017 = RuleInfo(
    id="LOG017",
    name="function-without-error-alarm",
    title="Function errors raise no alarm",
    pillar=Pillar.LOGGING,
    severity=Severity.INFO,
    rationale="Logs and traces only help when someone looks. A function whose errors feed no "
    "CloudWatch alarm can fail, or be made to fail by an attacker probing it with crafted "
    "events, for days before anyone notices; error spikes are often the first visible sign of "
    "injection attempts.",
    remediation="Add an `AWS::CloudWatch::Alarm` on namespace `AWS/Lambda`, metric `Errors`, "
    "dimension `FunctionName: !Ref <Function>`, with an `AlarmActions` target (SNS topic, "
    "incident tool). An account-wide `Errors` alarm without dimensions also counts.",
    frameworks=EVERY_FRAMEWORK,
    references=(OWASP_LOG, WA_LOG, CWE_778),
    example="Fn:\n  Type: AWS::Serverless::Function\n  Properties:\n    Runtime: python3.12",
    fixed_example="FnErrors:\n  Type: AWS::CloudWatch::Alarm\n  Properties:\n"
    "    Namespace: AWS/Lambda\n    MetricName: Errors\n    Dimensions:\n"
    "      - Name: FunctionName\n        Value: !Ref Fn\n    Statistic: Sum\n"
    "    Period: 300\n    EvaluationPeriods: 1\n    Threshold: 1\n"
    "    ComparisonOperator: GreaterThanOrEqualToThreshold\n    AlarmActions: [!Ref OpsTopic]",
    limitations="Alarms defined outside the app (another stack, a monitoring account, "
    "Lambda Insights or a third-party tool) are not seen; metric-math alarms are not read.",
)


def _covers(alarm: Alarm, function: Function) -> bool:
    if alarm.namespace != "AWS/Lambda" or alarm.metric not in _ERROR_METRICS:
        return False
    names = [value for name, value in alarm.dimensions if name == "FunctionName"]
    if not alarm.dimensions:
        return True  # account-wide
    return any(
        points_at(value, function.id) or (function.name is not None and value == function.name)
        for value in names
    )


@rule(LOG017)
def function_without_error_alarm(app: App, ctx: RuleContext) -> Iterator[RuleResult]:
    for function in app.functions:
        if any(_covers(alarm, function) for alarm in app.alarms):
            continue
        yield Violation(
            resource=function.id,
            location=function.location,
            message=f"No CloudWatch alarm watches the errors of function {function.id}",
            evidence=(
                f"{len(app.alarms)} alarm(s) in the template, none on AWS/Lambda Errors "
                f"for {function.id}",
            ),
            fix=f"Add an AWS::CloudWatch::Alarm on AWS/Lambda Errors with FunctionName: "
            f"!Ref {function.id} and an AlarmActions target.",
        )


RULES: tuple[Rule, ...] = (function_without_error_alarm,)

"""Monitoring and logging pillar: traces, logs with retention, and failures that are not lost.

A rule here answers "would we see it, and keep the evidence?": X-Ray tracing, access and execution
logs, log retention, CloudTrail integrity, and somewhere for failed asynchronous events to land
(a dropped event is both lost data and lost evidence of an attack).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import cache
from importlib import resources
from typing import Any

from faasguard.model import (
    Api,
    App,
    Framework,
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
from faasguard.rules._registry import rule

_SAM_CFN = (Framework.SAM, Framework.CLOUDFORMATION)
_CFN = (Framework.CLOUDFORMATION,)
_OWASP_LOG = "OWASP Serverless Top 10: SAS-10 Insufficient Logging and Monitoring"
_WA_LOG = "AWS Well-Architected SEC04-BP01 Configure service and application logging"
_WA_REL = "AWS Well-Architected REL05-BP03 Control and limit retry calls"
_CWE_778 = "CWE-778: Insufficient Logging"
_LAMBDA_LOG_PREFIX = "/aws/lambda/"


@cache
def _invokers() -> dict[str, Any]:
    raw = resources.files("faasguard").joinpath("data/log_async_invokers.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(raw)
    return data


def _points_at(value: Text | None, ident: str) -> bool:
    """Whether a reference (an id, a Ref, or a Sub text) designates resource ``ident``."""
    if value is None:
        return False
    if isinstance(value, Ref):
        return (
            value.target == ident or f"${{{ident}}}" in value.text or (f"${{{ident}." in value.text)
        )
    return value == ident


def _missing(resource_id: str, location: Any, message: str, evidence: str, fix: str) -> Violation:
    return Violation(
        resource=resource_id, location=location, message=message, evidence=(evidence,), fix=fix
    )


# --- Functions -------------------------------------------------------------------------------

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
    frameworks=_SAM_CFN,
    references=(_OWASP_LOG, _WA_LOG, _CWE_778),
    equivalents=("serverless-rules:WS1000", "kics:9488c451", "trivy:AWS-0066", "trivy:AWS-0125"),
    example="Fn:\n  Type: AWS::Serverless::Function\n  Properties:\n    Tracing: PassThrough",
    fixed_example="Fn:\n  Type: AWS::Serverless::Function\n  Properties:\n    Tracing: Active",
    limitations="Tracing enabled by a Lambda extension or OpenTelemetry layer is not seen.",
)


@rule(LOG001)
def function_without_tracing(app: App, ctx: RuleContext) -> Iterator[RuleResult]:
    for fn in app.functions:
        if isinstance(fn.tracing, Ref):
            yield Inconclusive(
                resource=fn.id, location=fn.at("tracing"), reason=f"Tracing is {fn.tracing.text}"
            )
        elif fn.tracing != "Active":
            state = f"tracing mode {fn.tracing}" if fn.tracing else "tracing not set (off)"
            yield _missing(
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
    frameworks=_SAM_CFN,
    references=(_WA_LOG, _CWE_778, "OWASP Logging Cheat Sheet: retention"),
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
            if _points_at(fn.log_group, group.id) or group.name == fn.log_group:
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


LOG006 = RuleInfo(
    id="LOG006",
    name="async-function-without-failure-destination",
    title="Asynchronously invoked function without a DLQ or on-failure destination",
    pillar=Pillar.LOGGING,
    severity=Severity.LOW,
    rationale="S3, SNS, EventBridge and other asynchronous sources hand events to Lambda's "
    "internal queue; after the retries a failing event is silently dropped. Without a dead-letter "
    "queue or an OnFailure destination the event, and the evidence of what it carried (a "
    "poisoned or malicious payload), are gone.",
    remediation="SAM: `DeadLetterQueue: {Type: SQS, TargetArn: ...}` or `EventInvokeConfig."
    "DestinationConfig.OnFailure`. CloudFormation: `DeadLetterConfig.TargetArn` on the function "
    "or an `AWS::Lambda::EventInvokeConfig` with `DestinationConfig.OnFailure`.",
    frameworks=_SAM_CFN,
    references=(_OWASP_LOG, _WA_REL, "CWE-392: Missing Report of Error Condition"),
    equivalents=("checkov:CKV_AWS_116", "serverless-rules:ES1007", "kics:c2eae442"),
    example="Fn:\n  Type: AWS::Serverless::Function\n  Properties:\n    Events:\n"
    "      Upload: {Type: S3, Properties: {Bucket: !Ref In, Events: s3:ObjectCreated:*}}",
    fixed_example="Fn:\n  Type: AWS::Serverless::Function\n  Properties:\n"
    "    DeadLetterQueue: {Type: SQS, TargetArn: !GetAtt FnDlq.Arn}\n    Events:\n"
    "      Upload: {Type: S3, Properties: {Bucket: !Ref In, Events: s3:ObjectCreated:*}}",
    limitations="Asynchronous invokers outside the template (another stack's bucket "
    "notification, a direct Invoke with InvocationType Event) are not seen.",
)


def _async_invokers(app: App, fn: Function) -> list[str]:
    sync_kinds = set(_invokers()["sync_event_kinds"])
    found = [
        f"{e.kind} event {e.id}"
        for e in fn.events
        if e.invocation == "async" and e.kind not in sync_kinds
    ]
    principals = set(_invokers()["principals"])
    found += [
        f"permission {p.id} for {p.principal}"
        for p in app.permissions
        if p.generated_from is None
        and _points_at(p.function, fn.id)
        and isinstance(p.principal, str)
        and p.principal in principals
    ]
    return sorted(found)


@rule(LOG006)
def async_function_without_failure_destination(app: App, ctx: RuleContext) -> Iterator[RuleResult]:
    for fn in app.functions:
        if fn.dead_letter_target is not None or fn.on_failure_destination is not None:
            continue
        invokers = _async_invokers(app, fn)
        if not invokers:
            continue
        yield Violation(
            resource=fn.id,
            location=fn.location,
            message=f"Function {fn.id} is invoked asynchronously but failed events are dropped",
            evidence=(
                *(f"async source: {s}" for s in invokers),
                "no DeadLetterQueue/DeadLetterConfig and no OnFailure destination",
            ),
            fix="Add a dead-letter queue or an EventInvokeConfig OnFailure destination.",
        )


# --- APIs ------------------------------------------------------------------------------------


def _api_owner(api: Api) -> str:
    return api.generated_from or api.id


def _unknown(resource: str, location: Any, what: str, value: Ref) -> Inconclusive:
    return Inconclusive(resource=resource, location=location, reason=f"{what} is {value.text}")


LOG003 = RuleInfo(
    id="LOG003",
    name="api-without-access-logs",
    title="API stage without access logging",
    pillar=Pillar.LOGGING,
    severity=Severity.MEDIUM,
    rationale="Access logs are the only record of who called which route, from where, with "
    "which result; without them credential stuffing, enumeration or data scraping through the "
    "API cannot be detected or investigated.",
    remediation="SAM: `AccessLogSetting` (Api) / `AccessLogSettings` (HttpApi) with a "
    "`DestinationArn` and a JSON `Format`. CloudFormation: `AccessLogSetting` on "
    "`AWS::ApiGateway::Stage`, `AccessLogSettings` on `AWS::ApiGatewayV2::Stage`.",
    frameworks=_SAM_CFN,
    references=(_OWASP_LOG, _WA_LOG, _CWE_778),
    equivalents=(
        "checkov:CKV_AWS_76",
        "checkov:CKV_AWS_95",
        "serverless-rules:ES2000",
        "kics:80d45af4",
    ),
    example="Api:\n  Type: AWS::Serverless::Api\n  Properties:\n    StageName: prod",
    fixed_example="Api:\n  Type: AWS::Serverless::Api\n  Properties:\n    StageName: prod\n"
    "    AccessLogSetting:\n      DestinationArn: !GetAtt ApiLogs.Arn\n"
    '      Format: \'{"requestId":"$context.requestId"}\'',
    limitations="Stages created outside the template are not seen.",
)


@rule(LOG003)
def api_without_access_logs(app: App, ctx: RuleContext) -> Iterator[RuleResult]:
    for api in app.apis:
        if api.protocol == "GRAPHQL" or api.access_log_destination not in (None, ""):
            continue
        yield _missing(
            _api_owner(api),
            api.at("access_log_destination"),
            f"{api.protocol} API {api.id} does not write access logs",
            "no access log destination on the stage",
            "Configure access logging with a DestinationArn and a JSON Format.",
        )


LOG004 = RuleInfo(
    id="LOG004",
    name="rest-api-without-execution-logs",
    title="REST API without execution logging",
    pillar=Pillar.LOGGING,
    severity=Severity.LOW,
    rationale="Execution logs record authorizer decisions, integration errors and throttling; "
    "without them a failing or abused authorizer leaves no trace in CloudWatch.",
    remediation="SAM: `MethodSettings: [{ResourcePath: '/*', HttpMethod: '*', LoggingLevel: "
    "ERROR}]` on the Api. CloudFormation: the same in the Stage's `MethodSettings` (the account "
    "needs an `AWS::ApiGateway::Account` CloudWatch role).",
    frameworks=_SAM_CFN,
    references=(_WA_LOG, _CWE_778),
    equivalents=("cdk-nag:AwsSolutions-APIG6",),
    example="MethodSettings:\n  - ResourcePath: '/*'\n    HttpMethod: '*'\n    LoggingLevel: OFF",
    fixed_example="MethodSettings:\n  - ResourcePath: '/*'\n    HttpMethod: '*'\n"
    "    LoggingLevel: ERROR",
    limitations="Only the stage-wide setting is considered.",
)


@rule(LOG004)
def rest_api_without_execution_logs(app: App, ctx: RuleContext) -> Iterator[RuleResult]:
    for api in (a for a in app.apis if a.protocol == "REST"):
        level = api.execution_logging
        if isinstance(level, Ref):
            yield _unknown(api.id, api.at("execution_logging"), "LoggingLevel", level)
        elif level not in ("ERROR", "INFO"):
            yield _missing(
                _api_owner(api),
                api.at("execution_logging"),
                f"REST API {api.id} does not write execution logs",
                f"LoggingLevel: {level or 'absent (OFF)'}",
                "Set LoggingLevel ERROR or INFO in the stage's MethodSettings.",
            )


LOG005 = RuleInfo(
    id="LOG005",
    name="rest-api-without-tracing",
    title="REST API stage without X-Ray tracing",
    pillar=Pillar.LOGGING,
    severity=Severity.LOW,
    rationale="Without tracing on the stage, a request cannot be followed from API Gateway into "
    "the functions and services behind it. HTTP APIs do not support X-Ray and are not checked.",
    remediation="SAM: `TracingEnabled: true` on the Api (or `Globals.Api`). CloudFormation: "
    "`TracingEnabled: true` on the `AWS::ApiGateway::Stage`.",
    frameworks=_SAM_CFN,
    references=(_OWASP_LOG, _WA_LOG, _CWE_778),
    equivalents=(
        "checkov:CKV_AWS_73",
        "serverless-rules:WS2002",
        "kics:4ab10c48",
        "trivy:AWS-0111",
    ),
    example="Api:\n  Type: AWS::Serverless::Api\n  Properties:\n    StageName: prod",
    fixed_example="Api:\n  Type: AWS::Serverless::Api\n  Properties:\n    StageName: prod\n"
    "    TracingEnabled: true",
)


@rule(LOG005)
def rest_api_without_tracing(app: App, ctx: RuleContext) -> Iterator[RuleResult]:
    for api in (a for a in app.apis if a.protocol == "REST"):
        if isinstance(api.tracing, Ref):
            yield _unknown(api.id, api.at("tracing"), "TracingEnabled", api.tracing)
        elif api.tracing is not True:
            yield _missing(
                _api_owner(api),
                api.at("tracing"),
                f"REST API {api.id} is not traced with X-Ray",
                f"TracingEnabled: {'false' if api.tracing is False else 'absent (off)'}",
                "Set TracingEnabled: true on the stage.",
            )


LOG013 = RuleInfo(
    id="LOG013",
    name="graphql-api-without-tracing",
    title="AppSync GraphQL API without X-Ray tracing",
    pillar=Pillar.LOGGING,
    severity=Severity.LOW,
    rationale="Resolvers reach data sources directly; without tracing a suspicious query cannot "
    "be followed to the tables and functions it touched.",
    remediation="SAM `AWS::Serverless::GraphQLApi` and CloudFormation `AWS::AppSync::GraphQLApi`:"
    " `XrayEnabled: true`.",
    frameworks=_CFN,
    references=(_OWASP_LOG, _WA_LOG, _CWE_778),
    equivalents=("serverless-rules:WS3000",),
    example="Graph:\n  Type: AWS::AppSync::GraphQLApi\n  Properties:\n"
    "    Name: graph\n    AuthenticationType: AWS_IAM",
    fixed_example="Graph:\n  Type: AWS::AppSync::GraphQLApi\n  Properties:\n"
    "    Name: graph\n    AuthenticationType: AWS_IAM\n    XrayEnabled: true",
)


@rule(LOG013)
def graphql_api_without_tracing(app: App, ctx: RuleContext) -> Iterator[RuleResult]:
    for api in (a for a in app.apis if a.protocol == "GRAPHQL"):
        if isinstance(api.tracing, Ref):
            yield _unknown(api.id, api.at("tracing"), "XrayEnabled", api.tracing)
        elif api.tracing is not True:
            yield _missing(
                _api_owner(api),
                api.at("tracing"),
                f"GraphQL API {api.id} is not traced with X-Ray",
                f"XrayEnabled: {'false' if api.tracing is False else 'absent (off)'}",
                "Set XrayEnabled: true.",
            )


LOG015 = RuleInfo(
    id="LOG015",
    name="api-data-trace-on",
    title="REST API logs full requests and responses",
    pillar=Pillar.LOGGING,
    severity=Severity.MEDIUM,
    rationale="`DataTraceEnabled` writes whole request and response bodies and headers to "
    "CloudWatch, including Authorization headers, tokens, passwords and personal data: the log "
    "group becomes a secret store readable by anyone with logs:GetLogEvents.",
    remediation="Remove `DataTraceEnabled: true` from the stage's `MethodSettings` (SAM: the "
    "Api's MethodSettings); use LoggingLevel ERROR/INFO for troubleshooting instead.",
    frameworks=_SAM_CFN,
    references=("CWE-532: Insertion of Sensitive Information into Log File", _WA_LOG),
    equivalents=("checkov:CKV_AWS_276",),
    example="MethodSettings:\n  - ResourcePath: '/*'\n    HttpMethod: '*'\n"
    "    DataTraceEnabled: true",
    fixed_example="MethodSettings:\n  - ResourcePath: '/*'\n    HttpMethod: '*'\n"
    "    DataTraceEnabled: false",
)


@rule(LOG015)
def api_data_trace_on(app: App, ctx: RuleContext) -> Iterator[RuleResult]:
    for api in app.apis:
        if isinstance(api.data_trace, Ref):
            yield _unknown(api.id, api.at("data_trace"), "DataTraceEnabled", api.data_trace)
        elif api.data_trace is True:
            yield _missing(
                _api_owner(api),
                api.at("data_trace"),
                f"API {api.id} logs full request and response data",
                "DataTraceEnabled: true",
                "Turn DataTraceEnabled off.",
            )


# --- Failed deliveries -----------------------------------------------------------------------

LOG007 = RuleInfo(
    id="LOG007",
    name="event-source-mapping-without-failure-destination",
    title="Stream event source mapping without an on-failure destination",
    pillar=Pillar.LOGGING,
    severity=Severity.LOW,
    rationale="A Kinesis, DynamoDB or Kafka batch that keeps failing blocks its shard until the "
    "records expire, then is skipped: without `DestinationConfig.OnFailure` nothing records "
    "which records were lost. (SQS mappings cannot have one: there the queue's redrive policy "
    "matters, checked by LOG008.)",
    remediation="SAM: `DestinationConfig: {OnFailure: {Destination: <queue/topic ARN>}}` on the "
    "Kinesis/DynamoDB/MSK event. CloudFormation: the same on `AWS::Lambda::EventSourceMapping`.",
    frameworks=_SAM_CFN,
    references=(_WA_REL, "CWE-392: Missing Report of Error Condition"),
    equivalents=("serverless-rules:ES1001",),
    example="Mapping:\n  Type: AWS::Lambda::EventSourceMapping\n  Properties:\n"
    "    FunctionName: !Ref Fn\n    EventSourceArn: !GetAtt Clicks.Arn\n"
    "    StartingPosition: LATEST",
    fixed_example="Mapping:\n  Type: AWS::Lambda::EventSourceMapping\n  Properties:\n"
    "    FunctionName: !Ref Fn\n    EventSourceArn: !GetAtt Clicks.Arn\n"
    "    StartingPosition: LATEST\n    DestinationConfig:\n"
    "      OnFailure: {Destination: !GetAtt FailedClicks.Arn}",
    limitations="Amazon MQ and DocumentDB sources are not checked.",
)


def _source_kind(app: App, source: Text | None) -> str | None:
    """'stream', 'queue' or None (unknown) for an event source mapping's source."""
    types = dict(app.resource_types)
    ident = source.target if isinstance(source, Ref) else source
    kind_of = {t: "stream" for t in _invokers()["stream_resource_types"]}
    kind_of.update({t: "queue" for t in _invokers()["queue_resource_types"]})
    if ident is not None and ident in types:
        return kind_of.get(types[ident], "other")
    if isinstance(source, str):
        if any(m in source for m in _invokers()["stream_arn_markers"]):
            return "stream"
        if any(m in source for m in _invokers()["queue_arn_markers"]):
            return "queue"
        return "other"
    return None


@rule(LOG007)
def event_source_mapping_without_failure_destination(
    app: App, ctx: RuleContext
) -> Iterator[RuleResult]:
    for mapping in app.event_source_mappings:
        if mapping.on_failure is not None:
            continue
        kind = _source_kind(app, mapping.source)
        owner = mapping.generated_from or mapping.id
        if kind is None:
            yield Inconclusive(
                resource=owner,
                location=mapping.location,
                reason=f"event source {mapping.source} is not resolved",
            )
        elif kind == "stream":
            yield _missing(
                owner,
                mapping.location,
                f"Event source mapping {mapping.id} has no on-failure destination",
                f"stream source {mapping.source}: failed batches are skipped without a record",
                "Add DestinationConfig.OnFailure with an SQS queue or SNS topic.",
            )


def _dead_letter_references(app: App) -> list[Text]:
    """Every place the app sends failed messages or events to."""
    refs: list[Text | None] = [c.dead_letter_target for c in app.channels]
    refs += [f.dead_letter_target for f in app.functions]
    refs += [f.on_failure_destination for f in app.functions]
    refs += [s.dead_letter_target for s in app.subscriptions]
    refs += [t.dead_letter_target for r in app.event_rules for t in r.targets]
    refs += [m.on_failure for m in app.event_source_mappings]
    return [r for r in refs if r is not None]


LOG008 = RuleInfo(
    id="LOG008",
    name="queue-without-dlq",
    title="SQS queue without a dead-letter queue",
    pillar=Pillar.LOGGING,
    severity=Severity.LOW,
    rationale="A message that its consumer cannot process is retried until its retention "
    "expires and is then deleted: a poison (or deliberately malformed) message keeps a "
    "function busy and then disappears without a trace. A redrive policy moves it to a "
    "dead-letter queue where it can be inspected and alarmed on.",
    remediation="Add `RedrivePolicy: {deadLetterTargetArn: !GetAtt Dlq.Arn, maxReceiveCount: 5}` "
    "to the queue (queues that are themselves dead-letter queues are not reported).",
    frameworks=_CFN,
    references=(_WA_REL, "CWE-392: Missing Report of Error Condition"),
    equivalents=("serverless-rules:ES6000", "cdk-nag:AwsSolutions-SQS3"),
    example="Jobs:\n  Type: AWS::SQS::Queue",
    fixed_example="Jobs:\n  Type: AWS::SQS::Queue\n  Properties:\n    RedrivePolicy:\n"
    "      deadLetterTargetArn: !GetAtt JobsDlq.Arn\n      maxReceiveCount: 5",
    limitations="A queue used as a DLQ by another stack is reported (suppress it with a reason).",
)


@rule(LOG008)
def queue_without_dlq(app: App, ctx: RuleContext) -> Iterator[RuleResult]:
    dead_letter = _dead_letter_references(app)
    for queue in (c for c in app.channels if c.kind == "queue"):
        if queue.dead_letter_target is not None:
            continue
        if any(_points_at(ref, queue.id) for ref in dead_letter):
            continue  # the queue is itself a dead-letter queue
        yield _missing(
            queue.id,
            queue.location,
            f"Queue {queue.id} has no dead-letter queue",
            "no RedrivePolicy: unprocessable messages are deleted when they expire",
            "Add a RedrivePolicy pointing at a dead-letter queue.",
        )


LOG009 = RuleInfo(
    id="LOG009",
    name="subscription-without-dlq",
    title="SNS subscription without a dead-letter queue",
    pillar=Pillar.LOGGING,
    severity=Severity.LOW,
    rationale="When SNS cannot deliver to a subscriber (endpoint down, permission or KMS "
    "error) it retries and then discards the message; a redrive policy keeps it in a "
    "dead-letter queue for inspection and replay.",
    remediation="Add `RedrivePolicy: {deadLetterTargetArn: <queue ARN>}` to the "
    "`AWS::SNS::Subscription` (the queue policy must allow sns.amazonaws.com to send).",
    frameworks=_CFN,
    references=(_WA_REL, "CWE-392: Missing Report of Error Condition"),
    equivalents=("serverless-rules:ES7000",),
    example="Sub:\n  Type: AWS::SNS::Subscription\n  Properties:\n    Protocol: sqs\n"
    "    TopicArn: !Ref Topic\n    Endpoint: !GetAtt Queue.Arn",
    fixed_example="Sub:\n  Type: AWS::SNS::Subscription\n  Properties:\n    Protocol: sqs\n"
    "    TopicArn: !Ref Topic\n    Endpoint: !GetAtt Queue.Arn\n"
    "    RedrivePolicy: {deadLetterTargetArn: !GetAtt SubDlq.Arn}",
)


@rule(LOG009)
def subscription_without_dlq(app: App, ctx: RuleContext) -> Iterator[RuleResult]:
    for sub in app.subscriptions:
        if sub.dead_letter_target is None:
            yield _missing(
                sub.generated_from or sub.id,
                sub.location,
                f"Subscription {sub.id} has no dead-letter queue",
                f"{sub.protocol} subscription without RedrivePolicy: undeliverable messages "
                "are discarded",
                "Add a RedrivePolicy with a deadLetterTargetArn.",
            )


LOG010 = RuleInfo(
    id="LOG010",
    name="eventbridge-target-without-dlq",
    title="EventBridge rule target without a dead-letter queue",
    pillar=Pillar.LOGGING,
    severity=Severity.LOW,
    rationale="EventBridge retries a failed delivery for up to 24 hours and then drops the "
    "event; a target-level dead-letter queue keeps it, with the error, for investigation.",
    remediation="CloudFormation: `DeadLetterConfig: {Arn: <queue ARN>}` on each entry of the "
    "rule's `Targets`. SAM Schedule/EventBridgeRule events: `DeadLetterConfig` on the event.",
    frameworks=_CFN,
    references=(_WA_REL, "CWE-392: Missing Report of Error Condition"),
    equivalents=("serverless-rules:ES4000",),
    example="Targets:\n  - Id: Fn\n    Arn: !GetAtt Fn.Arn",
    fixed_example="Targets:\n  - Id: Fn\n    Arn: !GetAtt Fn.Arn\n"
    "    DeadLetterConfig: {Arn: !GetAtt RuleDlq.Arn}",
)


@rule(LOG010)
def eventbridge_target_without_dlq(app: App, ctx: RuleContext) -> Iterator[RuleResult]:
    for event_rule in app.event_rules:
        for target in event_rule.targets:
            if target.dead_letter_target is not None:
                continue
            yield Violation(
                resource=event_rule.generated_from or event_rule.id,
                location=target.location,
                message=f"Rule {event_rule.id} target {target.id} has no dead-letter queue",
                evidence=(f"target {target.arn}: events that cannot be delivered are dropped",),
                fix="Add DeadLetterConfig with an SQS queue ARN to the target.",
                key=str(target.id),
            )


# --- State machines, trails, log groups --------------------------------------------------------

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
    frameworks=_SAM_CFN,
    references=(_WA_LOG, _CWE_778),
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
            yield _unknown(machine.id, machine.at("tracing"), "tracing", machine.tracing)
        elif machine.tracing is not True:
            yield _missing(
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
    frameworks=_SAM_CFN,
    references=(_OWASP_LOG, _WA_LOG, _CWE_778),
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
            yield _unknown(machine.id, machine.at("logging_level"), "logging level", level)
        elif level is None or level == "OFF":
            yield _missing(
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
    frameworks=_CFN,
    references=(
        _WA_LOG,
        "CWE-778: Insufficient Logging",
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
            f"{name}: {'false' if value is False else 'absent (false)'}"
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
    frameworks=_CFN,
    references=(_WA_LOG, "CWE-532: Insertion of Sensitive Information into Log File"),
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
            yield _missing(
                group.id,
                group.location,
                f"Log group {group.id} keeps logs forever",
                "no RetentionInDays",
                "Set RetentionInDays.",
            )


RULES: tuple[Rule, ...] = (
    function_without_tracing,
    function_log_retention,
    api_without_access_logs,
    rest_api_without_execution_logs,
    rest_api_without_tracing,
    async_function_without_failure_destination,
    event_source_mapping_without_failure_destination,
    queue_without_dlq,
    subscription_without_dlq,
    eventbridge_target_without_dlq,
    state_machine_without_tracing,
    state_machine_without_logging,
    graphql_api_without_tracing,
    trail_weak,
    api_data_trace_on,
    log_group_without_retention,
)

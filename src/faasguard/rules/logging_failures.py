"""Failures that are not lost: somewhere for failed asynchronous events, stream batches, queue
messages, SNS deliveries and EventBridge targets to land (a dropped event is both lost data and
lost evidence of an attack). Which sources invoke asynchronously is data:
``data/log_async_invokers.json``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import cache
from importlib import resources
from typing import Any

from faasguard.model import (
    App,
    Function,
    Inconclusive,
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
from faasguard.rules._helpers import channels, missing_control, owner, points_at
from faasguard.rules._references import (
    CFN_SLS_TF,
    CWE_392,
    EVERY_FRAMEWORK,
    OWASP_LOG,
    WA_RETRY,
)
from faasguard.rules._registry import rule


@cache
def _invokers() -> dict[str, Any]:
    raw = resources.files("faasguard").joinpath("data/log_async_invokers.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(raw)
    return data


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
    frameworks=EVERY_FRAMEWORK,
    references=(OWASP_LOG, WA_RETRY, CWE_392),
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
        and points_at(p.function, fn.id)
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
    frameworks=EVERY_FRAMEWORK,
    references=(WA_RETRY, CWE_392),
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
        if kind is None:
            yield Inconclusive(
                resource=owner(mapping),
                location=mapping.location,
                reason=f"event source {mapping.source} is not resolved",
            )
        elif kind == "stream":
            yield missing_control(
                owner(mapping),
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
    frameworks=CFN_SLS_TF,
    references=(WA_RETRY, CWE_392),
    equivalents=("serverless-rules:ES6000", "cdk-nag:AwsSolutions-SQS3"),
    example="Jobs:\n  Type: AWS::SQS::Queue",
    fixed_example="Jobs:\n  Type: AWS::SQS::Queue\n  Properties:\n    RedrivePolicy:\n"
    "      deadLetterTargetArn: !GetAtt JobsDlq.Arn\n      maxReceiveCount: 5",
    limitations="A queue used as a DLQ by another stack is reported (suppress it with a reason).",
)


@rule(LOG008)
def queue_without_dlq(app: App, ctx: RuleContext) -> Iterator[RuleResult]:
    dead_letter = _dead_letter_references(app)
    for queue in channels(app, "queue"):
        if queue.dead_letter_target is not None:
            continue
        if any(points_at(ref, queue.id) for ref in dead_letter):
            continue  # the queue is itself a dead-letter queue
        yield missing_control(
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
    frameworks=CFN_SLS_TF,
    references=(WA_RETRY, CWE_392),
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
            yield missing_control(
                owner(sub),
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
    frameworks=CFN_SLS_TF,
    references=(WA_RETRY, CWE_392),
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
                resource=owner(event_rule),
                location=target.location,
                message=f"Rule {event_rule.id} target {target.id} has no dead-letter queue",
                evidence=(f"target {target.arn}: events that cannot be delivered are dropped",),
                fix="Add DeadLetterConfig with an SQS queue ARN to the target.",
                key=str(target.id),
            )


RULES: tuple[Rule, ...] = (
    async_function_without_failure_destination,
    event_source_mapping_without_failure_destination,
    queue_without_dlq,
    subscription_without_dlq,
    eventbridge_target_without_dlq,
)

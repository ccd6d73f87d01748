"""A SAM function's ``Events``: event sources plus the resources SAM generates for them.

Names follow the translator: ``<Fn><Event>Permission``, ``<Fn><Event>`` for rules and event
source mappings, ``<Fn>CognitoPermission`` (one per function). Api/HttpApi events are returned
as ``ApiEvent``s: their routes and permissions depend on the API they attach to (sam_api).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from faasguard.loaders.cloudformation import Template
from faasguard.loaders.sam_event_targets import rule_dead_letter, sns_delivery
from faasguard.loaders.sam_poll_policies import poll_policy_document
from faasguard.loaders.sam_roles import AWS_POLICY_PREFIX, RoleGrants, trust_statement
from faasguard.loaders.yamljson import Node, YMap
from faasguard.model import (
    Channel,
    EventRule,
    EventSource,
    EventSourceMapping,
    Framework,
    Location,
    Permission,
    PolicyStatement,
    Ref,
    Role,
    RuleTarget,
    Subscription,
    Text,
)

#: poll event type -> the managed policy SAM attaches to the implicit role
POLL_MANAGED_POLICIES = {
    "SQS": "service-role/AWSLambdaSQSQueueExecutionRole",
    "Kinesis": "service-role/AWSLambdaKinesisExecutionRole",
    "DynamoDB": "service-role/AWSLambdaDynamoDBExecutionRole",
    "MSK": "service-role/AWSLambdaMSKExecutionRole",
}
#: poll event type -> the property holding the source ARN
POLL_SOURCE_KEYS = {
    "SQS": "Queue",
    "Kinesis": "Stream",
    "DynamoDB": "Stream",
    "MSK": "Stream",
    "MQ": "Broker",
    "SelfManagedKafka": "KafkaBootstrapServers",
    "DocumentDB": "Cluster",
}
#: async event type -> (invoking service principal, source property)
PUSH_EVENTS = {
    "S3": ("s3.amazonaws.com", "Bucket"),
    "SNS": ("sns.amazonaws.com", "Topic"),
    "CloudWatchLogs": ("logs.amazonaws.com", "LogGroupName"),
    "Cognito": ("cognito-idp.amazonaws.com", "UserPool"),
    "IoTRule": ("iot.amazonaws.com", "Sql"),
    "AlexaSkill": ("alexa-appkit.amazon.com", "SkillId"),
}
_LOGS_ARN = "arn:aws:logs:${AWS::Region}:${AWS::AccountId}:log-group:"
_IOT_ARN = "arn:aws:iot:${AWS::Region}:${AWS::AccountId}:rule/"
RULE_EVENTS = frozenset({"Schedule", "EventBridgeRule", "CloudWatchEvent"})
#: push events whose service waits for the function's answer (no async retries, no DLQ)
SYNC_PUSH_EVENTS = frozenset({"Cognito", "AlexaSkill"})
API_EVENTS = frozenset({"Api", "HttpApi"})


@dataclass(frozen=True, slots=True, kw_only=True)
class ApiEvent:
    """An Api/HttpApi event waiting for its API: routes are made once all APIs are known."""

    function: str
    name: str
    kind: str  # "Api" | "HttpApi"
    api: str | None  # explicit API id; None = the implicit API
    method: str
    path: str
    auth: YMap
    location: Location
    condition: str | None
    #: RequestModel.ValidateBody: SAM adds a body validator to the method when true
    validate_body: bool | Ref = False


@dataclass(slots=True)
class EventOutput:
    sources: list[EventSource] = field(default_factory=list)
    permissions: list[Permission] = field(default_factory=list)
    mappings: list[EventSourceMapping] = field(default_factory=list)
    rules: list[EventRule] = field(default_factory=list)
    roles: list[Role] = field(default_factory=list)
    api_events: list[ApiEvent] = field(default_factory=list)
    subscriptions: list[Subscription] = field(default_factory=list)
    channels: list[Channel] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class _Event:
    """One entry of ``Events`` with what every handler needs."""

    fn: str
    name: str
    kind: str
    props: YMap
    loc: Location
    condition: str | None


def _base(event: _Event, ident: str, cfn_type: str) -> dict[str, Any]:
    return {
        "id": ident,
        "type": cfn_type,
        "location": event.loc,
        "framework": Framework.SAM,
        "condition": event.condition,
        "generated_from": event.fn,
    }


def _permission(event: _Event, ident: str, principal: str, **extra: Text | None) -> Permission:
    fields: dict[str, Any] = {**_base(event, ident, "AWS::Lambda::Permission"), **extra}
    return Permission(**fields, function=event.fn, principal=principal)


def collect_events(
    tpl: Template, fn: str, events: Node, condition: str | None, grants: RoleGrants
) -> EventOutput:
    """Every event of function ``fn``; role grants SAM adds for them go into ``grants``."""
    out = EventOutput()
    if not isinstance(events, YMap):
        return out
    for name, spec in events.items():
        if not isinstance(spec, YMap):
            continue
        kind = spec.get("Type")
        props = spec.get("Properties")
        if not isinstance(kind, str):
            continue
        event = _Event(
            fn=fn,
            name=name,
            kind=kind,
            props=props if isinstance(props, YMap) else YMap(spec.loc),
            loc=events.key_loc(name),
            condition=condition,
        )
        _dispatch(tpl, event, out, grants)
    return out


def _dispatch(tpl: Template, event: _Event, out: EventOutput, grants: RoleGrants) -> None:
    if event.kind in API_EVENTS:
        out.api_events.append(_api_event(tpl, event))
    elif event.kind in POLL_SOURCE_KEYS:
        _poll_event(tpl, event, out, grants)
    elif event.kind in RULE_EVENTS:
        _rule_event(tpl, event, out)
    elif event.kind == "ScheduleV2":
        _schedule_v2(tpl, event, out)
    elif event.kind in PUSH_EVENTS:
        _push_event(tpl, event, out, grants)
    else:
        out.sources.append(
            EventSource(id=event.name, kind=event.kind, function=event.fn, location=event.loc)
        )


def _api_event(tpl: Template, event: _Event) -> ApiEvent:
    props = event.props
    api_key = "RestApiId" if event.kind == "Api" else "ApiId"
    api = tpl.target(props[api_key]) if api_key in props else None
    auth = props.get("Auth")
    method = tpl.text(props.get("Method"))
    path = tpl.text(props.get("Path"))
    default_method = "ANY" if event.kind == "HttpApi" else ""
    return ApiEvent(
        function=event.fn,
        name=event.name,
        kind=event.kind,
        api=api if isinstance(api, str) else None,
        method=method.upper() if isinstance(method, str) else default_method,
        path=path if isinstance(path, str) else ("$default" if event.kind == "HttpApi" else ""),
        auth=auth if isinstance(auth, YMap) else YMap(event.loc),
        location=event.loc,
        condition=event.condition,
        validate_body=_validate_body(tpl, props),
    )


def _validate_body(tpl: Template, props: YMap) -> bool | Ref:
    model = props.get("RequestModel")
    if not isinstance(model, YMap) or "ValidateBody" not in model:
        return False
    value = tpl.value(model["ValidateBody"])
    return value if isinstance(value, bool | Ref) else False


def _poll_event(tpl: Template, event: _Event, out: EventOutput, grants: RoleGrants) -> None:
    props = event.props
    source_key = POLL_SOURCE_KEYS[event.kind]
    source = tpl.target(props.get(source_key)) if event.kind != "SelfManagedKafka" else None
    on_failure: Text | None = None
    destination = props.get("DestinationConfig")
    if isinstance(destination, YMap) and isinstance(destination.get("OnFailure"), YMap):
        failure = destination["OnFailure"]
        assert isinstance(failure, YMap)
        on_failure = tpl.target(failure.get("Destination"))
    enabled_value = tpl.value(props["Enabled"]) if "Enabled" in props else None
    enabled = enabled_value if isinstance(enabled_value, bool | Ref) else None
    ident = f"{event.fn}{event.name}"
    out.mappings.append(
        EventSourceMapping(
            **_base(event, ident, "AWS::Lambda::EventSourceMapping"),
            function=event.fn,
            source=source,
            on_failure=on_failure,
            enabled=enabled,
        )
    )
    out.sources.append(
        EventSource(
            id=event.name,
            kind=event.kind,
            function=event.fn,
            source=source,
            location=event.loc,
            invocation="poll",
            on_failure=on_failure,
            enabled=enabled,
        )
    )
    if event.kind in POLL_MANAGED_POLICIES:
        grants.add_managed(AWS_POLICY_PREFIX + POLL_MANAGED_POLICIES[event.kind], event.loc)
    document = poll_policy_document(event.kind, props, event.loc)
    if document is not None:
        grants.add_document(tpl, document, f"SAM policy for {event.kind} event {event.name}")


def _rule_event(tpl: Template, event: _Event, out: EventOutput) -> None:
    props = event.props
    ident = f"{event.fn}{event.name}"
    schedule = tpl.text(props.get("Schedule")) if event.kind == "Schedule" else None
    pattern = tpl.data(props["Pattern"]) if "Pattern" in props else None
    target = RuleTarget(
        id=f"{ident}LambdaTarget",
        arn=event.fn,
        location=event.loc,
        dead_letter_target=rule_dead_letter(tpl, props, ident),
    )
    out.rules.append(
        EventRule(
            **_base(event, ident, "AWS::Events::Rule"),
            schedule=schedule,
            pattern=pattern,
            targets=(target,),
        )
    )
    out.permissions.append(
        _permission(
            event,
            f"{ident}Permission",
            "events.amazonaws.com",
            source_arn=Ref(text=f"!GetAtt {ident}.Arn", target=ident, attribute="Arn"),
        )
    )
    out.sources.append(
        EventSource(
            id=event.name, kind=event.kind, function=event.fn, source=ident, location=event.loc
        )
    )


def _schedule_v2(tpl: Template, event: _Event, out: EventOutput) -> None:
    """EventBridge Scheduler invokes through a role SAM generates, not a resource policy."""
    ident = f"{event.fn}{event.name}"
    invoke = PolicyStatement(
        actions=("lambda:InvokeFunction",),
        resources=(Ref(text=f"!GetAtt {event.fn}.Arn", target=event.fn, attribute="Arn"),),
        location=event.loc,
        source=f"SAM policy for ScheduleV2 event {event.name}",
    )
    out.roles.append(
        Role(
            **_base(event, f"{ident}Role", "AWS::IAM::Role"),
            trust=(trust_statement("scheduler.amazonaws.com", event.loc),),
            statements=(invoke,),
        )
    )
    target = RuleTarget(
        id=f"{ident}Target",
        arn=event.fn,
        location=event.loc,
        dead_letter_target=rule_dead_letter(tpl, event.props, ident),
    )
    out.rules.append(
        EventRule(
            **_base(event, ident, "AWS::Scheduler::Schedule"),
            schedule=tpl.text(event.props.get("ScheduleExpression")),
            targets=(target,),
        )
    )
    out.sources.append(
        EventSource(
            id=event.name, kind=event.kind, function=event.fn, source=ident, location=event.loc
        )
    )


def _push_event(tpl: Template, event: _Event, out: EventOutput, grants: RoleGrants) -> None:
    principal, source_key = PUSH_EVENTS[event.kind]
    source = tpl.target(event.props.get(source_key)) if source_key in event.props else None
    ident = f"{event.fn}{event.name}Permission"
    extra: dict[str, Text | None] = {}
    match event.kind:
        case "S3":
            extra["source_account"] = Ref(text="!Ref AWS::AccountId", target="AWS::AccountId")
        case "Cognito":
            ident = f"{event.fn}CognitoPermission"
            extra["source_arn"] = source
        case "SNS":
            extra["source_arn"] = source
            if _sns_delivery(tpl, event, out, grants):
                return
        case "CloudWatchLogs":
            target = source if isinstance(source, str) else None
            extra["source_arn"] = Ref(text=f"{_LOGS_ARN}{source}:*", target=target)
        case "IoTRule":
            rule = f"{event.fn}{event.name}"
            extra["source_arn"] = Ref(text=f"{_IOT_ARN}{rule}", target=rule)
            extra["source_account"] = Ref(text="!Ref AWS::AccountId", target="AWS::AccountId")
            source = f"{event.fn}{event.name}"
        case _:
            pass
    if not any(p.id == ident for p in out.permissions):
        out.permissions.append(_permission(event, ident, principal, **extra))
    out.sources.append(
        EventSource(
            id=event.name,
            kind=event.kind,
            function=event.fn,
            source=source,
            location=event.loc,
            invocation="sync" if event.kind in SYNC_PUSH_EVENTS else "async",
        )
    )


def _sns_delivery(tpl: Template, event: _Event, out: EventOutput, grants: RoleGrants) -> bool:
    """Adds the SNS subscription; True when it goes through a queue (SQS invokes the function,
    so there is no Lambda permission for SNS and the function polls)."""
    delivery = sns_delivery(tpl, event.fn, event.name, event.props, (event.loc, event.condition))
    out.subscriptions.append(delivery.subscription)
    if delivery.queue is not None:
        out.channels.append(delivery.queue)
    if delivery.mapping is None:
        return False
    out.mappings.append(delivery.mapping)
    out.sources.append(
        EventSource(
            id=event.name,
            kind=event.kind,
            function=event.fn,
            source=delivery.subscription.topic,
            location=event.loc,
            invocation="poll",
        )
    )
    grants.add_managed(AWS_POLICY_PREFIX + POLL_MANAGED_POLICIES["SQS"], event.loc)
    return True

"""Function ``events:`` into the resources Serverless generates for them, and the
``EventSource`` each one is on the function (as SAM events are).

API events are built in ``serverless_api``/``serverless_httpapi``; here: ``sqs``, ``stream``,
``schedule``, ``eventBridge``, ``sns``, ``s3``, ``cognitoUserPool``, ``alb``, ``iot``.
"""

from __future__ import annotations

from dataclasses import dataclass

from faasguard.loaders.serverless_api import (
    HTTP_API,
    REST_API,
    WEBSOCKET_API,
    ApiContext,
    add_http,
)
from faasguard.loaders.serverless_httpapi import add_http_api, add_websocket
from faasguard.loaders.serverless_nodes import (
    Out,
    alnum,
    as_list,
    get_att,
    normalize_function,
    put,
    ref,
    section,
    ylist,
    ymap,
)
from faasguard.loaders.yamljson import Node, YMap
from faasguard.model import Diagnostic, Location


@dataclass(frozen=True, slots=True)
class PendingEvent:
    """An event to put on the function once the model is built (``source`` = a logical id of
    a generated resource, or the node the event names)."""

    name: str
    kind: str
    function: str
    source: Node
    location: Location
    invocation: str


@dataclass(slots=True)
class EventWork:
    out: Out
    api: ApiContext
    fn_key: str
    function: str
    pending: list[PendingEvent]
    diagnostics: list[Diagnostic]

    def note(
        self, kind: str, source: Node, at: Location, index: int, invocation: str = "async"
    ) -> None:
        name = f"{normalize_function(self.fn_key)}{kind}{index}"
        self.pending.append(PendingEvent(name, kind, self.function, source, at, invocation))

    def permission(self, suffix: str, principal: str, source_arn: Node, at: Location) -> None:
        props = ymap(
            at,
            FunctionName=get_att(self.function, "Arn", at),
            Action="lambda:InvokeFunction",
            Principal=principal,
            SourceArn=source_arn,
        )
        ident = normalize_function(self.fn_key) + "LambdaPermission" + suffix
        self.out.add(ident, "AWS::Lambda::Permission", at, props, owner=self.function)


def add_events(work: EventWork, events: Node) -> None:
    for index, (item, at) in enumerate(as_list(events), start=1):
        if not isinstance(item, YMap) or len(item) != 1:
            work.diagnostics.append(
                Diagnostic(
                    code="FG002", message="event is not a one-key mapping; ignored", location=at
                )
            )
            continue
        kind, spec = next(iter(item.items()))
        handler = _HANDLERS.get(kind)
        if handler is None:
            message = f"event type {kind} is not modelled; its invoker is not checked"
            work.diagnostics.append(Diagnostic(code="FG002", message=message, location=at))
            continue
        handler(work, spec, at, index)


def _http(work: EventWork, spec: Node, at: Location, index: int) -> None:
    add_http(work.out, work.api, work.fn_key, work.function, spec, at)
    work.note("Api", REST_API, at, index, "sync")


def _http_api(work: EventWork, spec: Node, at: Location, index: int) -> None:
    add_http_api(work.out, work.api, work.fn_key, work.function, spec, at)
    work.note("HttpApi", HTTP_API, at, index, "sync")


def _websocket(work: EventWork, spec: Node, at: Location, index: int) -> None:
    add_websocket(work.out, work.api, work.fn_key, work.function, spec, at)
    work.note("WebSocket", WEBSOCKET_API, at, index, "sync")


def _mapping(work: EventWork, kind: str, arn: Node, spec: YMap, at: Location, index: int) -> None:
    """An event source mapping; the loader puts the polled event on the function itself."""
    props = ymap(at, EventSourceArn=arn, FunctionName=get_att(work.function, "Arn", at))
    put(props, "BatchSize", spec.get("batchSize"), spec.key_loc("batchSize"))
    put(props, "Enabled", spec.get("enabled"), spec.key_loc("enabled"))
    if kind != "SQS":
        put(props, "StartingPosition", spec.get("startingPosition") or "TRIM_HORIZON", at)
    destinations = section(spec, "destinations")
    failure = destinations.get("onFailure") if destinations is not None else None
    if isinstance(failure, YMap):
        failure = failure.get("arn")
    if failure is not None and destinations is not None:
        where = destinations.key_loc("onFailure")
        put(
            props,
            "DestinationConfig",
            ymap(where, OnFailure=ymap(where, Destination=failure)),
            where,
        )
    ident = f"{normalize_function(work.fn_key)}EventSourceMapping{kind}{_name_of(arn, index)}"
    work.out.add(ident, "AWS::Lambda::EventSourceMapping", at, props, owner=work.function)


def _sqs(work: EventWork, spec: Node, at: Location, index: int) -> None:
    options = spec if isinstance(spec, YMap) else ymap(at, arn=spec)
    _mapping(work, "SQS", options.get("arn"), options, at, index)


def _stream(work: EventWork, spec: Node, at: Location, index: int) -> None:
    options = spec if isinstance(spec, YMap) else ymap(at, arn=spec)
    arn = options.get("arn")
    kind = str(options.get("type") or ("kinesis" if ":kinesis:" in str(arn) else "dynamodb"))
    _mapping(work, "Kinesis" if kind == "kinesis" else "DynamodbStream", arn, options, at, index)


def _schedule(work: EventWork, spec: Node, at: Location, index: int) -> None:
    options = spec if isinstance(spec, YMap) else ymap(at, rate=spec)
    rates = as_list(options.get("rate"), at)
    for number, (rate, _) in enumerate(rates, start=1):
        suffix = str(index) if len(rates) == 1 else f"{index}{number}"
        ident = f"{normalize_function(work.fn_key)}EventsRuleSchedule{suffix}"
        props = ymap(at, ScheduleExpression=rate)
        if options.get("enabled") is False:
            put(props, "State", "DISABLED", options.key_loc("enabled"))
        target = ymap(at, Arn=get_att(work.function, "Arn", at), Id=f"{work.fn_key}Schedule")
        put(props, "Targets", ylist(at, [target]), at)
        work.out.add(ident, "AWS::Events::Rule", at, props, owner=work.function)
        work.permission(
            f"EventsRuleSchedule{index}", "events.amazonaws.com", get_att(ident, "Arn", at), at
        )
        work.note("Schedule", ident, at, index)


def _event_bridge(work: EventWork, spec: Node, at: Location, index: int) -> None:
    options = spec if isinstance(spec, YMap) else YMap(at)
    ident = f"{normalize_function(work.fn_key)}EventBridgeRule{index}"
    props = ymap(
        at, EventPattern=options.get("pattern"), ScheduleExpression=options.get("schedule")
    )
    put(props, "EventBusName", options.get("eventBus"), options.key_loc("eventBus"))
    target = ymap(at, Arn=get_att(work.function, "Arn", at), Id=f"{work.fn_key}EventBridge")
    dlq = options.get("deadLetterQueueArn")
    put(
        target,
        "DeadLetterConfig",
        ymap(at, Arn=dlq) if dlq is not None else None,
        options.key_loc("deadLetterQueueArn"),
    )
    put(props, "Targets", ylist(at, [target]), at)
    work.out.add(ident, "AWS::Events::Rule", at, props, owner=work.function)
    work.permission(f"EventBridge{index}", "events.amazonaws.com", get_att(ident, "Arn", at), at)
    work.note("EventBridgeRule", ident, at, index)


def _sns(work: EventWork, spec: Node, at: Location, index: int) -> None:
    options = spec if isinstance(spec, YMap) else ymap(at, topicName=spec)
    arn = options.get("arn")
    name = options.get("topicName")
    if isinstance(name, str) and name.startswith("arn:"):
        arn, name = name, None
    if arn is None:
        topic = "SNSTopic" + alnum(str(name))
        if topic not in work.out.resources:
            work.out.add(topic, "AWS::SNS::Topic", at, ymap(at, TopicName=name))
        arn = ref(topic, at)
        source: Node = topic
    else:
        source = arn
    props = ymap(at, TopicArn=arn, Protocol="lambda", Endpoint=get_att(work.function, "Arn", at))
    put(props, "FilterPolicy", options.get("filterPolicy"), options.key_loc("filterPolicy"))
    redrive = section(options, "redrivePolicy")
    if redrive is not None:
        target = redrive.get("deadLetterTargetArn") or redrive.get("deadLetterTargetRef")
        put(
            props,
            "RedrivePolicy",
            ymap(redrive.loc, deadLetterTargetArn=target),
            options.key_loc("redrivePolicy"),
        )
    suffix = alnum(str(name or _name_of(arn, index)))
    work.out.add(
        f"{normalize_function(work.fn_key)}SnsSubscription{suffix}",
        "AWS::SNS::Subscription",
        at,
        props,
        owner=work.function,
    )
    work.permission(f"{suffix}SNS", "sns.amazonaws.com", arn, at)
    work.note("SNS", source, at, index)


def _s3(work: EventWork, spec: Node, at: Location, index: int) -> None:
    options = spec if isinstance(spec, YMap) else ymap(at, bucket=spec)
    bucket = options.get("bucket")
    ident = "S3Bucket" + alnum(str(bucket))
    if options.get("existing") is not True and ident not in work.out.resources:
        config = ymap(
            at,
            Event=options.get("event") or "s3:ObjectCreated:*",
            Function=get_att(work.function, "Arn", at),
        )
        notification = ymap(at, LambdaConfigurations=ylist(at, [config]))
        work.out.add(
            ident,
            "AWS::S3::Bucket",
            at,
            ymap(at, BucketName=bucket, NotificationConfiguration=notification),
        )
    source_arn = f"arn:aws:s3:::{bucket}" if isinstance(bucket, str) else bucket
    work.permission(f"{alnum(str(bucket))}S3", "s3.amazonaws.com", source_arn, at)
    work.note("S3", ident if ident in work.out.resources else bucket, at, index)


def _cognito(work: EventWork, spec: Node, at: Location, index: int) -> None:
    options = spec if isinstance(spec, YMap) else YMap(at)
    pool = options.get("pool")
    ident = "CognitoUserPool" + alnum(str(pool))
    if options.get("existing") is not True and ident not in work.out.resources:
        trigger = str(options.get("trigger") or "PreSignUp")
        config = ymap(at, **{trigger[:1].upper() + trigger[1:]: get_att(work.function, "Arn", at)})
        work.out.add(
            ident, "AWS::Cognito::UserPool", at, ymap(at, UserPoolName=pool, LambdaConfig=config)
        )
    work.permission(
        f"{alnum(str(pool))}CognitoUserPool",
        "cognito-idp.amazonaws.com",
        get_att(ident, "Arn", at),
        at,
    )
    work.note("Cognito", ident, at, index)


def _alb(work: EventWork, spec: Node, at: Location, index: int) -> None:
    options = spec if isinstance(spec, YMap) else YMap(at)
    work.permission(f"Alb{index}", "elasticloadbalancing.amazonaws.com", None, at)
    work.note("ALB", options.get("listenerArn"), at, index, "sync")


def _iot(work: EventWork, spec: Node, at: Location, index: int) -> None:
    options = spec if isinstance(spec, YMap) else YMap(at)
    ident = f"{normalize_function(work.fn_key)}IotTopicRule{index}"
    action = ymap(at, Lambda=ymap(at, FunctionArn=get_att(work.function, "Arn", at)))
    payload = ymap(at, Sql=options.get("sql"), Actions=ylist(at, [action]))
    work.out.add(
        ident, "AWS::IoT::TopicRule", at, ymap(at, TopicRulePayload=payload), owner=work.function
    )
    work.permission(f"IotTopicRule{index}", "iot.amazonaws.com", get_att(ident, "Arn", at), at)
    work.note("IoTRule", ident, at, index)


def _name_of(arn: Node, index: int) -> str:
    """The resource name at the end of an ARN (for logical ids), else the event's index."""
    if isinstance(arn, str) and ":table/" in arn:  # a DynamoDB stream: named by its table
        return alnum(arn.split(":table/", 1)[1].split("/", 1)[0]) or str(index)
    if isinstance(arn, str):
        return alnum(arn.replace("/", ":").rsplit(":", 1)[-1]) or str(index)
    if isinstance(arn, YMap) and len(arn) == 1:
        value = next(iter(arn.values()))
        head = value[0] if isinstance(value, list) and value else value
        if isinstance(head, str):
            return alnum(head)
    return str(index)


_HANDLERS = {
    "http": _http,
    "httpApi": _http_api,
    "websocket": _websocket,
    "sqs": _sqs,
    "stream": _stream,
    "schedule": _schedule,
    "eventBridge": _event_bridge,
    "sns": _sns,
    "s3": _s3,
    "cognitoUserPool": _cognito,
    "alb": _alb,
    "iot": _iot,
}

"""What the Lambda platform needs from a function's role, whatever its code does.

Each entry mirrors an AWS managed policy (or SAM-generated statement) that SAM attaches to the
roles it generates, narrowed to the function's own resources:

- logs: AWSLambdaBasicExecutionRole (logs:CreateLogGroup/CreateLogStream/PutLogEvents);
- VPC: AWSLambdaVPCAccessExecutionRole (network interface actions, on ``*``);
- active tracing: AWSXrayWriteOnlyAccess, reduced to the two calls the Lambda runtime makes;
- SQS/Kinesis/DynamoDB event source mappings: AWSLambdaSQSQueueExecutionRole,
  AWSLambdaKinesisExecutionRole, AWSLambdaDynamoDBExecutionRole;
- dead-letter queue and on-failure destinations: the send action of the target's service;
- a customer managed key for environment variables: kms:Decrypt (Lambda decrypts as the role).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from faasguard.iam.binding import BoundResource, app_resources, reference
from faasguard.model import App, Function, Location, Ref, Text

LOGS = ("logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents")
VPC = (
    "ec2:AssignPrivateIpAddresses",
    "ec2:CreateNetworkInterface",
    "ec2:DeleteNetworkInterface",
    "ec2:DescribeNetworkInterfaces",
    "ec2:DescribeSubnets",
    "ec2:UnassignPrivateIpAddresses",
)
XRAY = ("xray:PutTelemetryRecords", "xray:PutTraceSegments")
#: event source kind -> (actions on the source, actions on "*")
POLL: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "SQS": (("sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ReceiveMessage"), ()),
    "Kinesis": (
        (
            "kinesis:DescribeStream",
            "kinesis:DescribeStreamSummary",
            "kinesis:GetRecords",
            "kinesis:GetShardIterator",
            "kinesis:ListShards",
            "kinesis:SubscribeToShard",
        ),
        ("kinesis:ListStreams",),
    ),
    "DynamoDB": (
        ("dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator"),
        ("dynamodb:ListStreams",),
    ),
}
#: model kind of a destination -> the action that delivers to it
SEND = {
    "queue": "sqs:SendMessage",
    "topic": "sns:Publish",
    "function": "lambda:InvokeFunction",
    "event-bus": "events:PutEvents",
}
_ARN_SEND = {
    "sqs": "sqs:SendMessage",
    "sns": "sns:Publish",
    "lambda": "lambda:InvokeFunction",
    "events": "events:PutEvents",
}


@dataclass(frozen=True, slots=True, kw_only=True)
class Need:
    """One (action, resource) pair a function needs, with why and where."""

    action: str
    resource: BoundResource
    sites: tuple[Location, ...]
    reason: str = ""
    certainty: str = "exact"
    conditional: bool = False
    platform: str = ""  # "" for the code's needs; else what the platform needs it for
    sam_adds: bool = False  # SAM's generated role already carries it


def _target(app: App, value: Text | None, stream: bool = False) -> BoundResource | None:
    """A resource named by id, ``Ref`` or ARN in the template."""
    resources = app_resources(app)
    ident = value.target if isinstance(value, Ref) else value
    if ident is not None and ident in resources:
        target = resources[ident]
        if stream and target.kind == "table":
            return BoundResource(arn="${" + ident + ".StreamArn}", target=ident)
        return BoundResource(arn=reference(target), target=ident)
    if isinstance(value, str) and value.startswith("arn:"):
        return BoundResource(arn=value)
    if value is None:
        return None
    return BoundResource(arn="*", note=f"{value} is not defined in the app")


def _log_group(app: App, fn: Function) -> tuple[BoundResource, bool]:
    """The function's log group ARN, and whether the app creates the group itself."""
    group = _target(app, fn.log_group) if fn.log_group is not None else None
    if group is not None and group.target is not None:
        # by name: the Arn attribute ends in ":*" in CloudFormation but not in Terraform
        name = "${" + group.target + "}"
        arn = (
            f"arn:${{AWS::Partition}}:logs:${{AWS::Region}}:${{AWS::AccountId}}:log-group:{name}:*"
        )
        return BoundResource(arn=arn, target=group.target), True
    if isinstance(fn.log_group, str) and not fn.log_group.startswith("arn:"):
        name = fn.log_group
    else:
        name = "/aws/lambda/" + (fn.name if isinstance(fn.name, str) else "${" + fn.id + "}")
    arn = f"arn:${{AWS::Partition}}:logs:${{AWS::Region}}:${{AWS::AccountId}}:log-group:{name}:*"
    created = any(isinstance(g.name, str | Ref) and name == str(g.name) for g in app.log_groups)
    return BoundResource(arn=arn), created


def _send_action(app: App, target: BoundResource) -> str | None:
    if target.target is not None:
        return SEND.get(app_resources(app)[target.target].kind)
    parts = target.arn.split(":")
    return _ARN_SEND.get(parts[2]) if len(parts) > 2 else None


def _deliveries(app: App, fn: Function) -> Iterator[tuple[Text, Location, str]]:
    if fn.dead_letter_target is not None:
        yield fn.dead_letter_target, fn.at("dead_letter_target"), "dead-letter queue"
    if fn.on_failure_destination is not None:
        yield fn.on_failure_destination, fn.at("on_failure_destination"), "on-failure destination"
    for event in fn.events:
        if event.invocation == "poll" and event.on_failure is not None:
            yield event.on_failure, event.location, f"on-failure destination of {event.id}"


def platform_needs(app: App, fn: Function) -> Iterator[Need]:
    """Every permission the platform needs to run ``fn`` (see the module docstring)."""
    role = app.role(fn.role)
    sam = role is not None and role.generated_from == fn.id
    group, created = _log_group(app, fn)
    for action in LOGS[1:] if created else LOGS:
        yield Need(
            action=action,
            resource=group,
            sites=(fn.location,),
            reason="Lambda writes the function's logs",
            platform="logs",
            sam_adds=sam,
        )
    if fn.vpc is not None:
        for action in VPC:
            yield Need(
                action=action,
                resource=BoundResource(arn="*"),
                sites=(fn.vpc.location,),
                reason="Lambda attaches the function to its VPC",
                platform="vpc",
                sam_adds=sam,
            )
    if fn.tracing == "Active":
        for action in XRAY:
            yield Need(
                action=action,
                resource=BoundResource(arn="*"),
                sites=(fn.at("tracing"),),
                reason="active X-Ray tracing",
                platform="xray",
                sam_adds=sam,
            )
    yield from _poll_needs(app, fn, sam)
    yield from _delivery_needs(app, fn, sam)


def _delivery_needs(app: App, fn: Function, sam: bool) -> Iterator[Need]:
    """Sending failed events to a DLQ/destination, and decrypting the environment."""
    for value, where, what in _deliveries(app, fn):
        target = _target(app, value)
        send = _send_action(app, target) if target is not None else None
        if target is not None and send is not None:
            yield Need(
                action=send,
                resource=target,
                sites=(where,),
                reason=f"Lambda delivers failed events to the {what}",
                platform="delivery",
                sam_adds=sam,
            )
    key = _target(app, fn.kms_key) if fn.kms_key is not None else None
    if key is not None:
        yield Need(
            action="kms:Decrypt",
            resource=key,
            sites=(fn.at("kms_key"),),
            reason="Lambda decrypts the environment with the function's key",
            platform="kms",
        )


def _poll_needs(app: App, fn: Function, sam: bool) -> Iterator[Need]:
    for event in fn.events:
        if event.invocation != "poll" or event.kind not in POLL:
            continue
        scoped, unscoped = POLL[event.kind]
        source = _target(app, event.source, stream=event.kind == "DynamoDB")
        source = source or BoundResource(arn="*", note=f"the source of {event.id} is unknown")
        reason = f"Lambda polls the {event.kind} source of event {event.id}"
        for action in scoped:
            yield Need(
                action=action,
                resource=source,
                sites=(event.location,),
                reason=reason,
                platform="events",
                sam_adds=sam,
            )
        for action in unscoped:
            yield Need(
                action=action,
                resource=BoundResource(arn="*"),
                sites=(event.location,),
                reason=reason,
                platform="events",
                sam_adds=sam,
            )

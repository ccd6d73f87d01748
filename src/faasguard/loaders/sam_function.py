"""``AWS::Serverless::Function`` into a ``Function``, its implicit role and URL permissions."""

from __future__ import annotations

import posixpath
from typing import Any

from faasguard.loaders.cloudformation import Template
from faasguard.loaders.sam_events import EventOutput, collect_events
from faasguard.loaders.sam_policies import plain_to_node
from faasguard.loaders.sam_roles import (
    BASIC_EXECUTION,
    VPC_ACCESS,
    XRAY_WRITE,
    RoleGrants,
    add_policies,
    trust_statement,
)
from faasguard.loaders.yamljson import Node, YList, YMap
from faasguard.model import (
    Cors,
    EnvVar,
    FunctionUrl,
    Location,
    Permission,
    Ref,
    Role,
    Text,
    Value,
    VpcConfig,
)

#: model field -> SAM property, for ``Resource.field_locations``
FUNCTION_FIELDS = {
    "name": "FunctionName",
    "runtime": "Runtime",
    "handler": "Handler",
    "package_type": "PackageType",
    "code_uri": "CodeUri",
    "inline_code": "InlineCode",
    "memory": "MemorySize",
    "timeout": "Timeout",
    "tracing": "Tracing",
    "environment": "Environment",
    "kms_key": "KmsKeyArn",
    "role": "Role",
    "reserved_concurrency": "ReservedConcurrentExecutions",
    "dead_letter_target": "DeadLetterQueue",
    "on_failure_destination": "EventInvokeConfig",
    "max_retry_attempts": "EventInvokeConfig",
    "vpc": "VpcConfig",
    "code_signing_config": "CodeSigningConfigArn",
    "layers": "Layers",
    "url": "FunctionUrlConfig",
    "events": "Events",
    "architectures": "Architectures",
    "log_group": "LoggingConfig",
}


def sub_map(props: YMap, key: str) -> YMap:
    value = props.get(key)
    return value if isinstance(value, YMap) else YMap(props.key_loc(key))


def code_location(tpl: Template, props: YMap, template_dir: str) -> tuple[Text | None, str | None]:
    """``CodeUri`` as written, and the local source directory relative to the app root."""
    node = props.get("CodeUri")
    if isinstance(node, YMap) and "Bucket" in node:
        return tpl.text(node.get("Key")), None
    uri = (
        tpl.text(node)
        if node is not None
        else props.get("ImageUri") and tpl.text(props.get("ImageUri"))
    )
    if not isinstance(uri, str) or uri.startswith("s3://") or "://" in uri:
        return uri or None, None
    if props.get("PackageType") == "Image":
        return uri, None
    return uri, posixpath.normpath(posixpath.join(template_dir, uri))


def environment(tpl: Template, props: YMap) -> tuple[EnvVar, ...]:
    variables = sub_map(sub_map(props, "Environment"), "Variables")
    return tuple(
        EnvVar(name=name, value=tpl.value(value), location=variables.key_loc(name))
        for name, value in variables.items()
    )


def vpc_config(tpl: Template, props: YMap) -> VpcConfig | None:
    vpc = props.get("VpcConfig")
    if not isinstance(vpc, YMap):
        return None
    return VpcConfig(
        subnets=tpl.texts(vpc.get("SubnetIds")),
        security_groups=tpl.texts(vpc.get("SecurityGroupIds")),
        location=props.key_loc("VpcConfig"),
    )


def cors(tpl: Template, node: Node, loc: Location) -> Cors | None:
    """Function URL / HTTP API style CORS (``AllowOrigins`` lists)."""
    if not isinstance(node, YMap):
        return None
    credentials = tpl.value(node["AllowCredentials"]) if "AllowCredentials" in node else None
    return Cors(
        allow_origins=tpl.texts(node.get("AllowOrigins")),
        allow_credentials=credentials
        if isinstance(credentials, bool) or credentials is None
        else None,
        allow_methods=tpl.texts(node.get("AllowMethods")),
        allow_headers=tpl.texts(node.get("AllowHeaders")),
        location=loc,
    )


def function_url(tpl: Template, props: YMap) -> FunctionUrl | None:
    config = props.get("FunctionUrlConfig")
    if not isinstance(config, YMap):
        return None
    loc = props.key_loc("FunctionUrlConfig")
    return FunctionUrl(
        auth_type=tpl.text(config.get("AuthType")) or "AWS_IAM",
        cors=cors(tpl, config.get("Cors"), config.key_loc("Cors")),
        location=loc,
        invoke_mode=tpl.text(config.get("InvokeMode")),
    )


def url_permissions(fn: str, url: FunctionUrl, condition: str | None) -> list[Permission]:
    """A public (``AuthType: NONE``) URL gets the two grants to ``*`` SAM writes."""
    if url.auth_type != "NONE":
        return []
    common: dict[str, Any] = {
        "type": "AWS::Lambda::Permission",
        "location": url.location,
        "condition": condition,
        "generated_from": fn,
        "function": fn,
        "principal": "*",
    }
    return [
        Permission(
            id=f"{fn}UrlPublicPermissions",
            action="lambda:InvokeFunctionUrl",
            function_url_auth_type="NONE",
            **common,
        ),
        Permission(id=f"{fn}URLInvokeAllowPublicAccess", **common),
    ]


def _destination_policy(
    tpl: Template, grants: RoleGrants, destination: YMap, loc: Location, outcome: str, fn: str
) -> None:
    """SAM grants the role the right to send to SQS/SNS/Lambda/EventBridge destinations."""
    kind = destination.get("Type")
    target: object = destination.get("Destination")
    if target is None and isinstance(kind, str) and kind in _GENERATED_DESTINATIONS:
        # SAM creates the queue/topic and grants the role access to what it created
        generated = f"{fn}EventInvokeConfig{outcome}{_GENERATED_DESTINATIONS[kind]}"
        target = {"Fn::GetAtt": [generated, "Arn"]} if kind == "SQS" else {"Ref": generated}
    actions = {
        "SQS": "sqs:SendMessage",
        "SNS": "sns:publish",
        "Lambda": "lambda:InvokeFunction",
        "EventBridge": "events:PutEvents",
    }
    if not isinstance(kind, str) or kind not in actions or target is None:
        return
    document = plain_to_node(
        {"Statement": [{"Action": actions[kind], "Effect": "Allow", "Resource": target}]}, loc
    )
    grants.add_document(tpl, document, f"SAM policy for EventInvokeConfig {outcome} {kind}")


#: destination types SAM creates a resource for when ``Destination`` is absent
_GENERATED_DESTINATIONS = {"SQS": "Queue", "SNS": "Topic"}


def _failure_destination(tpl: Template, fn: str, destination: YMap) -> Text | None:
    """``Destination`` when given; else the queue/topic SAM generates for ``Type: SQS|SNS``."""
    if "Destination" in destination:
        return tpl.target(destination.get("Destination"))
    kind = tpl.text(destination.get("Type"))
    if not isinstance(kind, str):
        return kind
    suffix = _GENERATED_DESTINATIONS.get(kind)
    if suffix is not None:
        generated = f"{fn}EventInvokeConfigOnFailure{suffix}"
        return Ref(text=f"!GetAtt {generated}.Arn", target=generated, attribute="Arn")
    # SAM rejects EventBridge/Lambda without a Destination; the intent to route failures stands
    return Ref(text=f"EventInvokeConfig OnFailure Type: {kind} (no Destination)")


def invoke_config(
    tpl: Template, fn: str, props: YMap, grants: RoleGrants
) -> tuple[Text | None, Value]:
    """The async on-failure destination and retry count; adds destination grants."""
    config = props.get("EventInvokeConfig")
    if not isinstance(config, YMap):
        return None, None
    retries = (
        tpl.value(config["MaximumRetryAttempts"]) if "MaximumRetryAttempts" in config else None
    )
    destinations = sub_map(config, "DestinationConfig")
    on_failure: Text | None = None
    for outcome in ("OnSuccess", "OnFailure"):
        destination = destinations.get(outcome)
        if isinstance(destination, YMap):
            _destination_policy(
                tpl, grants, destination, destinations.key_loc(outcome), outcome, fn
            )
            if outcome == "OnFailure":
                on_failure = _failure_destination(tpl, fn, destination)
    return on_failure, retries


def dead_letter(tpl: Template, props: YMap, grants: RoleGrants) -> Text | None:
    dlq = props.get("DeadLetterQueue")
    if not isinstance(dlq, YMap):
        return None
    action = "sns:Publish" if dlq.get("Type") == "SNS" else "sqs:SendMessage"
    document = plain_to_node(
        {"Statement": [{"Action": action, "Resource": dlq.get("TargetArn"), "Effect": "Allow"}]},
        props.key_loc("DeadLetterQueue"),
    )
    grants.add_document(tpl, document, "SAM policy for DeadLetterQueue")
    return tpl.target(dlq.get("TargetArn"))


def implicit_role_grants(tpl: Template, props: YMap, loc: Location) -> RoleGrants:
    """Managed policies SAM always adds, then the user's ``Policies``."""
    grants = RoleGrants()
    grants.add_managed(BASIC_EXECUTION, loc)
    tracing = tpl.text(props.get("Tracing"))
    if tracing is not None and tracing != "Disabled":
        grants.add_managed(XRAY_WRITE, props.key_loc("Tracing"))
    if isinstance(props.get("VpcConfig"), YMap):
        grants.add_managed(VPC_ACCESS, props.key_loc("VpcConfig"))
    if "Policies" in props:
        add_policies(tpl, grants, props["Policies"], props.key_loc("Policies"))
    return grants


def build_role(
    tpl: Template, fn: str, props: YMap, grants: RoleGrants, base: dict[str, Any]
) -> Role:
    """The ``<Fn>Role`` SAM generates when the function has no ``Role``."""
    trust_loc = (
        props.key_loc("AssumeRolePolicyDocument")
        if "AssumeRolePolicyDocument" in props
        else base["location"]
    )
    assert isinstance(trust_loc, Location)
    trust = (
        tpl.statements(props["AssumeRolePolicyDocument"], "AssumeRolePolicyDocument")
        if isinstance(props.get("AssumeRolePolicyDocument"), YMap)
        else (trust_statement("lambda.amazonaws.com", trust_loc),)
    )
    fields = tpl.field_locations(
        props, {"statements": "Policies", "permissions_boundary": "PermissionsBoundary"}
    )
    return Role(
        **{
            **base,
            "id": f"{fn}Role",
            "type": "AWS::IAM::Role",
            "generated_from": fn,
            "field_locations": fields,
        },
        trust=trust,
        statements=tuple(grants.statements),
        managed_policies=tuple(grants.managed),
        permissions_boundary=tpl.text(props.get("PermissionsBoundary")),
    )


def layers(tpl: Template, props: YMap) -> tuple[Text, ...]:
    node = props.get("Layers")
    if not isinstance(node, YList):
        return ()
    return tuple(t for t in (tpl.target(item) for item in node) if t is not None)


def events_of(
    tpl: Template, fn: str, props: YMap, condition: str | None, grants: RoleGrants
) -> EventOutput:
    return collect_events(tpl, fn, props.get("Events"), condition, grants)

"""AWS::Lambda::* resources into the model, and what attaches to functions afterwards."""

from __future__ import annotations

import dataclasses
import posixpath

from faasguard.loaders.cfn_common import Source, base, flag, sub, targets
from faasguard.loaders.cfn_template import Template
from faasguard.loaders.parts import Parts
from faasguard.loaders.yamljson import YMap
from faasguard.model import (
    Cors,
    EnvVar,
    EventSource,
    EventSourceMapping,
    FrozenMap,
    Function,
    FunctionUrl,
    Layer,
    Permission,
    PolicyStatement,
    Principal,
    Ref,
    ResourcePolicy,
    Text,
    VpcConfig,
)

FUNCTION_FIELDS = {
    "name": "FunctionName",
    "runtime": "Runtime",
    "handler": "Handler",
    "package_type": "PackageType",
    "code_uri": "Code",
    "inline_code": "Code",
    "memory": "MemorySize",
    "timeout": "Timeout",
    "tracing": "TracingConfig.Mode",
    "environment": "Environment",
    "kms_key": "KmsKeyArn",
    "role": "Role",
    "reserved_concurrency": "ReservedConcurrentExecutions",
    "dead_letter_target": "DeadLetterConfig.TargetArn",
    "vpc": "VpcConfig",
    "code_signing_config": "CodeSigningConfigArn",
    "layers": "Layers",
    "architectures": "Architectures",
    "log_group": "LoggingConfig.LogGroup",
}
#: resource type of a polled source -> EventSource kind
_POLLED_TYPES = {
    "AWS::SQS::Queue": "SQS",
    "AWS::Kinesis::Stream": "Kinesis",
    "AWS::DynamoDB::Table": "DynamoDB",
    "AWS::MSK::Cluster": "MSK",
    "AWS::AmazonMQ::Broker": "MQ",
}
_POLLED_ARNS = {":sqs:": "SQS", ":kinesis:": "Kinesis", ":dynamodb:": "DynamoDB"}
_POLLED_ARNS.update({":kafka:": "MSK", ":mq:": "MQ"})


def function(tpl: Template, src: Source, asset_path: str | None) -> Function:
    props = src.props
    code = sub(tpl, props, "Code")
    zip_file = tpl.text(code.get("ZipFile")) if code else None
    code_uri, code_dir = _code_location(tpl, props, code, asset_path)
    tracing = sub(tpl, props, "TracingConfig")
    dlq = sub(tpl, props, "DeadLetterConfig")
    logging = sub(tpl, props, "LoggingConfig")
    return Function(
        **base(tpl, src, FUNCTION_FIELDS),
        name=tpl.text(props.get("FunctionName")),
        runtime=tpl.text(props.get("Runtime")),
        handler=tpl.text(props.get("Handler")),
        package_type=tpl.text(props.get("PackageType")) or "Zip",
        code_uri=code_uri,
        code_dir=code_dir,
        inline_code=zip_file if isinstance(zip_file, str) else None,
        memory=tpl.value(props.get("MemorySize")),
        timeout=tpl.value(props.get("Timeout")),
        tracing=tpl.text(tracing.get("Mode")) if tracing else None,
        environment=environment(tpl, props),
        kms_key=tpl.target(props.get("KmsKeyArn")),
        role=tpl.target(props.get("Role")),
        reserved_concurrency=tpl.value(props.get("ReservedConcurrentExecutions")),
        dead_letter_target=tpl.target(dlq.get("TargetArn")) if dlq else None,
        vpc=vpc_config(tpl, props),
        code_signing_config=tpl.target(props.get("CodeSigningConfigArn")),
        layers=targets(tpl, props.get("Layers")),
        architectures=tpl.texts(props.get("Architectures")),
        log_group=tpl.target(logging.get("LogGroup")) if logging else None,
        assumptions=tpl.take_assumptions(),
    )


def _code_location(
    tpl: Template, props: YMap, code: YMap | None, asset_path: str | None
) -> tuple[Text | None, str | None]:
    """Where the code is: an S3 object, an image, or (``package``-style) a local path."""
    here = posixpath.dirname(tpl.file)
    if asset_path is not None:  # CDK: Metadata aws:asset:path, relative to cdk.out
        return asset_path, posixpath.normpath(posixpath.join(here, asset_path))
    raw = tpl.pick(props.get("Code"))
    if isinstance(raw, str):
        local = not raw.startswith(("s3://", "https://"))
        return raw, posixpath.normpath(posixpath.join(here, raw)) if local else None
    if code is None or "ZipFile" in code:
        return None, None
    if "ImageUri" in code:
        return tpl.text(code.get("ImageUri")), None
    bucket, key = tpl.text(code.get("S3Bucket")), tpl.text(code.get("S3Key"))
    if isinstance(bucket, str) and isinstance(key, str):
        return f"s3://{bucket}/{key}", None
    return bucket if isinstance(bucket, Ref) else key, None


def environment(tpl: Template, props: YMap) -> tuple[EnvVar, ...]:
    variables = sub(tpl, sub(tpl, props, "Environment"), "Variables")
    if variables is None:
        return ()
    return tuple(
        EnvVar(name=name, value=tpl.value(value), location=variables.key_loc(name))
        for name, value in variables.items()
        if tpl.pick(value) is not None or value is None
    )


def vpc_config(tpl: Template, props: YMap) -> VpcConfig | None:
    vpc = sub(tpl, props, "VpcConfig")
    if vpc is None:
        return None
    return VpcConfig(
        subnets=targets(tpl, vpc.get("SubnetIds")),
        security_groups=targets(tpl, vpc.get("SecurityGroupIds")),
        location=props.key_loc("VpcConfig"),
    )


def function_url(tpl: Template, src: Source) -> tuple[Text | None, FunctionUrl]:
    """The function the URL belongs to, and the URL."""
    props = src.props
    cors = sub(tpl, props, "Cors")
    url = FunctionUrl(
        auth_type=tpl.text(props.get("AuthType")) or Ref(text="!AuthType missing"),
        cors=None
        if cors is None
        else Cors(
            allow_origins=tpl.texts(cors.get("AllowOrigins")),
            allow_credentials=flag(tpl, cors.get("AllowCredentials")),
            allow_methods=tpl.texts(cors.get("AllowMethods")),
            allow_headers=tpl.texts(cors.get("AllowHeaders")),
            location=props.key_loc("Cors"),
        ),
        location=tpl.location(src.ident),
        invoke_mode=tpl.text(props.get("InvokeMode")),
    )
    tpl.take_assumptions()
    return tpl.target(props.get("TargetFunctionArn")), url


def permission(tpl: Template, src: Source) -> Permission:
    props = src.props
    mapping = {
        "function": "FunctionName",
        "action": "Action",
        "principal": "Principal",
        "source_arn": "SourceArn",
        "source_account": "SourceAccount",
        "principal_org_id": "PrincipalOrgID",
        "function_url_auth_type": "FunctionUrlAuthType",
    }
    return Permission(
        **base(tpl, src, mapping),
        function=tpl.target(props.get("FunctionName")) or Ref(text="!FunctionName missing"),
        action=tpl.text(props.get("Action")) or "lambda:InvokeFunction",
        principal=tpl.text(props.get("Principal")) or "",
        source_arn=tpl.target(props.get("SourceArn")),
        source_account=tpl.text(props.get("SourceAccount")),
        principal_org_id=tpl.text(props.get("PrincipalOrgID")),
        function_url_auth_type=tpl.text(props.get("FunctionUrlAuthType")),
        assumptions=tpl.take_assumptions(),
    )


def event_source_mapping(tpl: Template, src: Source) -> EventSourceMapping:
    props = src.props
    destination = sub(tpl, sub(tpl, props, "DestinationConfig"), "OnFailure")
    mapping = {"function": "FunctionName", "source": "EventSourceArn"}
    mapping.update(on_failure="DestinationConfig", enabled="Enabled")
    return EventSourceMapping(
        **base(tpl, src, mapping),
        function=tpl.target(props.get("FunctionName")) or Ref(text="!FunctionName missing"),
        source=tpl.target(props.get("EventSourceArn")),
        on_failure=tpl.target(destination.get("Destination")) if destination else None,
        enabled=flag(tpl, props.get("Enabled")),
        assumptions=tpl.take_assumptions(),
    )


def polled_kind(tpl: Template, mapping: EventSourceMapping, src: Source) -> str:
    """SQS/Kinesis/DynamoDB/MSK/MQ from the source's resource type or its ARN."""
    source = mapping.source
    if isinstance(source, str) and tpl.is_resource(source):
        resource = tpl.resources.get(source)
        kind = resource.get("Type") if isinstance(resource, YMap) else None
        return _POLLED_TYPES.get(kind if isinstance(kind, str) else "", "Unknown")
    text = str(source or "")
    if "SelfManagedEventSource" in src.props:
        return "SelfManagedKafka"
    return next((k for marker, k in _POLLED_ARNS.items() if marker in text), "Unknown")


def layer(tpl: Template, src: Source) -> Layer:
    props = src.props
    content = sub(tpl, props, "Content")
    bucket = tpl.text(content.get("S3Bucket")) if content else None
    key = tpl.text(content.get("S3Key")) if content else None
    uri: Text | None = (
        f"s3://{bucket}/{key}" if isinstance(bucket, str) and isinstance(key, str) else None
    )
    raw = tpl.pick(props.get("Content"))
    mapping = {
        "name": "LayerName",
        "content_uri": "Content",
        "compatible_runtimes": "CompatibleRuntimes",
    }
    return Layer(
        **base(tpl, src, mapping),
        name=tpl.text(props.get("LayerName")),
        content_uri=raw if isinstance(raw, str) else uri,
        compatible_runtimes=tpl.texts(props.get("CompatibleRuntimes")),
        assumptions=tpl.take_assumptions(),
    )


def layer_permission(tpl: Template, src: Source) -> ResourcePolicy:
    """A layer grant, as the one-statement resource policy it amounts to."""
    props = src.props
    layer_arn = tpl.target(props.get("LayerVersionArn"))
    org = tpl.text(props.get("OrganizationId"))
    statement = PolicyStatement(
        actions=(tpl.text(props.get("Action")) or "lambda:GetLayerVersion",),
        resources=(layer_arn,) if layer_arn is not None else (),
        principals=(Principal(kind="AWS", value=tpl.text(props.get("Principal")) or ""),),
        conditions=_org_condition(org),
        location=props.key_loc("Principal"),
        source=f"layer permission {src.ident}",
    )
    return ResourcePolicy(
        **base(tpl, src, {"targets": "LayerVersionArn", "statements": "Principal"}),
        targets=(layer_arn,) if layer_arn is not None else (),
        target_kind="layer",
        statements=(statement,),
        assumptions=tpl.take_assumptions(),
    )


def _org_condition(org: Text | None) -> FrozenMap:
    if org is None:
        return FrozenMap()
    return FrozenMap((("StringEquals", FrozenMap((("aws:PrincipalOrgID", org),))),))


def invoke_config(tpl: Template, src: Source) -> tuple[Text | None, dict[str, object]]:
    """The function an EventInvokeConfig configures, and the Function fields it sets."""
    props = src.props
    destination = sub(tpl, sub(tpl, props, "DestinationConfig"), "OnFailure")
    fields: dict[str, object] = {}
    if destination is not None:
        fields["on_failure_destination"] = tpl.target(destination.get("Destination"))
    if "MaximumRetryAttempts" in props:
        fields["max_retry_attempts"] = tpl.value(props.get("MaximumRetryAttempts"))
    tpl.take_assumptions()
    return tpl.target(props.get("FunctionName")), fields


def attach(parts: Parts, function_id: Text | None, **fields: object) -> bool:
    """Replace fields of the app's function ``function_id``; False when it is not in the app."""
    for i, fn in enumerate(parts.functions):
        if fn.id == function_id:
            if "events" in fields:
                fields["events"] = (*fn.events, *fields["events"])  # type: ignore[misc]
            parts.functions[i] = dataclasses.replace(fn, **fields)  # type: ignore[arg-type]
            return True
    return False


def mapping_event(mapping: EventSourceMapping, kind: str) -> EventSource:
    return EventSource(
        id=mapping.id,
        kind=kind,
        function=str(mapping.function),
        source=mapping.source,
        location=mapping.location,
        invocation="poll",
        on_failure=mapping.on_failure,
        enabled=mapping.enabled,
    )

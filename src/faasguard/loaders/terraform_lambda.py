"""Terraform Lambda resources: functions (code folder from ``data "archive_file"``), layers,
and what attaches to functions afterwards (URLs, permissions, event source mappings,
event invoke configs; aliases lead to their function)."""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from typing import Any

from faasguard.loaders import cfn_lambda
from faasguard.loaders.parts import Parts
from faasguard.loaders.terraform_eval import LineDict
from faasguard.loaders.terraform_module import Instance
from faasguard.loaders.terraform_policy import Documents
from faasguard.loaders.terraform_view import Body, as_target, base, take_notes
from faasguard.model import (
    Cors,
    EnvVar,
    EventSource,
    EventSourceMapping,
    FrozenMap,
    Function,
    FunctionUrl,
    Layer,
    Location,
    Permission,
    PolicyStatement,
    Principal,
    Ref,
    ResourcePolicy,
    Text,
    VpcConfig,
)

_Builder = Callable[[Instance, Body, Parts, Documents], None]

FUNCTION_FIELDS = {
    "name": "function_name",
    "runtime": "runtime",
    "handler": "handler",
    "package_type": "package_type",
    "code_uri": "filename",
    "memory": "memory_size",
    "timeout": "timeout",
    "tracing": "tracing_config.mode",
    "environment": "environment",
    "kms_key": "kms_key_arn",
    "role": "role",
    "reserved_concurrency": "reserved_concurrent_executions",
    "dead_letter_target": "dead_letter_config.target_arn",
    "vpc": "vpc_config",
    "code_signing_config": "code_signing_config_arn",
    "layers": "layers",
    "architectures": "architectures",
    "log_group": "logging_config.log_group",
}
#: resource type of a polled source -> EventSource kind
_POLLED_TYPES = {
    "aws_sqs_queue": "SQS",
    "aws_kinesis_stream": "Kinesis",
    "aws_dynamodb_table": "DynamoDB",
    "aws_msk_cluster": "MSK",
    "aws_mq_broker": "MQ",
}
_POLLED_ARNS = {":sqs:": "SQS", ":kinesis:": "Kinesis", ":dynamodb:": "DynamoDB"}


def function(inst: Instance, body: Body, parts: Parts, docs: Documents) -> None:
    code_uri, code_dir = _code(body, docs, "filename")
    if code_uri is None and body.has("image_uri"):
        code_uri = body.text("image_uri")
    elif code_uri is None and body.has("s3_bucket"):
        bucket, key = body.text("s3_bucket"), body.text("s3_key")
        both = isinstance(bucket, str) and isinstance(key, str)
        code_uri = f"s3://{bucket}/{key}" if both else bucket
    reserved = body.number("reserved_concurrent_executions")
    dlq = body.block_("dead_letter_config")
    tracing = body.block_("tracing_config")
    logging = body.block_("logging_config")
    parts.functions.append(
        Function(
            **base(inst, body, FUNCTION_FIELDS),
            name=body.text("function_name"),
            runtime=body.text("runtime"),
            handler=body.text("handler"),
            package_type=body.text("package_type") or "Zip",
            code_uri=code_uri,
            code_dir=code_dir,
            memory=body.number("memory_size"),
            timeout=body.number("timeout"),
            tracing=tracing.text("mode") if tracing else None,
            environment=_environment(body),
            kms_key=body.target("kms_key_arn"),
            role=body.target("role"),
            reserved_concurrency=None if reserved == -1 else reserved,  # -1 = unreserved
            dead_letter_target=dlq.target("target_arn") if dlq else None,
            vpc=_vpc(body),
            code_signing_config=body.target("code_signing_config_arn"),
            layers=body.targets("layers"),
            architectures=body.texts("architectures"),
            log_group=logging.target("log_group") if logging else None,
            assumptions=take_notes(body),
        )
    )


def _code(body: Body, docs: Documents, name: str) -> tuple[Text | None, str | None]:
    """The package as written, and the local source folder when an archive_file builds it."""
    value = body.value(name)
    if isinstance(value, Ref) and value.target in docs.instances:
        archive = docs.instances[value.target]
        if archive.type == "data.archive_file":
            source = Body(archive.block, archive.ctx)
            folder = source.text("source_dir")
            if not isinstance(folder, str) and isinstance(source.text("source_file"), str):
                folder = posixpath.dirname(str(source.text("source_file"))) or "."
            if isinstance(folder, str):
                return value, _local(body, folder)
        return value, None
    if isinstance(value, str) and value and not value.endswith((".zip", ".jar")):
        return value, _local(body, value)
    return (value if isinstance(value, str | Ref) else None), None


def _local(body: Body, path: str) -> str:
    """A path written in the module (``path.module`` already gives the module's display path)."""
    here = body.ctx.module.display
    if path == here or path.startswith(here.rstrip("/") + "/") or posixpath.isabs(path):
        return posixpath.normpath(path)
    return posixpath.normpath(posixpath.join(here, path))


def _environment(body: Body) -> tuple[EnvVar, ...]:
    env = body.block_("environment")
    if env is None:
        return ()
    variables = env.value("variables")
    if not isinstance(variables, dict):
        return ()
    lines = variables.lines if isinstance(variables, LineDict) else {}
    file = body.block.file
    return tuple(
        EnvVar(
            name=name,
            value=_scalar(value),
            location=Location(file=file, line=lines.get(name) or env.at("variables").line),
        )
        for name, value in variables.items()
    )


def _scalar(value: Any) -> str | int | float | bool | None | Ref:
    if isinstance(value, str | int | float | bool | Ref) or value is None:
        return value
    return Ref(text="{...}")


def _vpc(body: Body) -> VpcConfig | None:
    vpc = body.block_("vpc_config")
    if vpc is None:
        return None
    return VpcConfig(
        subnets=vpc.targets("subnet_ids"),
        security_groups=vpc.targets("security_group_ids"),
        location=vpc.loc,
    )


def layer(inst: Instance, body: Body, parts: Parts, docs: Documents) -> None:
    uri, folder = _code(body, docs, "filename")
    fields = {"name": "layer_name", "content_uri": "filename"}
    fields["compatible_runtimes"] = "compatible_runtimes"
    parts.layers.append(
        Layer(
            **base(inst, body, fields),
            name=body.text("layer_name"),
            content_uri=uri,
            compatible_runtimes=body.texts("compatible_runtimes"),
            content_dir=folder,
            assumptions=take_notes(body),
        )
    )


def layer_permission(inst: Instance, body: Body, parts: Parts, docs: Documents) -> None:
    layer_ref = body.target("layer_name")
    org = body.text("organization_id")
    conditions = (
        FrozenMap((("StringEquals", FrozenMap((("aws:PrincipalOrgID", org),))),))
        if org is not None
        else FrozenMap()
    )
    statement = PolicyStatement(
        actions=(body.text("action") or "lambda:GetLayerVersion",),
        resources=(layer_ref,) if layer_ref is not None else (),
        principals=(Principal(kind="AWS", value=body.text("principal") or ""),),
        conditions=conditions,
        location=body.at("principal"),
        source=f"layer permission {inst.address}",
    )
    parts.resource_policies.append(
        ResourcePolicy(
            **base(inst, body, {"targets": "layer_name", "statements": "principal"}),
            targets=(layer_ref,) if layer_ref is not None else (),
            target_kind="layer",
            statements=(statement,),
            assumptions=take_notes(body),
        )
    )


def permission(inst: Instance, body: Body, parts: Parts, docs: Documents) -> None:
    fields = {
        "function": "function_name",
        "action": "action",
        "principal": "principal",
        "source_arn": "source_arn",
        "source_account": "source_account",
        "principal_org_id": "principal_org_id",
        "function_url_auth_type": "function_url_auth_type",
    }
    parts.permissions.append(
        Permission(
            **base(inst, body, fields),
            function=function_id(parts, docs, body.target("function_name"))
            or Ref(text="function_name missing"),
            action=body.text("action") or "lambda:InvokeFunction",
            principal=body.text("principal") or "",
            source_arn=body.target("source_arn"),
            source_account=body.text("source_account"),
            principal_org_id=body.text("principal_org_id"),
            function_url_auth_type=body.text("function_url_auth_type"),
            assumptions=take_notes(body),
        )
    )


def function_id(parts: Parts, docs: Documents, value: Text | None) -> Text | None:
    """The function address behind a reference to it, to one of its aliases, or its name."""
    inst = docs.instances.get(value) if isinstance(value, str) else None
    if inst is not None and inst.type == "aws_lambda_alias":
        return as_target(Body(inst.block, inst.ctx).value("function_name"))
    if isinstance(value, str) and not any(f.id == value for f in parts.functions):
        return next((f.id for f in parts.functions if f.name == value), value)
    return value


def function_url(inst: Instance, body: Body, parts: Parts, docs: Documents) -> None:
    cors = body.block_("cors")
    url = FunctionUrl(
        auth_type=body.text("authorization_type") or Ref(text="authorization_type missing"),
        cors=None
        if cors is None
        else Cors(
            allow_origins=cors.texts("allow_origins"),
            allow_credentials=cors.flag("allow_credentials"),
            allow_methods=cors.texts("allow_methods"),
            allow_headers=cors.texts("allow_headers"),
            location=cors.loc,
        ),
        location=body.at("authorization_type"),
        invoke_mode=body.text("invoke_mode"),
    )
    take_notes(body)
    cfn_lambda.attach(parts, function_id(parts, docs, body.target("function_name")), url=url)


def event_source_mapping(inst: Instance, body: Body, parts: Parts, docs: Documents) -> None:
    destination = body.block_("destination_config")
    on_failure = destination.block_("on_failure") if destination else None
    fields = {"function": "function_name", "source": "event_source_arn"}
    fields.update(on_failure="destination_config", enabled="enabled")
    mapping = EventSourceMapping(
        **base(inst, body, fields),
        function=function_id(parts, docs, body.target("function_name"))
        or Ref(text="function_name missing"),
        source=body.target("event_source_arn"),
        on_failure=on_failure.target("destination_arn") if on_failure else None,
        enabled=body.flag("enabled"),
        assumptions=take_notes(body),
    )
    parts.event_source_mappings.append(mapping)
    event = cfn_lambda.mapping_event(mapping, _polled_kind(mapping.source, docs, body))
    cfn_lambda.attach(parts, mapping.function, events=(event,))


def _polled_kind(source: Text | None, docs: Documents, body: Body) -> str:
    if isinstance(source, str) and source in docs.instances:
        return _POLLED_TYPES.get(docs.instances[source].type, "Unknown")
    if body.has("self_managed_event_source"):
        return "SelfManagedKafka"
    text = str(source or "")
    return next((k for marker, k in _POLLED_ARNS.items() if marker in text), "Unknown")


def invoke_config(inst: Instance, body: Body, parts: Parts, docs: Documents) -> None:
    destination = body.block_("destination_config")
    on_failure = destination.block_("on_failure") if destination else None
    fields: dict[str, object] = {}
    if on_failure is not None:
        fields["on_failure_destination"] = on_failure.target("destination")
    if body.has("maximum_retry_attempts"):
        fields["max_retry_attempts"] = body.number("maximum_retry_attempts")
    take_notes(body)
    cfn_lambda.attach(parts, function_id(parts, docs, body.target("function_name")), **fields)


def bucket_notification(inst: Instance, body: Body, parts: Parts, docs: Documents) -> None:
    """``aws_s3_bucket_notification``: each ``lambda_function`` block is an S3 event."""
    bucket = body.target("bucket")
    for i, target in enumerate(body.blocks("lambda_function")):
        fn = function_id(parts, docs, target.target("lambda_function_arn"))
        event = EventSource(
            id=f"{inst.address}#{i}",
            kind="S3",
            function=str(fn),
            source=bucket,
            location=target.loc,
        )
        cfn_lambda.attach(parts, fn, events=(event,))


def topic_subscription(inst: Instance, body: Body, parts: Parts, docs: Documents) -> None:
    """An SNS subscription with protocol ``lambda`` is an SNS event of its function."""
    if body.text("protocol") != "lambda":
        return
    fn = function_id(parts, docs, body.target("endpoint"))
    event = EventSource(
        id=inst.address,
        kind="SNS",
        function=str(fn),
        source=body.target("topic_arn"),
        location=body.loc,
    )
    cfn_lambda.attach(parts, fn, events=(event,))


BUILDERS: dict[str, _Builder] = {
    "aws_lambda_function": function,
    "aws_lambda_layer_version": layer,
    "aws_lambda_layer_version_permission": layer_permission,
}
LINKERS: dict[str, _Builder] = {
    "aws_lambda_permission": permission,
    "aws_lambda_function_url": function_url,
    "aws_lambda_event_source_mapping": event_source_mapping,
    "aws_lambda_function_event_invoke_config": invoke_config,
    "aws_s3_bucket_notification": bucket_notification,
    "aws_sns_topic_subscription": topic_subscription,
}

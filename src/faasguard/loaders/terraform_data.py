"""Terraform data stores and messaging: S3 (with the split ``aws_s3_bucket_*`` resources),
DynamoDB, SQS, SNS, Kinesis, Secrets Manager and SSM parameters."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from faasguard.loaders.parts import Parts
from faasguard.loaders.terraform_module import Instance
from faasguard.loaders.terraform_policy import Documents
from faasguard.loaders.terraform_view import Body, as_target, base, decoded, take_notes
from faasguard.model import (
    Channel,
    DataStore,
    Encryption,
    Location,
    Ref,
    ResourcePolicy,
    Subscription,
    Text,
)

_Builder = Callable[[Instance, Body, Parts, Documents], None]


def key_encryption(key: Text | None, at: Location) -> Encryption:
    """Encryption with a KMS key: an ``aws/*`` alias is an AWS managed key ("service")."""
    if isinstance(key, str) and (key.startswith("alias/aws/") or ":alias/aws/" in key):
        return Encryption(kind="service", key=key, location=at)
    return Encryption(kind="kms", key=key, location=at)


def _sse_rule(body: Body) -> Encryption | None:
    """``server_side_encryption_configuration { rule { apply_server_side_encryption_by_default
    {...} } }``, inline (provider v3) or in its own resource (v4+)."""
    config = body.block_("server_side_encryption_configuration") or body
    rule = config.block_("rule")
    default = rule.block_("apply_server_side_encryption_by_default") if rule else None
    if default is None:
        return Encryption(kind="none", location=body.at("server_side_encryption_configuration"))
    at = default.loc
    algorithm = default.text("sse_algorithm")
    if isinstance(algorithm, Ref):
        return Encryption(kind="kms", key=algorithm, location=at)
    kms = isinstance(algorithm, str) and algorithm.startswith("aws:kms")
    if kms and default.has("kms_master_key_id"):
        return key_encryption(default.target("kms_master_key_id"), at)
    return Encryption(kind="service", location=at)


def _public_block(body: Body) -> bool | Ref | None:
    names = ("block_public_acls", "block_public_policy", "ignore_public_acls")
    values = [body.flag(n) for n in (*names, "restrict_public_buckets")]
    if any(v is False or v is None for v in values):
        return False
    return next((v for v in values if isinstance(v, Ref)), True)


def bucket(inst: Instance, body: Body, parts: Parts, docs: Documents) -> None:
    fields = {"name": "bucket", "public_acl": "acl", "access_logging": "logging"}
    fields.update(versioning="versioning", encryption="server_side_encryption_configuration")
    versioning = body.block_("versioning")
    acl = body.text("acl")
    parts.data_stores.append(
        DataStore(
            **base(inst, body, fields),
            kind="bucket",
            name=body.text("bucket"),
            encryption=_sse_rule(body)
            if body.has("server_side_encryption_configuration")
            else None,
            versioning=versioning.flag("enabled") if versioning else None,
            public_acl=_canned(acl) if acl is not None else None,
            access_logging=True if body.has("logging") else None,
            assumptions=take_notes(body),
        )
    )
    if body.has("policy"):
        _bucket_policy(inst, body, parts, docs, inst.address)


def _canned(acl: Text) -> Text:
    """Terraform's canned ACL names in CloudFormation's spelling (what rules compare)."""
    names = {"public-read": "PublicRead", "public-read-write": "PublicReadWrite"}
    names.update({"private": "Private", "authenticated-read": "AuthenticatedRead"})
    return names.get(acl, acl) if isinstance(acl, str) else acl


def _bucket_id(body: Body) -> Text | None:
    return body.target("bucket")


def _update(parts: Parts, ident: Text | None, **fields: Any) -> None:
    for i, store in enumerate(parts.data_stores):
        if store.id == ident:
            located = tuple((name, loc) for name, loc in fields.pop("_locations", ()))
            merged = (*store.field_locations, *located)
            parts.data_stores[i] = dataclasses.replace(store, field_locations=merged, **fields)


def bucket_encryption(inst: Instance, body: Body, parts: Parts, docs: Documents) -> None:
    encryption = _sse_rule(body)
    _update(parts, _bucket_id(body), encryption=encryption, _locations=(("encryption", body.loc),))


def bucket_versioning(inst: Instance, body: Body, parts: Parts, docs: Documents) -> None:
    config = body.block_("versioning_configuration")
    status = config.text("status") if config else None
    value = status if isinstance(status, Ref) else status == "Enabled"
    _update(parts, _bucket_id(body), versioning=value, _locations=(("versioning", body.loc),))


def bucket_public_block(inst: Instance, body: Body, parts: Parts, docs: Documents) -> None:
    _update(
        parts,
        _bucket_id(body),
        public_access_blocked=_public_block(body),
        _locations=(("public_access_blocked", body.loc),),
    )


def bucket_acl(inst: Instance, body: Body, parts: Parts, docs: Documents) -> None:
    acl = body.text("acl")
    if acl is not None:
        where = (("public_acl", body.at("acl")),)
        _update(parts, _bucket_id(body), public_acl=_canned(acl), _locations=where)


def bucket_logging(inst: Instance, body: Body, parts: Parts, docs: Documents) -> None:
    _update(
        parts, _bucket_id(body), access_logging=True, _locations=(("access_logging", body.loc),)
    )


def _bucket_policy(
    inst: Instance, body: Body, parts: Parts, docs: Documents, target: Text | None
) -> None:
    parts.resource_policies.append(
        ResourcePolicy(
            **base(inst, body, {"statements": "policy"}),
            targets=(target,) if target is not None else (),
            target_kind="bucket",
            statements=docs.statements(body, "policy", f"bucket policy {inst.address}"),
            assumptions=take_notes(body),
        )
    )


def bucket_policy(inst: Instance, body: Body, parts: Parts, docs: Documents) -> None:
    _bucket_policy(inst, body, parts, docs, _bucket_id(body))


def _resource_policy(kind: str, key: str) -> _Builder:
    def build(inst: Instance, body: Body, parts: Parts, docs: Documents) -> None:
        target = body.target(key)
        parts.resource_policies.append(
            ResourcePolicy(
                **base(inst, body, {"targets": key, "statements": "policy"}),
                targets=(target,) if target is not None else (),
                target_kind=kind,
                statements=docs.statements(body, "policy", f"{kind} policy {inst.address}"),
                assumptions=take_notes(body),
            )
        )

    return build


def table(inst: Instance, body: Body, parts: Parts, docs: Documents) -> None:
    sse = body.block_("server_side_encryption")
    pitr = body.block_("point_in_time_recovery")
    encryption: Encryption | None = None
    if sse is not None:
        enabled = sse.flag("enabled")
        if isinstance(enabled, Ref):
            encryption = Encryption(kind="kms", key=enabled, location=sse.loc)
        elif enabled:
            key = sse.target("kms_key_arn")
            encryption = key_encryption(key if key is not None else "alias/aws/dynamodb", sse.loc)
        else:
            encryption = Encryption(kind="service", location=sse.loc)
    fields = {"name": "name", "encryption": "server_side_encryption"}
    fields["point_in_time_recovery"] = "point_in_time_recovery"
    parts.data_stores.append(
        DataStore(
            **base(inst, body, fields),
            kind="table",
            name=body.text("name"),
            encryption=encryption,
            point_in_time_recovery=pitr.flag("enabled") if pitr else None,
            assumptions=take_notes(body),
        )
    )


def queue(inst: Instance, body: Body, parts: Parts, docs: Documents) -> None:
    encryption: Encryption | None = None
    if body.has("kms_master_key_id"):
        encryption = key_encryption(body.target("kms_master_key_id"), body.at("kms_master_key_id"))
    elif body.has("sqs_managed_sse_enabled"):
        enabled = body.flag("sqs_managed_sse_enabled")
        kind = "kms" if isinstance(enabled, Ref) else "service" if enabled else "none"
        at = body.at("sqs_managed_sse_enabled")
        encryption = Encryption(
            kind=kind, key=enabled if isinstance(enabled, Ref) else None, location=at
        )
    fields = {"name": "name", "dead_letter_target": "redrive_policy", "fifo": "fifo_queue"}
    fields.update(visibility_timeout="visibility_timeout_seconds")
    fields["encryption"] = (
        "kms_master_key_id" if body.has("kms_master_key_id") else "sqs_managed_sse_enabled"
    )
    parts.channels.append(
        Channel(
            **base(inst, body, fields),
            kind="queue",
            name=body.text("name"),
            encryption=encryption,
            dead_letter_target=_redrive(body.value("redrive_policy")),
            fifo=body.flag("fifo_queue"),
            visibility_timeout=body.number("visibility_timeout_seconds"),
            assumptions=take_notes(body),
        )
    )
    if body.has("policy"):
        _resource_policy("queue", "id")(inst, body, parts, docs)


def _redrive(value: Any) -> Text | None:
    data = decoded(value)
    if isinstance(data, dict):
        return as_target(data.get("deadLetterTargetArn"))
    return value if isinstance(value, Ref) else None


def queue_redrive(inst: Instance, body: Body, parts: Parts, docs: Documents) -> None:
    ident = body.target("queue_url")
    for i, channel in enumerate(parts.channels):
        if channel.id == ident:
            target = _redrive(body.value("redrive_policy"))
            parts.channels[i] = dataclasses.replace(channel, dead_letter_target=target)


def topic(inst: Instance, body: Body, parts: Parts, docs: Documents) -> None:
    at = body.at("kms_master_key_id")
    parts.channels.append(
        Channel(
            **base(
                inst,
                body,
                {"name": "name", "encryption": "kms_master_key_id", "fifo": "fifo_topic"},
            ),
            kind="topic",
            name=body.text("name"),
            encryption=key_encryption(body.target("kms_master_key_id"), at)
            if body.has("kms_master_key_id")
            else None,
            fifo=body.flag("fifo_topic"),
            assumptions=take_notes(body),
        )
    )
    if body.has("policy"):
        _resource_policy("topic", "arn")(inst, body, parts, docs)


def stream(inst: Instance, body: Body, parts: Parts, docs: Documents) -> None:
    encryption: Encryption | None = None
    if body.has("encryption_type"):
        kind = body.text("encryption_type")
        at = body.at("encryption_type")
        if kind == "NONE":
            encryption = Encryption(kind="none", location=at)
        else:
            encryption = key_encryption(body.target("kms_key_id"), at)
    parts.channels.append(
        Channel(
            **base(inst, body, {"name": "name", "encryption": "encryption_type"}),
            kind="stream",
            name=body.text("name"),
            encryption=encryption,
            assumptions=take_notes(body),
        )
    )


def subscription(inst: Instance, body: Body, parts: Parts, docs: Documents) -> None:
    fields = {"topic": "topic_arn", "protocol": "protocol", "endpoint": "endpoint"}
    fields["dead_letter_target"] = "redrive_policy"
    parts.subscriptions.append(
        Subscription(
            **base(inst, body, fields),
            topic=body.target("topic_arn") or Ref(text="topic_arn missing"),
            protocol=body.text("protocol") or Ref(text="protocol missing"),
            endpoint=body.target("endpoint"),
            dead_letter_target=_redrive(body.value("redrive_policy")),
            assumptions=take_notes(body),
        )
    )


def secret(inst: Instance, body: Body, parts: Parts, docs: Documents) -> None:
    at = body.at("kms_key_id")
    parts.data_stores.append(
        DataStore(
            **base(inst, body, {"name": "name", "encryption": "kms_key_id"}),
            kind="secret",
            name=body.text("name"),
            encryption=key_encryption(body.target("kms_key_id"), at)
            if body.has("kms_key_id")
            else None,
            assumptions=take_notes(body),
        )
    )
    if body.has("policy"):
        _resource_policy("secret", "arn")(inst, body, parts, docs)


def secret_version(inst: Instance, body: Body, parts: Parts, docs: Documents) -> None:
    """A literal ``secret_string`` makes its secret a literal secret (SEC003)."""
    if _plain_string(body, "secret_string"):
        where = (("literal_secret", body.at("secret_string")),)
        _update(parts, body.target("secret_id"), literal_secret=True, _locations=where)


def _plain_string(body: Body, name: str) -> bool:
    value = body.value(name)
    return body.is_literal(name) and isinstance(value, str) and bool(value.strip())


def secret_rotation(inst: Instance, body: Body, parts: Parts, docs: Documents) -> None:
    _update(parts, body.target("secret_id"), rotation=True, _locations=(("rotation", body.loc),))


def parameter(inst: Instance, body: Body, parts: Parts, docs: Documents) -> None:
    literal = body.text("type") == "SecureString" and _plain_string(body, "value")
    parts.data_stores.append(
        DataStore(
            **base(inst, body, {"name": "name", "literal_secret": "value"}),
            kind="parameter",
            name=body.text("name"),
            literal_secret=literal,
            assumptions=take_notes(body),
        )
    )


BUILDERS: dict[str, _Builder] = {
    "aws_s3_bucket": bucket,
    "aws_dynamodb_table": table,
    "aws_sqs_queue": queue,
    "aws_sns_topic": topic,
    "aws_kinesis_stream": stream,
    "aws_sns_topic_subscription": subscription,
    "aws_secretsmanager_secret": secret,
    "aws_ssm_parameter": parameter,
    "aws_s3_bucket_policy": bucket_policy,
    "aws_sqs_queue_policy": _resource_policy("queue", "queue_url"),
    "aws_sns_topic_policy": _resource_policy("topic", "arn"),
    "aws_secretsmanager_secret_policy": _resource_policy("secret", "secret_arn"),
}
#: resources that change a store built from another resource: built after all of those
LINKERS: dict[str, _Builder] = {
    "aws_s3_bucket_server_side_encryption_configuration": bucket_encryption,
    "aws_s3_bucket_versioning": bucket_versioning,
    "aws_s3_bucket_public_access_block": bucket_public_block,
    "aws_s3_bucket_acl": bucket_acl,
    "aws_s3_bucket_logging": bucket_logging,
    "aws_sqs_queue_redrive_policy": queue_redrive,
    "aws_secretsmanager_secret_version": secret_version,
    "aws_secretsmanager_secret_rotation": secret_rotation,
}

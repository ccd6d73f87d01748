"""Data stores and messaging: S3, DynamoDB, secrets, parameters, SQS, SNS, Kinesis."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from faasguard.loaders.cfn_common import Source, base, flag, key_encryption, sub, targets
from faasguard.loaders.cfn_redrive import redrive_target
from faasguard.loaders.cfn_template import Template
from faasguard.loaders.parts import Parts
from faasguard.loaders.yamljson import YList, YMap
from faasguard.model import (
    Channel,
    DataStore,
    Encryption,
    Ref,
    ResourcePolicy,
    Subscription,
)
from faasguard.secretscan import is_dynamic_reference

_PUBLIC_ACCESS_KEYS = (
    "BlockPublicAcls",
    "BlockPublicPolicy",
    "IgnorePublicAcls",
    "RestrictPublicBuckets",
)


def bucket(tpl: Template, src: Source) -> DataStore:
    props = src.props
    mapping = {
        "name": "BucketName",
        "encryption": "BucketEncryption",
        "versioning": "VersioningConfiguration",
        "public_access_blocked": "PublicAccessBlockConfiguration",
        "public_acl": "AccessControl",
        "access_logging": "LoggingConfiguration",
    }
    versioning = sub(tpl, props, "VersioningConfiguration")
    status = tpl.value(versioning.get("Status")) if versioning else None
    return DataStore(
        **base(tpl, src, mapping),
        kind="bucket",
        name=tpl.text(props.get("BucketName")),
        encryption=_bucket_encryption(tpl, props),
        versioning=status
        if isinstance(status, Ref)
        else None
        if status is None
        else status == "Enabled",
        public_access_blocked=_public_access_blocked(tpl, props),
        public_acl=tpl.text(props.get("AccessControl")),
        access_logging=True if sub(tpl, props, "LoggingConfiguration") is not None else None,
        assumptions=tpl.take_assumptions(),
    )


def _bucket_encryption(tpl: Template, props: YMap) -> Encryption | None:
    config = sub(tpl, props, "BucketEncryption")
    if config is None:
        return None
    at = props.key_loc("BucketEncryption")
    rules = tpl.pick(config.get("ServerSideEncryptionConfiguration"))
    first = tpl.pick(rules[0]) if isinstance(rules, YList) and rules else None
    default = sub(tpl, first, "ServerSideEncryptionByDefault") if isinstance(first, YMap) else None
    if default is None:
        return Encryption(kind="none", location=at)
    algorithm = tpl.text(default.get("SSEAlgorithm"))
    if isinstance(algorithm, Ref):
        return Encryption(kind="kms", key=algorithm, location=at)
    if algorithm and algorithm.startswith("aws:kms") and "KMSMasterKeyID" in default:
        return key_encryption(tpl, default.get("KMSMasterKeyID"), at)
    return Encryption(kind="service", location=at)  # AES256, or aws:kms with aws/s3


def _public_access_blocked(tpl: Template, props: YMap) -> bool | Ref | None:
    config = sub(tpl, props, "PublicAccessBlockConfiguration")
    if config is None:
        return None
    values = [flag(tpl, config.get(key)) for key in _PUBLIC_ACCESS_KEYS]
    if any(v is False or v is None for v in values):
        return False  # a missing setting is off
    return next((v for v in values if isinstance(v, Ref)), True)


def table(tpl: Template, src: Source) -> DataStore:
    props = src.props
    mapping = {"name": "TableName", "encryption": "SSESpecification"}
    mapping["point_in_time_recovery"] = "PointInTimeRecoverySpecification"
    pitr = sub(tpl, props, "PointInTimeRecoverySpecification")
    return DataStore(
        **base(tpl, src, mapping),
        kind="table",
        name=tpl.text(props.get("TableName")),
        encryption=_table_encryption(tpl, props),
        point_in_time_recovery=flag(tpl, pitr.get("PointInTimeRecoveryEnabled")) if pitr else None,
        assumptions=tpl.take_assumptions(),
    )


def _table_encryption(tpl: Template, props: YMap) -> Encryption | None:
    spec = sub(tpl, props, "SSESpecification")
    if spec is None:
        return None
    at = props.key_loc("SSESpecification")
    enabled = flag(tpl, spec.get("SSEEnabled"))
    if isinstance(enabled, Ref):
        return Encryption(kind="kms", key=enabled, location=at)
    if enabled and "KMSMasterKeyId" in spec:
        return key_encryption(tpl, spec.get("KMSMasterKeyId"), at)
    return Encryption(kind="service", location=at)  # AWS owned key, or aws/dynamodb


def secret(tpl: Template, src: Source) -> DataStore:
    props = src.props
    mapping = {"name": "Name", "encryption": "KmsKeyId", "literal_secret": "SecretString"}
    string = tpl.pick(props.get("SecretString"))
    at = props.key_loc("KmsKeyId")
    return DataStore(
        **base(tpl, src, mapping),
        kind="secret",
        name=tpl.text(props.get("Name")),
        encryption=key_encryption(tpl, props.get("KmsKeyId"), at) if "KmsKeyId" in props else None,
        literal_secret=isinstance(string, str) and bool(string),
        assumptions=tpl.take_assumptions(),
    )


def parameter(tpl: Template, src: Source) -> DataStore:
    value = src.props.get("Value")
    # written in the template itself (not a Ref/Sub nor a {{resolve:...}} reference)
    literal = isinstance(value, str) and bool(value.strip()) and not is_dynamic_reference(value)
    return DataStore(
        **base(tpl, src, {"name": "Name", "literal_secret": "Value"}),
        kind="parameter",
        name=tpl.text(src.props.get("Name")),
        literal_secret=literal,
        assumptions=tpl.take_assumptions(),
    )


def queue(tpl: Template, src: Source) -> Channel:
    props = src.props
    mapping = {"name": "QueueName", "dead_letter_target": "RedrivePolicy", "fifo": "FifoQueue"}
    mapping["encryption"] = (
        "KmsMasterKeyId" if "KmsMasterKeyId" in props else "SqsManagedSseEnabled"
    )
    mapping["visibility_timeout"] = "VisibilityTimeout"
    return Channel(
        **base(tpl, src, mapping),
        kind="queue",
        name=tpl.text(props.get("QueueName")),
        encryption=_queue_encryption(tpl, props),
        dead_letter_target=redrive_target(tpl, props),
        fifo=flag(tpl, props.get("FifoQueue")),
        visibility_timeout=tpl.value(props.get("VisibilityTimeout")),
        assumptions=tpl.take_assumptions(),
    )


def _queue_encryption(tpl: Template, props: YMap) -> Encryption | None:
    if "KmsMasterKeyId" in props:
        return key_encryption(tpl, props.get("KmsMasterKeyId"), props.key_loc("KmsMasterKeyId"))
    if "SqsManagedSseEnabled" not in props:
        return None
    at = props.key_loc("SqsManagedSseEnabled")
    enabled = flag(tpl, props.get("SqsManagedSseEnabled"))
    if isinstance(enabled, Ref):
        return Encryption(kind="kms", key=enabled, location=at)
    return Encryption(kind="service" if enabled else "none", location=at)


def topic(tpl: Template, src: Source) -> Channel:
    props = src.props
    mapping = {"name": "TopicName", "encryption": "KmsMasterKeyId", "fifo": "FifoTopic"}
    at = props.key_loc("KmsMasterKeyId")
    return Channel(
        **base(tpl, src, mapping),
        kind="topic",
        name=tpl.text(props.get("TopicName")),
        encryption=key_encryption(tpl, props.get("KmsMasterKeyId"), at)
        if "KmsMasterKeyId" in props
        else None,
        fifo=flag(tpl, props.get("FifoTopic")),
        assumptions=tpl.take_assumptions(),
    )


def stream(tpl: Template, src: Source) -> Channel:
    props = src.props
    config = sub(tpl, props, "StreamEncryption")
    encryption: Encryption | None = None
    if config is not None:
        at = props.key_loc("StreamEncryption")
        kind = tpl.text(config.get("EncryptionType"))
        if kind == "NONE":
            encryption = Encryption(kind="none", location=at)
        else:
            encryption = key_encryption(tpl, config.get("KeyId"), at)
    return Channel(
        **base(tpl, src, {"name": "Name", "encryption": "StreamEncryption"}),
        kind="stream",
        name=tpl.text(props.get("Name")),
        encryption=encryption,
        assumptions=tpl.take_assumptions(),
    )


def subscription(tpl: Template, src: Source) -> Subscription:
    props = src.props
    mapping = {"topic": "TopicArn", "protocol": "Protocol", "endpoint": "Endpoint"}
    mapping["dead_letter_target"] = "RedrivePolicy"
    return Subscription(
        **base(tpl, src, mapping),
        topic=tpl.target(props.get("TopicArn")) or Ref(text="!TopicArn missing"),
        protocol=tpl.text(props.get("Protocol")) or Ref(text="!Protocol missing"),
        endpoint=tpl.target(props.get("Endpoint")),
        dead_letter_target=redrive_target(tpl, props),
        assumptions=tpl.take_assumptions(),
    )


def resource_policy(tpl: Template, src: Source) -> ResourcePolicy:
    """Bucket/queue/topic policies: the governed resources and the statements."""
    key, kind = _POLICY_TARGETS[src.type]
    props = src.props
    return ResourcePolicy(
        **base(tpl, src, {"targets": key, "statements": "PolicyDocument"}),
        targets=targets(tpl, props.get(key)),
        target_kind=kind,
        statements=tpl.statements(props.get("PolicyDocument"), f"{kind} policy {src.ident}"),
        assumptions=tpl.take_assumptions(),
    )


_POLICY_TARGETS = {
    "AWS::S3::BucketPolicy": ("Bucket", "bucket"),
    "AWS::SQS::QueuePolicy": ("Queues", "queue"),
    "AWS::SNS::TopicPolicy": ("Topics", "topic"),
}

BUILDERS: dict[str, Callable[[Template, Source, Parts], None]] = {
    "AWS::S3::Bucket": lambda t, s, p: p.data_stores.append(bucket(t, s)),
    "AWS::DynamoDB::Table": lambda t, s, p: p.data_stores.append(table(t, s)),
    "AWS::SecretsManager::Secret": lambda t, s, p: p.data_stores.append(secret(t, s)),
    "AWS::SSM::Parameter": lambda t, s, p: p.data_stores.append(parameter(t, s)),
    "AWS::SQS::Queue": lambda t, s, p: p.channels.append(queue(t, s)),
    "AWS::SNS::Topic": lambda t, s, p: p.channels.append(topic(t, s)),
    "AWS::Kinesis::Stream": lambda t, s, p: p.channels.append(stream(t, s)),
    "AWS::SNS::Subscription": lambda t, s, p: p.subscriptions.append(subscription(t, s)),
    **{
        kind: lambda t, s, p: p.resource_policies.append(resource_policy(t, s))
        for kind in _POLICY_TARGETS
    },
}
LINKED_TYPES = frozenset({"AWS::SecretsManager::RotationSchedule"})


def link(tpl: Template, parts: Parts, sources: list[Source]) -> None:
    """A RotationSchedule turns rotation on for the secret it names."""
    for src in sources:
        secret_id = tpl.target(src.props.get("SecretId"))
        tpl.take_assumptions()
        for i, store in enumerate(parts.data_stores):
            if store.kind == "secret" and store.id == secret_id:
                parts.data_stores[i] = dataclasses.replace(store, rotation=True)
    for i, store in enumerate(parts.data_stores):
        if store.kind == "secret" and store.rotation is None:
            parts.data_stores[i] = dataclasses.replace(store, rotation=False)

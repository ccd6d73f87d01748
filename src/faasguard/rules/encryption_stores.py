"""Encryption of stored data and messages: buckets, tables, secrets, queues, topics, streams.

Convention for at-rest checks (see ``model.Encryption``): ``None`` = the property is absent, so
the service default applies (and evidence says which default); ``kind == "service"`` = an AWS
owned or AWS managed key; ``kind == "kms"`` = a customer-managed key (CMK), what these rules want.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from faasguard.model import (
    App,
    Encryption,
    Location,
    Pillar,
    Resource,
    Rule,
    RuleContext,
    RuleInfo,
    RuleResult,
    Severity,
    Violation,
)
from faasguard.rules._helpers import channels, stores
from faasguard.rules._references import (
    CFN_SLS_TF,
    CWE_311,
    EVERY_FRAMEWORK,
    OWASP_SECRETS,
    WA_REST,
)
from faasguard.rules._registry import rule

#: limitation shared by every rule that asks for a customer-managed key
CMK_LIMITS = (
    "A key given as a parameter or imported value is trusted to be a customer-managed key; "
    "key policies are not evaluated here."
)


def _describe(encryption: Encryption | None, default: str) -> str:
    """Evidence line saying what protects the data today."""
    if encryption is None:
        return f"no encryption setting: the service default applies ({default})"
    if encryption.kind == "none":
        return "encryption is explicitly disabled"
    if encryption.kind == "service":
        key = f" ({encryption.key})" if encryption.key is not None else ""
        return f"encrypted with an AWS owned/managed key{key}, not a customer-managed key"
    return f"encrypted with customer-managed key {encryption.key}"


def _where(resource: Resource, encryption: Encryption | None) -> Location:
    if encryption is not None and encryption.location is not None:
        return encryption.location
    return resource.at("encryption")


def without_cmk(
    resource: Resource, encryption: Encryption | None, noun: str, default: str, fix: str
) -> Iterator[RuleResult]:
    """A violation unless the resource is encrypted with a customer-managed key."""
    if encryption is not None and encryption.kind == "kms":
        return
    yield Violation(
        resource=resource.id,
        location=_where(resource, encryption),
        message=f"{noun} {resource.id} is not encrypted with a customer-managed KMS key",
        evidence=(_describe(encryption, default),),
        fix=fix,
    )


ENC002 = RuleInfo(
    id="ENC002",
    name="bucket-without-cmk",
    title="S3 bucket is not encrypted with a customer-managed key",
    pillar=Pillar.ENCRYPTION,
    severity=Severity.LOW,
    rationale="Since January 2023 S3 encrypts every new object with S3-managed keys (SSE-S3), "
    "which protects against stolen disks but not against a principal that can read the bucket. "
    "SSE-KMS with a customer-managed key adds a second authorization (kms:Decrypt) and an audit "
    "trail of every decryption.",
    remediation="Add `BucketEncryption.ServerSideEncryptionConfiguration` with `SSEAlgorithm: "
    "aws:kms` and `KMSMasterKeyID` set to a customer-managed key (and `BucketKeyEnabled: true` "
    "to limit KMS request costs).",
    frameworks=CFN_SLS_TF,
    references=(WA_REST, CWE_311),
    equivalents=("checkov:CKV_AWS_145",),
    example="Data:\n  Type: AWS::S3::Bucket",
    fixed_example="Data:\n  Type: AWS::S3::Bucket\n  Properties:\n    BucketEncryption:\n"
    "      ServerSideEncryptionConfiguration:\n        - ServerSideEncryptionByDefault:\n"
    "            SSEAlgorithm: aws:kms\n            KMSMasterKeyID: !Ref DataKey",
    limitations=CMK_LIMITS,
)


@rule(ENC002)
def bucket_without_cmk(app: App, ctx: RuleContext) -> Iterator[RuleResult]:
    for bucket in stores(app, "bucket"):
        yield from without_cmk(
            bucket,
            bucket.encryption,
            "Bucket",
            "SSE-S3 with S3-managed keys",
            "Use SSE-KMS with a customer-managed key in BucketEncryption.",
        )


ENC003 = RuleInfo(
    id="ENC003",
    name="table-without-cmk",
    title="DynamoDB table is not encrypted with a customer-managed key",
    pillar=Pillar.ENCRYPTION,
    severity=Severity.LOW,
    rationale="DynamoDB always encrypts at rest, by default with an AWS owned key the account "
    "cannot control or audit. A customer-managed key lets the key policy restrict who can read "
    "the table's data and logs every use in CloudTrail.",
    remediation="CloudFormation: `SSESpecification: {SSEEnabled: true, SSEType: KMS, "
    "KMSMasterKeyId: <key>}`. SAM SimpleTable: `SSESpecification` with the same keys.",
    frameworks=EVERY_FRAMEWORK,
    references=(WA_REST, CWE_311),
    equivalents=("checkov:CKV_AWS_119", "cfn_nag:W74", "kics:4bd21e68", "trivy:AWS-0121"),
    example="Orders:\n  Type: AWS::DynamoDB::Table",
    fixed_example="Orders:\n  Type: AWS::DynamoDB::Table\n  Properties:\n    SSESpecification:\n"
    "      SSEEnabled: true\n      SSEType: KMS\n      KMSMasterKeyId: !Ref TableKey",
    limitations=CMK_LIMITS,
)


@rule(ENC003)
def table_without_cmk(app: App, ctx: RuleContext) -> Iterator[RuleResult]:
    for table in stores(app, "table"):
        yield from without_cmk(
            table,
            table.encryption,
            "Table",
            "an AWS owned key",
            "Set SSESpecification with SSEType KMS and a customer-managed KMSMasterKeyId.",
        )


ENC004 = RuleInfo(
    id="ENC004",
    name="queue-unencrypted",
    title="SQS queue is unencrypted or not encrypted with a customer-managed key",
    pillar=Pillar.ENCRYPTION,
    severity=Severity.LOW,
    rationale="Messages often carry the same data as the store behind them. A queue with "
    "`SqsManagedSseEnabled: false` and no KMS key stores messages unencrypted (MEDIUM). Queues "
    "created since 2022 otherwise get SSE-SQS, an SQS-owned key that any reader of the queue "
    "can use (LOW): a customer-managed key adds an authorization and an audit trail.",
    remediation="Set `KmsMasterKeyId` to a customer-managed key (remove "
    "`SqsManagedSseEnabled: false`).",
    frameworks=CFN_SLS_TF,
    references=(WA_REST, CWE_311),
    equivalents=("checkov:CKV_AWS_27", "cfn_nag:W48", "kics:12726829", "trivy:AWS-0096"),
    example="Jobs:\n  Type: AWS::SQS::Queue\n  Properties:\n    SqsManagedSseEnabled: false",
    fixed_example="Jobs:\n  Type: AWS::SQS::Queue\n  Properties:\n"
    "    KmsMasterKeyId: !Ref QueueKey",
    limitations=CMK_LIMITS,
)


@rule(ENC004)
def queue_unencrypted(app: App, ctx: RuleContext) -> Iterator[RuleResult]:
    for queue in channels(app, "queue"):
        disabled = queue.encryption is not None and queue.encryption.kind == "none"
        for found in without_cmk(
            queue,
            queue.encryption,
            "Queue",
            "SSE-SQS with an SQS-owned key",
            "Set KmsMasterKeyId to a customer-managed KMS key.",
        ):
            if disabled and isinstance(found, Violation):
                # Explicitly unencrypted messages are worse than "no CMK".
                message = f"Queue {queue.id} stores messages unencrypted"
                found = replace(found, message=message, severity=Severity.MEDIUM)
            yield found


ENC005 = RuleInfo(
    id="ENC005",
    name="topic-without-kms",
    title="SNS topic is not encrypted with a customer-managed key",
    pillar=Pillar.ENCRYPTION,
    severity=Severity.MEDIUM,
    rationale="SNS does not encrypt topics at rest unless a KMS key is configured: without "
    "`KmsMasterKeyId` messages are stored unencrypted (MEDIUM). The AWS managed key alias/aws/sns "
    "encrypts them but cannot be restricted by a key policy of yours (LOW).",
    remediation="Set `KmsMasterKeyId` on the topic to a customer-managed key whose policy allows "
    "the publishers (and services such as EventBridge or S3 that publish) to use it.",
    frameworks=CFN_SLS_TF,
    references=(WA_REST, CWE_311),
    equivalents=("checkov:CKV_AWS_26", "cfn_nag:W47", "kics:9d13b150", "trivy:AWS-0095"),
    example="Alerts:\n  Type: AWS::SNS::Topic",
    fixed_example="Alerts:\n  Type: AWS::SNS::Topic\n  Properties:\n"
    "    KmsMasterKeyId: !Ref TopicKey",
    limitations=CMK_LIMITS,
)


def _unencrypted_by_default(
    resource: Resource, encryption: Encryption | None, noun: str, fix: str
) -> Iterator[RuleResult]:
    """For services without default encryption: absent = unencrypted (rule severity),
    an AWS managed key = LOW."""
    if encryption is not None and encryption.kind == "kms":
        return
    managed = encryption is not None and encryption.kind == "service"
    yield Violation(
        resource=resource.id,
        location=_where(resource, encryption),
        message=f"{noun} {resource.id} is "
        + ("encrypted with an AWS managed key" if managed else "not encrypted at rest"),
        evidence=(_describe(encryption, "no encryption at rest"),),
        fix=fix,
        severity=Severity.LOW if managed else None,
    )


@rule(ENC005)
def topic_without_kms(app: App, ctx: RuleContext) -> Iterator[RuleResult]:
    for topic in channels(app, "topic"):
        yield from _unencrypted_by_default(
            topic, topic.encryption, "Topic", "Set KmsMasterKeyId to a customer-managed KMS key."
        )


ENC006 = RuleInfo(
    id="ENC006",
    name="stream-unencrypted",
    title="Kinesis stream is not encrypted with a customer-managed key",
    pillar=Pillar.ENCRYPTION,
    severity=Severity.MEDIUM,
    rationale="A Kinesis data stream defined without `StreamEncryption` keeps its records "
    "unencrypted at rest (MEDIUM). The AWS managed key alias/aws/kinesis encrypts them but its "
    "use cannot be restricted by you (LOW).",
    remediation="Add `StreamEncryption: {EncryptionType: KMS, KeyId: <customer-managed key>}`.",
    frameworks=CFN_SLS_TF,
    references=(WA_REST, CWE_311),
    equivalents=("checkov:CKV_AWS_43", "cfn_nag:W49", "kics:7f65be75", "trivy:AWS-0064"),
    example="Clicks:\n  Type: AWS::Kinesis::Stream\n  Properties:\n    ShardCount: 1",
    fixed_example="Clicks:\n  Type: AWS::Kinesis::Stream\n  Properties:\n    ShardCount: 1\n"
    "    StreamEncryption:\n      EncryptionType: KMS\n      KeyId: !Ref StreamKey",
    limitations=CMK_LIMITS,
)


@rule(ENC006)
def stream_unencrypted(app: App, ctx: RuleContext) -> Iterator[RuleResult]:
    for stream in channels(app, "stream"):
        yield from _unencrypted_by_default(
            stream,
            stream.encryption,
            "Stream",
            "Add StreamEncryption with EncryptionType KMS and a customer-managed KeyId.",
        )


ENC013 = RuleInfo(
    id="ENC013",
    name="secret-without-cmk",
    title="Secrets Manager secret is not encrypted with a customer-managed key",
    pillar=Pillar.ENCRYPTION,
    severity=Severity.LOW,
    rationale="Without `KmsKeyId` a secret is encrypted with the AWS managed key "
    "aws/secretsmanager, which any principal of the account allowed "
    "secretsmanager:GetSecretValue can use. A "
    "customer-managed key adds a key policy that must also allow decryption, and is required to "
    "share the secret across accounts.",
    remediation="Set `KmsKeyId` on the `AWS::SecretsManager::Secret` to a customer-managed key.",
    frameworks=CFN_SLS_TF,
    references=(OWASP_SECRETS, WA_REST, CWE_311),
    equivalents=("checkov:CKV_AWS_149", "cfn_nag:W77", "kics:c8ae9ba9", "trivy:AWS-0098"),
    example="DbSecret:\n  Type: AWS::SecretsManager::Secret\n  Properties:\n"
    "    GenerateSecretString: {}",
    fixed_example="DbSecret:\n  Type: AWS::SecretsManager::Secret\n  Properties:\n"
    "    KmsKeyId: !Ref SecretsKey\n    GenerateSecretString: {}",
    limitations=CMK_LIMITS,
)


@rule(ENC013)
def secret_without_cmk(app: App, ctx: RuleContext) -> Iterator[RuleResult]:
    for secret in stores(app, "secret"):
        yield from without_cmk(
            secret,
            secret.encryption,
            "Secret",
            "the AWS managed key aws/secretsmanager",
            "Set KmsKeyId to a customer-managed KMS key.",
        )


RULES: tuple[Rule, ...] = (
    bucket_without_cmk,
    table_without_cmk,
    queue_unencrypted,
    topic_without_kms,
    stream_unencrypted,
    secret_without_cmk,
)

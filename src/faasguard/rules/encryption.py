"""Encryption pillar: data at rest under customer-managed keys, data in transit over modern TLS.

Convention for at-rest checks (see ``model.Encryption``): ``None`` = the property is absent, so
the service default applies (and evidence says which default); ``kind == "service"`` = an AWS
owned or AWS managed key; ``kind == "kms"`` = a customer-managed key (CMK), what these rules want.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from functools import cache
from importlib import resources

from faasguard.model import (
    App,
    Data,
    DataStore,
    Encryption,
    Framework,
    FrozenMap,
    Inconclusive,
    Location,
    Pillar,
    PolicyStatement,
    Ref,
    Resource,
    Rule,
    RuleContext,
    RuleInfo,
    RuleResult,
    Severity,
    Text,
    Violation,
)
from faasguard.rules._registry import rule

_SAM_CFN = (Framework.SAM, Framework.CLOUDFORMATION)
_CFN = (Framework.CLOUDFORMATION,)
_OWASP_DATA = "OWASP Serverless Top 10: SAS-7 Insecure Application Secrets Storage"
_WA_REST = "AWS Well-Architected SEC08-BP02 Enforce encryption at rest"
_WA_TRANSIT = "AWS Well-Architected SEC09-BP02 Enforce encryption in transit"
_CWE_311 = "CWE-311: Missing Encryption of Sensitive Data"
_CMK_LIMITS = (
    "A key given as a parameter or imported value is trusted to be a customer-managed key; "
    "key policies are not evaluated here."
)


@cache
def _weak_tls_policies() -> frozenset[str]:
    raw = resources.files("faasguard").joinpath("data/enc_tls_policies.json").read_text("utf-8")
    return frozenset(json.loads(raw)["weak"])


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


def _without_cmk(
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


def _stores(app: App, kind: str) -> Iterator[DataStore]:
    return (d for d in app.data_stores if d.kind == kind)


ENC001 = RuleInfo(
    id="ENC001",
    name="function-env-without-cmk",
    title="Function environment variables are not encrypted with a customer-managed key",
    pillar=Pillar.ENCRYPTION,
    severity=Severity.MEDIUM,
    rationale="Lambda encrypts environment variables with an AWS managed key that every "
    "principal allowed lambda:GetFunctionConfiguration can use, so anyone who can read the "
    "function's configuration reads its variables in clear. A customer-managed key (KmsKeyArn) "
    "adds a key policy that decides who may decrypt them, and CloudTrail records each use.",
    remediation="SAM and CloudFormation: set `KmsKeyArn` on the function (SAM: also possible in "
    "`Globals.Function`) to a customer-managed key whose policy allows the function's role to "
    "decrypt. Better still, keep secrets out of variables (Secrets Manager, SSM SecureString).",
    frameworks=_SAM_CFN,
    references=(_OWASP_DATA, _WA_REST, _CWE_311),
    equivalents=("checkov:CKV_AWS_173", "kics:a7f8ac28"),
    example="Fn:\n  Type: AWS::Serverless::Function\n  Properties:\n    Environment:\n"
    "      Variables: {TABLE: orders}",
    fixed_example="Fn:\n  Type: AWS::Serverless::Function\n  Properties:\n"
    "    KmsKeyArn: !GetAtt FnKey.Arn\n    Environment:\n      Variables: {TABLE: orders}",
    limitations="Whether a variable holds a secret is the business of the SEC rules.",
)


@rule(ENC001)
def function_env_without_cmk(app: App, ctx: RuleContext) -> Iterator[RuleResult]:
    for fn in app.functions:
        if not fn.environment or fn.kms_key is not None:
            continue
        names = ", ".join(v.name for v in fn.environment)
        yield Violation(
            resource=fn.id,
            location=fn.at("environment"),
            message=f"Function {fn.id} has environment variables but no KmsKeyArn",
            evidence=(
                f"variables: {names}",
                "no KmsKeyArn: Lambda's AWS managed key (aws/lambda) applies",
            ),
            fix=f"Set KmsKeyArn on {fn.id} to a customer-managed KMS key.",
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
    frameworks=_CFN,
    references=(_WA_REST, _CWE_311),
    equivalents=("checkov:CKV_AWS_145",),
    example="Data:\n  Type: AWS::S3::Bucket",
    fixed_example="Data:\n  Type: AWS::S3::Bucket\n  Properties:\n    BucketEncryption:\n"
    "      ServerSideEncryptionConfiguration:\n        - ServerSideEncryptionByDefault:\n"
    "            SSEAlgorithm: aws:kms\n            KMSMasterKeyID: !Ref DataKey",
    limitations=_CMK_LIMITS,
)


@rule(ENC002)
def bucket_without_cmk(app: App, ctx: RuleContext) -> Iterator[RuleResult]:
    for bucket in _stores(app, "bucket"):
        yield from _without_cmk(
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
    frameworks=_SAM_CFN,
    references=(_WA_REST, _CWE_311),
    equivalents=("checkov:CKV_AWS_119", "cfn_nag:W74", "kics:4bd21e68", "trivy:AWS-0121"),
    example="Orders:\n  Type: AWS::DynamoDB::Table",
    fixed_example="Orders:\n  Type: AWS::DynamoDB::Table\n  Properties:\n    SSESpecification:\n"
    "      SSEEnabled: true\n      SSEType: KMS\n      KMSMasterKeyId: !Ref TableKey",
    limitations=_CMK_LIMITS,
)


@rule(ENC003)
def table_without_cmk(app: App, ctx: RuleContext) -> Iterator[RuleResult]:
    for table in _stores(app, "table"):
        yield from _without_cmk(
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
    frameworks=_CFN,
    references=(_WA_REST, _CWE_311),
    equivalents=("checkov:CKV_AWS_27", "cfn_nag:W48", "kics:12726829", "trivy:AWS-0096"),
    example="Jobs:\n  Type: AWS::SQS::Queue\n  Properties:\n    SqsManagedSseEnabled: false",
    fixed_example="Jobs:\n  Type: AWS::SQS::Queue\n  Properties:\n"
    "    KmsMasterKeyId: !Ref QueueKey",
    limitations=_CMK_LIMITS,
)


@rule(ENC004)
def queue_unencrypted(app: App, ctx: RuleContext) -> Iterator[RuleResult]:
    for queue in (c for c in app.channels if c.kind == "queue"):
        disabled = queue.encryption is not None and queue.encryption.kind == "none"
        for found in _without_cmk(
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
    frameworks=_CFN,
    references=(_WA_REST, _CWE_311),
    equivalents=("checkov:CKV_AWS_26", "cfn_nag:W47", "kics:9d13b150", "trivy:AWS-0095"),
    example="Alerts:\n  Type: AWS::SNS::Topic",
    fixed_example="Alerts:\n  Type: AWS::SNS::Topic\n  Properties:\n"
    "    KmsMasterKeyId: !Ref TopicKey",
    limitations=_CMK_LIMITS,
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
    for topic in (c for c in app.channels if c.kind == "topic"):
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
    frameworks=_CFN,
    references=(_WA_REST, _CWE_311),
    equivalents=("checkov:CKV_AWS_43", "cfn_nag:W49", "kics:7f65be75", "trivy:AWS-0064"),
    example="Clicks:\n  Type: AWS::Kinesis::Stream\n  Properties:\n    ShardCount: 1",
    fixed_example="Clicks:\n  Type: AWS::Kinesis::Stream\n  Properties:\n    ShardCount: 1\n"
    "    StreamEncryption:\n      EncryptionType: KMS\n      KeyId: !Ref StreamKey",
    limitations=_CMK_LIMITS,
)


@rule(ENC006)
def stream_unencrypted(app: App, ctx: RuleContext) -> Iterator[RuleResult]:
    for stream in (c for c in app.channels if c.kind == "stream"):
        yield from _unencrypted_by_default(
            stream,
            stream.encryption,
            "Stream",
            "Add StreamEncryption with EncryptionType KMS and a customer-managed KeyId.",
        )


ENC007 = RuleInfo(
    id="ENC007",
    name="log-group-without-kms",
    title="CloudWatch log group is not encrypted with a customer-managed key",
    pillar=Pillar.ENCRYPTION,
    severity=Severity.LOW,
    rationale="Function logs routinely capture request payloads, tokens and stack traces. "
    "CloudWatch Logs encrypts them with a service key by default; a customer-managed key lets "
    "a key policy decide who can read them, independently of logs:* permissions.",
    remediation="Set `KmsKeyId` on the `AWS::Logs::LogGroup` to a customer-managed key whose "
    "policy allows the logs.<region>.amazonaws.com service principal to use it.",
    frameworks=_CFN,
    references=(_WA_REST, "CWE-532: Insertion of Sensitive Information into Log File"),
    equivalents=("checkov:CKV_AWS_158", "cfn_nag:W84", "trivy:AWS-0017"),
    example="FnLogs:\n  Type: AWS::Logs::LogGroup\n  Properties:\n    RetentionInDays: 30",
    fixed_example="FnLogs:\n  Type: AWS::Logs::LogGroup\n  Properties:\n    RetentionInDays: 30\n"
    "    KmsKeyId: !GetAtt LogsKey.Arn",
    limitations="Log groups that Lambda creates implicitly are not in the template; LOG002 "
    "asks for an explicit group.",
)


@rule(ENC007)
def log_group_without_kms(app: App, ctx: RuleContext) -> Iterator[RuleResult]:
    for group in app.log_groups:
        if group.kms_key is not None:
            continue
        yield Violation(
            resource=group.id,
            location=group.location,
            message=f"Log group {group.id} is not encrypted with a customer-managed KMS key",
            evidence=("no KmsKeyId: CloudWatch Logs' service-managed encryption applies",),
            fix="Set KmsKeyId to a customer-managed KMS key.",
        )


ENC008 = RuleInfo(
    id="ENC008",
    name="state-machine-without-cmk",
    title="Step Functions state machine is not encrypted with a customer-managed key",
    pillar=Pillar.ENCRYPTION,
    severity=Severity.LOW,
    rationale="Execution history holds every state's input and output, often personal data or "
    "tokens. By default it is encrypted with an AWS owned key; a customer-managed key restricts "
    "who can read executions through the key policy.",
    remediation="Set `EncryptionConfiguration: {Type: CUSTOMER_MANAGED_KMS_KEY, KmsKeyId: <key>}` "
    "and allow the state machine's role kms:Decrypt and kms:GenerateDataKey.",
    frameworks=_CFN,
    references=(_WA_REST, _CWE_311),
    equivalents=("prowler:stepfunctions_statemachine_encrypted_with_cmk",),
    example="Flow:\n  Type: AWS::StepFunctions::StateMachine",
    fixed_example="Flow:\n  Type: AWS::StepFunctions::StateMachine\n  Properties:\n"
    "    EncryptionConfiguration:\n      Type: CUSTOMER_MANAGED_KMS_KEY\n      KmsKeyId: !Ref K",
    limitations=_CMK_LIMITS,
)


@rule(ENC008)
def state_machine_without_cmk(app: App, ctx: RuleContext) -> Iterator[RuleResult]:
    for machine in app.state_machines:
        yield from _without_cmk(
            machine,
            machine.encryption,
            "State machine",
            "an AWS owned key",
            "Set EncryptionConfiguration with Type CUSTOMER_MANAGED_KMS_KEY.",
        )


ENC009 = RuleInfo(
    id="ENC009",
    name="bucket-allows-insecure-transport",
    title="S3 bucket accepts requests over plain HTTP",
    pillar=Pillar.ENCRYPTION,
    severity=Severity.MEDIUM,
    rationale="S3 serves both HTTP and HTTPS endpoints. Unless the bucket policy denies requests "
    "where `aws:SecureTransport` is false, a misconfigured client or SDK can send objects and "
    "signed requests in clear text, open to interception and tampering.",
    remediation="Add an `AWS::S3::BucketPolicy` statement: Effect Deny, Principal '*', Action "
    "'s3:*', Resource the bucket and its objects, Condition `Bool: {aws:SecureTransport: "
    "false}`.",
    frameworks=_CFN,
    references=(_WA_TRANSIT, "CWE-319: Cleartext Transmission of Sensitive Information"),
    equivalents=(
        "cdk-nag:AwsSolutions-S10",
        "prowler:s3_bucket_secure_transport_policy",
    ),
    example="Data:\n  Type: AWS::S3::Bucket",
    fixed_example="DataPolicy:\n  Type: AWS::S3::BucketPolicy\n  Properties:\n"
    "    Bucket: !Ref Data\n    PolicyDocument:\n      Statement:\n        - Effect: Deny\n"
    "          Principal: '*'\n          Action: 's3:*'\n          Resource:\n"
    "            - !GetAtt Data.Arn\n            - !Sub '${Data.Arn}/*'\n"
    "          Condition:\n            Bool: {aws:SecureTransport: false}",
    limitations="Only policies defined in the same template are seen; a policy attached by "
    "another stack makes this a false positive (suppress it with a reason).",
)


def _is_false(value: Data) -> bool:
    if isinstance(value, tuple):
        return any(_is_false(v) for v in value)
    return value is False or (isinstance(value, str) and value.lower() == "false")


def _denies_insecure_transport(statement: PolicyStatement) -> bool:
    if not isinstance(statement.effect, str) or statement.effect != "Deny":
        return False
    for operator, keys in statement.conditions.items:
        if not operator.startswith("Bool") or not isinstance(keys, FrozenMap):
            continue
        for key, value in keys.items:
            if key.lower() == "aws:securetransport" and _is_false(value):
                return True
    return False


def _names(text: Text, ident: str) -> bool:
    """Whether a policy target (an id, or a Ref to one) designates resource ``ident``."""
    return text == ident or (isinstance(text, Ref) and text.target == ident)


@rule(ENC009)
def bucket_allows_insecure_transport(app: App, ctx: RuleContext) -> Iterator[RuleResult]:
    bucket_policies = [p for p in app.resource_policies if p.target_kind == "bucket"]
    unresolved = [
        p
        for p in bucket_policies
        if any(isinstance(t, Ref) and t.target is None for t in p.targets)
    ]
    for bucket in _stores(app, "bucket"):
        own = [p for p in bucket_policies if any(_names(t, bucket.id) for t in p.targets)]
        if any(_denies_insecure_transport(s) for p in own for s in p.statements):
            continue
        if unresolved:
            yield Inconclusive(
                resource=bucket.id,
                location=bucket.location,
                reason=f"bucket policy {unresolved[0].id} targets an unresolved bucket",
            )
            continue
        evidence = (
            ("no bucket policy in the template",)
            if not own
            else tuple(
                f"policy {p.id} has no Deny statement on aws:SecureTransport false" for p in own
            )
        )
        yield Violation(
            resource=bucket.id,
            location=bucket.location,
            message=f"Bucket {bucket.id} does not deny requests over plain HTTP",
            evidence=evidence,
            fix="Add a bucket policy statement denying s3:* when aws:SecureTransport is false.",
        )


ENC010 = RuleInfo(
    id="ENC010",
    name="api-domain-weak-tls",
    title="API custom domain allows TLS versions below 1.2",
    pillar=Pillar.ENCRYPTION,
    severity=Severity.MEDIUM,
    rationale="The `TLS_1_0` security policy accepts TLS 1.0 and 1.1 clients, protocols with "
    "known downgrade and cipher weaknesses that PCI DSS and most baselines forbid. When "
    "`SecurityPolicy` is absent, API Gateway's default applies, which has been TLS 1.0 for "
    "edge-optimized and regional REST endpoints: state the policy explicitly.",
    remediation="SAM: `Domain: {SecurityPolicy: TLS_1_2}` on the Api/HttpApi. CloudFormation: "
    "`SecurityPolicy: TLS_1_2` on `AWS::ApiGateway::DomainName`, or in "
    "`DomainNameConfigurations` of `AWS::ApiGatewayV2::DomainName`.",
    frameworks=_SAM_CFN,
    references=(_WA_TRANSIT, "CWE-326: Inadequate Encryption Strength"),
    equivalents=("kics:8275fab0", "cfn_nag:W62", "trivy:AWS-0112"),
    example="ApiDomain:\n  Type: AWS::ApiGateway::DomainName\n  Properties:\n"
    "    DomainName: api.example.com\n    SecurityPolicy: TLS_1_0",
    fixed_example="ApiDomain:\n  Type: AWS::ApiGateway::DomainName\n  Properties:\n"
    "    DomainName: api.example.com\n    SecurityPolicy: TLS_1_2",
    limitations="Domains managed outside the template (console, another stack) are not seen.",
)


@rule(ENC010)
def api_domain_weak_tls(app: App, ctx: RuleContext) -> Iterator[RuleResult]:
    for domain in app.domains:
        policy = domain.security_policy
        if isinstance(policy, Ref):
            yield Inconclusive(
                resource=domain.id,
                location=domain.at("security_policy"),
                reason=f"SecurityPolicy is {policy.text}",
            )
            continue
        if policy is not None and policy not in _weak_tls_policies():
            continue
        evidence = (
            f"SecurityPolicy: {policy} accepts TLS 1.0 and 1.1"
            if policy is not None
            else "SecurityPolicy absent: API Gateway's default (TLS_1_0 for REST domains) applies"
        )
        yield Violation(
            resource=domain.generated_from or domain.id,
            location=domain.at("security_policy"),
            message=f"Custom domain {domain.domain or domain.id} allows TLS below 1.2",
            evidence=(evidence,),
            fix="Set SecurityPolicy to TLS_1_2.",
            key=domain.id,
        )


ENC011 = RuleInfo(
    id="ENC011",
    name="kms-key-rotation-off",
    title="Customer-managed KMS key without automatic rotation",
    pillar=Pillar.ENCRYPTION,
    severity=Severity.MEDIUM,
    rationale="A symmetric key that never rotates keeps protecting new data with the same key "
    "material for its whole life, so one disclosure exposes everything ever encrypted with it; "
    "most compliance baselines require yearly rotation, which KMS does transparently.",
    remediation="Set `EnableKeyRotation: true` on the `AWS::KMS::Key` (optionally "
    "`RotationPeriodInDays`).",
    frameworks=_CFN,
    references=(
        "AWS Well-Architected SEC08-BP01 Implement secure key management",
        "CWE-320: Key Management Errors",
    ),
    equivalents=("checkov:CKV_AWS_7", "cfn_nag:F19", "cfripper:KMSKeyEnabledKeyRotation"),
    example="DataKey:\n  Type: AWS::KMS::Key\n  Properties:\n    KeyPolicy: {...}",
    fixed_example="DataKey:\n  Type: AWS::KMS::Key\n  Properties:\n"
    "    EnableKeyRotation: true\n    KeyPolicy: {...}",
    limitations="Asymmetric and HMAC keys cannot rotate automatically and are skipped.",
)


@rule(ENC011)
def kms_key_rotation_off(app: App, ctx: RuleContext) -> Iterator[RuleResult]:
    for key in app.keys:
        # Only symmetric encryption keys support automatic rotation.
        if key.key_spec not in (None, "SYMMETRIC_DEFAULT"):
            continue
        if isinstance(key.rotation, Ref):
            yield Inconclusive(
                resource=key.id,
                location=key.at("rotation"),
                reason=f"EnableKeyRotation is {key.rotation.text}",
            )
            continue
        if key.rotation is True:
            continue
        state = "false" if key.rotation is False else "absent (rotation is off by default)"
        yield Violation(
            resource=key.id,
            location=key.at("rotation"),
            message=f"KMS key {key.id} does not rotate its key material",
            evidence=(f"EnableKeyRotation: {state}",),
            fix="Set EnableKeyRotation: true.",
        )


ENC012 = RuleInfo(
    id="ENC012",
    name="api-cache-unencrypted",
    title="REST API stage cache is not encrypted",
    pillar=Pillar.ENCRYPTION,
    severity=Severity.MEDIUM,
    rationale="A stage cache stores integration responses (often personal data or tokens) on "
    "API Gateway's cache cluster; unless `CacheDataEncrypted` is true those responses are kept "
    "unencrypted at rest.",
    remediation="In the stage's MethodSettings (SAM: `MethodSettings` of the Api) set "
    "`CacheDataEncrypted: true` wherever `CachingEnabled` is true, or turn the cache off.",
    frameworks=_CFN,
    references=(_WA_REST, _CWE_311),
    equivalents=("kics:37cca703", "cfn_nag:W87", "trivy:AWS-0110"),
    example="MethodSettings:\n  - ResourcePath: '/*'\n    HttpMethod: '*'\n"
    "    CachingEnabled: true",
    fixed_example="MethodSettings:\n  - ResourcePath: '/*'\n    HttpMethod: '*'\n"
    "    CachingEnabled: true\n    CacheDataEncrypted: true",
    limitations="Per-method overrides are summarised at stage level by the loader.",
)


@rule(ENC012)
def api_cache_unencrypted(app: App, ctx: RuleContext) -> Iterator[RuleResult]:
    for api in app.apis:
        if api.protocol != "REST" or api.cache_enabled is not True:
            continue
        if isinstance(api.cache_encrypted, Ref):
            yield Inconclusive(
                resource=api.id,
                location=api.at("cache_encrypted"),
                reason=f"CacheDataEncrypted is {api.cache_encrypted.text}",
            )
            continue
        if api.cache_encrypted is True:
            continue
        yield Violation(
            resource=api.generated_from or api.id,
            location=api.at("cache_encrypted")
            if api.cache_encrypted is False
            else api.at("cache_enabled"),
            message=f"API {api.id} caches responses without encrypting the cache",
            evidence=("caching enabled", f"CacheDataEncrypted: {api.cache_encrypted or 'absent'}"),
            fix="Set CacheDataEncrypted: true in the stage's MethodSettings.",
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
    frameworks=_CFN,
    references=(_OWASP_DATA, _WA_REST, _CWE_311),
    equivalents=("checkov:CKV_AWS_149", "cfn_nag:W77", "kics:c8ae9ba9", "trivy:AWS-0098"),
    example="DbSecret:\n  Type: AWS::SecretsManager::Secret\n  Properties:\n"
    "    GenerateSecretString: {}",
    fixed_example="DbSecret:\n  Type: AWS::SecretsManager::Secret\n  Properties:\n"
    "    KmsKeyId: !Ref SecretsKey\n    GenerateSecretString: {}",
    limitations=_CMK_LIMITS,
)


@rule(ENC013)
def secret_without_cmk(app: App, ctx: RuleContext) -> Iterator[RuleResult]:
    for secret in _stores(app, "secret"):
        yield from _without_cmk(
            secret,
            secret.encryption,
            "Secret",
            "the AWS managed key aws/secretsmanager",
            "Set KmsKeyId to a customer-managed KMS key.",
        )


RULES: tuple[Rule, ...] = (
    function_env_without_cmk,
    bucket_without_cmk,
    table_without_cmk,
    queue_unencrypted,
    topic_without_kms,
    stream_unencrypted,
    log_group_without_kms,
    state_machine_without_cmk,
    bucket_allows_insecure_transport,
    api_domain_weak_tls,
    kms_key_rotation_off,
    api_cache_unencrypted,
    secret_without_cmk,
)

"""Encryption of what functions, workflows and logs keep, and of the keys themselves:
function environments, log groups, state machines, KMS key rotation, REST API stage caches."""

from __future__ import annotations

from collections.abc import Iterator

from faasguard.model import (
    App,
    Pillar,
    Ref,
    Rule,
    RuleContext,
    RuleInfo,
    RuleResult,
    Severity,
    Violation,
)
from faasguard.rules._helpers import false_or_absent, owner, unresolved
from faasguard.rules._references import (
    CFN_SLS_TF,
    CWE_311,
    CWE_532,
    EVERY_FRAMEWORK,
    OWASP_SECRETS,
    WA_REST,
)
from faasguard.rules._registry import rule
from faasguard.rules.encryption_stores import CMK_LIMITS, without_cmk

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
    frameworks=EVERY_FRAMEWORK,
    references=(OWASP_SECRETS, WA_REST, CWE_311),
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
    frameworks=CFN_SLS_TF,
    references=(WA_REST, CWE_532),
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
    frameworks=CFN_SLS_TF,
    references=(WA_REST, CWE_311),
    equivalents=("prowler:stepfunctions_statemachine_encrypted_with_cmk",),
    example="Flow:\n  Type: AWS::StepFunctions::StateMachine",
    fixed_example="Flow:\n  Type: AWS::StepFunctions::StateMachine\n  Properties:\n"
    "    EncryptionConfiguration:\n      Type: CUSTOMER_MANAGED_KMS_KEY\n      KmsKeyId: !Ref K",
    limitations=CMK_LIMITS,
)


@rule(ENC008)
def state_machine_without_cmk(app: App, ctx: RuleContext) -> Iterator[RuleResult]:
    for machine in app.state_machines:
        yield from without_cmk(
            machine,
            machine.encryption,
            "State machine",
            "an AWS owned key",
            "Set EncryptionConfiguration with Type CUSTOMER_MANAGED_KMS_KEY.",
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
    frameworks=CFN_SLS_TF,
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
            yield unresolved(key.id, key.at("rotation"), "EnableKeyRotation", key.rotation)
            continue
        if key.rotation is True:
            continue
        state = false_or_absent(key.rotation, "absent (rotation is off by default)")
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
    frameworks=CFN_SLS_TF,
    references=(WA_REST, CWE_311),
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
            yield unresolved(
                api.id, api.at("cache_encrypted"), "CacheDataEncrypted", api.cache_encrypted
            )
            continue
        if api.cache_encrypted is True:
            continue
        yield Violation(
            resource=owner(api),
            location=api.at("cache_encrypted")
            if api.cache_encrypted is False
            else api.at("cache_enabled"),
            message=f"API {api.id} caches responses without encrypting the cache",
            evidence=("caching enabled", f"CacheDataEncrypted: {api.cache_encrypted or 'absent'}"),
            fix="Set CacheDataEncrypted: true in the stage's MethodSettings.",
        )


RULES: tuple[Rule, ...] = (
    function_env_without_cmk,
    log_group_without_kms,
    state_machine_without_cmk,
    kms_key_rotation_off,
    api_cache_unencrypted,
)

"""Secrets pillar: credentials written in templates, where anyone who can read the repository,
the deployed template or the function's configuration can read them too.

No secret value is ever put in full into a message or evidence line: ``secretscan.redact``.
"""

from __future__ import annotations

from collections.abc import Iterator

from faasguard.model import (
    App,
    DataStore,
    EnvVar,
    Function,
    Location,
    Pillar,
    Ref,
    Rule,
    RuleContext,
    RuleInfo,
    RuleResult,
    Severity,
    Violation,
)
from faasguard.rules._references import (
    CWE_798,
    EVERY_FRAMEWORK,
    OWASP_SECRETS,
    SAM_CFN_TF,
    WA_SECRETS,
)
from faasguard.rules._registry import rule
from faasguard.secretscan import (
    classify_literal,
    is_placeholder,
    is_reference_value,
    looks_secret_name,
    redact,
)

_ACCESS_KEY_TYPE = "AWS::IAM::AccessKey"
#: attributes of an access key that are its secret half (CloudFormation, Terraform names)
_ACCESS_KEY_SECRETS = frozenset({"SecretAccessKey", "secret", "ses_smtp_password_v4"})
#: resource attributes whose value is itself a secret (Terraform can read them; CloudFormation
#: cannot), keyed by the type ``App.resource_types`` gives
_SECRET_ATTRIBUTES: dict[tuple[str, str], str] = {
    ("AWS::ApiGateway::ApiKey", "value"): "the value of API key",
    ("aws_secretsmanager_secret_version", "secret_string"): "the secret string of",
    ("AWS::RDS::DBInstance", "password"): "the master password of",
    ("AWS::RDS::DBCluster", "master_password"): "the master password of",
    ("aws_iam_user_login_profile", "password"): "the console password of",
    ("random_password", "result"): "the generated password",
    ("tls_private_key", "private_key_pem"): "the private key of",
    ("tls_private_key", "private_key_openssh"): "the private key of",
}


def _stored_secret_names(app: App) -> frozenset[str]:
    """Names of the app's secrets and parameters: a variable holding one is a reference."""
    kinds = ("secret", "parameter")
    return frozenset(d.name for d in app.data_stores if d.kind in kinds and isinstance(d.name, str))


def _env_vars(app: App) -> Iterator[tuple[Function, EnvVar]]:
    return ((fn, var) for fn in app.functions for var in fn.environment)


SEC001 = RuleInfo(
    id="SEC001",
    name="plaintext-secret-in-environment",
    title="Function environment variable holds a plaintext secret",
    pillar=Pillar.SECRETS,
    severity=Severity.HIGH,
    rationale="Environment variables are part of the function's configuration: they are stored "
    "in the template, in version control, in the deployed stack, and returned in clear to every "
    "principal allowed lambda:GetFunctionConfiguration. A password or token written there "
    "cannot be rotated without a deployment and leaks with any of these copies.",
    remediation="Store the secret in Secrets Manager or SSM Parameter Store (SecureString), pass "
    "its ARN or name in the variable, and read it at run time (the Parameters and Secrets "
    "Lambda extension caches it). For values CloudFormation must pass, use a dynamic reference "
    "`{{resolve:secretsmanager:...}}` or a NoEcho parameter.",
    frameworks=EVERY_FRAMEWORK,
    references=(OWASP_SECRETS, WA_SECRETS, CWE_798),
    equivalents=("checkov:CKV_AWS_45", "kics:a88baa34"),
    example="Fn:\n  Type: AWS::Serverless::Function\n  Properties:\n    Environment:\n"
    "      Variables:\n        DB_PASSWORD: s3cr3t-Pa55",
    fixed_example="Fn:\n  Type: AWS::Serverless::Function\n  Properties:\n    Environment:\n"
    "      Variables:\n        DB_PASSWORD_SECRET_ARN: !Ref DbSecret",
    limitations="A secret is recognised by the variable's name, a known token format or a long "
    "random-looking value; an innocuously named variable with a short secret is missed. "
    "AWS credentials are reported by SEC002 instead.",
)


@rule(SEC001)
def plaintext_secret_in_environment(app: App, ctx: RuleContext) -> Iterator[RuleResult]:
    stored = _stored_secret_names(app)
    for fn, var in _env_vars(app):
        if isinstance(var.value, Ref):
            evidence = _secret_attribute(app, var.value)
        elif isinstance(var.value, str) and var.value not in stored:
            evidence = _literal_secret(var.name, var.value)
        else:
            evidence = None
        if evidence is None:
            continue
        yield Violation(
            resource=fn.id,
            location=var.location,
            message=f"Function {fn.id} has a plaintext secret in environment variable {var.name}",
            evidence=evidence,
            fix=f"Move the value of {var.name} to Secrets Manager and pass its ARN instead.",
            key=var.name,
        )


def _literal_secret(name: str, value: str) -> tuple[str, ...] | None:
    hit = classify_literal(name, value)
    if hit is None or hit.aws:  # AWS credentials: SEC002
        return None
    return (hit.reason, f"value: {redact(value)}")


def _secret_attribute(app: App, value: Ref) -> tuple[str, ...] | None:
    """A reference to a secret-valued attribute of a resource of the app (the deployed
    function's configuration then holds the secret itself, in clear)."""
    types = dict(app.resource_types)
    kind = types.get(value.target) if value.target is not None else None
    what = _SECRET_ATTRIBUTES.get((kind, value.attribute or "")) if kind is not None else None
    if what is None:
        return None
    return (f"the value is {what} {value.target}", f"reference: {value.attribute}")


SEC002 = RuleInfo(
    id="SEC002",
    name="aws-credentials-in-environment",
    title="Function environment holds AWS access keys",
    pillar=Pillar.SECRETS,
    severity=Severity.CRITICAL,
    rationale="A Lambda function gets temporary credentials from its execution role. Long-lived "
    "access keys in its environment, written literally or taken from an IAM user's access key "
    "created by the stack, never expire, are readable by anyone who can read the function's "
    "configuration, and give the key owner's permissions to whoever copies them.",
    remediation="Remove the keys. Grant what the function needs to its execution role (SAM: "
    "`Policies`; CloudFormation: the role's policies). Deactivate and delete the exposed key. "
    "For another account, assume a role there with sts:AssumeRole.",
    frameworks=EVERY_FRAMEWORK,
    references=(
        OWASP_SECRETS,
        "AWS Well-Architected SEC02-BP02 Use temporary credentials",
        CWE_798,
    ),
    equivalents=("checkov:CKV_AWS_45", "kics:2564172f"),
    example="Fn:\n  Type: AWS::Serverless::Function\n  Properties:\n    Environment:\n"
    "      Variables:\n        AWS_SECRET: !GetAtt DeployerKey.SecretAccessKey",
    fixed_example="Fn:\n  Type: AWS::Serverless::Function\n  Properties:\n"
    "    Policies:\n      - S3ReadPolicy: {BucketName: !Ref Bucket}",
    limitations="A secret access key is only recognised by value under a name such as "
    "AWS_SECRET_ACCESS_KEY (a bare 40-character value is too often a resource name).",
)


def _access_key_reference(app: App, value: Ref) -> str | None:
    """Describe a Ref/GetAtt to an ``AWS::IAM::AccessKey`` of the app."""
    keys = {rid for rid, rtype in app.resource_types if rtype == _ACCESS_KEY_TYPE}
    if value.target not in keys:
        return None
    if value.attribute in _ACCESS_KEY_SECRETS:
        return f"the secret access key of {_ACCESS_KEY_TYPE} {value.target}"
    return f"the access key id of {_ACCESS_KEY_TYPE} {value.target}"


def _aws_credential(app: App, var: EnvVar) -> str | None:
    if isinstance(var.value, Ref):
        return _access_key_reference(app, var.value)
    if isinstance(var.value, str):
        hit = classify_literal(var.name, var.value)
        if hit is not None and hit.aws:
            return f"{hit.reason}, value: {redact(var.value)}"
    return None


@rule(SEC002)
def aws_credentials_in_environment(app: App, ctx: RuleContext) -> Iterator[RuleResult]:
    for fn, var in _env_vars(app):
        credential = _aws_credential(app, var)
        if credential is None:
            continue
        yield Violation(
            resource=fn.id,
            location=var.location,
            message=f"Function {fn.id} has AWS credentials in environment variable {var.name}",
            evidence=(credential,),
            fix=f"Remove {var.name}; grant the permissions to the execution role of {fn.id}.",
            key=var.name,
        )


SEC003 = RuleInfo(
    id="SEC003",
    name="secret-literal-in-template",
    title="Secret value written literally in the template",
    pillar=Pillar.SECRETS,
    severity=Severity.MEDIUM,
    rationale="A Secrets Manager secret whose SecretString is written in the template, or an SSM "
    "parameter with a secret-looking name and a literal value (CloudFormation can only create "
    "plain String parameters), stores the secret in version control and in the stack's "
    "template, readable by anyone with cloudformation:GetTemplate: the secret store adds nothing.",
    remediation="Secrets Manager: drop `SecretString` and use `GenerateSecretString`, or set the "
    "value out of band. SSM: create a SecureString parameter outside the template and reference "
    "it with `{{resolve:ssm-secure:...}}` where needed.",
    frameworks=EVERY_FRAMEWORK,
    references=(OWASP_SECRETS, WA_SECRETS, CWE_798),
    example="DbSecret:\n  Type: AWS::SecretsManager::Secret\n  Properties:\n"
    '    SecretString: \'{"password": "hunter2hunter2"}\'',
    fixed_example="DbSecret:\n  Type: AWS::SecretsManager::Secret\n  Properties:\n"
    '    GenerateSecretString:\n      SecretStringTemplate: \'{"username": "app"}\'\n'
    "      GenerateStringKey: password",
    limitations="Relies on the loader's literal_secret mark; the value itself is not inspected.",
)


def _secret_location(store: DataStore) -> Location:
    """The key that holds the literal (SecretString / Value) when the loader recorded it."""
    for field in ("literal_secret", "secret_string", "value"):
        where = store.at(field)
        if where != store.location:
            return where
    return store.location


def _literal_secret_store(store: DataStore) -> bool:
    if not store.literal_secret:
        return False
    if store.kind == "secret":
        return True
    label = store.name if isinstance(store.name, str) else store.id
    return store.kind == "parameter" and (looks_secret_name(label) or looks_secret_name(store.id))


@rule(SEC003)
def secret_literal_in_template(app: App, ctx: RuleContext) -> Iterator[RuleResult]:
    for store in app.data_stores:
        if not _literal_secret_store(store):
            continue
        noun = "Secret" if store.kind == "secret" else "SSM parameter"
        yield Violation(
            resource=store.id,
            location=_secret_location(store),
            message=f"{noun} {store.id} has its secret value written in the template",
            fix="Generate the value (GenerateSecretString) or set it outside the template.",
        )


SEC004 = RuleInfo(
    id="SEC004",
    name="secret-parameter-without-noecho",
    title="Secret template parameter is echoed or has a default value",
    pillar=Pillar.SECRETS,
    severity=Severity.MEDIUM,
    rationale="A parameter that carries a password or token is shown in clear by the "
    "CloudFormation console, DescribeStacks and change sets unless NoEcho is true; a Default "
    "value writes the secret itself into the template and version control.",
    remediation="Set `NoEcho: true` and remove `Default`; better, drop the parameter and use a "
    "dynamic reference `{{resolve:secretsmanager:...}}` where the value is needed.",
    frameworks=SAM_CFN_TF,
    references=(OWASP_SECRETS, WA_SECRETS, "CWE-200", CWE_798),
    equivalents=("cfn-lint:W2501",),
    example="Parameters:\n  DbPassword:\n    Type: String\n    Default: hunter2hunter2",
    fixed_example="Parameters:\n  DbPassword:\n    Type: String\n    NoEcho: true",
    limitations="Parameters are recognised by name only.",
)


@rule(SEC004)
def secret_parameter_without_noecho(app: App, ctx: RuleContext) -> Iterator[RuleResult]:
    for param in app.parameters:
        if not looks_secret_name(param.name):
            continue
        if not param.no_echo:
            yield Violation(
                resource=param.name,
                location=param.location,
                message=f"Parameter {param.name} looks secret but NoEcho is not true",
                fix=f"Set NoEcho: true on parameter {param.name}.",
                key="no-echo",
            )
        default = param.default
        literal = isinstance(default, str) and not is_placeholder(default)
        if literal and isinstance(default, str) and not is_reference_value(default):
            yield Violation(
                resource=param.name,
                location=param.location,
                message=f"Parameter {param.name} looks secret and has a literal Default",
                evidence=(f"default: {redact(default)}",),
                fix=f"Remove the Default of parameter {param.name}; pass the value at deploy time.",
                key="default",
            )


RULES: tuple[Rule, ...] = (
    plaintext_secret_in_environment,
    aws_credentials_in_environment,
    secret_literal_in_template,
    secret_parameter_without_noecho,
)

"""Secrets pillar, Serverless Framework traps: values the framework resolves at deploy time and
writes, in plaintext, into what it deploys.

No secret value is read or shown: the rule sees only how the value is written (``${ssm:...}``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from faasguard.model import (
    App,
    Framework,
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
    OWASP_SECRETS,
    SERVERLESS_ONLY,
    WA_SECRETS,
)
from faasguard.rules._registry import rule
from faasguard.secretscan import looks_secret_name

#: ``${ssm:/path}``, ``${ssm(eu-west-1):/path}``, legacy ``${ssm:/path~true}`` (decrypt)
_SSM_VARIABLE = re.compile(r"\$\{ssm(?:\([^)]*\))?:\s*([^,}\s]+)")
_SECRETS_MANAGER = "/aws/reference/secretsmanager/"

SEC005 = RuleInfo(
    id="SEC005",
    name="ssm-secret-resolved-into-environment",
    title="SSM secret resolved at deploy time into a plaintext environment variable",
    pillar=Pillar.SECRETS,
    severity=Severity.HIGH,
    rationale="The Serverless Framework resolves `${ssm:...}` while it packages the service: a "
    "SecureString (or a Secrets Manager secret read through "
    "`/aws/reference/secretsmanager/`) is decrypted on the deploying machine and written as "
    "plaintext into the compiled CloudFormation template in the deployment bucket and into the "
    "function's configuration, where every principal allowed "
    "lambda:GetFunctionConfiguration or cloudformation:GetTemplate reads it. Rotating the "
    "secret does nothing until the next deployment.",
    remediation="Pass the parameter's name instead (`DB_PASSWORD_PARAM: /app/db-password`), "
    "grant ssm:GetParameter (and kms:Decrypt) on it, and read it at run time, e.g. with the "
    "AWS Parameters and Secrets Lambda extension, which caches it.",
    frameworks=SERVERLESS_ONLY,
    references=(OWASP_SECRETS, WA_SECRETS, CWE_798),
    equivalents=(),
    example="provider:\n  environment:\n    DB_PASSWORD: ${ssm:/orders/db-password}",
    fixed_example="provider:\n  environment:\n    DB_PASSWORD_PARAM: /orders/db-password",
    limitations="Whether a parameter is a SecureString is decided in the account; the rule "
    "reports an `${ssm:}` value when the variable's or the parameter's name says it is a "
    "secret, when it reads Secrets Manager, or when it asks for decryption (`~true`). A "
    "secret under an innocuous name is missed.",
)


def _ssm_secret(name: str, value: Ref) -> str | None:
    """The parameter path when ``value`` resolves a secret-looking SSM parameter."""
    for match in _SSM_VARIABLE.finditer(value.text):
        path = str(match.group(1))
        clean = path.removesuffix("~true")
        leaf = clean.rstrip("/").rsplit("/", 1)[-1]
        if (
            path.endswith("~true")
            or _SECRETS_MANAGER in clean
            or looks_secret_name(name)
            or looks_secret_name(leaf)
        ):
            return clean
    return None


@rule(SEC005)
def ssm_secret_in_environment(app: App, ctx: RuleContext) -> Iterator[RuleResult]:
    for fn in app.functions:
        if fn.framework is not Framework.SERVERLESS:
            continue
        for var in fn.environment:
            if not isinstance(var.value, Ref):
                continue
            path = _ssm_secret(var.name, var.value)
            if path is None:
                continue
            yield Violation(
                resource=fn.id,
                location=var.location,
                message=f"Environment variable {var.name} of {fn.id} is the SSM parameter "
                f"{path}, resolved at deploy time and stored in plaintext",
                evidence=(
                    f"{var.name}: {var.value.text}",
                    "Serverless decrypts the parameter while packaging and writes its value "
                    "into the function configuration and the compiled template",
                ),
                fix=f"Pass the parameter name ({var.name}_PARAM: {path}) and read it at run time.",
                key=var.name,
            )


RULES: tuple[Rule, ...] = (ssm_secret_in_environment,)

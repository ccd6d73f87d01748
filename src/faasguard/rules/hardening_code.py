"""Function hardening of what a function runs: supported runtimes, signed code, and layers that
are not shared with the world. Runtime end-of-support dates are data: ``data/runtimes.yaml``."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from importlib import resources

import yaml

from faasguard.iam.trust import condition_keys
from faasguard.model import (
    App,
    Inconclusive,
    Pillar,
    PolicyStatement,
    Ref,
    Rule,
    RuleContext,
    RuleInfo,
    RuleResult,
    Severity,
    Violation,
)
from faasguard.rules._references import (
    EVERY_FRAMEWORK,
    OWASP_MISCONFIG,
)
from faasguard.rules._registry import rule

#: How long before the deprecation date FN001 starts to warn.
DEPRECATION_WARNING = timedelta(days=90)


@dataclass(frozen=True, slots=True)
class RuntimeLifecycle:
    deprecated: date
    successor: str | None


@cache
def runtime_lifecycles() -> dict[str, RuntimeLifecycle]:
    """The dated table of ``data/runtimes.yaml`` (AWS "Lambda runtimes" page)."""
    text = resources.files("faasguard").joinpath("data/runtimes.yaml").read_text("utf-8")
    raw = yaml.safe_load(text)["runtimes"]
    return {
        name: RuntimeLifecycle(
            deprecated=date.fromisoformat(entry["deprecated"]), successor=entry.get("successor")
        )
        for name, entry in raw.items()
    }


FN001 = RuleInfo(
    id="FN001",
    name="deprecated-runtime",
    title="Function uses a deprecated Lambda runtime",
    pillar=Pillar.HARDENING,
    severity=Severity.HIGH,
    rationale="After a runtime's deprecation date AWS no longer applies security patches to it: "
    "vulnerabilities in the language runtime and its bundled libraries stay open, and soon after "
    "AWS blocks creating and then updating functions on it, so an urgent fix cannot be deployed.",
    remediation="Set `Runtime` (SAM: on the function or in `Globals.Function`) to a supported "
    "version, usually the successor named in the finding, and test the code on it.",
    frameworks=EVERY_FRAMEWORK,
    references=(
        OWASP_MISCONFIG,
        "AWS Lambda developer guide: Lambda runtimes (runtime deprecation policy)",
        "CWE-1104: Use of Unmaintained Third Party Components",
    ),
    equivalents=("checkov:CKV_AWS_363", "cfn-lint:E2531", "cfn-lint:W2531"),
    example="Fn:\n  Type: AWS::Serverless::Function\n  Properties:\n    Runtime: python3.8",
    fixed_example="Fn:\n  Type: AWS::Serverless::Function\n  Properties:\n    Runtime: python3.13",
    limitations="Container-image functions (no Runtime) are not checked; the dates come from a "
    "table shipped with faasguard and are only as current as the installed version.",
)


@rule(FN001)
def deprecated_runtime(app: App, ctx: RuleContext) -> Iterator[RuleResult]:
    for fn in app.functions:
        if isinstance(fn.runtime, Ref):
            reason = f"runtime of {fn.id} is {fn.runtime}: cannot tell whether it is deprecated"
            yield Inconclusive(resource=fn.id, location=fn.at("runtime"), reason=reason)
            continue
        lifecycle = runtime_lifecycles().get(fn.runtime or "")
        if lifecycle is None or ctx.today < lifecycle.deprecated - DEPRECATION_WARNING:
            continue
        past = ctx.today >= lifecycle.deprecated
        successor = lifecycle.successor or "a supported runtime"
        yield Violation(
            resource=fn.id,
            location=fn.at("runtime"),
            message=f"Function {fn.id} uses runtime {fn.runtime}, "
            + ("deprecated" if past else "deprecated soon")
            + f" (deprecation date {lifecycle.deprecated.isoformat()})",
            evidence=(f"deprecation date of {fn.runtime}: {lifecycle.deprecated.isoformat()}",),
            fix=f"Move {fn.id} to {successor}.",
            severity=None if past else Severity.LOW,
            key=str(fn.runtime),
        )


FN004 = RuleInfo(
    id="FN004",
    name="no-code-signing",
    title="Function does not enforce code signing",
    pillar=Pillar.HARDENING,
    severity=Severity.INFO,
    rationale="Without a code signing configuration, anyone who can update the function's code "
    "(a leaked CI credential, a compromised artifact bucket) can deploy any code. With "
    "CodeSigningConfigArn and an enforcing policy, Lambda only accepts packages signed by the "
    "signing profiles you trust.",
    remediation="Create an `AWS::Lambda::CodeSigningConfig` with your AWS Signer profile and "
    "`UntrustedArtifactOnDeployment: Enforce`, and set `CodeSigningConfigArn` on the function.",
    frameworks=EVERY_FRAMEWORK,
    references=(
        "OWASP Serverless Top 10: SAS-9 Functions Execution Flow Manipulation",
        "AWS Well-Architected SEC11-BP06",
        "CWE-494: Download of Code Without Integrity Check",
    ),
    equivalents=("checkov:CKV_AWS_272",),
    example="Fn:\n  Type: AWS::Serverless::Function\n  Properties:\n    Runtime: python3.13",
    fixed_example="Fn:\n  Type: AWS::Serverless::Function\n  Properties:\n    Runtime: python3.13\n"
    "    CodeSigningConfigArn: !Ref SigningConfig",
    limitations="Container-image functions are skipped (Lambda does not support code signing "
    "for them). Whether the configuration enforces or only warns is not checked.",
)


@rule(FN004)
def no_code_signing(app: App, ctx: RuleContext) -> Iterator[RuleResult]:
    for fn in app.functions:
        if fn.package_type == "Image" or fn.code_signing_config is not None:
            continue
        yield Violation(
            resource=fn.id,
            location=fn.at("code_signing_config"),
            message=f"Function {fn.id} has no CodeSigningConfigArn",
            fix=f"Set CodeSigningConfigArn on {fn.id} to a code signing configuration that "
            "enforces signatures.",
        )


def _org_restricted(statement: PolicyStatement) -> bool:
    """An ``aws:PrincipalOrgID`` condition (how OrganizationId reaches the model)."""
    return "aws:principalorgid" in condition_keys(statement)


def _public_principal(statement: PolicyStatement) -> bool:
    # Any principal written as '*', whatever its kind: broader than iam.trust.is_public.
    return any(p.kind == "*" or p.value == "*" for p in statement.principals)


FN006 = RuleInfo(
    id="FN006",
    name="public-layer",
    title="Lambda layer version is shared with every AWS account",
    pillar=Pillar.HARDENING,
    severity=Severity.MEDIUM,
    rationale="A LayerVersionPermission with Principal '*' and no OrganizationId lets any AWS "
    "account download the layer's content: proprietary code, configuration, and any credential "
    "that was bundled into it.",
    remediation="Grant `lambda:GetLayerVersion` to specific account ids, or keep Principal '*' "
    "only together with `OrganizationId` set to your organisation.",
    frameworks=EVERY_FRAMEWORK,
    references=(OWASP_MISCONFIG, "AWS Well-Architected SEC03-BP07", "CWE-200"),
    example="LayerShare:\n  Type: AWS::Lambda::LayerVersionPermission\n  Properties:\n"
    "    Action: lambda:GetLayerVersion\n    LayerVersionArn: !Ref Layer\n    Principal: '*'",
    fixed_example="LayerShare:\n  Type: AWS::Lambda::LayerVersionPermission\n  Properties:\n"
    "    Action: lambda:GetLayerVersion\n    LayerVersionArn: !Ref Layer\n    Principal: '*'\n"
    "    OrganizationId: o-a1b2c3d4e5",
    limitations="Layers shared outside the template (CLI, other stacks) are not seen.",
)


@rule(FN006)
def public_layer(app: App, ctx: RuleContext) -> Iterator[RuleResult]:
    for policy in app.resource_policies:
        if policy.target_kind != "layer":
            continue
        for st in policy.statements:
            if st.effect != "Allow" or not _public_principal(st) or _org_restricted(st):
                continue
            layers = ", ".join(str(t) for t in policy.targets) or "a layer"
            yield Violation(
                resource=policy.id,
                location=st.location,
                message=f"Layer permission {policy.id} shares {layers} with every AWS account",
                evidence=("principal '*' without OrganizationId",),
                fix="Name the account ids that may use the layer, or add OrganizationId.",
            )


RULES: tuple[Rule, ...] = (
    deprecated_runtime,
    no_code_signing,
    public_layer,
)

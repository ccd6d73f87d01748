"""Encryption in transit: buckets that refuse plain HTTP, API custom domains that refuse TLS
below 1.2 (which security policies are weak is data: ``data/enc_tls_policies.json``)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import cache
from importlib import resources

from faasguard.model import (
    App,
    Data,
    FrozenMap,
    Inconclusive,
    Pillar,
    PolicyStatement,
    Ref,
    Rule,
    RuleContext,
    RuleInfo,
    RuleResult,
    Severity,
    Text,
    Violation,
)
from faasguard.rules._helpers import owner, stores, unresolved
from faasguard.rules._references import (
    CFN_SLS_TF,
    EVERY_FRAMEWORK,
    WA_TRANSIT,
)
from faasguard.rules._registry import rule


@cache
def _weak_tls_policies() -> frozenset[str]:
    raw = resources.files("faasguard").joinpath("data/enc_tls_policies.json").read_text("utf-8")
    return frozenset(json.loads(raw)["weak"])


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
    frameworks=CFN_SLS_TF,
    references=(WA_TRANSIT, "CWE-319: Cleartext Transmission of Sensitive Information"),
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
    for bucket in stores(app, "bucket"):
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
    frameworks=EVERY_FRAMEWORK,
    references=(WA_TRANSIT, "CWE-326: Inadequate Encryption Strength"),
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
            yield unresolved(domain.id, domain.at("security_policy"), "SecurityPolicy", policy)
            continue
        if policy is not None and policy not in _weak_tls_policies():
            continue
        evidence = (
            f"SecurityPolicy: {policy} accepts TLS 1.0 and 1.1"
            if policy is not None
            else "SecurityPolicy absent: API Gateway's default (TLS_1_0 for REST domains) applies"
        )
        yield Violation(
            resource=owner(domain),
            location=domain.at("security_policy"),
            message=f"Custom domain {domain.domain or domain.id} allows TLS below 1.2",
            evidence=(evidence,),
            fix="Set SecurityPolicy to TLS_1_2.",
            key=domain.id,
        )


RULES: tuple[Rule, ...] = (
    bucket_allows_insecure_transport,
    api_domain_weak_tls,
)

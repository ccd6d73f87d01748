"""API pillar, resource policies: who else may invoke a function or reach its data.

Lambda permissions (public, or granted to a service without naming the source), resource
policies open to everyone, guest access to Cognito identity pools, and public buckets.
Principal and condition knowledge lives in ``faasguard.iam.principals``.
"""

from __future__ import annotations

from collections.abc import Iterator

from faasguard.iam.principals import (
    is_public,
    is_public_value,
    is_service,
    narrowing_conditions,
    service_name,
)
from faasguard.model import (
    App,
    Inconclusive,
    Permission,
    Pillar,
    PolicyStatement,
    Ref,
    RuleContext,
    RuleInfo,
    RuleResult,
    Severity,
    Violation,
)
from faasguard.rules._helpers import stores, unresolved
from faasguard.rules._references import (
    CFN_SLS_TF,
    CWE_306,
    CWE_441,
    CWE_732,
    OWASP_AUTH,
    OWASP_DEPLOY_CONFIG,
    WA_DATA,
    WA_SHARE,
)
from faasguard.rules._registry import rule

_PUBLIC_ACLS = frozenset({"PublicRead", "PublicReadWrite", "AuthenticatedRead"})


API009 = RuleInfo(
    id="API009",
    name="lambda-permission-public",
    title="Lambda permission lets any AWS account invoke the function",
    pillar=Pillar.API,
    severity=Severity.CRITICAL,
    rationale="An `AWS::Lambda::Permission` with `Principal: '*'` (or every account) and no "
    "SourceArn, SourceAccount or PrincipalOrgID lets anyone with AWS credentials call the "
    "function directly, bypassing the API, its authorizer and its throttling.",
    remediation="Name the caller: a service principal plus `SourceArn` (and `SourceAccount`), "
    "an account id, or `PrincipalOrgID` for an organisation. Function URLs: use "
    "`AuthType: AWS_IAM` (see API002).",
    frameworks=CFN_SLS_TF,
    references=(OWASP_DEPLOY_CONFIG, WA_SHARE, CWE_732),
    equivalents=(
        "checkov:CKV_AWS_301",
        "kics:1d6e16f1",
        "cfn_nag:F13",
        "prowler:awslambda_function_not_publicly_accessible",
    ),
    example="Perm:\n  Type: AWS::Lambda::Permission\n  Properties:\n"
    "    Action: lambda:InvokeFunction\n    FunctionName: !Ref Fn\n    Principal: '*'",
    fixed_example="Perm:\n  Type: AWS::Lambda::Permission\n  Properties:\n"
    "    Action: lambda:InvokeFunction\n    FunctionName: !Ref Fn\n    Principal: '*'\n"
    "    PrincipalOrgID: o-a1b2c3d4e5",
    limitations="Permissions that SAM generates (function URLs, events) are not reported here: "
    "the construct that makes them is (API002). Grants added outside the template are not seen.",
)


def _has_source(perm: Permission) -> bool:
    return any(v is not None for v in (perm.source_arn, perm.source_account, perm.principal_org_id))


@rule(API009)
def lambda_permission_public(app: App, ctx: RuleContext) -> Iterator[RuleResult]:
    for perm in app.permissions:
        if perm.generated_from is not None or perm.function_url_auth_type == "NONE":
            continue  # SAM-generated, or a public function URL grant: API002 reports them
        public = is_public_value(perm.principal)
        if public is False or _has_source(perm):
            continue
        if public is None:
            yield Inconclusive(
                resource=perm.id,
                location=perm.at("principal"),
                reason=f"Principal is {perm.principal}",
            )
            continue
        yield Violation(
            resource=perm.id,
            location=perm.at("principal"),
            message=f"Permission {perm.id} lets any AWS account invoke {perm.function}",
            evidence=(f"Principal: {perm.principal}", "no SourceArn/SourceAccount/PrincipalOrgID"),
            fix="Name the calling service with SourceArn/SourceAccount, or an account or "
            "PrincipalOrgID.",
        )


API010 = RuleInfo(
    id="API010",
    name="service-permission-no-source",
    title="Service permission does not name the source resource or account",
    pillar=Pillar.API,
    severity=Severity.MEDIUM,
    rationale="A permission for a service principal (s3, sns, events, apigateway...) without "
    "SourceArn or SourceAccount lets that service invoke the function on behalf of any AWS "
    "customer: another account can point its own bucket, topic or API at your function "
    "(confused deputy). S3 bucket names are global and reusable, so an S3 grant needs "
    "SourceAccount even when SourceArn names the bucket.",
    remediation="Add `SourceArn` (the bucket, topic, rule or `arn:aws:execute-api:...` of your "
    "API) and `SourceAccount: !Ref AWS::AccountId` to the `AWS::Lambda::Permission`.",
    frameworks=CFN_SLS_TF,
    references=(OWASP_DEPLOY_CONFIG, WA_SHARE, CWE_441),
    equivalents=("checkov:CKV_AWS_364", "trivy:AWS-0067"),
    example="Perm:\n  Type: AWS::Lambda::Permission\n  Properties:\n"
    "    Action: lambda:InvokeFunction\n    FunctionName: !Ref Fn\n"
    "    Principal: s3.amazonaws.com",
    fixed_example="Perm:\n  Type: AWS::Lambda::Permission\n  Properties:\n"
    "    Action: lambda:InvokeFunction\n    FunctionName: !Ref Fn\n"
    "    Principal: s3.amazonaws.com\n    SourceAccount: !Ref AWS::AccountId\n"
    "    SourceArn: !GetAtt Bucket.Arn",
    limitations="A SourceArn with wildcards (e.g. `.../*/*` for API Gateway) counts as present.",
)


def _missing_source(perm: Permission) -> str | None:
    """What the permission lacks, or None when its source is pinned enough."""
    if not isinstance(perm.principal, str) or not is_service(perm.principal):
        return None
    if service_name(perm.principal) == "s3":
        return "SourceAccount" if perm.source_account is None else None
    if perm.source_arn is None and perm.source_account is None:
        return "SourceArn or SourceAccount"
    return None


@rule(API010)
def service_permission_no_source(app: App, ctx: RuleContext) -> Iterator[RuleResult]:
    for perm in app.permissions:
        missing = None if perm.generated_from is not None else _missing_source(perm)
        if missing is None:
            continue
        yield Violation(
            resource=perm.id,
            location=perm.at("principal"),
            message=f"Permission {perm.id} lets {perm.principal} invoke {perm.function} "
            f"without {missing}",
            evidence=(f"Principal: {perm.principal}", f"no {missing}"),
            fix="Add SourceAccount: !Ref AWS::AccountId and the SourceArn of the calling resource.",
        )


API011 = RuleInfo(
    id="API011",
    name="public-resource-policy",
    title="Resource policy allows everyone without a narrowing condition",
    pillar=Pillar.API,
    severity=Severity.HIGH,
    rationale="A resource policy statement that allows `Principal: '*'` with no condition on "
    "the source, account, organisation or network opens a queue, topic, bucket, key, event bus "
    "or API to every AWS account: anyone can inject events that trigger your functions, read "
    "or tamper with the data, or use the key.",
    remediation="Name the principals (accounts, roles, service principals), or keep `*` and add "
    "a condition: `aws:SourceArn`/`aws:SourceAccount` for services, `aws:PrincipalOrgID` for an "
    "organisation, `aws:SourceVpce`/`aws:SourceIp` for networks.",
    frameworks=CFN_SLS_TF,
    references=(OWASP_DEPLOY_CONFIG, WA_SHARE, CWE_732),
    equivalents=(
        "cfn_nag:F16",
        "cfn_nag:F18",
        "cfn_nag:F20",
        "kics:9b6a3f5b",
        "cfripper:SQSQueuePolicyPublicRule",
        "cfripper:S3BucketPolicyPrincipalRule",
        "cfripper:GenericResourceFullWildcardPrincipalRule",
    ),
    example="Statement:\n  - Effect: Allow\n    Principal: '*'\n    Action: sqs:SendMessage\n"
    "    Resource: !GetAtt Queue.Arn",
    fixed_example="Statement:\n  - Effect: Allow\n    Principal: '*'\n"
    "    Action: sqs:SendMessage\n    Resource: !GetAtt Queue.Arn\n    Condition:\n"
    "      ArnEquals: {aws:SourceArn: !Ref Topic}",
    limitations="Conditions are not evaluated: a narrowing key with a positive operator counts "
    "as narrowing whatever its value. Layer permissions are checked by FN006.",
)


def _policies(app: App) -> Iterator[tuple[str, str, tuple[PolicyStatement, ...]]]:
    """(resource id, what it governs, statements) of every resource-based policy."""
    for policy in app.resource_policies:
        if policy.target_kind == "layer":
            continue  # FN006
        targets = ", ".join(str(t) for t in policy.targets) or policy.target_kind
        yield policy.id, f"{policy.target_kind} {targets}".strip(), policy.statements
    for api in app.apis:
        yield api.id, f"API {api.id}", api.resource_policy
    for key in app.keys:
        yield key.id, f"key {key.id}", key.policy


def _public(statement: PolicyStatement) -> bool | None:
    """Allow statement granted to everyone (``*`` or a NotPrincipal); None when unresolved."""
    if statement.effect != "Allow":
        return False
    if statement.not_principals:
        return True
    answers = [is_public(p) for p in statement.principals]
    if True in answers:
        return True
    return None if None in answers else False


def _denied_elsewhere(statements: tuple[PolicyStatement, ...]) -> bool:
    """A Deny for everyone with a narrowing key (e.g. ``StringNotEquals aws:SourceVpce``)
    fences in the policy's public Allow statements: the usual private-API pattern."""
    return any(
        s.effect == "Deny" and any(is_public(p) for p in s.principals) and s.conditions.items
        for s in statements
    )


@rule(API011)
def public_resource_policy(app: App, ctx: RuleContext) -> Iterator[RuleResult]:
    for resource, governs, statements in _policies(app):
        if _denied_elsewhere(statements):
            continue
        for index, st in enumerate(statements):
            public = _public(st)
            if public is False or narrowing_conditions(st):
                continue
            if public is None:
                yield Inconclusive(
                    resource=resource, location=st.location, reason="principal is unresolved"
                )
                continue
            actions = ", ".join(str(a) for a in st.actions) or "NotAction"
            yield Violation(
                resource=resource,
                location=st.location,
                message=f"Policy of {governs} allows {actions} to everyone",
                evidence=("Principal: *", "no narrowing condition", f"actions: {actions}"),
                fix="Name the principals, or add an aws:SourceArn, aws:SourceAccount or "
                "aws:PrincipalOrgID condition.",
                key=st.sid or str(index),
            )


API013 = RuleInfo(
    id="API013",
    name="identity-pool-guest-access",
    title="Cognito identity pool hands out guest credentials",
    pillar=Pillar.API,
    severity=Severity.MEDIUM,
    rationale="With `AllowUnauthenticatedIdentities: true`, anyone can ask the identity pool "
    "for AWS credentials of its unauthenticated role, with no sign-in. Whatever that role may "
    "do (invoke functions, read buckets, write tables) is public.",
    remediation="Set `AllowUnauthenticatedIdentities: false` on the "
    "`AWS::Cognito::IdentityPool`, or keep the guest role to the minimum a visitor needs.",
    frameworks=CFN_SLS_TF,
    references=(OWASP_AUTH, CWE_306),
    equivalents=(
        "checkov:CKV_AWS_366",
        "cfn_nag:W57",
        "cdk-nag:AwsSolutions-COG7",
        "prowler:cognito_identity_pool_guest_access_disabled",
    ),
    example="Pool:\n  Type: AWS::Cognito::IdentityPool\n  Properties:\n"
    "    AllowUnauthenticatedIdentities: true",
    fixed_example="Pool:\n  Type: AWS::Cognito::IdentityPool\n  Properties:\n"
    "    AllowUnauthenticatedIdentities: false",
    limitations="The guest role's permissions are not weighed.",
)


@rule(API013)
def identity_pool_guest_access(app: App, ctx: RuleContext) -> Iterator[RuleResult]:
    for pool in app.identity_pools:
        location = pool.at("allow_unauthenticated")
        if isinstance(pool.allow_unauthenticated, Ref):
            yield unresolved(
                pool.id, location, "AllowUnauthenticatedIdentities", pool.allow_unauthenticated
            )
        elif pool.allow_unauthenticated is True:
            yield Violation(
                resource=pool.id,
                location=location,
                message=f"Identity pool {pool.id} gives AWS credentials to unauthenticated users",
                evidence=("AllowUnauthenticatedIdentities: true",),
                fix="Set AllowUnauthenticatedIdentities: false.",
            )


API015 = RuleInfo(
    id="API015",
    name="public-s3-bucket-acl",
    title="Bucket has a public ACL or public access block turned off",
    pillar=Pillar.API,
    severity=Severity.HIGH,
    rationale="A canned ACL `PublicRead`/`PublicReadWrite` (or `AuthenticatedRead`: any AWS "
    "account) exposes the objects to the world; with `PublicReadWrite` anyone can also upload, "
    "and uploads to a trigger bucket invoke your functions with attacker data. Turning a public "
    "access block setting off removes the guard that stops such ACLs and policies.",
    remediation="Remove `AccessControl` (or use `Private`) and set all four "
    "`PublicAccessBlockConfiguration` settings to true; serve public content through "
    "CloudFront with origin access control instead.",
    frameworks=CFN_SLS_TF,
    references=(OWASP_DEPLOY_CONFIG, WA_DATA, CWE_732),
    equivalents=(
        "checkov:CKV_AWS_53",
        "checkov:CKV_AWS_54",
        "checkov:CKV_AWS_55",
        "checkov:CKV_AWS_56",
        "cfn_nag:W31",
        "cfn_nag:F14",
    ),
    example="Bucket:\n  Type: AWS::S3::Bucket\n  Properties:\n    AccessControl: PublicRead",
    fixed_example="Bucket:\n  Type: AWS::S3::Bucket\n  Properties:\n    AccessControl: Private",
    limitations="Account-level public access blocks and object ACLs are not seen.",
)


@rule(API015)
def public_s3_bucket_acl(app: App, ctx: RuleContext) -> Iterator[RuleResult]:
    for store in stores(app, "bucket"):
        if isinstance(store.public_acl, str) and store.public_acl in _PUBLIC_ACLS:
            yield Violation(
                resource=store.id,
                location=store.at("public_acl"),
                message=f"Bucket {store.id} has the public ACL {store.public_acl}",
                evidence=(f"AccessControl: {store.public_acl}",),
                fix="Remove AccessControl or set it to Private.",
                severity=Severity.CRITICAL if store.public_acl == "PublicReadWrite" else None,
                key="acl",
            )
        if isinstance(store.public_access_blocked, Ref):
            yield unresolved(
                store.id,
                store.at("public_access_blocked"),
                "public access block",
                store.public_access_blocked,
            )
        elif store.public_access_blocked is False:
            yield Violation(
                resource=store.id,
                location=store.at("public_access_blocked"),
                message=f"Bucket {store.id} turns its public access block off",
                evidence=("a PublicAccessBlockConfiguration setting is false",),
                fix="Set BlockPublicAcls, BlockPublicPolicy, IgnorePublicAcls and "
                "RestrictPublicBuckets to true.",
                key="public-access-block",
            )


RULES = (
    lambda_permission_public,
    service_permission_no_source,
    public_resource_policy,
    identity_pool_guest_access,
    public_s3_bucket_acl,
)

"""Least-privilege rules on roles as a whole: managed policies, escalation, sharing, trust."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from faasguard.iam import managed, privesc, trust
from faasguard.iam.grants import parameter_names, role_owner, role_statements
from faasguard.model import (
    App,
    Function,
    Inconclusive,
    ManagedPolicyRef,
    Pillar,
    PolicyStatement,
    Principal,
    Ref,
    Role,
    RuleContext,
    RuleInfo,
    RuleResult,
    Severity,
    Text,
    Violation,
)
from faasguard.rules._references import (
    CWE_269,
    EVERY_FRAMEWORK,
    OWASP_PRIVILEGE,
    WA_LEAST_PRIVILEGE,
)
from faasguard.rules._registry import rule


def _function_roles(app: App) -> Iterator[Role]:
    """Roles that some function of the app runs as, each once, in app order."""
    used = {fn.role for fn in app.functions if isinstance(fn.role, str)}
    return (r for r in app.roles if r.id in used and r.defined_in_app)


def _customer_policy_ids(app: App) -> frozenset[str]:
    return frozenset(p.id for p in app.policies)


def _managed_names(app: App, role: Role) -> Iterator[tuple[ManagedPolicyRef, str | None]]:
    """Attached managed policies with their AWS managed name (None: customer or unknown)."""
    own = _customer_policy_ids(app)
    for ref in role.managed_policies:
        if isinstance(ref.arn, Ref) and ref.arn.target in own:
            continue
        yield ref, managed.aws_managed_name(ref.arn)


IAM004 = RuleInfo(
    id="IAM004",
    name="admin-managed-policy",
    title="Role has an administrator managed policy attached",
    pillar=Pillar.LEAST_PRIVILEGE,
    severity=Severity.HIGH,
    rationale="AdministratorAccess grants every action on every resource; PowerUserAccess "
    "everything but most of IAM; IAMFullAccess lets the role grant itself anything. A function "
    "with one of them turns any code injection or vulnerable dependency into control of the "
    "account. SAM's short form `Policies: [AdministratorAccess]` is easy to miss in review.",
    remediation="Detach the policy. SAM: replace the name in `Policies` with policy templates "
    "or statements for the actions the function calls. CloudFormation: remove the ARN from "
    "`ManagedPolicyArns` and add a scoped inline policy.",
    frameworks=EVERY_FRAMEWORK,
    references=(OWASP_PRIVILEGE, WA_LEAST_PRIVILEGE, CWE_269),
    equivalents=(
        "cfn_nag:W43",
        "cfripper:IAMRolesOverprivilegedRule",
        "prowler:iam_role_administratoraccess_policy",
    ),
    example="Fn:\n  Type: AWS::Serverless::Function\n  Properties:\n    Policies:\n"
    "      - AdministratorAccess",
    fixed_example="Fn:\n  Type: AWS::Serverless::Function\n  Properties:\n    Policies:\n"
    "      - DynamoDBCrudPolicy:\n          TableName: !Ref OrdersTable",
    limitations="A managed policy ARN given as a parameter cannot be judged (inconclusive).",
)


@rule(IAM004)
def admin_managed_policy(app: App, ctx: RuleContext) -> Iterator[RuleResult]:
    for role in app.roles:
        owner, who = role_owner(role)
        for ref, name in _managed_names(app, role):
            if name is None:
                if isinstance(ref.arn, Ref):
                    reason = f"{who}: managed policy {ref.arn} is decided at deploy time"
                    yield Inconclusive(resource=owner, location=ref.location, reason=reason)
                continue
            admin = managed.admin_policy(name)
            if admin is None:
                continue
            yield Violation(
                resource=owner,
                location=ref.location,
                message=f"{who} has AWS managed policy {name} attached",
                evidence=(f"{name} grants {admin.grants}",),
                fix=f"Remove {name} and grant only the actions the function calls.",
                severity=admin.severity if admin.severity != IAM004.severity else None,
                key=name,
            )


IAM005 = RuleInfo(
    id="IAM005",
    name="full-access-managed-policy",
    title="Function role has an AWS managed '*FullAccess' policy attached",
    pillar=Pillar.LEAST_PRIVILEGE,
    severity=Severity.MEDIUM,
    rationale="AWS managed FullAccess policies (AmazonS3FullAccess, AmazonDynamoDBFullAccess, "
    "AWSLambda_FullAccess...) grant every action of a service on every resource of the "
    "account, often with iam:PassRole or other services' actions besides. A function needs a "
    "few actions on a few resources; the rest is what an attacker gets.",
    remediation="SAM: replace the policy name in `Policies` with a policy template "
    "(S3CrudPolicy, DynamoDBCrudPolicy...) or statements. CloudFormation: remove it from "
    "`ManagedPolicyArns` and add a scoped inline policy.",
    frameworks=EVERY_FRAMEWORK,
    references=(OWASP_PRIVILEGE, WA_LEAST_PRIVILEGE, CWE_269),
    equivalents=("cdk-nag:AwsSolutions-IAM4",),
    example="Policies:\n  - AmazonDynamoDBFullAccess",
    fixed_example="Policies:\n  - DynamoDBCrudPolicy:\n      TableName: !Ref OrdersTable",
    limitations="Recognised by name; the policies' documents are not shipped with faasguard.",
)


@rule(IAM005)
def full_access_managed_policy(app: App, ctx: RuleContext) -> Iterator[RuleResult]:
    for role in _function_roles(app):
        owner, who = role_owner(role)
        for ref, name in _managed_names(app, role):
            if name is None or not managed.is_full_access(name):
                continue
            yield Violation(
                resource=owner,
                location=ref.location,
                message=f"{who} has AWS managed policy {name} attached",
                evidence=(f"{name} grants a whole service on every resource",),
                fix=f"Replace {name} with the actions the function calls on its resources.",
                key=name,
            )


IAM006 = RuleInfo(
    id="IAM006",
    name="privilege-escalation",
    title="Function role can escalate its privileges",
    pillar=Pillar.LEAST_PRIVILEGE,
    severity=Severity.HIGH,
    rationale="Some permissions are worth every other: editing IAM policies, passing a role to "
    "a new function, changing another function's code or configuration, assuming any role. A "
    "function holding such a combination is one injection away from administrator, whatever "
    "its other permissions say. The evidence spells out each escalation path found.",
    remediation="Remove the permissions the function does not call. When it must manage IAM or "
    "Lambda, name the exact roles/functions in Resource, add conditions (iam:PassedToService) "
    "and set a permissions boundary on the roles it creates.",
    frameworks=EVERY_FRAMEWORK,
    references=(
        OWASP_PRIVILEGE,
        WA_LEAST_PRIVILEGE,
        CWE_269,
        "Rhino Security Labs: AWS IAM Privilege Escalation - Methods and Mitigation",
    ),
    equivalents=(
        "checkov:CKV_AWS_110",
        "cfripper:PrivilegeEscalationRule",
        "prowler:iam_inline_policy_allows_privilege_escalation",
    ),
    example="- Effect: Allow\n  Action: [iam:PassRole, lambda:CreateFunction, "
    "lambda:InvokeFunction]\n  Resource: '*'",
    fixed_example="- Effect: Allow\n  Action: [lambda:InvokeFunction]\n"
    "  Resource: !GetAtt WorkerFunction.Arn",
    limitations="Deny statements, conditions and permissions boundaries are not subtracted. "
    "AWS managed policies are not expanded (AdministratorAccess and friends are IAM004). A "
    "role defined outside the app is reported as inconclusive.",
)


def _escalation(role: Role, found: tuple[privesc.Escalation, ...]) -> Violation:
    owner, who = role_owner(role)
    statements: list[PolicyStatement] = []
    for escalation in found:
        for _, statement in escalation.grants:
            if statement not in statements:
                statements.append(statement)
    primary, *others = statements
    return Violation(
        resource=owner,
        location=primary.location,
        message=f"{who} can escalate privileges ({len(found)} path(s))",
        evidence=tuple(e.describe() for e in found),
        related=tuple(
            dict.fromkeys(st.location for st in others if st.location != primary.location)
        ),
        fix="Remove the escalation actions or limit them to named resources with conditions.",
    )


def _outside_roles(app: App) -> Iterator[Function]:
    """Functions whose role's policies are not in the app (an ARN, a parameter, an import)."""
    for fn in app.functions:
        role = app.role(fn.role) if fn.role is not None else None
        if fn.role is not None and (role is None or not role.defined_in_app):
            yield fn


@rule(IAM006)
def privilege_escalation(app: App, ctx: RuleContext) -> Iterator[RuleResult]:
    parameters = parameter_names(app)
    for role in _function_roles(app):
        found = privesc.find_escalations(role_statements(app, role), parameters)
        if found:
            yield _escalation(role, found)
    for fn in _outside_roles(app):
        reason = f"Function {fn.id} runs as role {fn.role} from outside the app"
        yield Inconclusive(resource=fn.id, location=fn.at("role"), reason=reason)


IAM008 = RuleInfo(
    id="IAM008",
    name="shared-execution-role",
    title="Several functions share one execution role",
    pillar=Pillar.LEAST_PRIVILEGE,
    severity=Severity.LOW,
    rationale="A shared role holds the union of what every function using it needs, so each "
    "function gets its neighbours' permissions: compromising the least important function "
    "yields the permissions of the most powerful one. Per-function roles keep each blast "
    "radius to what that function does.",
    remediation="SAM: drop `Role` and let SAM generate a role per function from `Policies`. "
    "CloudFormation: one AWS::IAM::Role per function with only that function's statements.",
    frameworks=EVERY_FRAMEWORK,
    references=(
        OWASP_PRIVILEGE,
        WA_LEAST_PRIVILEGE,
        "CWE-250: Execution with Unnecessary Privileges",
    ),
    equivalents=("kics:ae03f542", "kics:4ba74f01"),
    example="A:\n  Properties: {Role: !GetAtt SharedRole.Arn}\nB:\n"
    "  Properties: {Role: !GetAtt SharedRole.Arn}",
    fixed_example="A:\n  Properties: {Role: !GetAtt ARole.Arn}\nB:\n"
    "  Properties: {Role: !GetAtt BRole.Arn}",
    limitations="Roles are compared as written: two different parameters that receive the same "
    "ARN at deploy time are not recognised as one role.",
)


@rule(IAM008)
def shared_execution_role(app: App, ctx: RuleContext) -> Iterator[RuleResult]:
    users: dict[Text, list[Function]] = defaultdict(list)
    for fn in app.functions:
        if fn.role is not None:
            users[fn.role].append(fn)
    for role, functions in users.items():
        if len(functions) < 2:
            continue
        for fn in functions:
            others = [f for f in functions if f is not fn]
            yield Violation(
                resource=fn.id,
                location=fn.at("role"),
                message=f"Function {fn.id} shares execution role {role} with "
                + ", ".join(f.id for f in others),
                related=tuple(f.at("role") for f in others),
                fix=f"Give {fn.id} its own role with only the permissions it needs.",
                key=str(role),
            )


IAM010 = RuleInfo(
    id="IAM010",
    name="broad-trust-policy",
    title="Role trust policy lets anyone, or another account without conditions, assume it",
    pillar=Pillar.LEAST_PRIVILEGE,
    severity=Severity.HIGH,
    rationale="The trust policy decides who can obtain the role's credentials. Principal '*' "
    "(or AWS: '*') without conditions lets any AWS principal in any account assume it. Trusting "
    "another account without sts:ExternalId or an organisation condition exposes the role to "
    "the confused-deputy problem: any principal that account lets through can act as it.",
    remediation="Trust only the service that runs the role (Service: lambda.amazonaws.com). For "
    "a real cross-account need, name the exact role ARN and add a Condition on sts:ExternalId "
    "or aws:PrincipalOrgID.",
    frameworks=EVERY_FRAMEWORK,
    references=(
        WA_LEAST_PRIVILEGE,
        "AWS IAM User Guide: The confused deputy problem",
        "CWE-284: Improper Access Control",
    ),
    equivalents=(
        "checkov:CKV_AWS_60",
        "checkov:CKV_AWS_61",
        "cfripper:CrossAccountTrustRule",
        "cfripper:FullWildcardPrincipalRule",
    ),
    example="AssumeRolePolicyDocument:\n  Statement:\n    - Effect: Allow\n"
    "      Principal: {AWS: '*'}\n      Action: sts:AssumeRole",
    fixed_example="AssumeRolePolicyDocument:\n  Statement:\n    - Effect: Allow\n"
    "      Principal: {Service: lambda.amazonaws.com}\n      Action: sts:AssumeRole",
    limitations="An account id is judged foreign when written literally; ${AWS::AccountId} and "
    "parameters are trusted. Condition values are not evaluated, only their keys.",
)


def _trust_problem(statement: PolicyStatement, principal: Principal) -> tuple[str, Severity] | None:
    if trust.is_public(principal) and not trust.narrowing_keys(statement, "public"):
        return "anyone in any AWS account (Principal '*') without conditions", Severity.CRITICAL
    account = trust.account_of(principal)
    if account is not None and not trust.narrowing_keys(statement, "cross_account"):
        return (
            f"account {account} without an sts:ExternalId or aws:PrincipalOrgID condition",
            Severity.MEDIUM,
        )
    return None


@rule(IAM010)
def broad_trust_policy(app: App, ctx: RuleContext) -> Iterator[RuleResult]:
    for role in app.roles:
        owner, who = role_owner(role)
        for statement in role.trust:
            if statement.effect != "Allow":
                continue
            for principal in statement.principals:
                problem = _trust_problem(statement, principal)
                if problem is None:
                    continue
                text, severity = problem
                yield Violation(
                    resource=owner,
                    location=statement.location,
                    message=f"{who} can be assumed by {text}",
                    evidence=(f"trust principal {principal.kind}: {principal.value}",),
                    fix="Trust the service or the exact role ARN, with an ExternalId or "
                    "aws:PrincipalOrgID condition.",
                    severity=severity,
                    key=f"{principal.kind}:{principal.value}",
                )


RULES = (
    admin_managed_policy,
    full_access_managed_policy,
    privilege_escalation,
    shared_execution_role,
    broad_trust_policy,
)

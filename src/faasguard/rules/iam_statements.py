"""Least-privilege rules on single policy statements: wildcards, NotAction, PassRole on ``*``.

Every identity statement of the app is checked once (``iam.grants``); SAM-generated roles are
reported on their function. Statement-level findings point at the statement (for a SAM policy
template, at its entry in ``Policies``).
"""

from __future__ import annotations

from collections.abc import Iterator

from faasguard.iam import actions, policy
from faasguard.iam.grants import Grant, identity_grants, parameter_names
from faasguard.iam.holdings import cancelled, holders
from faasguard.iam.trust import condition_keys
from faasguard.model import (
    App,
    Inconclusive,
    Pillar,
    RuleContext,
    RuleInfo,
    RuleResult,
    Severity,
    Violation,
)
from faasguard.rules._references import (
    CWE_269,
    EVERY_FRAMEWORK,
    OWASP_PRIVILEGE,
    WA_LEAST_PRIVILEGE,
)
from faasguard.rules._registry import rule

_MAX_EXAMPLES = 5


def _allow_grants(app: App) -> Iterator[Grant]:
    """Statements that surely allow; a symbolic Effect is no statement rules can judge."""
    return (g for g in identity_grants(app) if policy.is_allow(g.statement) is True)


def _uncancelled_allow_grants(app: App) -> Iterator[Grant]:
    """Allow statements that no unconditional Deny cancels, in the same policy or in another
    policy of a principal holding them (IAM evaluates all of a principal's policies at once)."""
    contexts = holders(app)
    own = {p.id: p.statements for p in app.policies}
    for grant in _allow_grants(app):
        mine = own.get(grant.owner, (grant.statement,))
        if not cancelled(grant.statement, contexts.get(grant.statement, []), mine):
            yield grant


def _resources_text(grant: Grant) -> str:
    st = grant.statement
    if st.not_resources:
        return "NotResource " + ", ".join(str(r) for r in st.not_resources)
    return "Resource " + (", ".join(str(r) for r in st.resources) or "(none)")


def _origin(grant: Grant) -> str:
    return f"granted by {grant.statement.source or 'a policy statement'}"


IAM001 = RuleInfo(
    id="IAM001",
    name="wildcard-action",
    title="Policy allows every action ('*')",
    pillar=Pillar.LEAST_PRIVILEGE,
    severity=Severity.HIGH,
    rationale="A statement that allows Action '*' hands the function every permission AWS has "
    "on the resources it names; with Resource '*' it is full administrator access. Any code "
    "injection, vulnerable dependency or leaked credential in the function then controls the "
    "whole account: data, keys, other functions and IAM itself.",
    remediation="List the actions the function calls (e.g. dynamodb:GetItem, dynamodb:PutItem) "
    "on the resources it uses. SAM: prefer a policy template such as DynamoDBCrudPolicy or "
    "S3ReadPolicy in `Policies`. CloudFormation: write them in the role's policy document.",
    frameworks=EVERY_FRAMEWORK,
    references=(OWASP_PRIVILEGE, WA_LEAST_PRIVILEGE, CWE_269),
    equivalents=(
        "checkov:CKV_AWS_62",
        "checkov:CKV_AWS_63",
        "cfn_nag:F3",
        "serverless-rules:WS1003",
        "kics:953b3cdb",
    ),
    example="Policies:\n  - Statement:\n      - Effect: Allow\n        Action: '*'\n"
    "        Resource: '*'",
    fixed_example="Policies:\n  - DynamoDBCrudPolicy:\n      TableName: !Ref OrdersTable",
    limitations="An Allow is not reported when an unconditional Deny on the same or wider "
    "resources cancels all of it, in its own policy or in another policy of every principal "
    "holding it; conditional Denies and permissions boundaries are not subtracted. AWS managed "
    "policies are judged by name (IAM004), not by their documents.",
)


@rule(IAM001)
def wildcard_action(app: App, ctx: RuleContext) -> Iterator[RuleResult]:
    parameters = parameter_names(app)
    for grant in _uncancelled_allow_grants(app):
        st = grant.statement
        if not any(actions.is_full_wildcard(a) for a in policy.literal(st.actions)):
            if policy.has_unknown(st.actions):
                reason = f"{grant.who}: an Action is decided at deploy time and may be '*'"
                yield Inconclusive(resource=grant.owner, location=st.location, reason=reason)
            continue
        everywhere = policy.covers_all_resources(st, parameters) is True
        scope = "on every resource (full administrator)" if everywhere else "on its resources"
        yield Violation(
            resource=grant.owner,
            location=st.location,
            message=f"{grant.who} allows every action ('*') {scope}",
            evidence=(_origin(grant), _resources_text(grant)),
            fix="Replace '*' with the actions the function calls, on the resources it uses.",
            severity=Severity.CRITICAL if everywhere else None,
            key=grant.key,
        )


IAM002 = RuleInfo(
    id="IAM002",
    name="service-wildcard-action",
    title="Policy allows a wildcard of a service's write actions ('s3:*', 's3:Put*')",
    pillar=Pillar.LEAST_PRIVILEGE,
    severity=Severity.MEDIUM,
    rationale="A service wildcard such as dynamodb:* or s3:Put* grants every matching action, "
    "including ones nobody meant to give: deleting tables, rewriting bucket policies, changing "
    "key policies, or (iam:*, lambda:*, sts:*) creating identities and running code. A "
    "compromised function uses them all. Wildcards that only match reads (s3:Get*, s3:List*) "
    "are not reported.",
    remediation="Replace the wildcard with the actions the function calls. SAM: the policy "
    "templates (DynamoDBCrudPolicy, S3WritePolicy, SQSSendMessagePolicy...) name exact actions. "
    "CloudFormation: list them in the policy document.",
    frameworks=EVERY_FRAMEWORK,
    references=(OWASP_PRIVILEGE, WA_LEAST_PRIVILEGE, CWE_269),
    equivalents=("serverless-rules:WS1003", "trivy:AWS-0345", "cdk-nag:AwsSolutions-IAM5"),
    example="- Effect: Allow\n  Action: dynamodb:*\n  Resource: !GetAtt OrdersTable.Arn",
    fixed_example="- Effect: Allow\n  Action: [dynamodb:GetItem, dynamodb:PutItem]\n"
    "  Resource: !GetAtt OrdersTable.Arn",
    limitations="Which actions a wildcard covers comes from a snapshot of AWS's action list "
    "(cfn-lint data); whether an action reads or writes from its verb (Get, List, Describe...). "
    "A statement whose actions an unconditional Deny of the same principal cancels on all its "
    "resources is not reported. "
    "A wildcard on a service faasguard does not know is reported unless it starts with a read "
    "verb.",
)


def _reach_evidence(pattern: str, found: actions.Reach) -> tuple[str, ...]:
    if not found.service_known:
        return (f"the service of {pattern} is not in faasguard's action list",)
    counts = f"{len(found.writes)} write"
    if found.permissions:
        counts += f" and {len(found.permissions)} permissions-management"
    examples = ", ".join((found.permissions + found.writes)[:_MAX_EXAMPLES])
    return (f"{pattern} covers {counts} action(s), e.g. {examples}",)


@rule(IAM002)
def service_wildcard_action(app: App, ctx: RuleContext) -> Iterator[RuleResult]:
    for grant in _uncancelled_allow_grants(app):
        for pattern in policy.literal(grant.statement.actions):
            if actions.is_full_wildcard(pattern) or not actions.has_wildcard(pattern):
                continue
            found = actions.reach(pattern)
            if not found.any:
                continue
            service, _ = actions.split(pattern)
            sensitive = actions.is_sensitive_service(service) and (
                actions.is_service_wildcard(pattern) or bool(found.permissions)
            )
            yield Violation(
                resource=grant.owner,
                location=grant.statement.location,
                message=f"{grant.who} allows {pattern}, which includes write actions",
                evidence=(_origin(grant), *_reach_evidence(pattern, found)),
                fix=f"Replace {pattern} with the {service} actions the function calls.",
                severity=Severity.HIGH if sensitive else None,
                key=f"{grant.key}:{actions.normalize(pattern)}",
            )


IAM003 = RuleInfo(
    id="IAM003",
    name="wildcard-resource",
    title="Write actions allowed on every resource ('*') where they could be scoped",
    pillar=Pillar.LEAST_PRIVILEGE,
    severity=Severity.MEDIUM,
    rationale="Resource '*' extends a write action to every resource of its kind in the "
    "account and region: a function meant to write one table can empty them all, publish to "
    "any topic or overwrite any object. These actions support resource-level permissions, so "
    "the grant can name the resources the function uses.",
    remediation="Name the resources: SAM `!GetAtt Table.Arn`, `!Ref Topic`, or a policy "
    "template with the resource parameter (DynamoDBCrudPolicy: {TableName: !Ref Table}). "
    "CloudFormation: the same ARNs in `Resource`.",
    frameworks=EVERY_FRAMEWORK,
    references=(OWASP_PRIVILEGE, WA_LEAST_PRIVILEGE, "CWE-732: Incorrect Permission Assignment"),
    equivalents=(
        "cfn_nag:W11",
        "cfn_nag:W12",
        "checkov:CKV_AWS_111",
        "cdk-nag:AwsSolutions-IAM5",
    ),
    example="- Effect: Allow\n  Action: dynamodb:PutItem\n  Resource: '*'",
    fixed_example="- Effect: Allow\n  Action: dynamodb:PutItem\n"
    "  Resource: !GetAtt OrdersTable.Arn",
    limitations="Action '*' is IAM001's finding; service wildcards (dynamodb:*) are expanded over "
    "faasguard's action list and reported here too when they include scopable writes. Actions "
    "that Lambda's own logging, X-Ray and VPC access need on '*' are never reported. "
    "Type-wide ARNs (arn:aws:dynamodb:*:*:table/*) are not reported here.",
)


def _scopable_write(action: str) -> bool:
    return (
        # PassRole on '*' is IAM007's finding, with its own remedy
        not actions.matches("iam:PassRole", action)
        and actions.access_of(action) is not actions.Access.READ
        and actions.supports_resource_scoping(action) is True
        and not actions.resource_star_expected(action)
    )


def _scopable_writes(grant: Grant) -> tuple[tuple[str, int], ...]:
    """(action as written, how many scopable write actions it stands for), ``*`` left to IAM001."""
    found: list[tuple[str, int]] = []
    for written in policy.literal(grant.statement.actions):
        if actions.is_full_wildcard(written):
            continue
        covered = actions.expand(written) if actions.has_wildcard(written) else (written,)
        count = sum(1 for a in covered or () if _scopable_write(a))
        if count:
            found.append((written, count))
    return tuple(found)


def _describe_writes(writes: tuple[tuple[str, int], ...]) -> str:
    return ", ".join(w if not actions.has_wildcard(w) else f"{w} ({n} actions)" for w, n in writes)


@rule(IAM003)
def wildcard_resource(app: App, ctx: RuleContext) -> Iterator[RuleResult]:
    parameters = parameter_names(app)
    for grant in _allow_grants(app):
        writes = _scopable_writes(grant)
        if not writes or grant.statement.not_resources:
            continue
        star = policy.covers_all_resources(grant.statement, parameters, star_only=True)
        if star is None:
            reason = f"{grant.who}: Resource is decided at deploy time and may be '*'"
            yield Inconclusive(
                resource=grant.owner, location=grant.statement.location, reason=reason
            )
        elif star:
            yield Violation(
                resource=grant.owner,
                location=grant.statement.location,
                message=f"{grant.who} allows {_describe_writes(writes)} on every resource ('*')",
                evidence=(
                    _origin(grant),
                    "each of these write actions supports resource-level scoping",
                ),
                fix="Set Resource to the ARNs of the resources the function writes.",
                key=grant.key,
            )


IAM007 = RuleInfo(
    id="IAM007",
    name="passrole-wildcard",
    title="iam:PassRole allowed on every role",
    pillar=Pillar.LEAST_PRIVILEGE,
    severity=Severity.HIGH,
    rationale="iam:PassRole lets the holder hand a role to a service (a new Lambda function, a "
    "stack, an instance). On Resource '*' and without an iam:PassedToService condition, the "
    "function can pass the most privileged role of the account to a resource it controls and "
    "act as that role: a classic privilege escalation.",
    remediation="Set Resource to the ARNs of the roles the function must pass, and add a "
    "Condition StringEquals iam:PassedToService (e.g. lambda.amazonaws.com).",
    frameworks=EVERY_FRAMEWORK,
    references=(OWASP_PRIVILEGE, WA_LEAST_PRIVILEGE, CWE_269),
    equivalents=("cfn_nag:F38", "cfn_nag:F39", "cfn_nag:F40", "trivy:AWS-0342"),
    example="- Effect: Allow\n  Action: iam:PassRole\n  Resource: '*'",
    fixed_example="- Effect: Allow\n  Action: iam:PassRole\n  Resource: !GetAtt WorkerRole.Arn\n"
    "  Condition:\n    StringEquals: {iam:PassedToService: lambda.amazonaws.com}",
    limitations="Action '*' is reported by IAM001 instead. Conditions other than "
    "iam:PassedToService are not evaluated.",
)


def _passes_roles(grant: Grant) -> bool:
    st = grant.statement
    if any(actions.is_full_wildcard(a) for a in policy.literal(st.actions)):
        return False
    restricted = "iam:passedtoservice" in condition_keys(st)
    return policy.grants(st, "iam:PassRole") is True and not restricted


@rule(IAM007)
def passrole_wildcard(app: App, ctx: RuleContext) -> Iterator[RuleResult]:
    parameters = parameter_names(app)
    for grant in _allow_grants(app):
        if not _passes_roles(grant):
            continue
        everywhere = policy.covers_all_resources(grant.statement, parameters)
        if everywhere is None:
            reason = f"{grant.who}: the roles it may pass are decided at deploy time"
            yield Inconclusive(
                resource=grant.owner, location=grant.statement.location, reason=reason
            )
        elif everywhere:
            yield Violation(
                resource=grant.owner,
                location=grant.statement.location,
                message=f"{grant.who} allows iam:PassRole on every role",
                evidence=(
                    _origin(grant),
                    _resources_text(grant),
                    "no iam:PassedToService condition",
                ),
                fix="Limit Resource to the roles to pass and add an iam:PassedToService condition.",
                key=grant.key,
            )


IAM009 = RuleInfo(
    id="IAM009",
    name="allow-not-action",
    title="Allow statement uses NotAction or NotResource",
    pillar=Pillar.LEAST_PRIVILEGE,
    severity=Severity.MEDIUM,
    rationale="Allow with NotAction grants every action except the listed ones, including every "
    "action AWS adds later; Allow with NotResource grants access to every resource but a few. "
    "Both are deny-lists: they grow silently and are easy to misread as restrictions.",
    remediation="Rewrite the statement as an allow-list: Action and Resource naming what the "
    "function needs. Keep NotAction/NotResource for Deny statements.",
    frameworks=EVERY_FRAMEWORK,
    references=(OWASP_PRIVILEGE, WA_LEAST_PRIVILEGE, CWE_269),
    equivalents=("cfn_nag:W15", "cfn_nag:W21"),
    example="- Effect: Allow\n  NotAction: iam:*\n  Resource: '*'",
    fixed_example="- Effect: Allow\n  Action: [s3:GetObject]\n  Resource: !Sub '${Bucket.Arn}/*'",
    limitations="Only identity policies are checked; resource policies are the API rules' part.",
)


@rule(IAM009)
def allow_not_action(app: App, ctx: RuleContext) -> Iterator[RuleResult]:
    for grant in _allow_grants(app):
        st = grant.statement
        for field, values in (("NotAction", st.not_actions), ("NotResource", st.not_resources)):
            if not values:
                continue
            listed = ", ".join(str(v) for v in values)
            yield Violation(
                resource=grant.owner,
                location=st.location,
                message=f"{grant.who} allows with {field} (everything except {listed})",
                evidence=(_origin(grant),),
                fix=f"Replace {field} with an explicit {field.removeprefix('Not')} list.",
                key=f"{grant.key}:{field}",
            )


RULES = (
    wildcard_action,
    service_wildcard_action,
    wildcard_resource,
    passrole_wildcard,
    allow_not_action,
)

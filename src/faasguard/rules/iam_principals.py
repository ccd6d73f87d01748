"""Least privilege for principals no function runs as (IAM016): users, groups and other roles.

A principal holds every statement of every policy attached to it, inline ones included; IAM
evaluates them together, so an escalation may need an action from one policy and another from a
second one, and an explicit Deny anywhere cancels an Allow anywhere. ``iam.holdings`` gathers
those statement sets (IAM001/IAM002 use it too, to drop Allows a Deny cancels); IAM016 asks
``iam.evaluate.decide`` for each action of each escalation method of ``iam.privesc``.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import date

from faasguard.iam import privesc
from faasguard.iam.actions import normalize
from faasguard.iam.evaluate import (
    Decision,
    Verdict,
    decide,
    describe_conditions,
    statement_action_matches,
)
from faasguard.iam.grants import parameter_names
from faasguard.iam.holdings import (
    Holding,
    Principal,
    never_true,
    principals,
    requests,
)
from faasguard.model import (
    App,
    Framework,
    Inconclusive,
    Location,
    Pillar,
    PolicyStatement,
    RuleContext,
    RuleInfo,
    RuleResult,
    Severity,
    Violation,
)
from faasguard.rules._references import CWE_269, OWASP_PRIVILEGE, WA_LEAST_PRIVILEGE
from faasguard.rules._registry import rule


@dataclass(frozen=True, slots=True)
class Found:
    action: str
    decision: Decision  # ALLOWED or CONDITIONAL (or UNKNOWN, for an inconclusive answer)
    resource: str


def _allowed(
    statements: Sequence[PolicyStatement], action: str, unbounded: bool, params: frozenset[str]
) -> Found | None:
    """Where ``action`` is allowed (Denies subtracted); an UNKNOWN answer when it may be."""
    unknown: Found | None = None
    for statement in statements:
        if statement.effect != "Allow" or statement_action_matches(statement, action) is not True:
            continue
        for resource in requests(statement, action, unbounded, params):
            if resource == "-":
                continue
            if resource is None:
                why = Decision(
                    verdict=Verdict.UNKNOWN,
                    statement=statement,
                    why="is granted on a resource decided at deploy time",
                )
                unknown = unknown or Found(action, why, "a resource decided at deploy time")
                continue
            decision = decide(statements, action, resource)
            if decision.verdict in (Verdict.ALLOWED, Verdict.CONDITIONAL):
                return Found(action, decision, resource)
            if decision.verdict is Verdict.UNKNOWN:
                unknown = unknown or Found(action, decision, resource)
    return unknown


def _method_grants(
    method: privesc.Method, statements: Sequence[PolicyStatement], params: frozenset[str]
) -> tuple[Found, ...] | None:
    found: list[Found] = []
    for action in method.actions:
        grant = _allowed(statements, action, normalize(action) in method.unbounded, params)
        if grant is None:
            return None
        found.append(grant)
    return tuple(found)


IAM016 = RuleInfo(
    id="IAM016",
    name="principal-privilege-escalation",
    title="Policy lets its holder escalate privileges",
    pillar=Pillar.LEAST_PRIVILEGE,
    severity=Severity.HIGH,
    rationale="Deploy users, CI roles, groups and roles assumed by people hold policies too. One "
    "that can edit IAM policies, pass a role to a new function, stack or instance, change a "
    "function's code or assume any role turns a leaked access key or a phished console "
    "session into administrator of the account. Permissions add up across every policy of a "
    "principal, so an escalation can be split over two policies that each look harmless.",
    remediation="Remove the escalation actions the principal does not need. When it must deploy, "
    "name the exact roles in iam:PassRole's Resource with an iam:PassedToService condition, "
    "scope lambda/cloudformation actions to the app's resources, and limit "
    "CreatePolicyVersion/SetDefaultPolicyVersion to policies the principal is meant to manage. "
    "An explicit Deny (or a permissions boundary) in another policy of the principal also "
    "removes a path.",
    frameworks=(Framework.SAM, Framework.CLOUDFORMATION, Framework.TERRAFORM),
    references=(
        OWASP_PRIVILEGE,
        WA_LEAST_PRIVILEGE,
        CWE_269,
        "Rhino Security Labs: AWS IAM Privilege Escalation - Methods and Mitigation",
        "BishopFox iam-vulnerable: privilege-escalation paths and tool-testing cases",
    ),
    equivalents=(
        "checkov:CKV_AWS_110",
        "checkov:CKV_AWS_286",
        "cfripper:PrivilegeEscalationRule",
        "prowler:iam_policy_allows_privilege_escalation",
        "prowler:iam_inline_policy_allows_privilege_escalation",
    ),
    example="DeployPolicy:\n  Type: AWS::IAM::ManagedPolicy\n  Properties:\n"
    "    Users: [!Ref DeployUser]\n    PolicyDocument:\n      Statement:\n"
    "        - Effect: Allow\n          Action: [iam:PassRole, lambda:CreateFunction, "
    "lambda:InvokeFunction]\n          Resource: '*'",
    fixed_example="DeployPolicy:\n  Type: AWS::IAM::ManagedPolicy\n  Properties:\n"
    "    Users: [!Ref DeployUser]\n    PolicyDocument:\n      Statement:\n"
    "        - Effect: Allow\n          Action: iam:PassRole\n"
    "          Resource: !GetAtt WorkerRole.Arn\n"
    "        - Effect: Allow\n          Action: [lambda:CreateFunction, "
    "lambda:InvokeFunction]\n          Resource: '*'",
    limitations="Only the escalation methods of faasguard's table are known (Rhino Security "
    "Labs' list plus serverless ones); SSM, EC2 Instance Connect and SageMaker paths are not in "
    "it yet. iam:PassRole and the other actions the table marks as needing every resource count "
    "only when granted on '*' or a type-wide ARN. A conditional Allow is assumed satisfiable; "
    "the one condition judged impossible is DateLessThan on aws:CurrentTime/aws:TokenIssueTime "
    "with a date already past. Group membership, permissions boundaries, SCPs, resource policies "
    "and the documents of AWS managed policies are not weighed; CloudFormation users' and "
    "groups' own Policies/ManagedPolicyArns are not read (attach a policy with Users/Groups). "
    "Function execution roles are IAM006's.",
)


@dataclass(frozen=True, slots=True)
class _Path:
    method: privesc.Method
    grants: tuple[Found, ...]
    holders: tuple[Principal, ...]

    def holding(self, found: Found) -> Holding:
        principal = self.holders[0]
        return next(
            (h for h in principal.holdings if h.statement is found.decision.statement),
            Holding(principal.holdings[0].statement, principal.ident, str(principal)),
        )

    def policy_of(self, found: Found) -> str:
        return self.holding(found).policy

    @property
    def decisive(self) -> Found:
        """The action that puts the escalation to work: the first one that is not PassRole."""
        rest = [f for f in self.grants if normalize(f.action) != "iam:passrole"]
        return (rest or list(self.grants))[0]


def _evidence(path: _Path) -> tuple[str, ...]:
    lines = []
    for found in path.grants:
        line = f"{found.action}: allowed on {found.resource} by {path.holding(found).label}"
        if found.decision.verdict is Verdict.CONDITIONAL:
            line += f" if {describe_conditions(found.decision.conditions)} (assumed satisfiable)"
        lines.append(line)
    lines.append("held by " + ", ".join(str(p) for p in path.holders))
    lines.append(f"method documented by {path.method.source}")
    return tuple(lines)


def _violation(path: _Path) -> Violation:
    decisive = path.decisive
    statement = decisive.decision.statement
    assert statement is not None  # ALLOWED and CONDITIONAL decisions name their statement
    policy = path.policy_of(decisive)
    label = path.holding(decisive).label
    actions = " + ".join(f.action for f in path.grants)
    holders = str(path.holders[0]) + (
        f" (and {len(path.holders) - 1} more)" if len(path.holders) > 1 else ""
    )
    others = (f.decision.statement for f in path.grants if f is not decisive)
    return Violation(
        resource=policy,
        location=statement.location,
        message=f"{label[0].upper()}{label[1:]} lets {holders} escalate privileges "
        f"({path.method.id}): "
        f"{actions} -> {path.method.path}",
        evidence=_evidence(path),
        related=tuple(
            dict.fromkeys(s.location for s in others if s and s.location != statement.location)
        ),
        fix="Remove these actions from the principal or scope them to named resources "
        "(iam:PassRole with an iam:PassedToService condition).",
        key=path.method.id,
    )


def _paths(app: App, today: date) -> Iterator[tuple[Principal, privesc.Method, tuple[Found, ...]]]:
    params = parameter_names(app)
    for principal in principals(app):
        if principal.runs_functions:
            continue  # IAM006
        statements = [s for s in principal.statements if not never_true(s.conditions, today)]
        for method in privesc.methods():
            grants = _method_grants(method, statements, params)
            if grants is not None:
                yield principal, method, grants


@rule(IAM016)
def principal_privilege_escalation(app: App, ctx: RuleContext) -> Iterator[RuleResult]:
    paths: dict[tuple[str, str], _Path] = {}
    unsure: dict[tuple[str, str], Inconclusive] = {}
    for principal, method, grants in _paths(app, ctx.today):
        path = _Path(method, grants, (principal,))
        doubt = next((g for g in grants if g.decision.verdict is Verdict.UNKNOWN), None)
        where = (path.policy_of(path.decisive), method.id)
        if doubt is not None:
            st = doubt.decision.statement
            reason = (
                f"{principal} may escalate privileges ({method.id}): {doubt.action} "
                f"{doubt.decision.why or 'hangs on a value decided at deploy time'}"
            )
            location = st.location if st is not None else Location(file=app.source)
            unsure.setdefault(
                where, Inconclusive(resource=where[0], location=location, reason=reason)
            )
            continue
        known = paths.get(where)
        if known is None:
            paths[where] = path
        else:
            paths[where] = _Path(method, known.grants, (*known.holders, principal))
    for where in paths:
        unsure.pop(where, None)
    yield from _violations(list(paths.values()))
    yield from unsure.values()


def _violations(paths: list[_Path]) -> Iterator[Violation]:
    """One violation per path; paths a statement allowing every action opens are one finding
    (its holder already is an administrator: 31 near-identical findings would bury that)."""
    everything: dict[tuple[str, Location], list[_Path]] = {}
    for path in paths:
        statement = path.decisive.decision.statement
        if statement is not None and "*" in (str(a).strip() for a in statement.actions):
            key = (path.policy_of(path.decisive), statement.location)
            everything.setdefault(key, []).append(path)
        else:
            yield _violation(path)
    for group in everything.values():
        first = _violation(group[0])
        methods = ", ".join(p.method.id for p in group)
        yield replace(
            first,
            message=first.message.split(" escalate privileges ")[0]
            + f" perform every action, so every escalation method applies ({len(group)})",
            evidence=(
                f"Action '*' allowed by {group[0].holding(group[0].decisive).label}",
                first.evidence[-2],
                f"methods: {methods}",
            ),
            fix="Replace Action '*' with the actions this principal needs.",
            key="every-action",
        )


RULES = (principal_privilege_escalation,)

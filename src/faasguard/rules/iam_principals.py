"""Least privilege for principals no function runs as (IAM016): users, groups and other roles.

A principal holds every statement of every policy attached to it, inline ones included; IAM
evaluates them together, so an escalation may need an action from one policy and another from a
second one, and an explicit Deny anywhere cancels an Allow anywhere. ``principals`` gathers
those statement sets (IAM001/IAM002 use it too, to drop Allows a Deny cancels); IAM016 asks
``iam.evaluate.decide`` for each action of each escalation method of ``iam.privesc``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime

from faasguard.iam import privesc
from faasguard.iam.actions import normalize
from faasguard.iam.evaluate import (
    Decision,
    Verdict,
    decide,
    describe_conditions,
    statement_action_matches,
)
from faasguard.iam.grants import parameter_names, role_statements
from faasguard.iam.policy import applies_to_service, is_unbounded, ref_could_be_star
from faasguard.model import (
    App,
    Data,
    Framework,
    FrozenMap,
    Inconclusive,
    Location,
    Pillar,
    PolicyStatement,
    Ref,
    RuleContext,
    RuleInfo,
    RuleResult,
    Severity,
    Text,
    Violation,
)
from faasguard.rules._references import CWE_269, OWASP_PRIVILEGE, WA_LEAST_PRIVILEGE
from faasguard.rules._registry import rule

#: AWS managed policies: no customer can add a version to them or change their default version
_AWS_MANAGED_POLICY = re.compile(r"arn:[^:]+:iam::aws:policy/.*")
_POLICY_VERSION_ACTIONS = frozenset({"iam:createpolicyversion", "iam:setdefaultpolicyversion"})
#: keys whose value is the time of the request or of the credentials used for it
_TIME_KEYS = frozenset({"aws:currenttime", "aws:tokenissuetime"})
_BEFORE_OPERATORS = frozenset({"datelessthan", "datelessthanequals"})


@dataclass(frozen=True, slots=True)
class Holding:
    """A statement a principal holds, and the policy (or inline owner) that grants it."""

    statement: PolicyStatement
    policy: str  # the logical id to report on: the policy, or the role of an inline policy
    label: str  # how a message names it: "policy X", "inline policy 'Deploy' of role R"


@dataclass(frozen=True, slots=True)
class Principal:
    kind: str  # "user", "group", "role"
    ident: str
    holdings: tuple[Holding, ...]
    runs_functions: bool = False

    @property
    def statements(self) -> tuple[PolicyStatement, ...]:
        return tuple(h.statement for h in self.holdings)

    def __str__(self) -> str:
        return f"{self.kind} {self.ident}"


def _function_role_ids(app: App) -> frozenset[str]:
    return frozenset(fn.role for fn in app.functions if isinstance(fn.role, str))


def _role_principals(app: App, function_roles: frozenset[str]) -> Iterator[Principal]:
    for role in app.roles:
        if not role.defined_in_app:
            continue
        attached = {s: p.id for p in app.policies if role.id in p.roles for s in p.statements}
        managed = {
            str(m.arn.target if isinstance(m.arn, Ref) else m.arn) for m in role.managed_policies
        }
        attached.update({s: p.id for p in app.policies if p.id in managed for s in p.statements})
        owner = role.generated_from or role.id
        holdings = tuple(
            Holding(s, attached[s], f"policy {attached[s]}")
            if s in attached
            else Holding(s, owner, f"{s.source or 'inline policy'} of role {owner}")
            for s in role_statements(app, role)
        )
        yield Principal("role", role.id, holdings, runs_functions=role.id in function_roles)


def principals(app: App) -> tuple[Principal, ...]:
    """Every principal the app grants something to, with all it holds, in app order.

    Users and groups exist only through the policies naming them; a role named by a policy but
    not defined in the app is a principal of its own. Group membership is not modelled: a
    user's group policies are not added to the user's own.
    """
    function_roles = _function_role_ids(app)
    found = list(_role_principals(app, function_roles))
    known = {p.ident for p in found}
    others: dict[tuple[str, str], list[Holding]] = {}
    for policy in app.policies:
        named: list[tuple[str, Text]] = [("user", u) for u in policy.users]
        named += [("group", g) for g in policy.groups]
        named += [("role", r) for r in policy.roles if str(r) not in known]
        for kind, who in named:
            holdings = others.setdefault((kind, str(who)), [])
            holdings.extend(Holding(s, policy.id, f"policy {policy.id}") for s in policy.statements)
    found += [
        Principal(kind, ident, tuple(h), runs_functions=ident in function_roles)
        for (kind, ident), h in others.items()
    ]
    return tuple(found)


def holders(app: App) -> dict[PolicyStatement, list[tuple[PolicyStatement, ...]]]:
    """Statement -> everything held by each principal that holds it (its IAM context)."""
    found: dict[PolicyStatement, list[tuple[PolicyStatement, ...]]] = {}
    for principal in principals(app):
        statements = principal.statements
        for statement in dict.fromkeys(statements):
            found.setdefault(statement, []).append(statements)
    return found


def denied_throughout(statement: PolicyStatement, context: Sequence[PolicyStatement]) -> bool:
    """Whether an unconditional Deny of ``context`` covers every action on every resource the
    Allow ``statement`` names (NotAction, NotResource and Refs are never judged covered)."""
    if statement.not_actions or statement.not_resources or not statement.actions:
        return False
    if any(isinstance(v, Ref) for v in (*statement.actions, *statement.resources)):
        return False
    return bool(statement.resources) and all(
        decide(context, str(action), str(resource)).verdict is Verdict.DENIED
        for action in statement.actions
        for resource in statement.resources
    )


def cancelled(
    statement: PolicyStatement,
    contexts: Sequence[Sequence[PolicyStatement]],
    own: Sequence[PolicyStatement],
) -> bool:
    """Whether a Deny cancels the Allow for every principal holding it (``contexts``); a
    statement no principal holds is judged within its own policy (``own``)."""
    return all(denied_throughout(statement, c) for c in (contexts or [own]))


# --- conditions that can never hold ---------------------------------------------------------


def _as_date(value: Data) -> date | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value.strip()).date()
    except ValueError:
        return None


def _values(value: Data) -> tuple[Data, ...]:
    return value if isinstance(value, tuple) else (value,)


def never_true(conditions: FrozenMap, today: date) -> bool:
    """Whether a condition block can no longer be met: ``DateLessThan`` on the request time or
    the credentials' issue time, with every date already past (no request made from today on,
    with credentials issued from today on, satisfies it). Every other condition may hold."""
    for operator, block in conditions.items:
        if operator.lower() not in _BEFORE_OPERATORS or not isinstance(block, FrozenMap):
            continue
        for key, value in block.items:
            dates = [_as_date(v) for v in _values(value)]
            if key.lower() in _TIME_KEYS and dates and all(d and d < today for d in dates):
                return True
    return False


# --- which resources of a grant an attacker can use -----------------------------------------


def _exploitable(action: str, resource: str) -> bool:
    """False when the resource is provably out of an attacker's reach for this action:
    AWS managed policies cannot get a new or a different default version."""
    if normalize(action) in _POLICY_VERSION_ACTIONS:
        return _AWS_MANAGED_POLICY.fullmatch(resource.strip()) is None
    return True


def _fits_service(action: str, resource: str) -> bool:
    probe = PolicyStatement(resources=(resource,), location=Location(file=""))
    return applies_to_service(probe, action.partition(":")[0])


def _requests(
    statement: PolicyStatement, action: str, unbounded: bool, parameters: frozenset[str]
) -> Iterator[str | None]:
    """Resources to ask ``decide`` about for one Allow statement (None: decided at deploy)."""
    if statement.not_resources:
        yield "*"
        return
    for resource in statement.resources:
        if isinstance(resource, Ref):
            could = ref_could_be_star(resource, parameters)
            yield None if (could or not unbounded) else "-"
        elif (
            (not unbounded or is_unbounded(resource))
            and _fits_service(action, resource)
            and _exploitable(action, resource)
        ):
            yield resource


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
        for resource in _requests(statement, action, unbounded, params):
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

"""Who holds which IAM statements, and which grants are out of an attacker's reach.

A principal (user, group, role) holds every statement of every policy attached to it, inline
ones included; IAM evaluates them together, so an escalation may need an action from one policy
and another from a second one, and an explicit Deny anywhere cancels an Allow anywhere.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from faasguard.iam.actions import normalize
from faasguard.iam.evaluate import Verdict, decide
from faasguard.iam.grants import role_statements
from faasguard.iam.policy import applies_to_service, is_unbounded, ref_could_be_star
from faasguard.model import App, Data, FrozenMap, Location, PolicyStatement, Ref, Text

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


def requests(
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

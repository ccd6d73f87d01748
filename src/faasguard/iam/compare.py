"""Granted versus needed, per execution role (research §6.1).

Granted: the role's statements (inline, SAM templates, app policies attached to it) plus its AWS
managed policies expanded from the shipped snapshot. Needed: ``synthesis.function_needs`` of every
function that runs as the role. Results:

- missing: a needed (action, resource) no statement allows, or one a Deny blocks (AccessDenied);
- unused: an action pattern of the role's own statements no function needs (for a wildcard that
  some needs use, the narrowed set); conclusive only when every function's code was analysed
  completely, otherwise the caller reports it as inconclusive;
- over-wide: a needed action granted on ``*`` while every need of it names one resource;
- unknown: needs whose answer hangs on a ``Ref``, a condition or a managed policy not in the
  snapshot.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

from faasguard.iam.actions import (
    expand,
    has_wildcard,
    matches,
    resource_star_expected,
    supports_resource_scoping,
)
from faasguard.iam.binding import canonical
from faasguard.iam.evaluate import Decision, Verdict, decide
from faasguard.iam.grants import role_statements
from faasguard.iam.managed_docs import managed_policy
from faasguard.iam.policy import grants, is_allow, is_star, literal
from faasguard.iam.synthesis import FunctionNeeds, Need, Unresolved, function_needs
from faasguard.model import App, Function, PolicyStatement, Role


@dataclass(frozen=True, slots=True, kw_only=True)
class Missing:
    function: str
    need: Need
    decision: Decision


@dataclass(frozen=True, slots=True, kw_only=True)
class Unused:
    statement: PolicyStatement
    pattern: str  # the granted action pattern
    narrowed: tuple[str, ...] = ()  # the needed actions a wildcard pattern covers


@dataclass(frozen=True, slots=True, kw_only=True)
class OverWide:
    statement: PolicyStatement
    action: str
    needed: tuple[str, ...]  # the resources the code touches


@dataclass(frozen=True, slots=True, kw_only=True)
class Comparison:
    role: Role
    functions: tuple[str, ...]
    missing: tuple[Missing, ...] = ()
    unknown: tuple[Missing, ...] = ()
    unused: tuple[Unused, ...] = ()
    over_wide: tuple[OverWide, ...] = ()
    unresolved: tuple[tuple[str, Unresolved], ...] = ()
    #: why "unused" results cannot be trusted (incomplete code analysis); empty = trustworthy
    incomplete: tuple[str, ...] = ()
    #: managed policies that could not be expanded (their grants are unknown)
    unexpanded: tuple[str, ...] = ()


def _comparable(statements: Sequence[PolicyStatement], app: App) -> list[PolicyStatement]:
    """Literal resources in canonical form (a literal region/account is the deployment's)."""
    found = []
    for statement in statements:
        resources = tuple(
            canonical(r, app) or r if isinstance(r, str) else r for r in statement.resources
        )
        not_resources = tuple(
            canonical(r, app) or r if isinstance(r, str) else r for r in statement.not_resources
        )
        found.append(replace(statement, resources=resources, not_resources=not_resources))
    return found


def decide_for(
    app: App, statements: Sequence[PolicyStatement], action: str, resource: str | None
) -> Decision:
    """``evaluate.decide`` with the app's resources resolved to canonical ARNs."""
    return decide(_comparable(statements, app), action, resource, lambda v: canonical(v, app))


def _managed(role: Role) -> tuple[list[PolicyStatement], list[str]]:

    statements: list[PolicyStatement] = []
    unexpanded: list[str] = []
    for ref in role.managed_policies:
        found = managed_policy(ref.arn) if isinstance(ref.arn, str) else None
        if found is None:
            unexpanded.append(str(ref.arn))
        else:
            statements.extend(found[0])
    return statements, unexpanded


def granted_statements(app: App, role: Role) -> tuple[tuple[PolicyStatement, ...], list[str]]:
    """Everything the role grants that faasguard can see, and the managed policies it cannot."""
    own = role_statements(app, role)
    managed, unexpanded = _managed(role)
    return (*own, *managed), unexpanded


def role_functions(app: App, role: Role) -> tuple[Function, ...]:
    return tuple(fn for fn in app.functions if fn.role == role.id)


def _request(action: str, resource: str | None) -> str | None:
    """The resource a request names: a log group pattern ``log-group:N:*`` stands for the
    function's log streams, which grants of ``log-group:N:*`` and of
    ``log-group:N:log-stream:*`` both cover."""
    if resource is not None and action.lower().startswith("logs:") and resource.endswith(":*"):
        return resource[:-2] + ":log-stream:STREAM"
    return resource


def _missing(
    app: App,
    statements: tuple[PolicyStatement, ...],
    fn: Function,
    needs: FunctionNeeds,
    unexpanded: list[str],
) -> tuple[list[Missing], list[Missing]]:
    missing: list[Missing] = []
    unknown: list[Missing] = []
    for need in needs.needs:
        resource = canonical(need.resource.arn, app) if need.resource.bound else None
        decision = decide_for(app, statements, need.action, _request(need.action, resource))
        if decision.verdict is Verdict.NOT_ALLOWED and unexpanded:
            why = f"the managed policy {unexpanded[0]} is not in faasguard's snapshot"
            decision = Decision(verdict=Verdict.UNKNOWN, why=why)
        item = Missing(function=fn.id, need=need, decision=decision)
        if decision.verdict in (Verdict.NOT_ALLOWED, Verdict.DENIED):
            missing.append(item)
        elif decision.verdict in (Verdict.UNKNOWN, Verdict.CONDITIONAL):
            unknown.append(item)
    return missing, unknown


def _unused(role: Role, needed: set[str]) -> list[Unused]:
    found: list[Unused] = []
    for statement in role.statements:
        if is_allow(statement) is not True or statement.not_actions:
            continue
        for pattern in literal(statement.actions):
            covered = sorted((a for a in needed if matches(pattern, a)), key=str.lower)
            if not covered:
                found.append(Unused(statement=statement, pattern=pattern))
            elif has_wildcard(pattern) and _wider(pattern, covered):
                found.append(Unused(statement=statement, pattern=pattern, narrowed=tuple(covered)))
    return found


def _wider(pattern: str, covered: list[str]) -> bool:
    """Whether a wildcard pattern grants more known actions than the needed ones it covers."""
    known = expand(pattern)
    if known is None:
        return True
    return {a.lower() for a in known} > {a.lower() for a in covered}


def _over_wide(role: Role, needs: list[Need]) -> list[OverWide]:
    found: list[OverWide] = []
    for statement in role.statements:
        if is_allow(statement) is not True or statement.conditions:
            continue
        if not any(is_star(r) for r in statement.resources):
            continue
        by_action: dict[str, list[Need]] = {}
        for need in needs:
            if grants(statement, need.action):
                by_action.setdefault(need.action, []).append(need)
        for action, group in sorted(by_action.items()):
            if resource_star_expected(action):  # logs, X-Ray, ENIs: granted on * by convention
                continue
            if all(n.resource.bound for n in group) and supports_resource_scoping(action):
                arns = tuple(sorted({n.resource.arn for n in group}))
                found.append(OverWide(statement=statement, action=action, needed=arns))
    return found


def compare_role(app: App, role: Role) -> Comparison:
    """Granted versus needed for one role and the functions that run as it."""
    functions = role_functions(app, role)
    statements, unexpanded = granted_statements(app, role)
    missing: list[Missing] = []
    unknown: list[Missing] = []
    needs: list[Need] = []
    needed: set[str] = set()
    unresolved: list[tuple[str, Unresolved]] = []
    incomplete: list[str] = []
    for fn in functions:
        fn_needs = function_needs(app, fn)
        gone, unsure = _missing(app, statements, fn, fn_needs, unexpanded)
        missing.extend(gone)
        unknown.extend(unsure)
        needs.extend(fn_needs.needs)
        needed.update(n.action for n in (*fn_needs.needs, *fn_needs.optional))
        unresolved.extend((fn.id, u) for u in fn_needs.unresolved)
        if not fn_needs.complete:
            incomplete.append(f"the code of {fn.id} was not analysed completely")
    return Comparison(
        role=role,
        functions=tuple(fn.id for fn in functions),
        missing=tuple(missing),
        unknown=tuple(unknown),
        unused=tuple(_unused(role, needed)),
        over_wide=tuple(_over_wide(role, needs)),
        unresolved=tuple(unresolved),
        incomplete=tuple(incomplete),
        unexpanded=tuple(unexpanded),
    )


@lru_cache(maxsize=8)  # the code-aware rules each ask for the same app's comparisons
def compare_app(app: App) -> tuple[Comparison, ...]:
    """One comparison per role of the app that some function runs as."""
    return tuple(compare_role(app, role) for role in app.roles if role_functions(app, role))

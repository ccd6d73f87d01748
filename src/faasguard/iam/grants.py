"""Which identity statements the app grants, and on whose behalf to report them.

A statement can be visible twice: inside a ``Policy`` resource and (merged by the loader) in the
statements of the role it is attached to. Each is reported once, on the policy when there is one.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from faasguard.model import App, PolicyStatement, Ref, Role

_StatementKey = tuple[object, ...]


@dataclass(frozen=True, slots=True)
class Grant:
    owner: str  # the logical id to report on (the SAM function for a SAM-generated role)
    who: str  # how a message names the owner: "Role X", "Policy Y", "Function Z's role"
    statement: PolicyStatement
    index: int  # position among the owner's statements (stable discriminator, no line numbers)

    @property
    def key(self) -> str:
        return f"{self.statement.sid or self.statement.source}#{self.index}"


def _identity(statement: PolicyStatement) -> _StatementKey:
    s = statement
    return (s.location, s.effect, s.actions, s.not_actions, s.resources, s.not_resources)


def role_owner(role: Role) -> tuple[str, str]:
    """(logical id, words) to report a role's problem on."""
    if role.generated_from is not None:
        return role.generated_from, f"Role of {role.generated_from}"
    return role.id, f"Role {role.id}"


def identity_grants(app: App) -> Iterator[Grant]:
    """Every identity-policy statement of the app, once each."""
    seen: set[_StatementKey] = set()
    for policy in app.policies:
        for index, statement in enumerate(policy.statements):
            seen.add(_identity(statement))
            yield Grant(policy.id, f"Policy {policy.id}", statement, index)
    for role in app.roles:
        owner, who = role_owner(role)
        for index, statement in enumerate(role.statements):
            if _identity(statement) not in seen:
                yield Grant(owner, who, statement, index)


def _attached_ids(role: Role) -> frozenset[str]:
    """Logical ids of app policies the role names in its managed policy list."""
    ids = (ref.arn.target if isinstance(ref.arn, Ref) else ref.arn for ref in role.managed_policies)
    return frozenset(i for i in ids if i is not None)


def role_statements(app: App, role: Role) -> tuple[PolicyStatement, ...]:
    """What a role is granted: its own statements plus those of app policies attached to it
    (by the policy's ``Roles`` or by the role's ``ManagedPolicyArns``)."""
    found: dict[_StatementKey, PolicyStatement] = {_identity(s): s for s in role.statements}
    attached = _attached_ids(role)
    for policy in app.policies:
        if role.id in policy.roles or policy.id in attached:
            for statement in policy.statements:
                found.setdefault(_identity(statement), statement)
    return tuple(found.values())


def parameter_names(app: App) -> frozenset[str]:
    return frozenset(p.name for p in app.parameters)

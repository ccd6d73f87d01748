"""AWS::IAM::Role/Policy/ManagedPolicy into the model; in-template policies join their roles."""

from __future__ import annotations

import dataclasses

from faasguard.loaders.cfn_common import Source, base, items, targets
from faasguard.loaders.cfn_template import Template
from faasguard.loaders.parts import Parts
from faasguard.loaders.yamljson import YMap
from faasguard.model import ManagedPolicyRef, Policy, PolicyStatement, Role

ROLE_FIELDS = {
    "name": "RoleName",
    "trust": "AssumeRolePolicyDocument",
    "statements": "Policies",
    "managed_policies": "ManagedPolicyArns",
    "permissions_boundary": "PermissionsBoundary",
}


def role(tpl: Template, src: Source) -> Role:
    props = src.props
    statements: list[PolicyStatement] = []
    for policy, _ in items(tpl, props.get("Policies")):
        if isinstance(policy, YMap):
            name = tpl.text(policy.get("PolicyName"))
            source = f"inline policy '{name}'"
            statements.extend(tpl.statements(policy.get("PolicyDocument"), source))
    managed = tuple(
        ManagedPolicyRef(arn=arn, location=loc)
        for node, loc in items(tpl, props.get("ManagedPolicyArns"))
        if (arn := tpl.target(node)) is not None
    )
    return Role(
        **base(tpl, src, ROLE_FIELDS),
        name=tpl.text(props.get("RoleName")),
        trust=tpl.statements(props.get("AssumeRolePolicyDocument"), "trust policy"),
        statements=tuple(statements),
        managed_policies=managed,
        permissions_boundary=tpl.target(props.get("PermissionsBoundary")),
        assumptions=tpl.take_assumptions(),
    )


def policy(tpl: Template, src: Source) -> Policy:
    props = src.props
    managed = src.type == "AWS::IAM::ManagedPolicy"
    name_key = "ManagedPolicyName" if managed else "PolicyName"
    kind = "managed policy" if managed else "policy"
    mapping = {"name": name_key, "statements": "PolicyDocument", "roles": "Roles"}
    mapping.update(users="Users", groups="Groups")
    return Policy(
        **base(tpl, src, mapping),
        name=tpl.text(props.get(name_key)),
        statements=tpl.statements(props.get("PolicyDocument"), f"{kind} {src.ident}"),
        roles=targets(tpl, props.get("Roles")),
        users=targets(tpl, props.get("Users")),
        groups=targets(tpl, props.get("Groups")),
        managed=managed,
        assumptions=tpl.take_assumptions(),
    )


def attach_policies(parts: Parts) -> None:
    """Give every in-template role the statements of the in-template policies attached to it:
    through the policy's ``Roles`` or the role's ``ManagedPolicyArns``."""
    by_id = {p.id: p for p in parts.policies}
    for i, found in enumerate(parts.roles):
        attached = [p for p in parts.policies if found.id in p.roles]
        attached += [
            by_id[str(ref.arn)]
            for ref in found.managed_policies
            if isinstance(ref.arn, str) and ref.arn in by_id and by_id[ref.arn].managed
        ]
        extra: list[PolicyStatement] = []
        for p in {p.id: p for p in attached}.values():  # once each, in order
            extra.extend(p.statements)
        if extra:
            parts.roles[i] = dataclasses.replace(found, statements=(*found.statements, *extra))

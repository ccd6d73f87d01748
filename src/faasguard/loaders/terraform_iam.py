"""Terraform IAM: roles (trust, inline policies), role policies, managed policies and their
attachments, all wired to the roles that use them (the statements land on ``Role.statements``)."""

from __future__ import annotations

import dataclasses

from faasguard.loaders.parts import Parts
from faasguard.loaders.terraform_module import Instance
from faasguard.loaders.terraform_policy import Documents
from faasguard.loaders.terraform_view import Body, as_target, base, lines_of, take_notes
from faasguard.model import Location, ManagedPolicyRef, Policy, PolicyStatement, Role, Text

ROLE_FIELDS = {
    "name": "name",
    "trust": "assume_role_policy",
    "statements": "inline_policy",
    "managed_policies": "managed_policy_arns",
    "permissions_boundary": "permissions_boundary",
}


def role(inst: Instance, body: Body, parts: Parts, docs: Documents) -> None:
    statements: list[PolicyStatement] = []
    for inline in body.blocks("inline_policy"):
        source = f"inline policy '{inline.text('name')}'"
        statements.extend(docs.statements(inline, "policy", source))
    managed = tuple(
        ManagedPolicyRef(arn=arn, location=body.at("managed_policy_arns"))
        for arn in body.targets("managed_policy_arns")
    )
    parts.roles.append(
        Role(
            **base(inst, body, ROLE_FIELDS),
            name=body.text("name"),
            trust=docs.statements(body, "assume_role_policy", "trust policy"),
            statements=tuple(statements),
            managed_policies=managed,
            permissions_boundary=body.target("permissions_boundary"),
            assumptions=take_notes(body),
        )
    )


def policy(inst: Instance, body: Body, parts: Parts, docs: Documents) -> None:
    """``aws_iam_policy`` (managed) and ``aws_iam_role_policy`` (inline, on one role)."""
    managed = inst.type == "aws_iam_policy"
    kind = "managed policy" if managed else "policy"
    role_ref, user, group = (body.target(k) for k in ("role", "user", "group"))
    fields = {"name": "name", "statements": "policy", "roles": "role"}
    fields.update(users="user", groups="group")
    parts.policies.append(
        Policy(
            **base(inst, body, fields),
            name=body.text("name"),
            statements=docs.statements(body, "policy", f"{kind} {inst.address}"),
            roles=(role_ref,) if role_ref is not None else (),
            users=(user,) if user is not None else (),
            groups=(group,) if group is not None else (),
            managed=managed,
            assumptions=take_notes(body),
        )
    )


def attachment(inst: Instance, body: Body, parts: Parts, docs: Documents) -> None:
    """``aws_iam_role_policy_attachment`` / ``aws_iam_policy_attachment``: a managed policy
    (in the app: its statements join the role; AWS managed: a ``ManagedPolicyRef``)."""
    arn = body.target("policy_arn")
    _attach_to_principals(parts, arn, body)
    roles = [body.target("role")] if body.has("role") else list(body.targets("roles"))
    for found in roles:
        _attach_to_role(parts, arn, role_id(parts, found), body.at("policy_arn"))


def exclusive_attachments(inst: Instance, body: Body, parts: Parts, docs: Documents) -> None:
    """``aws_iam_role_policy_attachments_exclusive``: the whole list of managed policies of a
    role (the role gets each of them, like one attachment resource per ARN)."""
    ident = role_id(parts, body.target("role_name"))
    arns = body.value("policy_arns")
    lines = lines_of(arns)
    for i, value in enumerate(arns if isinstance(arns, list) else []):
        at = body.at("policy_arns")
        if isinstance(lines, list) and i < len(lines) and lines[i]:
            at = Location(file=at.file, line=lines[i])
        _attach_to_role(parts, as_target(value), ident, at)


def _attach_to_role(parts: Parts, arn: Text | None, ident: Text | None, at: Location) -> None:
    """One managed policy on one role: an in-app policy lists the role (its statements join the
    role in ``link_policies``); any other ARN becomes a ``ManagedPolicyRef`` of the role."""
    if arn is None or ident is None:
        return
    own = next((p for p in parts.policies if p.id == arn), None)
    if own is not None:
        i = parts.policies.index(own)
        parts.policies[i] = dataclasses.replace(own, roles=(*own.roles, ident))
        return
    ref = ManagedPolicyRef(arn=arn, location=at)
    for i, existing in enumerate(parts.roles):
        if existing.id == ident:
            managed = (*existing.managed_policies, ref)
            parts.roles[i] = dataclasses.replace(existing, managed_policies=managed)


def _attach_to_principals(parts: Parts, arn: Text | None, body: Body) -> None:
    """Users and groups an in-app managed policy is attached to."""
    own = next((p for p in parts.policies if p.id == arn), None)
    if own is None:
        return
    users = (body.target("user"),) if body.has("user") else body.targets("users")
    groups = (body.target("group"),) if body.has("group") else body.targets("groups")
    found = parts.policies.index(own)
    parts.policies[found] = dataclasses.replace(
        own,
        users=(*own.users, *(u for u in users if u is not None)),
        groups=(*own.groups, *(g for g in groups if g is not None)),
    )


def role_id(parts: Parts, value: Text | None) -> Text | None:
    """A role given by address, or by its literal name when a role of the app has that name."""
    if isinstance(value, str) and not any(r.id == value for r in parts.roles):
        named = next((r.id for r in parts.roles if r.name == value), None)
        return named or value
    return value


def link_policies(parts: Parts) -> None:
    """Role policies given by role name point at the role's address; then every role gets the
    statements of the app's policies attached to it."""
    for i, found in enumerate(parts.policies):
        roles = tuple(r for r in (role_id(parts, r) for r in found.roles) if r is not None)
        parts.policies[i] = dataclasses.replace(found, roles=roles)
    for i, existing in enumerate(parts.roles):
        extra: list[PolicyStatement] = []
        for attached in parts.policies:
            if existing.id in attached.roles:
                extra.extend(attached.statements)
        for ref in existing.managed_policies:
            own = next((p for p in parts.policies if p.id == ref.arn and p.managed), None)
            if own is not None and existing.id not in own.roles:
                extra.extend(own.statements)
        if extra:
            parts.roles[i] = dataclasses.replace(
                existing, statements=(*existing.statements, *extra)
            )


BUILDERS = {
    "aws_iam_role": role,
    "aws_iam_policy": policy,
    "aws_iam_role_policy": policy,
    "aws_iam_user_policy": policy,
    "aws_iam_group_policy": policy,
}
LINKERS = {
    "aws_iam_role_policy_attachment": attachment,
    "aws_iam_policy_attachment": attachment,
    "aws_iam_user_policy_attachment": attachment,
    "aws_iam_group_policy_attachment": attachment,
    "aws_iam_role_policy_attachments_exclusive": exclusive_attachments,
}

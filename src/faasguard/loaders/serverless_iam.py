"""Execution roles as the Serverless Framework makes them.

One shared role ``IamRoleLambdaExecution`` from ``provider.iam.role.statements`` (v3) or
``provider.iamRoleStatements`` (v2) for every function without a role of its own; an external
role when ``provider.iam.role`` (or v2 ``provider.role``) is an ARN or a logical id; a role per
function with the ``serverless-iam-roles-per-function`` plugin (``iamRoleStatements`` on the
function, ``iamRoleStatementsInherit`` adding the provider's statements), or ``role`` on the
function.
"""

from __future__ import annotations

from dataclasses import dataclass

from faasguard.loaders.serverless_nodes import (
    Out,
    as_list,
    get_att,
    normalize_function,
    put,
    section,
    truthy,
    ylist,
    ymap,
)
from faasguard.loaders.yamljson import Node, YList, YMap
from faasguard.model import Location

SHARED_ROLE = "IamRoleLambdaExecution"
_BASIC_EXECUTION = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
_VPC_EXECUTION = "arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole"


@dataclass(frozen=True, slots=True)
class ProviderIam:
    """What ``provider`` says about the shared role."""

    statements: YList | None
    managed: YList | None
    boundary: Node
    external: Node  # an ARN / logical id / intrinsic naming a role defined elsewhere
    name: Node
    at: Location
    #: ``custom.serverless-iam-roles-per-function.defaultInherit``
    inherit_by_default: bool = False


def provider_iam(provider: YMap, custom: YMap | None = None) -> ProviderIam:
    iam = section(provider, "iam")
    role = iam.get("role") if iam is not None else provider.get("role")
    role_map = role if isinstance(role, YMap) and not _is_intrinsic(role) else None
    statements = role_map.get("statements") if role_map else provider.get("iamRoleStatements")
    managed = role_map.get("managedPolicies") if role_map else provider.get("iamManagedPolicies")
    boundary = role_map.get("permissionsBoundary") if role_map else None
    boundary = boundary or provider.get("rolePermissionsBoundary")
    at = iam.key_loc("role") if iam is not None and "role" in iam else provider.loc
    return ProviderIam(
        statements=statements if isinstance(statements, YList) else None,
        managed=managed if isinstance(managed, YList) else None,
        boundary=boundary,
        external=role if role is not None and role_map is None else None,
        name=role_map.get("name") if role_map else None,
        at=at,
        inherit_by_default=truthy(_plugin_option(custom, "defaultInherit")),
    )


def _plugin_option(custom: YMap | None, name: str) -> Node:
    options = section(custom, "serverless-iam-roles-per-function") if custom else None
    return options.get(name) if options is not None else None


def function_role(
    out: Out,
    key: str,
    fn: YMap,
    at: Location,
    provider: ProviderIam,
    vpc: bool,
    resource_ids: frozenset[str],
) -> Node:
    """The ``Role`` property of the function (positioned at the key that chose the role, or
    the function's key for the shared role); generates the role it needs."""
    ident = normalize_function(key) + "LambdaFunction"
    if "role" in fn:
        return role_value(fn["role"], fn.key_loc("role"), resource_ids)
    own = fn.get("iamRoleStatements")
    if isinstance(own, YList):
        role_id = normalize_function(key) + "IamRoleLambdaExecution"
        statements = list(own)
        locs = list(own.item_locs)
        inherit = fn.get("iamRoleStatementsInherit", provider.inherit_by_default)
        if truthy(inherit) and provider.statements is not None:
            statements += list(provider.statements)
            locs += list(provider.statements.item_locs)
        merged = YList(own.loc)
        merged.extend(statements)
        merged.item_locs.extend(locs)
        managed = fn.get("iamManagedPolicies")
        _add_role(out, role_id, fn.key_loc("iamRoleStatements"), merged, managed, None, vpc)
        out.owners[role_id] = ident
        return get_att(role_id, "Arn", fn.key_loc("iamRoleStatements"))
    if provider.external is not None:
        return role_value(provider.external, provider.at, resource_ids)
    if SHARED_ROLE not in out.resources:
        _add_role(
            out,
            SHARED_ROLE,
            provider.at,
            provider.statements,
            provider.managed,
            provider.boundary,
            vpc,
        )
        shared = out.resources[SHARED_ROLE]
        props = shared.get("Properties") if isinstance(shared, YMap) else None
        if provider.name is not None and isinstance(props, YMap):
            put(props, "RoleName", provider.name, provider.at)
    elif vpc:
        _add_vpc_policy(out.resources[SHARED_ROLE])
    return get_att(SHARED_ROLE, "Arn", at)


def role_value(node: Node, at: Location, resource_ids: frozenset[str]) -> Node:
    """A role given by name: a logical id of ``resources`` becomes ``GetAtt Id.Arn``."""
    if isinstance(node, str) and node in resource_ids:
        return get_att(node, "Arn", at)
    return node


def _add_role(
    out: Out,
    ident: str,
    at: Location,
    statements: YList | None,
    managed: Node,
    boundary: Node,
    vpc: bool,
) -> None:
    trust = ymap(
        at,
        Version="2012-10-17",
        Statement=ylist(
            at,
            [
                ymap(
                    at,
                    Effect="Allow",
                    Principal=ymap(at, Service=ylist(at, ["lambda.amazonaws.com"])),
                    Action=ylist(at, ["sts:AssumeRole"]),
                )
            ],
        ),
    )
    props = ymap(at, AssumeRolePolicyDocument=trust)
    if statements is not None and len(statements):
        document = ymap(statements.loc, Version="2012-10-17")
        put(document, "Statement", statements, statements.loc)
        policy = ymap(statements.loc, PolicyName=f"{ident}Policy", PolicyDocument=document)
        put(props, "Policies", ylist(statements.loc, [policy]), statements.loc)
    arns = ylist(at, [_BASIC_EXECUTION, *(_VPC_EXECUTION for _ in range(vpc))])
    for item, loc in as_list(managed, at):
        arns.append(item)
        arns.item_locs.append(loc)
    put(props, "ManagedPolicyArns", arns, at)
    put(props, "PermissionsBoundary", boundary, at)
    out.add(ident, "AWS::IAM::Role", at, props)


def _add_vpc_policy(role: Node) -> None:
    props = role.get("Properties") if isinstance(role, YMap) else None
    arns = props.get("ManagedPolicyArns") if isinstance(props, YMap) else None
    if isinstance(arns, YList) and _VPC_EXECUTION not in arns:
        arns.append(_VPC_EXECUTION)
        arns.item_locs.append(arns.loc)


def _is_intrinsic(node: YMap) -> bool:
    return len(node) == 1 and next(iter(node)).startswith(("Fn::", "Ref"))

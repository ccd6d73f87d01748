"""The execution role SAM generates (``<LogicalId>Role``) from ``Policies`` and friends.

Used for functions and state machines. Statement sources name where each grant came from, so a
finding can say "SAM policy template DynamoDBCrudPolicy" rather than "some inline policy".
"""

from __future__ import annotations

from dataclasses import dataclass, field

from faasguard.loaders.cloudformation import Template
from faasguard.loaders.sam_globals import is_intrinsic
from faasguard.loaders.sam_policies import expand_policy_template, is_policy_template
from faasguard.loaders.yamljson import Node, YList, YMap
from faasguard.model import (
    Diagnostic,
    Location,
    ManagedPolicyRef,
    PolicyStatement,
    Principal,
)

AWS_POLICY_PREFIX = "arn:aws:iam::aws:policy/"
BASIC_EXECUTION = AWS_POLICY_PREFIX + "service-role/AWSLambdaBasicExecutionRole"
XRAY_WRITE = AWS_POLICY_PREFIX + "AWSXrayWriteOnlyAccess"
VPC_ACCESS = AWS_POLICY_PREFIX + "service-role/AWSLambdaVPCAccessExecutionRole"


@dataclass(slots=True)
class RoleGrants:
    """What one implicit role collects before it is frozen into a ``Role``."""

    statements: list[PolicyStatement] = field(default_factory=list)
    managed: list[ManagedPolicyRef] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)

    def add_managed(self, arn: str, loc: Location) -> None:
        if all(ref.arn != arn for ref in self.managed):
            self.managed.append(ManagedPolicyRef(arn=arn, location=loc))

    def add_document(self, tpl: Template, document: Node, source: str) -> None:
        self.statements.extend(tpl.statements(document, source))


def trust_statement(service: str, loc: Location) -> PolicyStatement:
    """The trust policy SAM writes for its generated roles."""
    return PolicyStatement(
        actions=("sts:AssumeRole",),
        principals=(Principal(kind="Service", value=service),),
        location=loc,
        source="SAM generated trust policy",
    )


def _managed_arn(name: str) -> str:
    return name if name.startswith("arn:") else AWS_POLICY_PREFIX + name


def _policy_items(policies: Node) -> list[tuple[Node, Location]]:
    """``Policies`` as a list of (item, location); a single string or map counts as one item."""
    if isinstance(policies, YList):
        return [(item, policies.item_loc(i)) for i, item in enumerate(policies)]
    if isinstance(policies, YMap):
        return [(policies, policies.loc)]
    if isinstance(policies, str):
        return [(policies, Location(file="", line=0))]
    return []


def add_policies(tpl: Template, grants: RoleGrants, policies: Node, fallback: Location) -> None:
    """Every form ``Policies`` takes: managed names/ARNs, documents, SAM policy templates."""
    for item, item_loc in _policy_items(policies):
        loc = item_loc if item_loc.line else fallback
        if isinstance(item, str):
            grants.add_managed(_managed_arn(item), loc)
        elif isinstance(item, YMap) and is_intrinsic(item):
            arn = tpl.text(item)
            if arn is not None:
                grants.managed.append(ManagedPolicyRef(arn=arn, location=loc))
        elif isinstance(item, YMap) and "Statement" in item:
            grants.add_document(tpl, item, "inline policy in Policies")
        elif isinstance(item, YMap) and len(item) == 1:
            _add_template(tpl, grants, item, loc)
        else:
            grants.diagnostics.append(
                Diagnostic(code="FG002", message="unrecognised entry in Policies", location=loc)
            )


def _add_template(tpl: Template, grants: RoleGrants, item: YMap, loc: Location) -> None:
    name = next(iter(item))
    if not is_policy_template(name):
        grants.diagnostics.append(
            Diagnostic(code="FG002", message=f"unknown SAM policy template {name}", location=loc)
        )
        return
    document, missing = expand_policy_template(name, item[name], item.key_loc(name))
    if missing:
        grants.diagnostics.append(
            Diagnostic(
                code="FG002",
                message=f"SAM policy template {name} lacks parameter(s) {', '.join(missing)}",
                location=loc,
            )
        )
    grants.add_document(tpl, document, f"SAM policy template {name}")

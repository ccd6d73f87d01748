"""Small helpers every plain-CloudFormation resource builder shares."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from faasguard.loaders.cfn_template import Template
from faasguard.loaders.yamljson import Node, YList, YMap
from faasguard.model import Encryption, Framework, Location, Ref, Text


@dataclass(frozen=True, slots=True)
class Source:
    """One resource of the template, as the builders see it."""

    ident: str
    type: str
    props: YMap
    framework: Framework


def base(tpl: Template, src: Source, mapping: dict[str, str]) -> dict[str, Any]:
    """The ``Resource`` fields every model object shares (``assumptions`` is added last)."""
    return {
        "id": src.ident,
        "type": src.type,
        "location": tpl.location(src.ident),
        "framework": src.framework,
        "condition": tpl.condition_of(src.ident),
        "ignores": tpl.ignores(src.ident),
        "field_locations": tpl.field_locations(src.props, mapping),
    }


def sub(tpl: Template, node: YMap | None, key: str) -> YMap | None:
    """A nested mapping property (``Fn::If`` applied), None when absent or not a mapping."""
    if node is None:
        return None
    found = tpl.pick(node.get(key))
    if found is not None and not isinstance(found, YMap):
        tpl.diagnose(node.key_loc(key), f"{key} is not a mapping; it is ignored")
        return None
    return found


def items(tpl: Template, node: Node) -> list[tuple[Node, Location]]:
    """The items of a list property with their locations (a single value is a list of one)."""
    found = tpl.pick(node)
    if isinstance(found, YList):
        return [(tpl.pick(item), found.item_loc(i)) for i, item in enumerate(found)]
    if found is None:
        return []
    return [(found, found.loc if isinstance(found, YMap) else Location(file=tpl.file))]


def flag(tpl: Template, node: Node) -> bool | Ref | None:
    """A boolean property: CloudFormation accepts true/false and the strings "true"/"false"."""
    value = tpl.value(node)
    if isinstance(value, bool | Ref) or value is None:
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    return None


def targets(tpl: Template, node: Node) -> tuple[Text, ...]:
    """Each item of a list as a logical id when it points at a resource, else its value."""
    found = (tpl.target(item) for item, _ in items(tpl, node))
    return tuple(t for t in found if t is not None)


def key_encryption(tpl: Template, key: Node, at: Location | None) -> Encryption:
    """Encryption with a KMS key: an ``aws/*`` alias is an AWS managed key ("service")."""
    value = tpl.target(key)
    if isinstance(value, str) and is_aws_managed_alias(value):
        return Encryption(kind="service", key=value, location=at)
    return Encryption(kind="kms", key=value, location=at)


def is_aws_managed_alias(key: str) -> bool:
    return key.startswith("alias/aws/") or ":alias/aws/" in key

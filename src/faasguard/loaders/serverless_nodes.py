"""Building the CloudFormation Serverless generates, as document nodes that keep the positions of
the serverless.yml keys they come from, and Serverless's logical-id naming."""

from __future__ import annotations

import re

from faasguard.loaders.yamljson import Node, YList, YMap
from faasguard.model import Location

_NOT_ALNUM = re.compile(r"[^0-9A-Za-z]")


class Out:
    """The ``Resources`` section being generated, and what the entry module links afterwards."""

    def __init__(self, file: str) -> None:
        self.resources = YMap(Location(file=file, line=1))
        #: generated resource id -> the function it was generated for
        self.owners: dict[str, str] = {}
        #: function logical id -> its handler's directory, relative to serverless.yml
        self.code_dirs: dict[str, str] = {}

    def add(
        self, ident: str, cfn_type: str, at: Location, props: YMap, owner: str | None = None
    ) -> YMap:
        """Add (or replace) one generated resource; its position is the key it comes from.

        ``owner``: the function whose event or setting it was generated for (its
        ``generated_from``, as SAM's generated resources have)."""
        if owner is not None:
            self.owners[ident] = owner
        resource = YMap(at)
        put(resource, "Type", cfn_type, at)
        put(resource, "Properties", props, at)
        self.resources[ident] = resource
        self.resources.key_locs[ident] = at
        return props


def put(target: YMap, key: str, value: Node, at: Location) -> None:
    """Set ``key`` (absent values are left out, as Serverless leaves them out)."""
    if value is None:
        return
    target[key] = value
    target.key_locs[key] = at


def ymap(at: Location, **entries: Node) -> YMap:
    found = YMap(at)
    for key, value in entries.items():
        put(found, key, value, at)
    return found


def ylist(at: Location, items: list[Node]) -> YList:
    found = YList(at)
    for item in items:
        found.append(item)
        found.item_locs.append(item.loc if isinstance(item, YMap | YList) else at)
    return found


def get_att(ident: str, attribute: str, at: Location) -> YMap:
    return ymap(at, **{"Fn::GetAtt": ylist(at, [ident, attribute])})


def ref(ident: str, at: Location) -> YMap:
    return ymap(at, Ref=ident)


def section(node: Node, key: str) -> YMap | None:
    found = node.get(key) if isinstance(node, YMap) else None
    return found if isinstance(found, YMap) else None


def key_at(node: YMap | None, key: str, default: Location) -> Location:
    return node.key_loc(key) if node is not None and key in node else default


def as_list(node: Node, at: Location | None = None) -> list[tuple[Node, Location]]:
    """Items of a list with their positions; a single value is a list of one (at ``at``)."""
    if isinstance(node, YList):
        return [(item, node.item_loc(i)) for i, item in enumerate(node)]
    if node is None:
        return []
    return [(node, node.loc if isinstance(node, YMap) else at or Location(file=""))]


def truthy(node: Node) -> bool:
    return node is True or (isinstance(node, str) and node.lower() == "true")


# --- Serverless's naming (lib/plugins/aws/lib/naming.js) ------------------------------------


def normalize_name(name: str) -> str:
    return name[:1].upper() + name[1:]


def normalize_function(name: str) -> str:
    """``create-order`` -> ``CreateDashorder``, as Serverless names function resources."""
    return normalize_name(name.replace("-", "Dash").replace("_", "Underscore"))


def alnum(name: str) -> str:
    return normalize_name(_NOT_ALNUM.sub("", name))


def normalize_path(path: str) -> str:
    """``/orders/{id}`` -> ``OrdersIdVar`` (API Gateway resource names)."""
    parts = [p for p in path.strip("/").split("/") if p]
    return "".join(normalize_name(_path_part(p)) for p in parts)


def _path_part(part: str) -> str:
    part = part.replace("+", "Plus").replace("-", "Dash")
    part = re.sub(r"\{(.*)\}", r"\1Var", part)
    return _NOT_ALNUM.sub("", part)

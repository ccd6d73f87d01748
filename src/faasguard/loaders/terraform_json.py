"""Terraform's JSON syntax (``*.tf.json``) into the same blocks the HCL reader gives.

In JSON a nested object may be an attribute (a map) or a nested block; we cannot tell without
the provider schema, so an object is kept as both: an attribute and a block of the same name.
Strings are templates (``"${var.x}"``).
"""

from __future__ import annotations

from faasguard.loaders.jsonpos import loads_json
from faasguard.loaders.nodes import LoadError, Node, YList, YMap
from faasguard.loaders.terraform_hcl import (
    Attribute,
    Block,
    Expr,
    HclError,
    Lit,
    ObjectExpr,
    TupleExpr,
    template_of,
)

#: top-level block types and how many labels they take in JSON nesting
_LABELS = {"resource": 2, "data": 2, "variable": 1, "module": 1, "output": 1, "locals": 0}


def parse_json_file(text: str, display: str) -> list[Block]:
    try:
        root, _ = loads_json(text, display)
    except LoadError as exc:
        raise HclError(exc.message, exc.location.line) from None
    if not isinstance(root, YMap):
        raise HclError("a .tf.json file must hold an object", 1)
    blocks: list[Block] = []
    for kind, body in root.items():
        labels = _LABELS.get(kind)
        if labels is None:
            continue
        _labelled(blocks, kind, (), body, labels, display, root.key_loc(kind).line)
    return blocks


def _labelled(
    out: list[Block],
    kind: str,
    labels: tuple[str, ...],
    node: Node,
    left: int,
    file: str,
    line: int,
) -> None:
    if left == 0:
        for item in node if isinstance(node, YList) else [node]:
            if isinstance(item, YMap):
                out.append(_block(kind, labels, item, file, item.loc.line or line))
        return
    if isinstance(node, YMap):
        for name, inner in node.items():
            _labelled(out, kind, (*labels, name), inner, left - 1, file, node.key_loc(name).line)


def _block(kind: str, labels: tuple[str, ...], body: YMap, file: str, line: int) -> Block:
    block = Block(type=kind, labels=labels, line=line, file=file)
    for name, value in body.items():
        at = body.key_loc(name).line
        block.attributes[name] = Attribute(name, _expr(value, at), at)
        items = value if isinstance(value, YList) else [value]
        for item in items:
            if isinstance(item, YMap):
                block.blocks.append(_block(name, (), item, file, item.loc.line or at))
    return block


def _expr(node: Node, line: int) -> Expr:
    if isinstance(node, YMap):
        items = tuple(
            (k, _expr(v, node.key_loc(k).line), node.key_loc(k).line) for k, v in node.items()
        )
        return ObjectExpr(items=items, line=node.loc.line or line)
    if isinstance(node, YList):
        return TupleExpr(
            items=tuple(_expr(v, node.item_loc(i).line) for i, v in enumerate(node)), line=line
        )
    if isinstance(node, str):
        return template_of(node, line) if "${" in node else Lit(value=node, line=line)
    return Lit(value=node, line=line)

"""The values intrinsic functions evaluate to, and how partly known strings are written."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeAlias

from faasguard.loaders.yamljson import YList, YMap
from faasguard.model import Ref


class NoValue:
    """``AWS::NoValue``: the property it sets counts as absent."""

    def __repr__(self) -> str:
        return "NO_VALUE"


NO_VALUE = NoValue()

#: what resolving a node can give: a scalar, a Ref, a list (Split, list parameters), a plain
#: mapping (left as it is), or NO_VALUE
Resolved: TypeAlias = (
    "str | int | float | bool | None | Ref | YMap | YList | list[Resolved] | NoValue"
)


def is_intrinsic(node: object) -> bool:
    """True for a one-key mapping naming an intrinsic function (``Ref``/``Fn::*``)."""
    if not isinstance(node, YMap) or len(node) != 1:
        return False
    key = next(iter(node))
    return key == "Ref" or key.startswith("Fn::")


def scalar_text(value: object) -> str | None:
    """How CloudFormation turns a resolved scalar into a string; None when it is not one."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str | int | float):
        return str(value)
    return None


def placeholder(ref: Ref) -> str:
    """How a symbolic part shows inside a partly resolved string."""
    if not ref.text.startswith("!"):
        return ref.text  # already a partly resolved string
    if ref.target is not None:
        return "${" + ref.target + (f".{ref.attribute}" if ref.attribute else "") + "}"
    return "${" + ref.text[1:] + "}"


def compose(
    pieces: list[str | Ref], is_resource: Callable[[str | None], bool] = lambda _: False
) -> str | Ref:
    """Join string pieces; symbolic pieces make the result a ``Ref`` showing what is known.

    Its ``target`` is the first resource of the template among the symbolic pieces.
    """
    parts = [p for p in pieces if p != ""]
    refs = [p for p in parts if isinstance(p, Ref)]
    if not refs:
        return "".join(str(p) for p in parts)
    if len(parts) == 1:
        return refs[0]
    text = "".join(p if isinstance(p, str) else placeholder(p) for p in parts)
    return Ref(text=text, target=next((r.target for r in refs if is_resource(r.target)), None))


def symbolic(value: Resolved) -> bool:
    if isinstance(value, list):
        return any(symbolic(v) for v in value)
    return isinstance(value, Ref | YMap | YList | NoValue)


def normal(value: Resolved) -> object:
    if isinstance(value, list):
        return tuple(normal(v) for v in value)
    return scalar_text(value)

"""How resource builders read one Terraform block: typed values with their locations."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from faasguard.loaders.terraform_eval import (
    Context,
    Encoded,
    LineDict,
    LineList,
    evaluate,
    string_of,
)
from faasguard.loaders.terraform_hcl import Block, Lit, Template, Traversal
from faasguard.loaders.terraform_module import Instance
from faasguard.model import Framework, Location, Ref, Text


@dataclass(slots=True)
class Body:
    """One block of an instance (the resource itself or a nested block) read in its context."""

    block: Block
    ctx: Context

    @property
    def loc(self) -> Location:
        return Location(file=self.block.file, line=self.block.line)

    def has(self, name: str) -> bool:
        return name in self.block.attributes or bool(self.block.children(name))

    def value(self, name: str) -> Any:
        attr = self.block.attributes.get(name)
        return None if attr is None else evaluate(attr.expr, self.ctx)

    def at(self, name: str) -> Location:
        """Line of attribute (or nested block) ``name``; the block's line when absent."""
        attr = self.block.attributes.get(name)
        if attr is not None:
            return Location(file=self.block.file, line=attr.line)
        inner = self.block.children(name)
        return Location(file=self.block.file, line=inner[0].line) if inner else self.loc

    def text(self, name: str) -> Text | None:
        return as_text(self.value(name))

    def texts(self, name: str) -> tuple[Text, ...]:
        return as_texts(self.value(name))

    def target(self, name: str) -> Text | None:
        return as_target(self.value(name))

    def targets(self, name: str) -> tuple[Text, ...]:
        value = self.value(name)
        items = value if isinstance(value, list) else ([] if value is None else [value])
        found = (as_target(v) for v in items)
        return tuple(t for t in found if t is not None)

    def flag(self, name: str) -> bool | Ref | None:
        return as_flag(self.value(name))

    def number(self, name: str) -> int | float | Ref | None:
        value = self.value(name)
        if isinstance(value, int | float | Ref) and not isinstance(value, bool):
            return value
        if isinstance(value, str):
            try:
                return float(value) if "." in value else int(value)
            except ValueError:
                return None
        return None

    def blocks(self, name: str) -> list[Body]:
        """Nested blocks ``name`` (``dynamic`` blocks read once, their iterator unknown)."""
        found = [Body(b, self.ctx) for b in self.block.children(name)]
        for dynamic in self.block.children("dynamic"):
            content = dynamic.children("content")
            if dynamic.labels == (name,) and content:
                bindings = {**self.ctx.bindings, name: Ref(text=f"{name}.value")}
                found.append(Body(content[0], Context(module=self.ctx.module, bindings=bindings)))
        return found

    def block_(self, name: str) -> Body | None:
        found = self.blocks(name)
        return found[0] if found else None

    def path(self, dotted: str) -> Any:
        """``a.b`` = attribute ``b`` of nested block ``a``."""
        head, _, rest = dotted.partition(".")
        if not rest:
            inner = None if head in self.block.attributes else self.block_(head)
            return inner if inner is not None else self.value(head)
        inner = self.block_(head)
        return inner.path(rest) if inner is not None else None

    def path_at(self, dotted: str) -> Location:
        head, _, rest = dotted.partition(".")
        inner = self.block_(head) if rest else None
        return inner.path_at(rest) if inner is not None else self.at(head)

    def raw_reference(self, name: str) -> str | None:
        """The address a bare reference attribute names (``role = aws_iam_role.x.arn``)."""
        attr = self.block.attributes.get(name)
        if attr is None or not isinstance(attr.expr, Traversal):
            return None
        return attr.expr.root

    def is_literal(self, name: str) -> bool:
        """Written out in the file (no reference, variable or function in it)."""
        attr = self.block.attributes.get(name)
        if attr is None:
            return False
        expr = attr.expr
        return isinstance(expr, Lit) or (
            isinstance(expr, Template) and all(isinstance(p, str) for p in expr.parts)
        )


def as_text(value: Any) -> Text | None:
    if value is None:
        return None
    if isinstance(value, Ref):
        return value
    if isinstance(value, list | dict):
        return Ref(text=str(string_of(value)))
    text = string_of(value)
    return text


def as_texts(value: Any) -> tuple[Text, ...]:
    if isinstance(value, list):
        found = (as_text(v) for v in value if not isinstance(v, list | dict))
        return tuple(t for t in found if t is not None)
    single = as_text(value)
    return () if single is None else (single,)


def as_target(value: Any) -> Text | None:
    """The address a reference points at when it is a whole reference, else the value."""
    if isinstance(value, Ref) and value.target and "${" not in value.text:
        return value.target
    return as_text(value)


def as_flag(value: Any) -> bool | Ref | None:
    if isinstance(value, bool | Ref) or value is None:
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    return None


def lines_of(value: Any) -> dict[str, int] | list[int]:
    if isinstance(value, LineDict):
        return value.lines
    if isinstance(value, LineList):
        return value.lines
    return {}


def decoded(value: Any) -> Any:
    """A policy document given as ``jsonencode(...)``, a JSON string, or data."""
    if isinstance(value, Encoded):
        return value.value
    if isinstance(value, str):
        import json

        try:
            return json.loads(value)
        except ValueError:
            return None
    return value


def base(inst: Instance, body: Body, fields: dict[str, str]) -> dict[str, Any]:
    """The ``Resource`` fields every model object shares (``assumptions`` is added last)."""
    located = tuple(
        (name, body.path_at(path)) for name, path in fields.items() if body.path(path) is not None
    )
    return {
        "id": inst.address,
        "type": inst.type,
        "location": body.loc,
        "framework": Framework.TERRAFORM,
        "field_locations": located,
    }


def take_notes(body: Body) -> tuple[str, ...]:
    """Notes on variable defaults used since the last call (attach them to the resource)."""
    notes = tuple(body.ctx.module.notes)
    body.ctx.module.notes.clear()
    return notes

"""Terraform expressions into values: variables, locals, interpolation, common functions, refs.

A value is a str/int/float/bool/None, a list, a dict, an ``Encoded`` (``jsonencode`` result kept
as data so policy documents stay structured) or a ``Ref`` when it is decided at apply time
(resource attributes, variables without a value, functions we do not evaluate). Evaluation is
bounded: a budget of steps per value and a depth limit; a cycle between locals is a diagnostic.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from faasguard.limits import MAX_DEPTH
from faasguard.loaders.terraform_hcl import (
    Call,
    Conditional,
    Expr,
    Lit,
    ObjectExpr,
    Opaque,
    Operation,
    Template,
    Traversal,
    TupleExpr,
)
from faasguard.model import Ref

#: most expression nodes evaluated for one top-level value (templatefile recursion included)
MAX_STEPS = 20_000


class LineDict(dict[str, Any]):
    """An evaluated object that remembers the line of each key."""

    lines: dict[str, int]


class LineList(list[Any]):
    """An evaluated tuple that remembers the line of each item."""

    lines: list[int]


@dataclass(frozen=True, slots=True)
class Encoded:
    """``jsonencode(value)``: a JSON string whose structure we keep."""

    value: Any

    def text(self) -> str:
        return json.dumps(plain(self.value), separators=(",", ":"))


def plain(value: Any) -> Any:
    """A JSON-able copy: ``Ref``s become their ``${...}`` text."""
    if isinstance(value, Ref):
        return "${" + value.text + "}" if "${" not in value.text else value.text
    if isinstance(value, Encoded):
        return value.text()
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


class EvalBudget(Exception):
    """Raised when one value needs more steps than ``MAX_STEPS``."""


@dataclass(slots=True)
class Module:
    """What expressions of one module can refer to (shared by all of its resources)."""

    prefix: str  # "" for the root, "module.x." for a called module
    directory: str  # absolute path of the module directory
    display: str  # display path of the module directory
    variables: dict[str, Any]
    locals: dict[str, Expr]
    #: resource type -> names defined in this module (managed resources only)
    resources: dict[str, set[str]]
    read_file: Callable[[str], str | None]  # absolute path -> text, None when not readable
    outputs: Callable[[str, str], Any] = lambda module, output: None  # child module outputs
    notes: list[str] = field(default_factory=list)
    #: variable name -> note recorded whenever an expression reads its default
    variable_notes: dict[str, str] = field(default_factory=dict)
    problems: list[tuple[str, str, int]] = field(default_factory=list)  # (file, message, line)
    #: local name -> display path of the file that defines it (where its problems are shown)
    local_files: dict[str, str] = field(default_factory=dict)
    _local_values: dict[str, Any] = field(default_factory=dict)
    _local_notes: dict[str, tuple[str, ...]] = field(default_factory=dict)
    _in_progress: set[str] = field(default_factory=set)


@dataclass(slots=True)
class Context:
    module: Module
    #: ``each.key``/``each.value``/``count.index`` and templatefile variables
    bindings: dict[str, Any] = field(default_factory=dict)
    steps: int = 0


def evaluate(expr: Expr, ctx: Context, depth: int = 0) -> Any:
    """The value of one expression; never raises for bad input (unknown → ``Ref``)."""
    try:
        return eval_node(expr, ctx, depth)
    except EvalBudget:
        return Ref(text=source_text(expr))
    except (TypeError, ValueError, KeyError, IndexError, ZeroDivisionError, RecursionError):
        return Ref(text=source_text(expr))


def eval_node(expr: Expr, ctx: Context, depth: int) -> Any:
    """``evaluate`` without the safety net (for functions that evaluate their own arguments)."""
    ctx.steps += 1
    if ctx.steps > MAX_STEPS or depth > MAX_DEPTH:
        raise EvalBudget
    match expr:
        case Lit(value=value):
            return value
        case Template(parts=parts):
            return _template(parts, ctx, depth)
        case TupleExpr(items=items):
            found = LineList(eval_node(i, ctx, depth + 1) for i in items)
            found.lines = [i.line for i in items]
            return found
        case ObjectExpr(items=items):
            return _object(items, ctx, depth)
        case Traversal():
            return _traversal(expr, ctx, depth)
        case Call():
            # imported here: the functions evaluate template files with this module's evaluator
            from faasguard.loaders.terraform_functions import call

            return call(expr, [eval_node(a, ctx, depth + 1) for a in expr.args], ctx, depth)
        case Conditional(test=test, then=then, otherwise=otherwise):
            chosen = eval_node(test, ctx, depth + 1)
            if isinstance(chosen, bool):
                return eval_node(then if chosen else otherwise, ctx, depth + 1)
            return Ref(text=source_text(expr))
        case Operation():
            return _operation(expr, ctx, depth)
        case Opaque(text=text):
            return Ref(text=text)
    return Ref(text=source_text(expr))


def _object(items: tuple[tuple[str | Expr, Expr, int], ...], ctx: Context, depth: int) -> Any:
    found = LineDict()
    found.lines = {}
    for key, value, line in items:
        name = key if isinstance(key, str) else eval_node(key, ctx, depth + 1)
        if not isinstance(name, str | int | float | bool):
            return Ref(text="{...}")
        found[str(name)] = eval_node(value, ctx, depth + 1)
        found.lines[str(name)] = line
    return found


def _template(parts: tuple[str | Expr, ...], ctx: Context, depth: int) -> Any:
    if len(parts) == 1 and not isinstance(parts[0], str):
        return eval_node(parts[0], ctx, depth + 1)  # "${x}" keeps the type of x
    pieces: list[str | Ref] = []
    for part in parts:
        value = part if isinstance(part, str) else eval_node(part, ctx, depth + 1)
        pieces.append(value if isinstance(value, Ref) else string_of(value))
    refs = [p for p in pieces if isinstance(p, Ref)]
    if not refs:
        return "".join(str(p) for p in pieces)
    text = "".join(p if isinstance(p, str) else "${" + p.text + "}" for p in pieces)
    target = next((r.target for r in refs if r.target), None)
    return Ref(text=text, target=target)


def string_of(value: Any) -> str | Ref:
    """How a value is written into a string (``Ref`` stays symbolic)."""
    if isinstance(value, Ref):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, str | int | float):
        return str(value)
    if isinstance(value, Encoded):
        return value.text()
    return Ref(text=json.dumps(plain(value)))


_COMPARE: dict[str, Callable[[Any, Any], Any]] = {
    "==": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
    "&&": lambda a, b: bool(a) and bool(b),
    "||": lambda a, b: bool(a) or bool(b),
    "<": lambda a, b: a < b,
    ">": lambda a, b: a > b,
    "<=": lambda a, b: a <= b,
    ">=": lambda a, b: a >= b,
    "+": lambda a, b: _number(a) + _number(b),
    "-": lambda a, b: _number(a) - _number(b),
    "*": lambda a, b: _number(a) * _number(b),
    "/": lambda a, b: _number(a) / _number(b),
    "%": lambda a, b: _number(a) % _number(b),
}


def _number(value: Any) -> int | float:
    if isinstance(value, bool):
        raise TypeError("not a number")
    if isinstance(value, int | float):
        return value
    text = str(value)
    return float(text) if "." in text else int(text)


def _operation(expr: Operation, ctx: Context, depth: int) -> Any:
    left = eval_node(expr.left, ctx, depth + 1)
    if expr.right is None:
        if isinstance(left, Ref):
            return Ref(text=source_text(expr))
        return (not left) if expr.op == "!" else -_number(left)
    right = eval_node(expr.right, ctx, depth + 1)
    if isinstance(left, Ref) or isinstance(right, Ref):
        return Ref(text=source_text(expr))
    operator = _COMPARE.get(expr.op)
    return operator(left, right) if operator else Ref(text=source_text(expr))


# --- references --------------------------------------------------------------------------

#: attributes of ``data "aws_partition"`` we take as the commercial partition, like CloudFormation
_PARTITION = {"partition": "aws", "dns_suffix": "amazonaws.com"}


def _traversal(expr: Traversal, ctx: Context, depth: int) -> Any:
    root, steps = expr.root, expr.steps
    module = ctx.module
    if root in ctx.bindings and root not in ("each", "count"):
        return _apply(ctx.bindings[root], steps, expr, ctx, depth)
    if root == "var" and steps and isinstance(steps[0], str):
        value = module.variables.get(steps[0], Ref(text=f"var.{steps[0]}"))
        note = module.variable_notes.get(steps[0])
        if note is not None and note not in module.notes:
            module.notes.append(note)
        return _apply(value, steps[1:], expr, ctx, depth)
    if root == "local" and steps and isinstance(steps[0], str):
        return _apply(_local(steps[0], ctx, depth), steps[1:], expr, ctx, depth)
    if root in ("each", "count") and steps and isinstance(steps[0], str):
        key = f"{root}.{steps[0]}"
        value = ctx.bindings.get(key, Ref(text=key))
        return _apply(value, steps[1:], expr, ctx, depth)
    if root == "path" and steps and steps[0] in ("module", "root", "cwd"):
        return _apply(module.display, steps[1:], expr, ctx, depth)
    if root == "module" and len(steps) >= 2 and all(isinstance(s, str) for s in steps[:2]):
        value = module.outputs(str(steps[0]), str(steps[1]))
        return _apply(value, steps[2:], expr, ctx, depth)
    if (
        root == "data"
        and len(steps) >= 3
        and steps[0] == "aws_partition"
        and steps[2] in _PARTITION
    ):
        return _PARTITION[str(steps[2])]  # as CloudFormation's AWS::Partition / AWS::URLSuffix
    if root == "data" and len(steps) >= 2:
        return _resource_ref(f"data.{steps[0]}", steps[1:], expr, ctx, depth)
    if root in module.resources and steps and isinstance(steps[0], str):
        return _resource_ref(root, steps, expr, ctx, depth)
    return Ref(text=source_text(expr))


def _resource_ref(
    kind: str, steps: tuple[str | Expr, ...], expr: Traversal, ctx: Context, depth: int
) -> Ref:
    name = steps[0]
    address = f"{ctx.module.prefix}{kind}.{name}"
    rest = steps[1:]
    if rest and not isinstance(rest[0], str):
        key = eval_node(rest[0], ctx, depth + 1)
        if isinstance(key, str | int) and not isinstance(key, bool):
            address += f"[{json.dumps(key)}]"
            rest = rest[1:]
    attribute = ".".join(s for s in rest if isinstance(s, str)) or None
    return Ref(text=source_text(expr), target=address, attribute=attribute)


def _local(name: str, ctx: Context, depth: int) -> Any:
    module = ctx.module
    if name in module._local_values:
        for note in module._local_notes.get(name, ()):  # every reader gets the local's notes
            if note not in module.notes:
                module.notes.append(note)
        return module._local_values[name]
    expr = module.locals.get(name)
    if expr is None:
        return Ref(text=f"local.{name}")
    if name in module._in_progress:
        message = f"local.{name} refers to itself (a reference cycle)"
        file = module.local_files.get(name, module.display)
        module.problems.append((file, message, expr.line))
        return Ref(text=f"local.{name}")
    module._in_progress.add(name)
    before = len(module.notes)
    try:
        value = eval_node(expr, Context(module=module, steps=ctx.steps), depth + 1)
    finally:
        module._in_progress.discard(name)
    module._local_values[name] = value
    module._local_notes[name] = tuple(module.notes[before:])
    return value


def _apply(
    value: Any, steps: tuple[str | Expr, ...], expr: Traversal, ctx: Context, depth: int
) -> Any:
    """Attribute and index steps applied to a known value."""
    for step in steps:
        if isinstance(value, Ref):
            return Ref(text=source_text(expr), target=value.target, attribute=value.attribute)
        key = step if isinstance(step, str) else eval_node(step, ctx, depth + 1)
        if isinstance(value, Encoded):
            value = value.text()
        if isinstance(value, dict) and isinstance(key, str | int) and str(key) in value:
            value = value[str(key)]
        elif isinstance(value, list) and isinstance(key, int) and -len(value) <= key < len(value):
            value = value[key]
        else:
            return Ref(text=source_text(expr))
    return value


def source_text(expr: Expr) -> str:
    """How an expression reads in the source (for ``Ref.text`` and messages)."""
    match expr:
        case Lit(value=value):
            return json.dumps(value)
        case Traversal(root=root, steps=steps):
            text = root
            for step in steps:
                text += f".{step}" if isinstance(step, str) else f"[{source_text(step)}]"
            return text
        case Template(parts=parts):
            inner = "".join(p if isinstance(p, str) else "${" + source_text(p) + "}" for p in parts)
            return json.dumps(inner) if len(inner) < 200 else '"..."'
        case Call(name=name, args=args):
            return f"{name}({', '.join(source_text(a) for a in args)})"
        case Opaque(text=text):
            return text
        case Operation(op=op, left=left, right=None):
            return f"{op}{source_text(left)}"
        case Operation(op=op, left=left, right=right) if right is not None:
            return f"{source_text(left)} {op} {source_text(right)}"
        case Conditional(test=test):
            return f"{source_text(test)} ? ... : ..."
    return "{...}" if isinstance(expr, ObjectExpr) else "[...]"

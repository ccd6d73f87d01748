"""Terraform files (HCL via python-hcl2) into blocks and expression trees that know their lines.

python-hcl2's dict output drops positions, so we walk its rule tree (built by a Lark parser with
``propagate_positions``) and keep a small expression tree of our own: evaluation lives in
``terraform_eval`` and never sees the parser's classes.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from typing import Any, TypeAlias

import hcl2
from hcl2.rules.abstract import LarkElement, LarkRule, LarkToken
from hcl2.rules.base import AttributeRule, BlockRule, BodyRule
from hcl2.rules.containers import ObjectElemKeyExpressionRule, ObjectRule, TupleRule
from hcl2.rules.expressions import BinaryOpRule, ConditionalRule, ExprTermRule, UnaryOpRule
from hcl2.rules.functions import FunctionCallRule
from hcl2.rules.indexing import GetAttrExprTermRule, IndexExprTermRule, SqbIndexRule
from hcl2.rules.literal_rules import FloatLitRule, IdentifierRule, IntLitRule, LiteralValueRule
from hcl2.rules.strings import HeredocTemplateRule, HeredocTrimTemplateRule, StringRule

from faasguard.limits import MAX_DEPTH


@dataclass(frozen=True, slots=True)
class Lit:
    value: str | int | float | bool | None
    line: int


@dataclass(frozen=True, slots=True)
class Template:
    """A quoted string or heredoc: literal text and ``${...}`` interpolations."""

    parts: tuple[str | Expr, ...]
    line: int


@dataclass(frozen=True, slots=True)
class TupleExpr:
    items: tuple[Expr, ...]
    line: int


@dataclass(frozen=True, slots=True)
class ObjectExpr:
    #: (key, value, line of the key); a key is a name or an expression ``(var.x) = ...``
    items: tuple[tuple[str | Expr, Expr, int], ...]
    line: int


@dataclass(frozen=True, slots=True)
class Traversal:
    """``var.x``, ``aws_iam_role.r["a"].arn``: a root name then attribute names / index exprs."""

    root: str
    steps: tuple[str | Expr, ...]
    line: int


@dataclass(frozen=True, slots=True)
class Call:
    name: str
    args: tuple[Expr, ...]
    line: int


@dataclass(frozen=True, slots=True)
class Conditional:
    test: Expr
    then: Expr
    otherwise: Expr
    line: int


@dataclass(frozen=True, slots=True)
class Operation:
    op: str  # binary operator, or "!"/"-" with ``right`` None for unary ones
    left: Expr
    right: Expr | None
    line: int


@dataclass(frozen=True, slots=True)
class Opaque:
    """An expression we do not evaluate (for-expressions, splats): kept as its source text."""

    text: str
    line: int


Expr: TypeAlias = (
    "Lit | Template | TupleExpr | ObjectExpr | Traversal | Call | Conditional | Operation | Opaque"
)


@dataclass(frozen=True, slots=True)
class Attribute:
    name: str
    expr: Expr
    line: int


@dataclass(slots=True)
class Block:
    type: str
    labels: tuple[str, ...]
    line: int
    file: str  # display path
    attributes: dict[str, Attribute] = field(default_factory=dict)
    blocks: list[Block] = field(default_factory=list)

    def children(self, kind: str) -> list[Block]:
        return [b for b in self.blocks if b.type == kind]


class HclError(Exception):
    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


def parse_file(text: str, display: str) -> list[Block]:
    """Top-level blocks of one ``.tf`` file; ``HclError`` (with a line) when it does not parse."""
    return parse_body(text, display).blocks


def parse_body(text: str, display: str) -> Block:
    """The whole file as one unnamed block (top-level attributes are what ``.tfvars`` hold)."""
    try:
        tree = hcl2.parses(text, discard_comments=True)
    except Exception as exc:  # Lark raises many exception types for bad input
        line = getattr(exc, "line", 0)
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise HclError(f"not valid HCL: {first}", line if isinstance(line, int) else 0) from None
    return _body_blocks(tree.body, display, "", (), 1)[0]


def parse_expression(source: str, line: int) -> Expr:
    """One expression written as text (inside a heredoc or a JSON string)."""
    try:
        tree = hcl2.parses(f"x = {source}\n", discard_comments=True)
    except Exception:
        return Opaque(text=source, line=line)
    for child in tree.body.children:
        if isinstance(child, AttributeRule):
            return _shift(to_expr(child.expression, 0), line - 1)
    return Opaque(text=source, line=line)


def _body_blocks(
    body: BodyRule, display: str, kind: str, labels: tuple[str, ...], line: int
) -> tuple[Block, list[Block]]:
    block = Block(type=kind, labels=labels, line=line, file=display)
    for child in body.children:
        if isinstance(child, AttributeRule):
            name = str(child.identifier.serialize())
            block.attributes[name] = Attribute(name, to_expr(child.expression, 0), _line(child))
        elif isinstance(child, BlockRule):
            names = [_label(lab) for lab in child.labels]
            inner, _ = _body_blocks(child.body, display, names[0], tuple(names[1:]), _line(child))
            block.blocks.append(inner)
    return block, block.blocks


def _label(rule: Any) -> str:
    text = str(rule.serialize())
    return text[1:-1] if len(text) >= 2 and text[0] == text[-1] == '"' else text


def _line(rule: LarkElement) -> int:
    meta = getattr(rule, "_meta", None)
    line = getattr(meta, "line", 0) if meta is not None else 0
    return line if isinstance(line, int) else 0


def _rules(rule: LarkRule) -> list[Any]:
    return [c for c in rule.children if c is not None and not isinstance(c, LarkToken)]


def to_expr(rule: Any, depth: int) -> Expr:
    """Our expression tree for one python-hcl2 expression rule."""
    line = _line(rule)
    if depth > MAX_DEPTH:
        return Opaque(text="...", line=line)
    if isinstance(rule, ExprTermRule):
        inner = _rules(rule)
        return to_expr(inner[0], depth + 1) if inner else Opaque(text="", line=line)
    if isinstance(rule, IntLitRule | FloatLitRule):
        text = str(rule.serialize())
        return Lit(value=int(text) if isinstance(rule, IntLitRule) else float(text), line=line)
    if isinstance(rule, LiteralValueRule):
        word = str(rule.serialize()).lower()
        return Lit(value={"true": True, "false": False}.get(word), line=line)
    if isinstance(rule, StringRule):
        return _string(rule, line, depth)
    if isinstance(rule, HeredocTemplateRule | HeredocTrimTemplateRule):
        return _heredoc(rule, line)
    if isinstance(rule, IdentifierRule):
        return Traversal(root=str(rule.serialize()), steps=(), line=line)
    return _compound(rule, line, depth)


def _compound(rule: Any, line: int, depth: int) -> Expr:
    inner = _rules(rule)
    if isinstance(rule, TupleRule):
        return TupleExpr(items=tuple(to_expr(i, depth + 1) for i in inner), line=line)
    if isinstance(rule, ObjectRule):
        return _object(inner, line, depth)
    if isinstance(rule, FunctionCallRule):
        name = str(inner[0].serialize())
        args = _rules(inner[1]) if len(inner) > 1 else []
        return Call(name=name, args=tuple(to_expr(a, depth + 1) for a in args), line=line)
    if isinstance(rule, GetAttrExprTermRule | IndexExprTermRule):
        return _traversal(rule, inner, line, depth)
    if isinstance(rule, ConditionalRule):
        test, then, otherwise = (to_expr(i, depth + 1) for i in inner[:3])
        return Conditional(test=test, then=then, otherwise=otherwise, line=line)
    if isinstance(rule, BinaryOpRule):
        left = to_expr(inner[0], depth + 1)
        term = _rules(inner[1])
        op = str(term[0].serialize()).strip()
        return Operation(op=op, left=left, right=to_expr(term[1], depth + 1), line=line)
    if isinstance(rule, UnaryOpRule):
        op = str(rule.children[0].serialize()).strip()
        return Operation(op=op, left=to_expr(inner[0], depth + 1), right=None, line=line)
    return Opaque(text=_source(rule), line=line)


def _source(rule: Any) -> str:
    try:
        return str(rule.serialize()).removeprefix("${").removesuffix("}")
    except Exception:  # serialising an odd node must not cost the file
        return type(rule).__name__


def _traversal(rule: Any, inner: list[Any], line: int, depth: int) -> Expr:
    base = to_expr(inner[0], depth + 1)
    if isinstance(rule, GetAttrExprTermRule):
        step: str | Expr = str(_rules(inner[1])[0].serialize())
    else:
        index = inner[1]
        args = _rules(index) if isinstance(index, SqbIndexRule) else []
        step = to_expr(args[0], depth + 1) if args else Opaque(text="?", line=line)
    if isinstance(base, Traversal):
        return Traversal(root=base.root, steps=(*base.steps, step), line=base.line)
    return Opaque(text=_source(rule), line=line)


def _object(inner: list[Any], line: int, depth: int) -> Expr:
    items: list[tuple[str | Expr, Expr, int]] = []
    for elem in inner:
        parts = _rules(elem)
        if len(parts) < 2:
            continue
        key_rule = _rules(parts[0])[0] if _rules(parts[0]) else parts[0]
        key: str | Expr
        if isinstance(parts[0], ObjectElemKeyExpressionRule):
            key = to_expr(key_rule, depth + 1)
        elif isinstance(key_rule, StringRule):
            key = _label(key_rule)
        else:
            key = str(key_rule.serialize())
        items.append((key, to_expr(parts[1], depth + 1), _line(elem)))
    return ObjectExpr(items=tuple(items), line=line)


def _string(rule: StringRule, line: int, depth: int) -> Expr:
    parts: list[str | Expr] = []
    for part in _rules(rule):
        pieces = _rules(part)
        if pieces and type(pieces[0]).__name__ == "InterpolationRule":
            exprs = _rules(pieces[0])
            parts.append(to_expr(exprs[0], depth + 1) if exprs else "")
        else:
            parts.append(_unescape(str(part.serialize())))
    return Template(parts=tuple(parts), line=line)


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}
_ESCAPE = re.compile(r"\\(.)")
_HEREDOC = re.compile(r"^<<(-?)(\w+)\n(.*?)\n?\s*\2\s*$", re.DOTALL)


def _unescape(text: str) -> str:
    return _ESCAPE.sub(lambda m: _ESCAPES.get(m.group(1), m.group(0)), text)


def _heredoc(rule: Any, line: int) -> Expr:
    raw = str(rule.serialize()).strip().strip('"')
    raw = raw.replace("\\n", "\n").replace('\\"', '"')
    match = _HEREDOC.match(raw)
    if not match:
        return Lit(value=raw, line=line)
    body = match.group(3)
    if match.group(1):  # <<- strips the common indentation
        lines = body.split("\n")
        indent = min((len(x) - len(x.lstrip()) for x in lines if x.strip()), default=0)
        body = "\n".join(x[indent:] for x in lines)
    return template_of(body, line + 1)


def template_of(text: str, line: int) -> Template:
    """Split literal text with ``${...}`` interpolations (heredocs, JSON strings)."""
    parts: list[str | Expr] = []
    position = 0
    while (start := text.find("${", position)) >= 0:
        if start > 0 and text[start - 1] == "$":  # $${ is a literal ${
            parts.append(text[position : start - 1] + "${")
            position = start + 2
            continue
        end = _closing_brace(text, start + 2)
        if end < 0:
            break
        parts.append(text[position:start])
        at = line + text.count("\n", 0, start)
        parts.append(parse_expression(text[start + 2 : end], at))
        position = end + 1
    parts.append(text[position:])
    return Template(parts=tuple(p for p in parts if p != ""), line=line)


def _closing_brace(text: str, start: int) -> int:
    depth, quoted = 1, False
    for index in range(start, len(text)):
        char = text[index]
        if char == '"' and text[index - 1] != "\\":
            quoted = not quoted
        elif not quoted and char == "{":
            depth += 1
        elif not quoted and char == "}":
            depth -= 1
            if depth == 0:
                return index
    return -1


def _shift(expr: Expr, offset: int) -> Expr:
    """Lines of an expression parsed on its own, moved to where it sits in the file."""
    return dataclasses.replace(expr, line=expr.line + offset) if offset else expr

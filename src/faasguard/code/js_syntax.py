"""tree-sitter helpers for JavaScript/TypeScript: parsing, node text, string literals, walking."""

from __future__ import annotations

from collections.abc import Iterator

import tree_sitter_javascript
import tree_sitter_typescript
from tree_sitter import Language, Node, Parser

from faasguard.model.values import Location

#: nodes that wrap an expression without changing its value (TypeScript casts, parentheses, await)
TS_WRAPPERS = (
    "parenthesized_expression",
    "as_expression",
    "satisfies_expression",
    "non_null_expression",
    "type_assertion",
    "await_expression",
)


def parse(source: bytes, file: str) -> Node:
    if file.endswith(".tsx"):
        language = Language(tree_sitter_typescript.language_tsx())
    elif file.endswith((".ts", ".mts", ".cts")):
        language = Language(tree_sitter_typescript.language_typescript())
    else:
        language = Language(tree_sitter_javascript.language())
    return Parser(language).parse(source).root_node


def first_error(root: Node) -> Node | None:
    """The first syntax error in a tree, or None."""
    if not root.has_error:
        return None
    stack = [root]
    while stack:
        node = stack.pop()
        if node.type == "ERROR" or node.is_missing:
            return node
        stack.extend(reversed([c for c in node.children if c.has_error or c.is_missing]))
    return root


def text(node: Node | None) -> str:
    return node.text.decode("utf-8", "replace") if node is not None and node.text else ""


def string_value(node: Node) -> str | None:
    """The value of a string literal or a template literal without substitutions, else None."""
    if node.type == "string":
        return "".join(text(c) for c in node.named_children if c.type == "string_fragment")
    if node.type == "template_string" and not any(
        c.type == "template_substitution" for c in node.named_children
    ):
        return "".join(text(c) for c in node.named_children)
    return None


def property_name(node: Node | None) -> str | None:
    """The key of an object-literal pair (``Bucket`` or ``"Bucket"``)."""
    if node is None:
        return None
    return string_value(node) if node.type == "string" else text(node)


def walk(root: Node) -> Iterator[Node]:
    """Named nodes in source order, depth first."""
    stack = [root]
    while stack:
        node = stack.pop()
        yield node
        stack.extend(reversed(node.named_children))


def location(node: Node, file: str) -> Location:
    row, column = node.start_point
    return Location(file=file, line=row + 1, column=column + 1)


def argument(call: Node, index: int) -> Node | None:
    """The ``index``-th argument of a call or ``new`` expression (comments skipped)."""
    args = call.child_by_field_name("arguments")
    named = [a for a in args.named_children if a.type != "comment"] if args is not None else []
    return named[index] if len(named) > index else None


def parameter_names(fn: Node) -> list[str]:
    """Positional parameter names of a function ("" for a destructuring pattern)."""
    single = fn.child_by_field_name("parameter")  # x => ...
    if single is not None:
        return [text(single)]
    params = fn.child_by_field_name("parameters")
    names: list[str] = []
    for param in params.named_children if params is not None else []:
        if param.type in ("required_parameter", "optional_parameter"):
            param = param.child_by_field_name("pattern") or param
        elif param.type == "assignment_pattern":
            param = param.child_by_field_name("left") or param
        names.append(text(param) if param.type == "identifier" else "")
    return names


def inside_call(node: Node, function: str) -> bool:
    """Is ``node`` an argument of a call to something whose name ends with ``function``?"""
    parent = node.parent
    while parent is not None and parent.type in ("arguments", *TS_WRAPPERS):
        parent = parent.parent
    return (
        parent is not None
        and parent.type == "call_expression"
        and text(parent.child_by_field_name("function")).endswith(function)
    )


def template_pieces(node: Node) -> Iterator[str | Node]:
    """Literal text and embedded expressions of a template literal or ``+`` concatenation."""
    if node.type == "template_string":
        for child in node.named_children:
            if child.type == "template_substitution" and child.named_children:
                yield child.named_children[0]
            else:
                yield text(child)
    elif node.type == "binary_expression":
        for side in ("left", "right"):
            part = node.child_by_field_name(side)
            if part is not None:
                yield from template_pieces(part)
    elif node.type == "string":
        yield string_value(node) or ""
    else:
        yield node

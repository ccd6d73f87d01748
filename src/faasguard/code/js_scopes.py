"""JavaScript/TypeScript names: what each name and export of a file is bound to.

Per file and flow-insensitive: every expression ever assigned to a name is kept (imports,
declarations, destructuring, ``this.x =``, ``module.exports``), evaluated later on lookup.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from tree_sitter import Node

from faasguard.code.js_sdk import Obj, default_of
from faasguard.code.js_syntax import string_value, text, walk
from faasguard.code.traced import Str

#: what a name can be bound to: an expression of the file or a value already known
JsBinding = Node | Obj | Str


@dataclass(slots=True, eq=False)  # identity: compared and hashed by object
class JsModule:
    file: str
    root: Node
    names: dict[str, list[JsBinding]] = field(default_factory=dict)
    exports: dict[str, list[JsBinding]] = field(default_factory=dict)


#: (import specifier, importing file) → what importing it gives
PackageOf = Callable[[str, str], Obj]


@dataclass(slots=True)
class NameBinder:
    """Binds the names and exports of one file."""

    package_of: PackageOf

    def bind_module(self, module: JsModule) -> None:
        for node in walk(module.root):
            self._bind(node, module)

    def _bind(self, node: Node, module: JsModule) -> None:
        if node.type == "import_statement":
            self._bind_import(node, module)
        elif node.type == "variable_declarator":
            self._bind_declarator(node, module)
        elif node.type == "assignment_expression":
            _bind_assignment(node, module)
        elif node.type in ("function_declaration", "generator_function_declaration"):
            name = node.child_by_field_name("name")
            module.names.setdefault(text(name), []).append(node)
            if node.parent and node.parent.type == "export_statement":
                module.exports.setdefault(text(name), []).append(node)
        elif node.type == "export_statement":
            value = node.child_by_field_name("value") or node.child_by_field_name("declaration")
            if value is not None and any(c.type == "default" for c in node.children):
                module.exports.setdefault("default", []).append(value)

    def _bind_declarator(self, node: Node, module: JsModule) -> None:
        name, value = node.child_by_field_name("name"), node.child_by_field_name("value")
        if name is None or value is None:
            return
        _bind_pattern(name, value, module)
        declaration = node.parent
        if declaration and declaration.parent and declaration.parent.type == "export_statement":
            module.exports.setdefault(text(name), []).append(value)

    def _bind_import(self, node: Node, module: JsModule) -> None:
        clause = next((c for c in node.named_children if c.type == "import_require_clause"), None)
        if clause is not None:  # TypeScript: import S3 = require("aws-sdk/clients/s3")
            source = clause.child_by_field_name("source")
            package = string_value(source) if source is not None else None
            if package is not None and clause.named_children:
                origin = default_of(self.package_of(package, module.file))
                module.names.setdefault(text(clause.named_children[0]), []).append(origin)
            return
        source = node.child_by_field_name("source")
        package = string_value(source) if source is not None else None
        clause = next((c for c in node.named_children if c.type == "import_clause"), None)
        if package is None or clause is None:
            return
        origin = self.package_of(package, module.file)
        for part in clause.named_children:
            _bind_import_part(part, origin, module)


def _bind_import_part(part: Node, origin: Obj, module: JsModule) -> None:
    """One part of an import clause: default, ``* as ns`` or ``{ a, b as c }``."""
    if part.type == "identifier":  # default import
        module.names.setdefault(text(part), []).append(default_of(origin))
    elif part.type == "namespace_import":
        ident = next((c for c in part.named_children if c.type == "identifier"), None)
        module.names.setdefault(text(ident), []).append(origin)
    elif part.type == "named_imports":
        for spec in part.named_children:
            name = spec.child_by_field_name("name")
            alias = spec.child_by_field_name("alias") or name
            member = Obj("member", name=text(name), target=origin)
            module.names.setdefault(text(alias), []).append(member)


def _bind_pattern(pattern: Node, value: JsBinding, module: JsModule) -> None:
    """``const x = v`` or ``const { a, b: c } = v`` (each key a member of ``v``)."""
    if pattern.type == "identifier":
        module.names.setdefault(text(pattern), []).append(value)
        return
    if pattern.type != "object_pattern":
        return
    for part in pattern.named_children:
        if part.type == "shorthand_property_identifier_pattern":
            key, local = text(part), text(part)
        elif part.type == "pair_pattern":
            key = text(part.child_by_field_name("key"))
            local = text(part.child_by_field_name("value"))
        else:
            continue
        module.names.setdefault(local, []).append(Obj("member", name=key, target=value))


def _bind_assignment(node: Node, module: JsModule) -> None:
    left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
    if left is None or right is None:
        return
    target = text(left)
    if left.type == "identifier" or target.startswith("this."):
        module.names.setdefault(target, []).append(right)
    elif target == "module.exports":
        module.exports.setdefault("default", []).append(right)
    elif target.startswith(("module.exports.", "exports.")):
        module.exports.setdefault(target.rsplit(".", 1)[1], []).append(right)

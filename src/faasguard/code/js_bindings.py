"""Tracing JavaScript/TypeScript values: what SDK object or string an expression can hold, the
parameter object a call is given, and which arguments local functions receive."""

from __future__ import annotations

from functools import partial

from tree_sitter import Node

from faasguard.code.js_scopes import JsBinding, JsModule, PackageOf
from faasguard.code.js_sdk import Obj, construct, default_of, member_of
from faasguard.code.js_syntax import (
    TS_WRAPPERS,
    argument,
    parameter_names,
    property_name,
    string_value,
    template_pieces,
    text,
    walk,
)
from faasguard.code.traced import UNKNOWN_STR, Str, fold_template

MAX_EVAL_DEPTH = 30

#: values that cannot name a resource (``Item: {...}``, ``Limit: 10``)
_NOT_STRINGS = frozenset(
    {"object", "array", "number", "true", "false", "null", "arrow_function", "function_expression"}
)
_FUNCTIONS = ("function_declaration", "arrow_function", "function_expression", "function")

Value = Obj | Str


class JsValueTracer:
    """Evaluates expressions of the analysed files (cycles and over-deep chains are cut)."""

    def __init__(self, package_of: PackageOf) -> None:
        self._package_of = package_of
        self._active: set[tuple[int, int]] = set()

    def value_of(self, value: JsBinding, module: JsModule, depth: int) -> list[Value]:
        if isinstance(value, Str):
            return [value]
        if isinstance(value, Obj):
            return self._obj_value(value, module, depth)
        key = (id(module), value.id)
        if depth > MAX_EVAL_DEPTH or key in self._active:
            return []
        self._active.add(key)
        try:
            return list(dict.fromkeys(self._evaluate(value, module, depth)))
        finally:
            self._active.discard(key)

    def lookup(self, name: str, module: JsModule, depth: int) -> list[Value]:
        return [r for v in module.names.get(name, []) for r in self.value_of(v, module, depth + 1)]

    def _obj_value(self, value: Obj, module: JsModule, depth: int) -> list[Value]:
        """A bound object: a member of something (destructured, imported) or an argument."""
        if value.kind == "member":
            base = value.target
            if isinstance(base, Node) and text(base) == "process.env":
                return [Str(env_var=value.name)]
            owners = (
                self.value_of(base, module, depth + 1) if isinstance(base, Node | Obj | Str) else []
            )
            return [
                r for o in owners if isinstance(o, Obj) for r in self._attr(o, value.name, depth)
            ]
        if value.kind == "arg" and isinstance(value.target, tuple):
            node, caller = value.target  # an argument, evaluated where it was passed
            return self.value_of(node, caller, depth + 1)
        return [value]

    def _evaluate(self, node: Node, module: JsModule, depth: int) -> list[Value]:
        kind = node.type
        if kind in TS_WRAPPERS:
            inner = node.named_children[0] if node.named_children else None
            return self.value_of(inner, module, depth) if inner is not None else []
        if kind == "identifier":
            return self.lookup(text(node), module, depth)
        if kind in ("string", "template_string") or (
            kind == "binary_expression" and text(node.child_by_field_name("operator")) == "+"
        ):
            return [self._template(node, module)]
        if kind in ("binary_expression", "ternary_expression"):  # a || b, a ?? b, c ? a : b
            return self._either(node, module, depth)
        if kind in ("member_expression", "subscript_expression"):
            return self._member(node, module, depth)
        if kind == "new_expression":
            ctor = node.child_by_field_name("constructor")
            owners = self.value_of(ctor, module, depth) if ctor is not None else []
            made = [construct(o, (node, module)) for o in owners if isinstance(o, Obj)]
            return [m for m in made if m.kind != "none"]
        if kind == "call_expression":
            return self._call_value(node, module, depth)
        if kind in _FUNCTIONS:
            return [Obj("function", name=str(node.id), target=(node, module))]
        return []

    def _either(self, node: Node, module: JsModule, depth: int) -> list[Value]:
        if node.type == "binary_expression":
            parts = [node.child_by_field_name("left"), node.child_by_field_name("right")]
        else:
            parts = [
                node.child_by_field_name("consequence"),
                node.child_by_field_name("alternative"),
            ]
        return [r for p in parts if p is not None for r in self.value_of(p, module, depth)]

    def _member(self, node: Node, module: JsModule, depth: int) -> list[Value]:
        obj = node.child_by_field_name("object")
        prop = node.child_by_field_name("property") or node.child_by_field_name("index")
        if obj is None or prop is None:
            return []
        name = text(prop) if prop.type == "property_identifier" else string_value(prop)
        if text(obj) == "process.env":
            return [
                Str(env_var=name) if name else Str(note="environment variable with a computed name")
            ]
        if obj.type == "this" and name:
            return self.lookup("this." + name, module, depth)
        owners = self.value_of(obj, module, depth)
        if name is None:  # AWS[computed]: a client of a service chosen at run time
            computed: list[Value] = [Obj("v2class", None, "a service name from a variable")]
            return computed if any(isinstance(o, Obj) and o.kind == "v2ns" for o in owners) else []
        return [r for o in owners if isinstance(o, Obj) for r in self._attr(o, name, depth)]

    def _call_value(self, node: Node, module: JsModule, depth: int) -> list[Value]:
        func = node.child_by_field_name("function")
        args = node.child_by_field_name("arguments")
        if func is None:
            return []
        if text(func) == "require" and args is not None and args.named_children:
            package = string_value(args.named_children[0])
            return [default_of(self._package_of(package, module.file))] if package else []
        out: list[Value] = []
        for fn in self.value_of(func, module, depth):
            if isinstance(fn, Obj) and fn.kind == "docfrom":
                out.append(Obj(fn.name, "dynamodb"))
            elif isinstance(fn, Obj) and fn.kind == "function" and isinstance(fn.target, tuple):
                out.extend(self._returns(fn.target[0], fn.target[1], depth))
        return out

    def _returns(self, fn: Node, module: JsModule, depth: int) -> list[Value]:
        body = fn.child_by_field_name("body")
        if body is None:
            return []
        if body.type != "statement_block":
            return self.value_of(body, module, depth)
        returns = [n for n in walk(body) if n.type == "return_statement" and n.named_children]
        return [r for n in returns for r in self.value_of(n.named_children[0], module, depth)]

    def _attr(self, obj: Obj, name: str, depth: int) -> list[Value]:
        if obj.kind == "jsmodule" and isinstance(obj.target, JsModule):
            mod = obj.target
            return [r for v in mod.exports.get(name, []) for r in self.value_of(v, mod, depth + 1)]
        if obj.kind == "jsdefault" and isinstance(obj.target, JsModule):
            return self._default_attr(obj.target, name, depth)
        attr = member_of(obj, name)
        return [attr] if attr.kind != "none" else []

    def _default_attr(self, mod: JsModule, name: str, depth: int) -> list[Value]:
        """``name`` of a module's default export (``module.exports = {...}``, export default)."""
        out: list[Value] = []
        for value in mod.exports.get("default", []):
            if isinstance(value, Node) and value.type == "object":
                out.extend(self._object_property(value, name, mod, depth))
                continue
            for owner in self.value_of(value, mod, depth + 1):
                if isinstance(owner, Obj):
                    out.extend(self._attr(owner, name, depth + 1))
        return out + self._attr(Obj("jsmodule", target=mod), name, depth)

    def _object_property(self, obj: Node, name: str, module: JsModule, depth: int) -> list[Value]:
        for pair in obj.named_children:
            if pair.type == "shorthand_property_identifier" and text(pair) == name:
                return self.lookup(name, module, depth)
            if pair.type == "pair" and property_name(pair.child_by_field_name("key")) == name:
                value = pair.child_by_field_name("value")
                return self.value_of(value, module, depth + 1) if value is not None else []
        return []

    # -- strings and parameter objects ----------------------------------------------------------
    def first_str(self, node: Node | None, module: JsModule) -> Str:
        """The one string an expression holds (several different ones: noted, not chosen)."""
        if node is None:
            return UNKNOWN_STR
        values = [v for v in self.value_of(node, module, 0) if isinstance(v, Str)]
        known = list(
            dict.fromkeys(v for v in values if v.literal is not None or v.env_var or v.template)
        )
        if len(known) == 1:
            return known[0]
        if known:
            return Str(note="one of several values")
        return UNKNOWN_STR

    def _template(self, node: Node, module: JsModule) -> Str:
        literal = string_value(node)
        if literal is not None:
            return Str(literal=literal)
        return fold_template(template_pieces(node), partial(self.first_str, module=module))

    def params_node(
        self, node: Node | None, module: JsModule, key: str | None = None
    ) -> Node | None:
        """The object literal a parameter expression stands for (following one variable), or the
        one its ``key`` property holds."""
        for _ in range(3):
            if node is not None and node.type in TS_WRAPPERS and node.named_children:
                node = node.named_children[0]
            elif node is not None and node.type == "identifier":
                values = [v for v in module.names.get(text(node), []) if isinstance(v, Node)]
                node = values[0] if len(values) == 1 else None
        if node is None or node.type != "object":
            return None
        if key is None:
            return node
        for pair in node.named_children:
            if pair.type == "pair" and property_name(pair.child_by_field_name("key")) == key:
                return self.params_node(pair.child_by_field_name("value"), module)
        return None

    def params(self, node: Node | None, module: JsModule) -> dict[str, Str]:
        """The string-valued properties of a call's parameter object."""
        obj = self.params_node(node, module)
        out: dict[str, Str] = {}
        for pair in obj.named_children if obj is not None else []:
            if pair.type == "pair":
                key = property_name(pair.child_by_field_name("key"))
                value = pair.child_by_field_name("value")
                if key and value is not None and value.type not in _NOT_STRINGS:
                    out[key] = self.first_str(value, module)
            elif pair.type == "shorthand_property_identifier":
                values = [v for v in self.lookup(text(pair), module, 0) if isinstance(v, Str)]
                out[text(pair)] = values[0] if len(values) == 1 else UNKNOWN_STR
        return out

    def bound_params(self, recv: Obj) -> dict[str, Str]:
        """aws-sdk v2 ``new AWS.S3({ params: { Bucket } })``: defaults for every call."""
        if recv.kind not in ("v2client", "v2doc") or not isinstance(recv.target, tuple):
            return {}
        new, module = recv.target
        return self.params(self.params_node(argument(new, 0), module, "params"), module)

    # -- arguments of local functions -----------------------------------------------------------
    def bind_arguments(self, modules: list[JsModule]) -> None:
        """Bind the parameters of local functions to the arguments the analysed files pass
        (``save(doc)`` → ``function save(db) { db.put(...) }``); two rounds for pass-through."""
        for _ in range(2):
            for module in modules:
                for node in walk(module.root):
                    if node.type == "call_expression":
                        self._bind_call(node, module)

    def _bind_call(self, node: Node, module: JsModule) -> None:
        func = node.child_by_field_name("function")
        args = node.child_by_field_name("arguments")
        if func is None or args is None or text(func) == "require":
            return
        values = [a for a in args.named_children if a.type != "comment"]
        for fn in self.value_of(func, module, 0):
            if not (isinstance(fn, Obj) and fn.kind == "function" and isinstance(fn.target, tuple)):
                continue
            target, owner = fn.target
            for param, value in zip(parameter_names(target), values, strict=False):
                if not param:
                    continue
                bound = owner.names.setdefault(param, [])
                arg = Obj("arg", name=str(value.id), target=(value, module))
                if arg not in bound:
                    bound.append(arg)

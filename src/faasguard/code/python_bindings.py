"""Tracing Python values: what SDK object or string a name or expression can hold.

Lazy and memoised: a name's bound expressions are evaluated on lookup, cycles and over-deep
chains are cut, and a result computed below a cut is not memoised (it may be partial).
"""

from __future__ import annotations

import ast
from functools import partial

from faasguard.code.powertools import PT_PROVIDERS
from faasguard.code.python_clients import Obj, attr_of, new_resource
from faasguard.code.python_scopes import (
    Binding,
    LocalFunction,
    PyModule,
    Scope,
    as_scope,
    bind_parameters,
    calls_with_scopes,
    definitions,
)
from faasguard.code.traced import UNKNOWN_STR, Str, fold_template, show

#: deepest chain of lazy evaluations (name → expression → name ...) before giving up
MAX_EVAL_DEPTH = 40

#: values that cannot name a resource (``Item={...}``): not traced into a ResourceArg
_CONTAINERS = (ast.Dict, ast.List, ast.Tuple, ast.Set, ast.ListComp, ast.DictComp, ast.SetComp)

Value = Obj | Str


class ValueTracer:
    """Evaluates expressions of the analysed modules to the SDK objects and strings they hold."""

    def __init__(self) -> None:
        self._active: set[tuple[int, int]] = set()
        #: values already computed, by (expression, scope); cleared when bindings are added
        self._memo: dict[tuple[int, int], list[Value]] = {}
        self._cuts = 0

    def lookup(self, name: str, scope: Scope | None, depth: int) -> list[Value]:
        while scope is not None:
            if name in scope.defs:
                out: list[Value] = []
                for value, where in scope.defs[name]:
                    out.extend(self.value_of(value, where, depth + 1))
                return _dedup(out)
            scope = scope.parent
        return []

    def value_of(self, value: Binding, scope: Scope, depth: int) -> list[Value]:
        if isinstance(value, Obj | Str):
            return [value]
        key = (id(value), id(scope))
        if key in self._memo:
            return self._memo[key]
        if depth > MAX_EVAL_DEPTH or key in self._active:
            self._cuts += 1  # a result computed below this point is partial: do not memoise it
            return []
        self._active.add(key)
        cuts = self._cuts
        try:
            found = _dedup(self._evaluate(value, scope, depth))
        finally:
            self._active.discard(key)
        if cuts == self._cuts:
            self._memo[key] = found
        return found

    def objects(self, node: ast.expr, scope: Scope, depth: int = 0) -> list[Obj]:
        """The SDK objects (not strings) an expression can hold."""
        return [o for o in self.value_of(node, scope, depth) if isinstance(o, Obj)]

    def _evaluate(self, node: ast.expr, scope: Scope, depth: int) -> list[Value]:
        ev = self.value_of
        match node:
            case ast.Constant(value=str() as text):
                return [Str(literal=text)]
            case ast.Name(id=name):
                return self.lookup(name, scope, depth)
            case ast.Attribute(value=ast.Name(id="self" | "cls"), attr=attr):
                return self.lookup("self." + attr, scope.module.scope, depth)
            case ast.Attribute(value=inner, attr=attr):
                return [
                    r for o in self.objects(inner, scope, depth) for r in self._attr(o, attr, depth)
                ]
            case ast.Subscript(value=inner, slice=index):
                if any(_is_environ(o) for o in ev(inner, scope, depth)):
                    return [_env_str(ev(index, scope, depth))]
                return []
            case ast.Call():
                return self._call_result(node, scope, depth)
            case ast.Await(value=inner):
                return ev(inner, scope, depth)
            case ast.IfExp(body=a, orelse=b) | ast.BoolOp(values=[a, b]):
                return ev(a, scope, depth) + ev(b, scope, depth)
            case ast.JoinedStr() | ast.BinOp(op=ast.Add()) | ast.BinOp(op=ast.Mod()):
                trace = partial(self.first_str, scope=scope, depth=depth)
                return [fold_template(_template_pieces(node), trace)]
        return []

    def _attr(self, obj: Obj, attr: str, depth: int) -> list[Value]:
        if obj.kind == "attr":  # `from .helpers import db`: db's value in that module, then .attr
            return [r for o in self.attr_targets(obj, depth) for r in self._attr(o, attr, depth)]
        if obj.kind == "module" and obj.name == "local":
            return self.lookup(attr, as_scope(obj.target), depth)
        return [attr_of(obj, attr)]

    def attr_targets(self, fn: Obj, depth: int) -> list[Obj]:
        """What a name imported from a local module (an ``attr`` object) is bound to there."""
        return [o for o in self.lookup(fn.name, as_scope(fn.target), depth) if isinstance(o, Obj)]

    def _call_result(self, call: ast.Call, scope: Scope, depth: int) -> list[Value]:
        out: list[Value] = []
        for fn in self.objects(call.func, scope, depth):
            out.extend(self._apply(fn, call, scope, depth))
        return out

    def _apply(self, fn: Obj, call: ast.Call, scope: Scope, depth: int) -> list[Value]:
        """What calling ``fn`` returns."""
        if fn.kind == "factory":
            return self._factory_result(fn, call, scope, depth)
        if fn.kind == "function" and isinstance(fn.target, LocalFunction):
            returns = [
                n.value for n in ast.walk(fn.target.node) if isinstance(n, ast.Return) and n.value
            ]
            return [o for r in returns for o in self.value_of(r, fn.target.scope, depth)]
        if fn.kind == "method" and isinstance(fn.target, Obj):
            return self._method_result(fn.target, fn.name, call, scope, depth)
        if fn.kind == "attr":
            return [
                r for o in self.attr_targets(fn, depth) for r in self._apply(o, call, scope, depth)
            ]
        return []

    def _factory_result(self, fn: Obj, call: ast.Call, scope: Scope, depth: int) -> list[Value]:
        sdk = fn.sdk
        if fn.name in ("client", "resource"):
            service = self._service_arg(call, scope, depth)
            kind = "client" if fn.name == "client" else "sres"
            if service.literal is not None:
                return [Obj(kind, service=service.literal, sdk=sdk)]
            return [Obj(kind, service=None, sdk=sdk, note="service name from a variable")]
        if fn.name == "session":
            return [Obj("session", sdk=sdk)]
        if fn.name[3:] in PT_PROVIDERS:
            table = keyword(call, "table_name")
            ids = (("TableName", self.first_str(table, scope, depth)),) if table else ()
            return [Obj("provider", fn.name[3:], sdk="powertools", ids=ids)]
        if fn.name in ("getenv", "environ.get"):
            return [_env_str(self.value_of(call.args[0], scope, depth))] if call.args else []
        return []

    def _method_result(
        self, recv: Obj, name: str, call: ast.Call, scope: Scope, depth: int
    ) -> list[Value]:
        if recv.kind == "session" and name in ("client", "resource", "create_client"):
            kind = "client" if name == "create_client" else name
            return self._apply(Obj("factory", kind, sdk=recv.sdk), call, scope, depth)
        if recv.kind == "client" and name in ("get_paginator", "get_waiter") and call.args:
            kind = "pager" if name == "get_paginator" else "waiter"
            op_name = self.first_str(call.args[0], scope, depth).literal or ""
            return [Obj(kind, op_name, service=recv.service, sdk=recv.sdk)]
        if recv.kind == "resource" and name == "batch_writer":  # its methods are one batch call
            return [Obj("writer", service=recv.service, sdk=recv.sdk)]
        if recv.kind in ("sres", "resource") and recv.service and name[:1].isupper():
            args = [self.first_str(a, scope, depth) for a in call.args]
            return [new_resource(recv, name, args)]
        if recv.kind == "coll" and name in ("all", "filter", "limit", "page_size"):
            return [Obj("coll", recv.name, recv.service, recv.sdk, recv.ids, "listed")]
        return []

    # -- strings ----------------------------------------------------------------------------
    def first_str(self, node: ast.expr, scope: Scope, depth: int = 0) -> Str:
        """The one string an expression holds; several different ones are listed in a note."""
        values = [v for v in self.value_of(node, scope, depth) if isinstance(v, Str)]
        known = [v for v in values if v.literal is not None or v.env_var or v.template]
        if not known:
            return UNKNOWN_STR
        if len(set(known)) > 1:
            return Str(note="one of several values: " + ", ".join(sorted({show(v) for v in known})))
        return known[0]

    def _service_arg(self, call: ast.Call, scope: Scope, depth: int) -> Str:
        node = call.args[0] if call.args else keyword(call, "service_name")
        return UNKNOWN_STR if node is None else self.first_str(node, scope, depth)

    def kwargs(self, call: ast.Call, scope: Scope) -> dict[str, Str]:
        """The string-valued keyword arguments of a call (``**params`` of a dict literal too)."""
        out: dict[str, Str] = {}
        for kw in call.keywords:
            if kw.arg is None:  # **params: the keys of a dict literal the name holds
                out.update(self._dict_items(kw.value, scope))
            elif not _not_a_string(kw.value):
                out[kw.arg] = self.first_str(kw.value, scope)
        params = keyword(call, "Params")  # generate_presigned_url(..., Params={...})
        if params is not None:
            out.update(self._dict_items(params, scope))
        return out

    def positional(self, call: ast.Call, scope: Scope) -> list[Str]:
        return [self.first_str(a, scope) for a in call.args]

    def _dict_items(self, node: ast.expr, scope: Scope) -> dict[str, Str]:
        """String-keyed entries of a dict literal, written inline or held by a local name."""
        if isinstance(node, ast.Name):
            held = [v for v, _ in definitions(node.id, scope) if isinstance(v, ast.Dict | ast.Call)]
            node = held[0] if len(held) == 1 else node
        out: dict[str, Str] = {}
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "dict"
        ):
            out = {kw.arg: self.first_str(kw.value, scope) for kw in node.keywords if kw.arg}
        elif isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values, strict=False):
                name = key.value if isinstance(key, ast.Constant) else None
                if isinstance(name, str) and not _not_a_string(value):
                    out[name] = self.first_str(value, scope)
        return out

    # -- inter-procedural argument binding ----------------------------------------------------
    def bind_arguments(self, modules: list[PyModule]) -> None:
        """Bind the parameters of local functions to the arguments the analysed files pass.

        Two rounds, so a client passed on through a second function is still followed."""
        for _ in range(2):
            self._memo.clear()
            self._bind_round(modules)
        self._memo.clear()

    def _bind_round(self, modules: list[PyModule]) -> None:
        for module in modules:
            for node, scope in calls_with_scopes(module):
                for fn in self.objects(node.func, scope):
                    targets = self.attr_targets(fn, 0) if fn.kind == "attr" else [fn]
                    for target in targets:
                        if target.kind == "function" and isinstance(target.target, LocalFunction):
                            bind_parameters(target.target, node, scope)


def keyword(call: ast.Call, name: str) -> ast.expr | None:
    return next((kw.value for kw in call.keywords if kw.arg == name), None)


def _not_a_string(node: ast.expr) -> bool:
    """A value that cannot name a resource (``Item={...}``, ``Limit=10``): not a ResourceArg."""
    if isinstance(node, ast.Constant):
        return not isinstance(node.value, str)
    return isinstance(node, _CONTAINERS)


def _template_pieces(node: ast.expr) -> list[str | ast.expr]:
    """Literal text and embedded expressions of an f-string or ``+`` concatenation, in order."""
    if isinstance(node, ast.JoinedStr):
        return [
            value.value if isinstance(value, ast.FormattedValue) else str(value.value)
            for value in node.values
            if isinstance(value, ast.FormattedValue | ast.Constant)
        ]
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _template_pieces(node.left) + _template_pieces(node.right)
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    return [node]


def _dedup(values: list[Value]) -> list[Value]:
    """Distinct values in first-seen order (equality, not hashing: output order is stable)."""
    seen: list[Value] = []
    for value in values:
        if value not in seen:
            seen.append(value)
    return seen


def _is_environ(value: Value) -> bool:
    return isinstance(value, Obj) and value.kind == "environ"


def _env_str(values: list[Value]) -> Str:
    names = {v.literal for v in values if isinstance(v, Str) and v.literal is not None}
    if len(names) == 1:
        return Str(env_var=names.pop())
    return Str(note="environment variable with a computed name")
